"""npu_bridge._ops.defs_misc_aicore: scatter, k-means, centralization, PRelu, NonZero, layer norm, GetShape."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _scatter_twin(data, indices, updates, axis, reduce=None):
    out = data.copy()
    for pos in np.ndindex(*indices.shape):
        target = list(pos)
        target[axis] = indices[pos]
        target = tuple(target)
        if reduce is None:
            out[target] = updates[pos]
        elif reduce == "add":
            out[target] += updates[pos]
        elif reduce == "mul":
            out[target] *= updates[pos]
        elif reduce == "max":
            out[target] = max(out[target], updates[pos])
        else:
            out[target] = min(out[target], updates[pos])
    return out


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_scatter_elements_matches_numpy(axis):
    rng = np.random.RandomState(0)
    data = rng.randn(4, 5).astype(np.float32)
    dim = data.shape[axis]
    indices = np.array([[0, 1, 2], [3 % dim, 0, 1]], np.int64)
    indices[0, 0] = -1  # negative indices count from the end
    updates = rng.randn(2, 3).astype(np.float32)
    with tf.Graph().as_default():
        got = _run(gen.scatter_elements(data, indices, updates, axis=axis))
    np.testing.assert_array_equal(got, _scatter_twin(data, indices % dim, updates, axis % 2))


@pytest.mark.parametrize("reduction", ["add", "mul", "max", "min"])
def test_scatter_elements_v2_reductions_combine_duplicates(reduction):
    data = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    indices = np.array([[1, 1, 0]], np.int32)  # duplicates at column 1
    updates = np.array([[2.0, 3.0, 5.0]], np.float32)
    with tf.Graph().as_default():
        got = _run(gen.scatter_elements_v2(data, indices, updates, axis=1, reduction=reduction))
    np.testing.assert_allclose(got, _scatter_twin(data, indices, updates, 1, reduction))


def test_scatter_elements_v2_rejects_unknown_reduction():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"reduction must be one of \['None', 'add', 'mul', 'max', 'min'\]"):
            gen.scatter_elements_v2(tf.zeros([2]), tf.constant([0]), tf.ones([1]), reduction="mean")


@pytest.mark.parametrize("actual", [True, False])
def test_k_means_centroids_matches_numpy(actual):
    rng = np.random.RandomState(1)
    x = rng.randn(40, 3).astype(np.float32)
    y = rng.randn(4, 3).astype(np.float32)
    ssx = (x ** 2).sum(1, keepdims=True)
    ssy = (y ** 2).sum(1)[None]
    with tf.Graph().as_default():
        if actual:
            outs = gen.k_means_centroids(x, y, ssy, ssx, use_actual_distance=True)
        else:
            outs = gen.k_means_centroids_v2(x, y, ssy)
        seg_sum, count, total = _run(list(outs))
    dist = ssy - 2 * x @ y.T + (ssx if actual else 0)
    nearest = dist.argmin(1)
    for k in range(4):
        np.testing.assert_allclose(seg_sum[k], x[nearest == k].sum(0), rtol=1e-5, atol=1e-5)
        assert count[k, 0] == (nearest == k).sum()
    np.testing.assert_allclose(total, [dist.min(1).sum()], rtol=1e-5)
    if actual:
        np.testing.assert_allclose(total, [((x - y[nearest]) ** 2).sum()], rtol=1e-4)


def test_centralization_subtracts_the_mean_over_axes():
    x = np.random.RandomState(2).randn(3, 4, 5).astype(np.float32)
    with tf.Graph().as_default():
        got = _run(gen.centralization(x, [1, 2]))
    np.testing.assert_allclose(got, x - x.mean(axis=(1, 2), keepdims=True), atol=1e-6)


def test_prelu_forward_and_gradient_through_prelu_grad():
    rng = np.random.RandomState(3)
    x_val = rng.randn(6, 4).astype(np.float32)
    w_val = (rng.rand(4) * 0.5).astype(np.float32)
    with tf.Graph().as_default() as graph:
        x, w = tf.constant(x_val), tf.constant(w_val)
        y = gen.p_relu(x, w)
        loss = tf.reduce_sum(y * y)
        tf.gradients(loss, [x, w])
        assert "PReluGrad" in {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
                               if "_ascend_op_type" in op.node_def.attr}
        np.testing.assert_allclose(_run(y), np.where(x_val > 0, x_val, w_val * x_val))
        with tf.Session():
            for t, v in ((x, x_val), (w, w_val)):
                assert tf.test.compute_gradient_error(t, v.shape, loss, [], x_init_value=v, delta=1e-3) < 5e-3


@pytest.mark.parametrize("transpose", [False, True])
def test_non_zero_coordinates(transpose):
    x = np.array([[0, 2, 0], [3, 0, 4]], np.float32)
    with tf.Graph().as_default():
        got = _run(gen.non_zero(x, transpose=transpose))
    coords = np.argwhere(x != 0)
    np.testing.assert_array_equal(got, coords if transpose else coords.T)
    assert got.dtype == np.int64


def test_non_zero_with_value_pads_to_fixed_size():
    x = np.array([[0, 2, 0], [3, 0, 4]], np.float32)
    with tf.Graph().as_default():
        value, index, count = _run(list(gen.non_zero_with_value(x)))
    np.testing.assert_array_equal(value, [2, 3, 4, 0, 0, 0])
    np.testing.assert_array_equal(index, [0, 1, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0])
    np.testing.assert_array_equal(count, [3])
    assert index.dtype == np.int32


def _layer_norm_twin(x, gamma, beta, axis, eps):
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta, mean, var


def test_fused_layer_norm_forward_and_gradients():
    rng = np.random.RandomState(4)
    x_val = rng.randn(3, 4, 6).astype(np.float32)
    g_val = (1 + 0.1 * rng.randn(6)).astype(np.float32)
    b_val = (0.1 * rng.randn(6)).astype(np.float32)
    with tf.Graph().as_default() as graph:
        x, g, b = tf.constant(x_val), tf.constant(g_val), tf.constant(b_val)
        y, mean, var = gen.fused_layer_norm(x, g, b, begin_norm_axis=2, begin_params_axis=2, epsilon=1e-5)
        for got, want in zip(_run([y, mean, var]), _layer_norm_twin(x_val, g_val, b_val, 2, 1e-5)):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        weights = rng.randn(3, 4, 6).astype(np.float32)
        loss = tf.reduce_sum(y * weights)
        tf.gradients(loss, [x, g, b])
        assert any(op.node_def.attr["_ascend_op_type"].s == b"FusedLayerNormGrad" for op in graph.get_operations())
        with tf.Session():
            for t, v in ((x, x_val), (g, g_val), (b, b_val)):
                assert tf.test.compute_gradient_error(t, v.shape, loss, [], x_init_value=v, delta=1e-2) < 1e-2


def test_fused_layer_norm_rejects_out_of_range_axis():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"begin_norm_axis must be in \[-2, 1\], got 2"):
            gen.fused_layer_norm(tf.zeros([2, 3]), tf.ones([3]), tf.zeros([3]), begin_norm_axis=2)


def test_get_shape_concatenates_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        got = _run(gen.get_shape(x), {x: np.zeros((5, 3))})
        np.testing.assert_array_equal(got, [5, 3])
        both = _run(gen.get_shape([x, tf.zeros([2, 7, 1])], N=2), {x: np.zeros((4, 3))})
        np.testing.assert_array_equal(both, [4, 3, 2, 7, 1])
