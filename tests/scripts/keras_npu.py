"""Keras training in the style the migration guide shows for Ascend (TF 1.15 + npu_bridge).

Session set-up through ``set_keras_session_npu_config`` (as convert_tf2npu inserts it), a tf.keras
model trained with ``fit`` on generated data, then ``close_session``.
"""
import json

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *


def make_data(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 8).astype("float32")
    w = rng.randn(8, 1).astype("float32")
    y = (x @ w > 0).astype("float32")
    return x, y


def main():
    npu_keras_sess = set_keras_session_npu_config()
    keras_sess = tf.keras.backend.get_session()
    custom = [c for c in keras_sess._config.graph_options.rewrite_options.custom_optimizers if c.name == "NpuOptimizer"]

    x, y = make_data()
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(16, activation="relu", input_shape=(8,)),
        tf.keras.layers.Dropout(0.1),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    first = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0, callbacks=npu_callbacks_append())
    last = model.evaluate(x, y, verbose=0)
    close_session(npu_keras_sess)
    print("RESULT " + json.dumps({
        "loss_before": float(first[0]),
        "loss_after": float(last[0]),
        "accuracy_after": float(last[1]),
        "epochs": len(history.history["loss"]),
        "same_session": keras_sess is npu_keras_sess,
        "npu_optimizer_entries": len(custom),
    }))


if __name__ == "__main__":
    main()
