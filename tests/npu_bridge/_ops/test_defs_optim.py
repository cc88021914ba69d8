"""npu_bridge._ops.defs_optim: LARS / LarsV2 trust ratio and the fused Adam apply-one updates."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def _lars_twin(w, g, wd, hyper=0.001, eps=1e-5, lr=None, clip=False):
    w_norm, g_norm = np.linalg.norm(w), np.linalg.norm(g)
    coeff = hyper * w_norm / (g_norm + wd * w_norm + eps)
    if clip:
        coeff = np.clip(coeff / lr, 0.0, 1.0)
    return coeff * (g + wd * w)


def test_lars_scales_each_pair_by_its_trust_ratio():
    rng = np.random.RandomState(0)
    ws = [rng.randn(3, 4).astype(np.float32), rng.randn(5).astype(np.float32)]
    gs = [rng.randn(3, 4).astype(np.float32), 0.01 * rng.randn(5).astype(np.float32)]
    with tf.Graph().as_default():
        outs = gen.lars(ws, gs, 0.01, hyperpara=0.002, epsilon=1e-6)
        with tf.Session() as sess:
            got = sess.run(outs)
    for o, w, g in zip(got, ws, gs):
        np.testing.assert_allclose(o, _lars_twin(w, g, 0.01, 0.002, 1e-6), rtol=1e-5)


def test_lars_requires_matching_lists():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="inputs_w and inputs_g must be non-empty lists of equal length"):
            gen.lars([tf.ones([2])], [], 0.0)


@pytest.mark.parametrize("use_clip,lr", [(False, 0.1), (True, 0.1), (True, 1e-6)])
def test_lars_v2_with_and_without_clip(use_clip, lr):
    rng = np.random.RandomState(1)
    w, g = rng.randn(10).astype(np.float32), rng.randn(10).astype(np.float32)
    with tf.Graph().as_default():
        out = gen.lars_v2(w, g, np.float32(0.05), np.float32(lr), use_clip=use_clip)
        with tf.Session() as sess:
            got = sess.run(out)
    np.testing.assert_allclose(got, _lars_twin(w, g, 0.05, lr=lr, clip=use_clip), rtol=1e-5)


def _adam_twin(g, v, m, var, lr, b1, b2, eps, decay=None):
    v2 = b2 * v + (1 - b2) * g * g
    m2 = b1 * m + (1 - b1) * g
    step = m2 / (np.sqrt(v2) + eps)
    if decay is not None:
        step = step + decay * var
    return v2, m2, var - lr * step


@pytest.mark.parametrize("decay", [None, 0.01])
def test_adam_apply_one_assign_updates_the_variables(decay):
    rng = np.random.RandomState(2)
    g, v, m, var = (rng.rand(6).astype(np.float32) for _ in range(4))
    with tf.Graph().as_default():
        tv, tm, tvar = (tf.Variable(a) for a in (v, m, var))
        consts = [np.float32(c) for c in (0.1, 0.9, 0.1, 0.999, 0.001)]  # lr, β1, 1-β1, β2, 1-β2
        if decay is None:
            op = gen.adam_apply_one_assign(g, tv, tm, tvar, *consts, np.float32(1e-6))
        else:
            op = gen.adam_apply_one_with_decay_assign(g, tv, tm, tvar, *consts, np.float32(decay), np.float32(1e-6))
        assert isinstance(op, tf.Operation)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            got = sess.run([tv, tm, tvar])
    want = _adam_twin(g, v, m, var, 0.1, 0.9, 0.999, 1e-6, decay)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_adam_apply_one_assign_refuses_plain_tensors():
    with tf.Graph().as_default():
        var = tf.Variable(tf.zeros([2]))
        with pytest.raises(ValueError, match="input1, input2 must be variables"):
            gen.adam_apply_one_assign(tf.ones([2]), tf.zeros([2]), tf.zeros([2]), var, 0.1, 0.9, 0.1, 0.9, 0.1, 1e-6)
