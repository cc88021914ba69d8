"""tf.contrib.rnn cells: TF 1.15 math (numpy twins) and variable names."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib
from testsupport import rnn_twins

contrib.install()
rnn = tf.contrib.rnn
T, B, I, H = 5, 3, 4, 6


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        tf.set_random_seed(0)
        yield g


def inputs(time_major=True, seed=0):
    x = np.random.RandomState(seed).randn(T, B, I).astype(np.float32)
    return x if time_major else x.transpose(1, 0, 2)


def names(scope=""):
    return sorted(v.op.name for v in tf.global_variables(scope))


def test_lstm_block_cell_is_the_lstm_math_with_lstm_variable_names(graph):
    x = inputs()
    out, state = tf.nn.dynamic_rnn(rnn.LSTMBlockCell(H, forget_bias=0.7), tf.constant(x), dtype=tf.float32,
                                   time_major=True)
    assert names() == ["rnn/lstm_cell/bias", "rnn/lstm_cell/kernel"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.global_variables("rnn/lstm_cell/bias")[0].assign(np.linspace(-1, 1, 4 * H)))
        y, (c, h), w, b = sess.run([out, state] + tf.global_variables("rnn/lstm_cell/kernel")
                                   + tf.global_variables("rnn/lstm_cell/bias"))
    zeros = np.zeros((B, H))
    twin = rnn_twins.lstm(x.astype(np.float64), w, b, zeros, zeros, forget_bias=0.7)
    np.testing.assert_allclose(y, twin[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c, twin[2][-1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h, twin[1][-1], rtol=1e-4, atol=1e-5)


def test_lstm_block_cell_peepholes_and_clip_match_lstm_cell(graph):
    x = tf.constant(inputs(seed=1) * 3)
    block = rnn.LSTMBlockCell(H, cell_clip=0.5, use_peephole=True)
    reference = tf.nn.rnn_cell.LSTMCell(H, use_peepholes=True, cell_clip=0.5)
    out_block, _ = tf.nn.dynamic_rnn(block, x, dtype=tf.float32, time_major=True, scope="block")
    out_ref, _ = tf.nn.dynamic_rnn(reference, x, dtype=tf.float32, time_major=True, scope="ref")
    assert names("block") == ["block/lstm_cell/bias", "block/lstm_cell/kernel", "block/lstm_cell/w_f_diag",
                              "block/lstm_cell/w_i_diag", "block/lstm_cell/w_o_diag"]
    copy = [dst.assign(src) for src, dst in zip(tf.global_variables("block"), tf.global_variables("ref"))]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(copy)
        a, b = sess.run([out_block, out_ref])
    np.testing.assert_allclose(a, b, rtol=1e-6)
    assert np.abs(a).max() <= np.tanh(0.5) + 1e-6  # |h| <= tanh(cell_clip)


@pytest.mark.parametrize("lengths", [None, [5, 2, 0]])
def test_lstm_block_fused_cell_matches_the_twin(graph, lengths):
    x = inputs(seed=2)
    cell = rnn.LSTMBlockFusedCell(H, forget_bias=1.0)
    c0 = np.random.RandomState(3).randn(B, H).astype(np.float32)
    h0 = np.random.RandomState(4).randn(B, H).astype(np.float32)
    out, (c, h) = cell(tf.constant(x), initial_state=(tf.constant(c0), tf.constant(h0)), sequence_length=lengths)
    assert names() == ["lstm_fused_cell/bias", "lstm_fused_cell/kernel"]
    loss = tf.reduce_sum(tf.square(out))
    grads = tf.gradients(loss, tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.global_variables("lstm_fused_cell/bias")[0].assign(np.linspace(-1, 1, 4 * H)))
        y, c_val, h_val, w, b, g = sess.run([out, c, h, cell.weights[0], cell.weights[1], grads])
    twin = rnn_twins.lstm(x.astype(np.float64), w, b, h0, c0, forget_bias=1.0, lengths=lengths)
    np.testing.assert_allclose(y, twin[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h_val, twin[1][-1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c_val, twin[2][-1], rtol=1e-4, atol=1e-5)
    assert all(np.isfinite(v).all() and np.abs(v).sum() > 0 for v in g)


def test_lstm_block_fused_cell_needs_a_dtype_or_state(graph):
    with pytest.raises(ValueError, match="Either initial_state or dtype needs to be specified"):
        rnn.LSTMBlockFusedCell(H)(tf.constant(inputs()))


@pytest.mark.parametrize("cls, expected", [
    ("GRUBlockCell", ["rnn/gru_cell/b_c", "rnn/gru_cell/b_ru", "rnn/gru_cell/w_c", "rnn/gru_cell/w_ru"]),
    ("GRUBlockCellV2", ["rnn/gru_cell/candidate/bias", "rnn/gru_cell/candidate/kernel",
                        "rnn/gru_cell/gates/bias", "rnn/gru_cell/gates/kernel"]),
])
def test_gru_block_cells_are_gru_math_with_their_variable_names(graph, cls, expected):
    x = tf.constant(inputs(time_major=False, seed=5))
    out, _ = tf.nn.dynamic_rnn(getattr(rnn, cls)(H), x, dtype=tf.float32)
    ref, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(H), x, dtype=tf.float32, scope="ref")
    assert names("rnn/") == expected
    block = {v.op.name[len("rnn/gru_cell/"):]: v for v in tf.global_variables("rnn/")}
    order = ["w_ru", "b_ru", "w_c", "b_c"] if cls == "GRUBlockCell" else [
        "gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"]
    ref_vars = {v.op.name[len("ref/gru_cell/"):]: v for v in tf.global_variables("ref/")}
    copy = [ref_vars[r].assign(block[o]) for o, r in zip(order, ["gates/kernel", "gates/bias", "candidate/kernel",
                                                                  "candidate/bias"])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(block[order[1]]), 1.0)  # gate bias starts at 1
        sess.run(copy)
        a, b = sess.run([out, ref])
    np.testing.assert_allclose(a, b, rtol=1e-6)
    with pytest.raises(ValueError, match="Require num_units"):
        getattr(rnn, cls)()


def layer_norm(v, eps=1e-12):
    return (v - v.mean(-1, keepdims=True)) / np.sqrt(v.var(-1, keepdims=True) + eps)


def test_layer_norm_basic_lstm_cell_one_step_matches_numpy(graph):
    x = np.random.RandomState(6).randn(B, I).astype(np.float32)
    c0 = np.random.RandomState(7).randn(B, H).astype(np.float32)
    h0 = np.random.RandomState(8).randn(B, H).astype(np.float32)
    cell = rnn.LayerNormBasicLSTMCell(H, forget_bias=0.5)
    out, (c, h) = cell(tf.constant(x), rnn.LSTMStateTuple(tf.constant(c0), tf.constant(h0)))
    scoped = sorted(n.split("/", 1)[1] for n in names())
    assert scoped == ["forget/beta", "forget/gamma", "input/beta", "input/gamma", "kernel", "output/beta",
                      "output/gamma", "state/beta", "state/gamma", "transform/beta", "transform/gamma"]
    kernel = [v for v in tf.global_variables() if v.op.name.endswith("/kernel")][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y, c_val, h_val, w = sess.run([out, c, h, kernel])
    gates = np.concatenate([x, h0], 1).astype(np.float64) @ w
    i, j, f, o = (layer_norm(g) for g in np.split(gates, 4, axis=1))
    new_c = layer_norm(c0 * rnn_twins.sigmoid(f + 0.5) + rnn_twins.sigmoid(i) * np.tanh(j))
    new_h = np.tanh(new_c) * rnn_twins.sigmoid(o)
    np.testing.assert_allclose(c_val, new_c, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h_val, new_h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y, h_val)


def test_stack_bidirectional_dynamic_rnn_shapes_and_scopes(graph):
    x = tf.constant(inputs(time_major=False))
    cells_fw = [rnn.LSTMCell(H), rnn.GRUCell(2)]
    cells_bw = [rnn.LSTMCell(H), rnn.GRUCell(3)]
    out, states_fw, states_bw = rnn.stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, x, dtype=tf.float32,
                                                                     sequence_length=[5, 3, 1])
    assert out.shape.as_list() == [B, T, 5]
    assert len(states_fw) == len(states_bw) == 2
    assert any(n.startswith("stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/") for n in names())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y = sess.run(out)
    assert (y[2, 1:] == 0).all() and (y[2, 0] != 0).any()  # outputs past a sequence's length are zero
    with pytest.raises(ValueError, match="same depth"):
        rnn.stack_bidirectional_dynamic_rnn(cells_fw, cells_bw[:1], x, dtype=tf.float32)


def test_stack_bidirectional_rnn_static(graph):
    steps = tf.unstack(tf.constant(inputs()), axis=0)
    outs, fw, bw = rnn.stack_bidirectional_rnn([rnn.GRUCell(2)], [rnn.GRUCell(2)], steps, dtype=tf.float32)
    assert len(outs) == T and outs[0].shape.as_list() == [B, 4] and len(fw) == len(bw) == 1


def test_projection_and_embedding_wrappers(graph):
    ids = tf.constant([[1, 2, 0], [3, 3, 1]])
    cell = rnn.OutputProjectionWrapper(rnn.EmbeddingWrapper(rnn.GRUCell(4), 5, 3), 7)
    out, _ = tf.nn.dynamic_rnn(cell, tf.expand_dims(ids, -1), dtype=tf.float32)
    assert out.shape.as_list() == [2, 3, 7]
    var_names = names()
    assert any(n.endswith("/embedding") for n in var_names) and any(n.endswith("/kernel") for n in var_names)
    projected = rnn.InputProjectionWrapper(rnn.GRUCell(4), num_proj=2)
    out2, _ = tf.nn.dynamic_rnn(projected, tf.constant(inputs(time_major=False)), dtype=tf.float32, scope="p")
    assert out2.shape.as_list() == [B, T, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert np.isfinite(sess.run(out)).all()
