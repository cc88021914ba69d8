"""One training graph run on the emulated device under each NpuOptimizer precision_mode.

For every mode (``--modes`` comma list, default all legal ones) a session with that mode trains
``--steps`` Sess.run steps; the device session's mean emulated step time and device task time per step are
recorded next to what ``ascend_sim.analyze`` gives for the same fetches and mode (the cost model asked
directly, without the runtime). Prints ``RESULT {json}``: {mode: {...}} or {mode: {"error": ...}}.
"""
import argparse
import json

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
from npu_bridge._runtime import device_session

import ascend_sim
from ascend_sim.options import PRECISION_MODES

BATCH, WIDTH = 128, 512


def session_config(mode):
    config = tf.ConfigProto()
    custom_op = config.graph_options.rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    custom_op.parameter_map["enable_data_pre_proc"].b = True
    custom_op.parameter_map["precision_mode"].s = tf.compat.as_bytes(mode)
    return config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default=",".join(PRECISION_MODES))
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    x_data = rng.randn(1024, 64).astype("float32")
    y_data = rng.randn(1024, 1).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((x_data, y_data)).repeat().batch(BATCH, drop_remainder=True)
    iterator = dataset.make_initializable_iterator()
    x, y = iterator.get_next()
    hidden = tf.layers.dense(x, WIDTH, activation=tf.nn.relu)
    hidden = tf.layers.dense(hidden, WIDTH, activation=tf.nn.relu)
    loss = tf.losses.mean_squared_error(y, tf.layers.dense(hidden, 1))
    train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss, global_step=tf.train.get_or_create_global_step())
    init = [tf.global_variables_initializer(), iterator.initializer]
    results = {}
    for mode in args.modes.split(","):
        try:
            with tf.Session(config=session_config(mode)) as sess:
                sess.run(init)
                losses = [float(sess.run([train_op, loss])[1]) for _ in range(args.steps)]
                state = device_session.state_of(sess)
                stats = state.ledger.step_stats()
                profile = state.profile()
            expected = ascend_sim.analyze(tf.get_default_graph(), fetches=[train_op.name, loss.name],
                                          options=state.options)
            results[mode] = {
                "step_time_ms": stats["step_time_ms"],
                "device_task_ms": sum(t.duration_us for t in profile.device_tasks) / len(profile.steps) / 1e3,
                "analyze_step_time_ms": expected.step_time_us() / 1e3,
                "analyze_device_task_ms": sum(t.duration_us for t in expected.device_tasks) / 1e3,
                "effective": state.options.effective_precision_mode, "losses": losses,
            }
        except Exception as exc:  # noqa: BLE001 - reported per mode
            results[mode] = {"error": f"{type(exc).__name__}: {exc}"}
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
