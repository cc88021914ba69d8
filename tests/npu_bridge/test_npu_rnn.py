"""npu_bridge.estimator.npu.npu_rnn.npu_dynamic_rnn: static unrolling equals tf.nn.dynamic_rnn(time_major=True)."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu.npu_rnn import npu_dynamic_rnn


@pytest.mark.parametrize("lengths", [None, [4, 2, 3]])
def test_matches_tf_dynamic_rnn_time_major(lengths):
    x_val = np.random.RandomState(0).randn(4, 3, 5).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.constant(x_val)
        seq = None if lengths is None else tf.constant(lengths)
        cell = tf.nn.rnn_cell.LSTMCell(6, initializer=tf.glorot_uniform_initializer(seed=1))
        outputs, state = npu_dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=seq, scope="rnn")
        assert outputs.shape.as_list() == [4, 3, 6]
        ref_out, ref_state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=seq, time_major=True,
                                               scope="rnn")  # same cell, same variables
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, want = sess.run([(outputs, state), (ref_out, ref_state)])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1].h, want[1].h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1].c, want[1].c, rtol=1e-5, atol=1e-6)


def test_initial_state_and_gradients_flow():
    with tf.Graph().as_default():
        x = tf.ones([3, 2, 4])
        cell = tf.nn.rnn_cell.GRUCell(5)
        init = tf.fill([2, 5], 0.5)
        outputs, state = npu_dynamic_rnn(cell, x, initial_state=init)
        grads = tf.gradients(tf.reduce_sum(outputs), [x, init] + cell.trainable_variables)
        assert all(g is not None for g in grads)
        assert state.shape.as_list() == [2, 5]
