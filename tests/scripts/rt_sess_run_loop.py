"""Sess.run training on the emulated device, written as upstream's migration guide shows for a device loop.

A tf.data input pipeline (initializable iterator), an NpuOptimizer session config naming
``iterations_per_loop`` and ``enable_data_pre_proc``, and the IterationOp built by
``util.set_iteration_per_loop`` (``--style set``, the default) or ``util.IterationPerLoop`` (``--style
class``). ``--feed`` feeds the learning rate through feed_dict (refused for a device loop).
Prints ``RESULT {json}``: losses and global steps per Session.run, and what the device session counted.

Options: ``--iterations N`` (iterations_per_loop), ``--runs R``, ``--precision MODE``, ``--profile DIR``
(profiling_mode + profiling_options in the parameter_map).
"""
import argparse
import json

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
from npu_bridge._runtime import device_session

BATCH = 32


def make_data(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 16).astype("float32")
    w = rng.randn(16, 1).astype("float32")
    y = (np.tanh(x @ w) + 0.05 * rng.randn(n, 1)).astype("float32")
    return x, y


def session_config(args):
    config = tf.ConfigProto()
    custom_op = config.graph_options.rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    custom_op.parameter_map["use_off_line"].b = True
    custom_op.parameter_map["enable_data_pre_proc"].b = True
    custom_op.parameter_map["iterations_per_loop"].i = args.iterations
    if args.precision:
        custom_op.parameter_map["precision_mode"].s = tf.compat.as_bytes(args.precision)
    if args.profile:
        custom_op.parameter_map["profiling_mode"].b = True
        custom_op.parameter_map["profiling_options"].s = tf.compat.as_bytes(
            json.dumps({"output": args.profile, "training_trace": "on", "task_trace": "on"}))
    config.graph_options.rewrite_options.remapping = RewriterConfig.OFF
    return config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=1)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--precision", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--style", choices=("set", "class"), default="set")
    parser.add_argument("--feed", action="store_true")
    args = parser.parse_args()

    tf.set_random_seed(1)
    x_data, y_data = make_data()
    dataset = tf.data.Dataset.from_tensor_slices((x_data, y_data)).repeat().batch(BATCH, drop_remainder=True)
    iterator = dataset.make_initializable_iterator()
    x, y = iterator.get_next()
    lr = tf.placeholder_with_default(0.05, [], name="lr")
    hidden = tf.layers.dense(x, 64, activation=tf.nn.relu)
    pred = tf.layers.dense(hidden, 1)
    loss = tf.losses.mean_squared_error(y, pred)
    global_step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=global_step)
    loop = util.IterationPerLoop() if args.style == "class" else None
    if loop is not None:
        train_op = loop.create_iteration_per_loop_var(train_op)

    losses, steps = [], []
    with tf.Session(config=session_config(args)) as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer(), iterator.initializer])
        if loop is not None:
            loop.load_iteration_per_loop_var(sess, args.iterations)
        else:
            train_op = util.set_iteration_per_loop(sess, train_op, args.iterations)
        feed = {lr: 0.05} if args.feed else None
        for _ in range(args.runs):
            _, value = sess.run([train_op, loss], feed_dict=feed)
            losses.append(float(value))
            steps.append(int(sess.run(global_step)))
        result = {"losses": losses, "global_steps": steps, "iterations": args.iterations}
        state = device_session.state_of(sess)
        if state is None:           # ASCEND_SIM_NO_DEVICE_RUNTIME=1: plain TensorFlow
            print("RESULT " + json.dumps(result))
            return
        ledger = state.ledger
        profile = state.profile()
        result.update({
            "device_steps": ledger.steps, "device_loops": ledger.loops, "other_runs": ledger.other_runs,
            "step_records": len(profile.steps), "loop_ids": [s.loop_id for s in profile.steps],
            "iteration_ids": [s.iteration_id for s in profile.steps],
            "stats": ledger.step_stats(), "compiles": state.compiles,
            "precision_mode": state.options.effective_precision_mode,
            "iterations_per_loop_in_profile": profile.iterations_per_loop,
        })
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
