"""npu_bridge._ops.defs_lstm: BasicLSTMCell and DynamicRnn(V2) against numpy twins; their NPU gradients."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper
from testsupport import rnn_twins

gen = helper.get_gen_ops()
T, B, I, H = 5, 3, 4, 6


def _data(seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    return {
        "x": rng.randn(T, B, I).astype(dtype),
        "w": (rng.randn(I + H, 4 * H) * 0.4).astype(dtype),
        "b": (rng.randn(4 * H) * 0.1).astype(dtype),
        "h0": (rng.randn(1, B, H) * 0.3).astype(dtype),
        "c0": (rng.randn(1, B, H) * 0.3).astype(dtype),
    }


def _types(graph):
    return {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr}


def test_basic_lstm_cell_matches_numpy_and_uses_forget_bias():
    d = _data()
    x, h, c = d["x"][0].astype(np.float32), d["h0"][0].astype(np.float32), d["c0"][0].astype(np.float32)
    with tf.Graph().as_default():
        outs = gen.basic_lstm_cell(x, h, c, d["w"].astype(np.float32), d["b"].astype(np.float32), forget_bias=0.7)
        with tf.Session() as sess:
            got = sess.run(list(outs))
    for g, want in zip(got, rnn_twins.lstm_cell(x, h, c, d["w"], d["b"], 0.7)):
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)


def test_basic_lstm_cell_gradient_uses_the_three_grad_ops_and_is_exact():
    d = _data(1)
    with tf.Graph().as_default() as graph:
        tensors = [tf.constant(d[k][0] if k in ("x", "h0", "c0") else d[k], tf.float32)
                   for k in ("x", "h0", "c0", "w", "b")]
        ct, ht, it, *_ = gen.basic_lstm_cell(*tensors, forget_bias=1.0)
        loss = tf.reduce_sum(ht * ht) + tf.reduce_sum(ct * 0.5) + tf.reduce_sum(it * 0.25)
        grads = tf.gradients(loss, tensors)
        assert {"BasicLSTMCellCStateGrad", "BasicLSTMCellWeightGrad", "BasicLSTMCellInputGrad"} <= _types(graph)
        with tf.Session() as sess:
            for t, g in zip(tensors, grads):
                value = sess.run(t)
                err = tf.test.compute_gradient_error(t, value.shape, loss, [], x_init_value=value, delta=1e-2)
                assert err < 2e-2, (t.name, err)


@pytest.mark.parametrize("keep_prob,activation", [(0.5, "tanh"), (1.0, "relu")])
def test_basic_lstm_cell_refuses_unemulated_attributes(keep_prob, activation):
    d = _data()
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="BasicLSTMCell: .*legal value"):
            gen.basic_lstm_cell(d["x"][0], d["h0"][0], d["c0"][0], d["w"], d["b"], keep_prob=keep_prob,
                                activation=activation)


def _run_dynamic_rnn(d, dtype=tf.float32, lengths=None, direction="UNIDIRECTIONAL", time_major=True, **attrs):
    x = d["x"] if time_major else d["x"].transpose(1, 0, 2)
    with tf.Graph().as_default():
        c = {k: tf.constant(v, dtype) for k, v in dict(d, x=x).items()}
        if lengths is None:
            outs = gen.dynamic_rnn_v2(c["x"], c["w"], c["b"], c["h0"], c["c0"], "LSTM", direction, "tanh",
                                      time_major=time_major, **attrs)
        else:
            outs = gen.dynamic_rnn(c["x"], c["w"], c["b"], tf.constant(lengths), c["h0"], c["c0"], "LSTM",
                                   direction, "tanh", time_major=time_major, **attrs)
        with tf.Session() as sess:
            got = sess.run(list(outs))
    return got if time_major else [g.transpose(1, 0, 2) for g in got]


@pytest.mark.parametrize("lengths", [None, [5, 2, 0]])
@pytest.mark.parametrize("direction", ["UNIDIRECTIONAL", "REDIRECTIONAL"])
def test_dynamic_rnn_matches_numpy_lstm(lengths, direction):
    d = _data(2)
    got = _run_dynamic_rnn(d, tf.float32, lengths, direction, forget_bias=1.0)
    want = rnn_twins.lstm(d["x"], d["w"], d["b"], d["h0"], d["c0"], 1.0, lengths, direction == "REDIRECTIONAL")
    assert all(g.shape == (T, B, H) for g in got)
    mask = np.ones((T, B, 1)) if lengths is None else (np.arange(T)[:, None] < np.array(lengths))[..., None]
    for k, (g, w) in enumerate(zip(got, want)):
        compare = g if k in (1, 2) else g * mask  # gate outputs at padded steps are not specified
        np.testing.assert_allclose(compare, w if k in (1, 2) else w * mask, rtol=1e-5, atol=1e-6)


def test_dynamic_rnn_batch_major_and_cell_clip():
    d = _data(3)
    got = _run_dynamic_rnn(d, tf.float32, time_major=False, cell_clip=0.2)
    want = rnn_twins.lstm(d["x"], d["w"], d["b"], d["h0"], d["c0"], cell_clip=0.2)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    assert np.abs(got[2]).max() <= 0.2 + 1e-6


def test_dynamic_rnn_float16():
    d = _data(4)
    got = _run_dynamic_rnn(d, tf.float16)
    want = rnn_twins.lstm(d["x"], d["w"], d["b"], d["h0"], d["c0"])
    assert got[0].dtype == np.float16
    np.testing.assert_allclose(got[0], want[0], atol=2e-2)


@pytest.mark.parametrize("lengths,direction", [(None, "UNIDIRECTIONAL"), ([5, 3, 1], "REDIRECTIONAL")])
def test_dynamic_rnn_gradient_is_dynamic_rnn_grad_and_matches_finite_differences(lengths, direction):
    d = _data(5)
    with tf.Graph().as_default() as graph:
        c = {k: tf.constant(v, tf.float32) for k, v in d.items()}
        if lengths is None:
            y, h, cc, *_ = gen.dynamic_rnn_v2(c["x"], c["w"], c["b"], c["h0"], c["c0"], "LSTM", direction, "tanh")
        else:
            y, h, cc, *_ = gen.dynamic_rnn(c["x"], c["w"], c["b"], tf.constant(lengths), c["h0"], c["c0"], "LSTM",
                                           direction, "tanh")
        weights = np.random.RandomState(9).randn(T, B, H)
        loss = tf.reduce_sum(y * weights) + tf.reduce_sum(h[-1] ** 2) + 0.3 * tf.reduce_sum(cc[1])
        tf.gradients(loss, list(c.values()))
        assert "DynamicRnnGrad" in _types(graph)
        with tf.Session():
            for name, t in c.items():
                err = tf.test.compute_gradient_error(t, d[name].shape, loss, [], x_init_value=d[name].astype(np.float32),
                                                     delta=1e-2)
                assert err < 5e-3, (name, err)


def test_dynamic_rnn_grad_accepts_upstream_last_step_state_gradients():
    d = _data(6)
    with tf.Graph().as_default():
        c = {k: tf.constant(v, tf.float32) for k, v in d.items()}
        outs = gen.dynamic_rnn_v2(c["x"], c["w"], c["b"], c["h0"], c["c0"], "LSTM", "UNIDIRECTIONAL", "tanh")
        dh_last = tf.constant(np.random.RandomState(1).randn(B, H).astype(np.float32))
        zeros = tf.zeros_like(outs[0])
        full = tf.concat([tf.zeros_like(outs[1][:-1]), dh_last[None]], 0)
        common = [c["x"], c["w"], c["b"], outs[0], c["h0"], c["c0"], outs[1], outs[2], zeros]
        gates = list(outs[3:])
        last = gen.dynamic_rnn_grad(*common, dh_last, tf.zeros([B, H]), *gates, "LSTM", "UNIDIRECTIONAL")
        per_step = gen.dynamic_rnn_grad(*common, full, tf.zeros_like(outs[2]), *gates, "LSTM", "UNIDIRECTIONAL")
        with tf.Session() as sess:
            for a, b in zip(*sess.run([list(last), list(per_step)])):
                np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize(
    "attrs,error",
    [
        ({"cell_type": "GRU"}, NotImplementedError),
        ({"direction": "BIDIRECTIONAL"}, ValueError),
        ({"direction": "SIDEWAYS"}, ValueError),
        ({"use_peephole": True}, NotImplementedError),
        ({"num_proj": 2}, NotImplementedError),
        ({"cell_depth": 2}, NotImplementedError),
        ({"keep_prob": 0.9}, NotImplementedError),
    ],
)
def test_dynamic_rnn_refuses_unsupported_attributes_naming_them(attrs, error):
    d = _data()
    args = dict(cell_type="LSTM", direction="UNIDIRECTIONAL", activation="tanh")
    args.update(attrs)
    bad = next(iter(attrs))
    with tf.Graph().as_default():
        with pytest.raises(error, match=f"DynamicRnnV2: .*{bad}"):
            gen.dynamic_rnn_v2(d["x"], d["w"], d["b"], d["h0"], d["c0"], **args)
