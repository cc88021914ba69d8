"""Keras on the emulated device, the two ways upstream's migration guide shows.

1. ``fit`` in the Keras session ``set_keras_session_npu_config`` installs (its config asks for
   iterations_per_loop=N: Keras ``fit`` builds no IterationOp, so upstream's device loop does not apply and
   each batch is one Session.run); the device session counts one training step per batch.
2. ``model_to_npu_estimator`` with ``NPURunConfig(iterations_per_loop=N)``: upstream's route to a device
   loop for a Keras model; global_step advances N per Session.run.

Prints ``RESULT {json}``. Options: ``--iterations N``, ``--epochs E``, ``--max-steps M``.
"""
import argparse
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
from npu_bridge._runtime import device_session
from npu_bridge.estimator.npu.keras_to_npu import model_to_npu_estimator

SAMPLES, BATCH = 256, 32


def make_data(seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(SAMPLES, 8).astype("float32")
    w = rng.randn(8, 1).astype("float32")
    y = (x @ w > 0).astype("float32")
    return x, y


def build_model():
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(16, activation="relu", input_shape=(8,), name="hidden"),
        tf.keras.layers.Dense(1, activation="sigmoid", name="out"),
    ])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model


class LoopRecorder(tf.train.SessionRunHook):
    def __init__(self):
        self.steps = []

    def begin(self):
        self._step = tf.train.get_global_step()

    def before_run(self, run_context):
        return tf.train.SessionRunArgs(self._step)

    def after_run(self, run_context, run_values):
        self.steps.append(int(run_values.results))


def keras_fit(args, x, y):
    config = tf.ConfigProto()
    custom_op = config.graph_options.rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    custom_op.parameter_map["iterations_per_loop"].i = args.iterations
    sess = set_keras_session_npu_config(config=config)
    model = build_model()
    before = float(model.evaluate(x, y, batch_size=BATCH, verbose=0))
    state = device_session.state_of(tf.keras.backend.get_session())
    steps_before = state.ledger.steps
    history = model.fit(x, y, batch_size=BATCH, epochs=args.epochs, verbose=0, shuffle=False)
    fit_steps = state.ledger.steps - steps_before
    after = float(model.evaluate(x, y, batch_size=BATCH, verbose=0))
    result = {"loss_before": before, "loss_after": after, "epochs": len(history.history["loss"]),
              "fit_steps": fit_steps, "step_records": len(state.profile().steps),
              "batches": args.epochs * (SAMPLES // BATCH), "step_time_ms": state.ledger.step_stats()["step_time_ms"]}
    close_session(sess)
    return result


def keras_estimator(args, x, y):
    tf.keras.backend.clear_session()
    model = build_model()
    model_dir = os.path.abspath("keras_model")
    config = NPURunConfig(model_dir=model_dir, iterations_per_loop=args.iterations, save_checkpoints_steps=1000)
    estimator = model_to_npu_estimator(keras_model=model, model_dir=model_dir, config=config)

    def input_fn():
        dataset = tf.data.Dataset.from_tensor_slices(({"hidden_input": x}, y))
        return dataset.repeat().batch(BATCH, drop_remainder=True)

    recorder = LoopRecorder()
    estimator.train(input_fn=input_fn, max_steps=args.max_steps, hooks=[recorder])
    return {"run_steps": recorder.steps, "global_step": int(estimator.get_variable_value("global_step"))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=16)
    args = parser.parse_args()
    x, y = make_data()
    result = {"fit": keras_fit(args, x, y), "estimator": keras_estimator(args, x, y), "iterations": args.iterations}
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
