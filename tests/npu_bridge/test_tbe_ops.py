"""npu_bridge.tbe: deformable_conv2d (+ DeformableOffsets gradient), LAMB assign ops, PReLU layer."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper
from npu_bridge.tbe import npu_cube_ops, npu_vector_ops

RS = np.random.RandomState(0)


def _offsets(n, oh, ow, groups, kh, kw, dx=0.0, dy=0.0, mask=1.0):
    k = groups * kh * kw
    parts = [np.full((n, oh, ow, k), v, np.float32) for v in (dx, dy, mask)]
    return np.concatenate(parts, axis=-1)


def _deformable_vs_conv(strides, pads, dilations, groups=1, data_format="NHWC"):
    x = RS.rand(2, 7, 8, 4).astype(np.float32)
    w = RS.rand(3, 3, 4, 5).astype(np.float32)
    sh, sw = strides
    dh, dw = dilations
    oh = (7 + pads[0] + pads[1] - (dh * 2 + 1)) // sh + 1
    ow = (8 + pads[2] + pads[3] - (dw * 2 + 1)) // sw + 1
    off = _offsets(2, oh, ow, groups, 3, 3)
    with tf.Graph().as_default(), tf.Session() as sess:
        if data_format == "NCHW":
            got = npu_cube_ops.deformable_conv2d(
                tf.constant(x.transpose(0, 3, 1, 2)), tf.constant(w), tf.constant(off.transpose(0, 3, 1, 2)),
                strides=[1, 1, sh, sw], pads=pads, data_format="NCHW", dilations=[1, 1, dh, dw],
                deformable_groups=groups)
            got = tf.transpose(got, [0, 2, 3, 1])
        else:
            got = npu_cube_ops.deformable_conv2d(tf.constant(x), tf.constant(w), tf.constant(off),
                                                 strides=[1, sh, sw, 1], pads=pads, dilations=[1, dh, dw, 1],
                                                 deformable_groups=groups)
        want = tf.nn.conv2d(x, w, strides=[1, sh, sw, 1],
                            padding=[[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]],
                            dilations=[1, dh, dw, 1])
        return sess.run([got, want])


@pytest.mark.parametrize("strides,pads,dilations,groups", [
    ((1, 1), [1, 1, 1, 1], (1, 1), 1),
    ((2, 1), [0, 1, 2, 0], (1, 1), 2),
    ((1, 2), [2, 2, 2, 2], (2, 2), 4),
])
def test_zero_offsets_unit_mask_equals_conv2d(strides, pads, dilations, groups):
    got, want = _deformable_vs_conv(strides, pads, dilations, groups)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_nchw_equals_nhwc():
    got, want = _deformable_vs_conv((1, 1), [1, 1, 1, 1], (1, 1), data_format="NCHW")
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_offsets_move_the_taps_and_mask_scales():
    x = RS.rand(1, 5, 6, 2).astype(np.float32)
    w = RS.rand(1, 1, 2, 3).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        def conv(off):
            return npu_cube_ops.deformable_conv2d(tf.constant(x), tf.constant(w), tf.constant(off),
                                                  strides=[1, 1, 1, 1], pads=[0, 0, 0, 0])
        shifted, halved, between = sess.run([conv(_offsets(1, 5, 6, 1, 1, 1, dx=1.0, dy=-1.0)),
                                             conv(_offsets(1, 5, 6, 1, 1, 1, mask=0.5)),
                                             conv(_offsets(1, 5, 6, 1, 1, 1, dx=0.5))])
    plain = np.einsum("nhwc,co->nhwo", x, w[0, 0])
    np.testing.assert_allclose(shifted[:, 1:, :-1], plain[:, :-1, 1:], rtol=1e-5)   # reads (y-1, x+1)
    np.testing.assert_allclose(shifted[:, 0], 0.0, atol=1e-7)                        # above the image: zeros
    np.testing.assert_allclose(halved, 0.5 * plain, rtol=1e-5)
    np.testing.assert_allclose(between[:, :, :-1], 0.5 * (plain[:, :, :-1] + plain[:, :, 1:]), rtol=1e-5)


def test_gradient_goes_through_deformable_offsets_grad():
    x = RS.rand(1, 5, 5, 2).astype(np.float32)
    w = RS.rand(3, 3, 2, 2).astype(np.float32)
    with tf.Graph().as_default() as graph, tf.Session() as sess:
        xt = tf.constant(x)
        off = tf.constant(_offsets(1, 5, 5, 1, 3, 3))
        y = npu_cube_ops.deformable_conv2d(xt, tf.constant(w), off, strides=[1, 1, 1, 1], pads=[1, 1, 1, 1])
        gx, goff = tf.gradients(tf.reduce_sum(y * y), [xt, off])
        ref = tf.gradients(tf.reduce_sum(tf.nn.conv2d(xt, w, [1, 1, 1, 1], "SAME") ** 2), xt)[0]
        types = {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
                 if "_ascend_op_type" in op.node_def.attr}
        assert {"DeformableOffsets", "DeformableOffsetsGrad"} <= types
        gx_v, goff_v, ref_v = sess.run([gx, goff, ref])
        offsets_op = next(op for op in graph.get_operations()
                          if op.type == "IdentityN" and op.get_attr("_ascend_op_type") == b"DeformableOffsets")
        manual = npu_cube_ops.deformable_offsets_grad(offsets_op, tf.ones_like(offsets_op.outputs[0]))
        assert len(manual) == 2 and manual[1].shape.as_list() == [1, 5, 5, 27]
    np.testing.assert_allclose(gx_v, ref_v, rtol=1e-4, atol=1e-4)
    assert goff_v.shape == (1, 5, 5, 27) and np.abs(goff_v).sum() > 0


def test_upstream_restrictions_are_kept():
    with tf.Graph().as_default():
        x, w, off = tf.zeros([1, 3, 3, 1]), tf.zeros([1, 1, 1, 1]), tf.zeros([1, 3, 3, 3])
        with pytest.raises(RuntimeError, match="groups is 1"):
            npu_cube_ops.deformable_conv2d(x, w, off, [1, 1, 1, 1], [0, 0, 0, 0], groups=2)
        with pytest.raises(RuntimeError, match="modulated is True"):
            npu_cube_ops.deformable_conv2d(x, w, off, [1, 1, 1, 1], [0, 0, 0, 0], modulated=False)
        with pytest.raises(ValueError, match="strides .* pads"):
            npu_cube_ops.deformable_conv2d(x, w, off)


# ------------------------------------------------------------------------------------------- LAMB
def _lamb_numpy(g, v, m, p, b1, b2, eps, step, use_wd, wd):
    nv = b2 * v + (1 - b2) * g * g
    nm = b1 * m + (1 - b1) * g
    update = (nm / (1 - b1 ** step)) / (np.sqrt(nv / (1 - b2 ** step)) + eps) + use_wd * wd * p
    return update, nv, nm


def test_lamb_optimizer_and_weight_assign_match_the_formulas_and_write_variables():
    g, v, m, p = (RS.rand(4, 3).astype(np.float32) for _ in range(4))
    b1, b2, eps, step, wd, lr = 0.9, 0.999, 1e-6, 3.0, 0.01, 0.1
    upd, nv, nm = _lamb_numpy(g, v, m, p, b1, b2, eps, step, 1.0, wd)
    ratio = np.linalg.norm(p) / np.linalg.norm(upd)
    with tf.Graph().as_default(), tf.Session() as sess:
        v_var, m_var, p_var = tf.Variable(v), tf.Variable(m), tf.Variable(p)
        update, next_v, next_m = npu_vector_ops.lamb_apply_optimizer_assign(
            g, v_var, m_var, p_var.read_value(), b1, 1 - b1, b2, 1 - b2, eps, step, 1.0, wd)
        new_p = npu_vector_ops.lamb_apply_weight_assign(tf.norm(p), tf.norm(update), lr, update, p_var)
        sess.run(tf.global_variables_initializer())
        got_u, got_v, got_m, got_p = sess.run([update, next_v, next_m, new_p])
        stored_v, stored_m, stored_p = sess.run([v_var, m_var, p_var])
    np.testing.assert_allclose(got_u, upd, rtol=1e-5)
    np.testing.assert_allclose([got_v, got_m], [nv, nm], rtol=1e-6)
    np.testing.assert_allclose(got_p, p - lr * ratio * upd, rtol=1e-5)
    np.testing.assert_allclose([stored_v, stored_m, stored_p], [nv, nm, got_p], rtol=1e-6)


def test_lamb_weight_ratio_is_one_when_a_norm_is_zero():
    with tf.Graph().as_default(), tf.Session() as sess:
        out = sess.run(npu_vector_ops.lamb_apply_weight_assign(0.0, 2.0, 0.5, tf.ones([2]), tf.ones([2])))
    np.testing.assert_allclose(out, [0.5, 0.5])


# ------------------------------------------------------------------------------------------ PReLU
needs_prelu = pytest.mark.skipif("PRelu" not in helper.get_gen_ops().OP_LIST, reason="PRelu op is registered by defs_misc_aicore (helper C1)")


@needs_prelu
def test_prelu_layer_computes_and_trains_alpha():
    import keras

    x = RS.randn(6, 4, 3).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        layer = npu_vector_ops.PReLU(alpha_initializer=keras.initializers.Constant(0.25), shared_axes=[1])
        inp = tf.constant(x)
        out = layer(inp)
        assert layer.alpha.shape.as_list() == [1, 3]
        (galpha,) = tf.gradients(tf.reduce_sum(out), [layer.alpha])
        sess.run(tf.global_variables_initializer())
        y, ga = sess.run([out, galpha])
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    np.testing.assert_allclose(ga[0], np.where(x > 0, 0, x).sum(axis=(0, 1)), rtol=1e-5)


@needs_prelu
def test_prelu_scalar_alpha_and_config_round_trip():
    layer = npu_vector_ops.PReLU(shared_axes=[1, 2])
    with tf.Graph().as_default():
        layer(tf.zeros([2, 3, 4]))
    assert layer.alpha.shape.as_list() == [1]
    clone = npu_vector_ops.PReLU.from_config(layer.get_config())
    assert clone.shared_axes == [1, 2]
