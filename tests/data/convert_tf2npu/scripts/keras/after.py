"""Keras training with a custom model class, callbacks, GPU memory set-up and a session reset."""
from npu_bridge.npu_init import *
from npu_bridge.estimator.npu import npu_convert_dropout
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
        pass
    npu_clear_session()
    x = np.random.rand(64, 4).astype("float32")
    y = np.random.randint(0, 3, size=(64,))
    model = Classifier()
    model.compile(optimizer=npu_distributed_optimizer_wrapper(optimizer=keras.optimizers.Adam(1e-3)), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, callbacks=npu_callbacks_append(callbacks_list=[keras.callbacks.TerminateOnNaN()]))


if __name__ == "__main__":
    npu_keras_sess = set_keras_session_npu_config()
    try:
        main()
    finally:
        close_session(npu_keras_sess)
