"""TF 1.15 control flow: cond, case, while_loop (with gradients), map_fn, scan, TensorArray,
control_dependencies, py_func, assign ops."""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *


def main():
    flag = tf.placeholder(tf.bool, [])
    v = tf.placeholder(tf.float32, [])
    picked = tf.cond(flag, lambda: v * 10.0, lambda: v - 10.0)
    case = tf.case([(tf.less(v, 0.0), lambda: tf.constant(-1)), (tf.greater(v, 5.0), lambda: tf.constant(1))],
                   default=lambda: tf.constant(0), exclusive=True)

    x = tf.Variable(1.5)
    i0 = tf.constant(0)
    _, powered = tf.while_loop(lambda i, acc: i < 4, lambda i, acc: (i + 1, acc * x), [i0, tf.constant(1.0)])
    grad = tf.gradients(powered, x)[0]

    squares = tf.map_fn(lambda t: t * t, tf.range(5, dtype=tf.float32))
    running = tf.scan(lambda acc, t: acc + t, tf.range(1, 6))
    ta = tf.TensorArray(tf.float32, size=3)
    ta = tf.while_loop(lambda k, a: k < 3, lambda k, a: (k + 1, a.write(k, tf.cast(k, tf.float32) * 2.0)),
                       [0, ta])[1]
    stacked = ta.stack()

    counter = tf.Variable(0, name="counter")
    inc = tf.assign_add(counter, 1)
    with tf.control_dependencies([inc]):
        after = tf.identity(counter.read_value())
    sub = tf.assign_sub(counter, 5)
    numpy_sum = tf.py_func(lambda a: np.asarray(a.sum() + 0.5, np.float32), [squares], tf.float32)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        results = {
            "cond_true": float(sess.run(picked, {flag: True, v: 2.0})),
            "cond_false": float(sess.run(picked, {flag: False, v: 2.0})),
            "case": [int(sess.run(case, {v: val})) for val in (-3.0, 2.0, 9.0)],
            "powered": float(sess.run(powered)), "grad": float(sess.run(grad)),
            "squares": sess.run(squares).tolist(), "running": sess.run(running).tolist(),
            "stacked": sess.run(stacked).tolist(),
            "after": [int(sess.run(after)) for _ in range(3)], "sub": int(sess.run(sub)),
            "py_func": float(sess.run(numpy_sum)),
            "control_flow_v2": tf.control_flow_v2_enabled(),
        }
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
