"""npu_bridge.estimator.npu.npu_dynamic_rnn: DynamicRNN / DynamicGRUV2 / DynamicAUGRU layers."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu import npu_dynamic_rnn as rnn
from npu_bridge.helper import helper
from testsupport import rnn_twins

T, B, I, H = 6, 3, 4, 5


def _x(seed=0):
    return np.random.RandomState(seed).randn(T, B, I).astype(np.float32)


def test_module_constants_and_op_module():
    assert (rnn.DYNAMIC_RNN_UNIDIRECTION, rnn.DYNAMIC_RNN_BIDIRECTION, rnn.DYNAMIC_RNN_REDIRECTIONAL) == (
        "UNIDIRECTIONAL", "BIDIRECTIONAL", "REDIRECTIONAL")
    assert rnn.gen_npu_ops is helper.get_gen_ops()
    assert issubclass(rnn.DynamicRNN, tf.layers.Layer)


def test_dynamic_rnn_returns_eight_time_major_outputs_matching_numpy_lstm():
    x_val = _x()
    with tf.Graph().as_default() as graph:
        layer = rnn.DynamicRNN(H, tf.float32, forget_bias=1.0)
        outs = layer(tf.constant(x_val))
        assert len(outs) == 8
        assert all(o.shape.as_list() == [T, B, H] for o in outs)
        ops = {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
               if "_ascend_op_type" in op.node_def.attr}
        assert ops == {"DynamicRnnV2"}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, w, b = sess.run([list(outs), layer._rnn_w, layer._rnn_b])  # pylint: disable=protected-access
    zeros = np.zeros((1, B, H))
    want = rnn_twins.lstm(x_val.astype(np.float64), w, b, zeros, zeros, forget_bias=1.0)
    for g, wv in zip(got, want):
        np.testing.assert_allclose(g, wv, rtol=1e-5, atol=1e-6)


def test_dynamic_rnn_variables_are_upstreams():
    with tf.Graph().as_default():
        layer = rnn.DynamicRNN(H, tf.float32)
        layer(tf.constant(_x()))
        names = {v.name: v.shape.as_list() for v in layer.variables}
        assert names == {"dynamic_rnn/dynamicrnn/w:0": [I + H, 4 * H], "dynamic_rnn/dynamicrnn/b:0": [4 * H],
                         "dynamic_rnn/dynamicbase/seq_length:0": [B]}
        assert [v.name for v in layer.trainable_variables] == ["dynamic_rnn/dynamicrnn/w:0", "dynamic_rnn/dynamicrnn/b:0"]
        glorot = tf.glorot_uniform_initializer(seed=10)([I + H, 4 * H])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            w, b, want = sess.run([layer.variables[0], layer.variables[1], glorot])
    np.testing.assert_array_equal(w, want)
    assert not b.any()


def test_dynamic_rnn_seq_length_uses_dynamic_rnn_op_and_masks():
    x_val = _x(1)
    lengths = [6, 4, 1]
    with tf.Graph().as_default() as graph:
        layer = rnn.DynamicRNN(H, tf.float32)
        outs = layer(tf.constant(x_val), seq_length=tf.constant(lengths))
        assert "DynamicRnn" in {op.node_def.attr["_ascend_op_type"].s.decode() for op in graph.get_operations()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            (y, h), w = sess.run([outs[:2], layer._rnn_w])  # pylint: disable=protected-access
    zeros = np.zeros((1, B, H))
    want = rnn_twins.lstm(x_val.astype(np.float64), w, np.zeros(4 * H), zeros, zeros, lengths=lengths)
    np.testing.assert_allclose(y, want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, want[1], rtol=1e-5, atol=1e-6)
    assert not y[1:, 2].any()


def test_bidirectional_stacks_forward_and_reversed_runs():
    x_val = _x(2)
    with tf.Graph().as_default():
        layer = rnn.DynamicRNN(H, tf.float32, direction=rnn.DYNAMIC_RNN_BIDIRECTION)
        outs = layer(tf.constant(x_val))
        assert layer._rnn_w.shape.as_list() == [2, I + H, 4 * H]  # pylint: disable=protected-access
        assert all(o.shape.as_list() == [2, T, B, H] for o in outs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y, w = sess.run([outs[0], layer._rnn_w])  # pylint: disable=protected-access
    zeros = np.zeros((1, B, H))
    x64 = x_val.astype(np.float64)
    np.testing.assert_allclose(y[0], rnn_twins.lstm(x64, w[0], np.zeros(4 * H), zeros, zeros)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y[1], rnn_twins.lstm(x64, w[1], np.zeros(4 * H), zeros, zeros, reverse=True)[0],
                               rtol=1e-5, atol=1e-6)


def test_invalid_direction_is_refused():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Invalid direction 'SIDEWAYS'.*UNIDIRECTIONAL.*BIDIRECTIONAL"):
            rnn.DynamicRNN(H, tf.float32, direction="SIDEWAYS")(tf.constant(_x()))


def _train(make_layer, steps=60):
    rng = np.random.RandomState(3)
    x_val = rng.randn(T, 8, I).astype(np.float32)
    target = np.tanh(x_val.sum(axis=(0, 2)))[:, None].repeat(H, axis=1).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        outs = make_layer()(tf.constant(x_val))
        loss = tf.reduce_mean((outs[0][-1] - target) ** 2)
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(steps):
                sess.run(train)
            return first, sess.run(loss)


@pytest.mark.parametrize("make_layer", [
    lambda: rnn.DynamicRNN(H, tf.float32, forget_bias=1.0),
    lambda: rnn.DynamicRNN(H, tf.float32, direction=rnn.DYNAMIC_RNN_BIDIRECTION),
    lambda: rnn.DynamicGRUV2(H, tf.float32),
], ids=["lstm", "bilstm", "gru"])
def test_layers_train(make_layer):
    first, last = _train(make_layer)
    assert last < 0.5 * first


def test_gru_layer_matches_numpy_twin_and_has_upstream_variables():
    x_val = _x(4)
    with tf.Graph().as_default():
        layer = rnn.DynamicGRUV2(H, tf.float32, gate_order="rzh")
        outs = layer(tf.constant(x_val), seq_length=tf.constant([6, 6, 3]))
        assert len(outs) == 6
        names = {v.name: v.shape.as_list() for v in layer.variables}
        assert names == {"dynamic_gruv2/dynamicgruv2/weight_input:0": [I, 3 * H],
                         "dynamic_gruv2/dynamicgruv2/weight_hidden:0": [H, 3 * H],
                         "dynamic_gruv2/dynamicgruv2/bias_input:0": [3 * H],
                         "dynamic_gruv2/dynamicgruv2/bias_hidden:0": [3 * H],
                         "dynamic_gruv2/dynamicbase/seq_length:0": [B]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(outs[0])
            wi, wh, bi, bh = sess.run([layer._weight_input, layer._weight_hidden,  # pylint: disable=protected-access
                                       layer._bias_input, layer._bias_hidden])  # pylint: disable=protected-access
    bound = 1.0 / np.sqrt(H)
    assert np.abs(wi).max() <= bound and np.abs(bh).max() <= bound
    want = rnn_twins.gru(x_val, wi, wh, bi, bh, np.zeros((B, H)), "rzh", lengths=[6, 6, 3])
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)


def test_augru_layer_uses_attention():
    x_val = _x(5)
    att = np.random.RandomState(6).rand(T, B).astype(np.float32)
    with tf.Graph().as_default():
        layer = rnn.DynamicAUGRU(H, tf.float32)
        outs = layer(tf.constant(x_val), tf.constant(att))
        assert len(outs) == 7
        assert layer.variables[0].name.startswith("dynamic_augru/dynamicaugru/")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(outs[0])
            wi, wh, bi, bh = sess.run(layer.trainable_variables)
    np.testing.assert_allclose(y, rnn_twins.gru(x_val, wi, wh, bi, bh, np.zeros((B, H)), att=att), rtol=1e-5,
                               atol=1e-6)


def test_unknown_batch_size_works():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [T, None, I])
        outs = rnn.DynamicRNN(H, tf.float32)(x)
        gru = rnn.DynamicGRUV2(H, tf.float32)(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y, g = sess.run([outs[0], gru[0]], {x: np.ones((T, 7, I))})
    assert y.shape == (T, 7, H) and g.shape == (T, 7, H)
