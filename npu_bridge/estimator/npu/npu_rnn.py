"""Upstream ``npu_bridge.estimator.npu.npu_rnn``: a static-unrolled replacement for ``tf.nn.dynamic_rnn``."""
import tensorflow.compat.v1 as tf


def npu_dynamic_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Run ``cell`` over time-major ``inputs`` [T, B, ...] unrolled with ``tf.nn.static_rnn``.

    Returns ``(outputs [T, B, ...], final_state)``.  Unlike ``tf.nn.dynamic_rnn`` the inputs must be
    time-major and T must be known when the graph is built.
    """
    steps = tf.unstack(inputs, axis=0)
    outputs, state = tf.nn.static_rnn(cell, steps, initial_state=initial_state, dtype=dtype,
                                      sequence_length=sequence_length, scope=scope)
    return tf.stack(outputs, axis=0), state
