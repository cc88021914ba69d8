"""TF 1.15 Keras in graph mode with the imports migrated scripts use.

``from tensorflow.python.keras ...`` (TF 1.15's path to tf.keras), ``from tensorflow.keras.optimizers
import Adam`` (must be the optimizer that works in graph mode), ``K.set_session`` with the NPU config
(must be the session tf.keras models use).  An LSTM classifies whether a sequence's sum is positive.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *
from tensorflow.keras.optimizers import Adam
from tensorflow.python.keras import backend as K
from tensorflow.python.keras.layers import LSTM, Dense, Input
from tensorflow.python.keras.models import Model


def main():
    tf.set_random_seed(0)
    sess = tf.Session(config=npu_config_proto())
    K.set_session(sess)
    rng = np.random.RandomState(0)
    x = rng.randn(512, 6, 1).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)

    inputs = Input(shape=(6, 1))
    h = LSTM(8)(inputs)
    outputs = Dense(1, activation="sigmoid")(h)
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    first = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    last = model.evaluate(x, y, verbose=0)
    print("RESULT " + json.dumps({
        "loss_first": float(first[0]), "loss_last": float(last[0]), "accuracy": float(last[1]),
        "epochs": len(history.history["loss"]),
        "keras_session_is_ours": tf.keras.backend.get_session() is sess,
        "optimizer_class": type(model.optimizer).__module__ + "." + type(model.optimizer).__name__,
        "lstm_class": LSTM.__module__ + "." + LSTM.__name__,
        "executing_eagerly": tf.executing_eagerly(),
    }))


if __name__ == "__main__":
    main()
