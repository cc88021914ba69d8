"""Keras training with a custom model class, callbacks, GPU memory set-up and a session reset."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(32, activation="relu")
        self.drop = layers.Dropout(0.3)
        self.out = layers.Dense(3, activation="softmax")

    def call(self, x, training=False):
        return self.out(self.drop(self.hidden(x), training=training))


def main():
    for gpu in tf.config.experimental.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    keras.backend.clear_session()
    x = np.random.rand(64, 4).astype("float32")
    y = np.random.randint(0, 3, size=(64,))
    model = Classifier()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, callbacks=[keras.callbacks.TerminateOnNaN()])


if __name__ == "__main__":
    main()
