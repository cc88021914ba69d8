"""npu_bridge._ops.defs_gru: DynamicGruV2 / DynamicAUGRU against a numpy twin; their NPU gradients."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper
from testsupport import rnn_twins

gen = helper.get_gen_ops()
T, B, I, H = 4, 3, 5, 4


def _data(seed=0):
    rng = np.random.RandomState(seed)
    f = np.float32
    return {
        "x": rng.randn(T, B, I).astype(f),
        "wi": (rng.randn(I, 3 * H) * 0.4).astype(f),
        "wh": (rng.randn(H, 3 * H) * 0.4).astype(f),
        "bi": (rng.randn(3 * H) * 0.1).astype(f),
        "bh": (rng.randn(3 * H) * 0.1).astype(f),
        "h0": (rng.randn(B, H) * 0.3).astype(f),
        "att": rng.rand(T, B).astype(f),
    }


def _build(c, augru, lengths, **attrs):
    seq = tf.constant(lengths if lengths is not None else [T] * B)
    args = dict(direction="UNIDIRECTIONAL", activation="tanh", gate_order="zrh")
    args.update(attrs)
    if augru:
        return gen.dynamic_augru(c["x"], c["wi"], c["wh"], c["att"], c["bi"], c["bh"], seq, c["h0"], **args)
    return gen.dynamic_gru_v2(c["x"], c["wi"], c["wh"], c["bi"], c["bh"], seq, c["h0"], **args)


def _types(graph):
    return {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr}


@pytest.mark.parametrize("augru", [False, True])
@pytest.mark.parametrize("gate_order", ["zrh", "rzh"])
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_numpy_twin(augru, gate_order, reset_after):
    d = _data(1)
    lengths = [4, 2, 0]
    with tf.Graph().as_default():
        outs = _build({k: tf.constant(v) for k, v in d.items()}, augru, lengths, gate_order=gate_order,
                      reset_after=reset_after)
        with tf.Session() as sess:
            got = sess.run(list(outs))
    assert len(got) == (7 if augru else 6)
    assert all(g.shape == (T, B, H) for g in got)
    want = rnn_twins.gru(d["x"], d["wi"], d["wh"], d["bi"], d["bh"], d["h0"], gate_order, reset_after,
                         att=d["att"] if augru else None, lengths=lengths)
    np.testing.assert_allclose(got[0], want, rtol=1e-5, atol=1e-6)  # y
    np.testing.assert_allclose(got[1], want, rtol=1e-5, atol=1e-6)  # output_h
    if augru:  # update_att = (1 - a)·update
        np.testing.assert_allclose(got[3], (1 - d["att"])[..., None] * got[2], rtol=1e-6)


def test_redirectional_gru_runs_each_sequence_back_to_front():
    d = _data(2)
    lengths = [4, 3, 1]
    with tf.Graph().as_default():
        outs = _build({k: tf.constant(v) for k, v in d.items()}, False, lengths, direction="REDIRECTIONAL")
        with tf.Session() as sess:
            y = sess.run(outs[0])
    for b, n in enumerate(lengths):
        xr = d["x"][:n, b:b + 1][::-1]
        want = rnn_twins.gru(xr, d["wi"], d["wh"], d["bi"], d["bh"], d["h0"][b:b + 1])[::-1]
        np.testing.assert_allclose(y[:n, b:b + 1], want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("augru", [False, True])
@pytest.mark.parametrize("reset_after,direction", [(True, "UNIDIRECTIONAL"), (False, "REDIRECTIONAL")])
def test_gru_gradient_is_the_grad_op_and_matches_finite_differences(augru, reset_after, direction):
    d = _data(3)
    with tf.Graph().as_default() as graph:
        c = {k: tf.constant(v) for k, v in d.items()}
        outs = _build(c, augru, [4, 3, 2], reset_after=reset_after, direction=direction, gate_order="rzh")
        weights = np.random.RandomState(4).randn(T, B, H).astype(np.float32)
        loss = tf.reduce_sum(outs[0] * weights) + tf.reduce_sum(outs[1][-1] ** 2)
        names = ["x", "wi", "wh", "bi", "bh", "h0"] + (["att"] if augru else [])
        grads = tf.gradients(loss, [c[n] for n in names])
        assert all(g is not None for g in grads)
        assert ("DynamicAUGRUGrad" if augru else "DynamicGruV2Grad") in _types(graph)
        with tf.Session():
            for n in names:
                err = tf.test.compute_gradient_error(c[n], d[n].shape, loss, [], x_init_value=d[n], delta=1e-2)
                assert err < 5e-3, (n, err)


def test_gru_grad_op_outputs_have_upstream_shapes():
    d = _data(5)
    with tf.Graph().as_default():
        c = {k: tf.constant(v) for k, v in d.items()}
        y, h, z, r, n, hn = _build(c, False, None)
        grads = gen.dynamic_gru_v2_grad(c["x"], c["wi"], c["wh"], y, c["h0"], h, tf.ones_like(y), tf.zeros_like(h),
                                        z, r, n, hn, tf.constant([T] * B), "UNIDIRECTIONAL", "zrh")
        with tf.Session() as sess:
            shapes = [v.shape for v in sess.run(list(grads))]
    assert shapes == [(I, 3 * H), (H, 3 * H), (3 * H,), (3 * H,), (T, B, I), (B, H)]


@pytest.mark.parametrize(
    "attrs,error,word",
    [
        ({"gate_order": "hzr"}, ValueError, "gate_order"),
        ({"direction": "BIDIRECTIONAL"}, ValueError, "direction"),
        ({"cell_clip": 1.0}, NotImplementedError, "cell_clip"),
        ({"activation": "relu"}, NotImplementedError, "activation"),
    ],
)
def test_gru_refuses_unsupported_attributes(attrs, error, word):
    d = _data()
    with tf.Graph().as_default():
        with pytest.raises(error, match=f"DynamicGruV2: .*{word}"):
            _build({k: tf.constant(v) for k, v in d.items()}, False, None, **attrs)
