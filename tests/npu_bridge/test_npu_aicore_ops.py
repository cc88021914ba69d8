"""npu_bridge.estimator.npu_aicore_ops: dropout_v3/v4, fast_gelu_v2, centralization, prelu, nonzero, layer_norm."""
import math

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator import npu_aicore_ops as aicore
from npu_bridge.helper import helper

N = 100_000


def _types(graph):
    return [op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr]


def test_module_names():
    assert aicore.npu_aicore_ops is helper.get_gen_ops()
    assert aicore.DEFAULT_GRAPH_SEED == 87654321


@pytest.mark.parametrize("fn,gen_type", [(aicore.dropout_v3, "DropOutGenMaskV3"), (aicore.dropout_v4, "DropOutGenMaskV4")])
def test_dropout_variants_keep_rate_ops_and_gradient(fn, gen_type):
    upstream = np.random.RandomState(0).rand(N).astype(np.float32)
    with tf.Graph().as_default() as graph:
        x = tf.fill([N], 3.0)
        y = fn(x, 0.8)
        (dx,) = tf.gradients(tf.reduce_sum(y * upstream), [x])
        assert _types(graph) == [gen_type, "DropOutDoMaskV3", "DropOutDoMaskV3"]
        with tf.Session() as sess:
            out, grad = sess.run([y, dx])
    kept = out != 0
    assert abs(kept.sum() - 0.8 * N) < 5 * math.sqrt(N * 0.8 * 0.2)
    np.testing.assert_allclose(out[kept], 3.0 / 0.8, rtol=1e-6)
    np.testing.assert_allclose(grad, kept * upstream / np.float32(0.8), rtol=1e-6)


@pytest.mark.parametrize("fn", [aicore.dropout_v3, aicore.dropout_v4])
def test_dropout_variants_apply_the_dropout_checks(fn):
    with tf.Graph().as_default() as graph:
        x = tf.ones([4])
        assert fn(x, 1.0) is x
        with pytest.raises(ValueError, match=r"keep_prob must be .*\(0, 1\]"):
            fn(x, 0.0)
        with pytest.raises(ValueError, match="x must be a floating point tensor"):
            fn(tf.ones([4], tf.int32), 0.5)
        assert _types(graph) == []


@pytest.mark.parametrize("fn", [aicore.dropout_v3, aicore.dropout_v4])
def test_dropout_variants_broadcast_a_smaller_noise_shape(fn):
    with tf.Graph().as_default():
        y = fn(tf.ones([128, 8]), 0.5, noise_shape=[128, 1], seed=3)
        with tf.Session() as sess:
            out = sess.run(y)
    rows_kept = (out != 0).all(axis=1)
    assert (rows_kept | (out == 0).all(axis=1)).all()
    assert 0 < rows_kept.sum() < 128


def test_dropout_v4_mask_has_the_input_shape_and_output_dtype():
    with tf.Graph().as_default() as graph:
        aicore.dropout_v4(tf.ones([3, 5]), 0.5, output_dtype=tf.uint8)
        mask = graph.get_operation_by_name("DropOutGenMaskV4").outputs[0]
        assert mask.dtype == tf.uint8
        with tf.Session() as sess:
            assert sess.run(mask).shape == (3, 5)


def test_fast_gelu_v2_is_x_sigmoid_1702x():
    x = np.linspace(-5, 5, 11).astype(np.float32)
    with tf.Graph().as_default():
        with tf.Session() as sess:
            got = sess.run(aicore.fast_gelu_v2(x))
    np.testing.assert_allclose(got, x / (1 + np.exp(-1.702 * x)), rtol=1e-5, atol=1e-6)


def test_centralization_and_prelu_wrappers():
    x = np.array([[-2.0, 1.0], [4.0, -1.0]], np.float32)
    with tf.Graph().as_default():
        c = aicore.centralization(x, [0])
        p = aicore.prelu(x, np.array([0.5, 0.1], np.float32))
        with tf.Session() as sess:
            got_c, got_p = sess.run([c, p])
    np.testing.assert_allclose(got_c, x - x.mean(0))
    np.testing.assert_allclose(got_p, [[-1.0, 1.0], [4.0, -0.1]])


def test_prelu_grad_function_takes_the_op():
    with tf.Graph().as_default():
        x, w = tf.constant([[-2.0, 3.0]]), tf.constant([0.5, 0.5])
        y = aicore.prelu(x, w)
        dx, dw = aicore.prelu_grad(y.op, tf.ones_like(y))
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(dx), [[0.5, 1.0]])
            np.testing.assert_allclose(sess.run(dw), [-2.0, 0.0])


def test_nonzero_wrappers():
    x = np.array([[0, 5], [7, 0]], np.float32)
    with tf.Graph().as_default():
        idx = aicore.nonzero(x)
        value, index, count = aicore.nonzerowithvalue(x)
        with tf.Session() as sess:
            got_idx, got_value, got_count = sess.run([idx, value, count])
    np.testing.assert_array_equal(got_idx, [[0, 1], [1, 0]])
    assert got_idx.dtype == np.int64
    np.testing.assert_array_equal(got_value, [5, 7, 0, 0])
    np.testing.assert_array_equal(got_count, [2])


def test_layer_norm_returns_y_mean_variance():
    x = np.random.RandomState(1).randn(2, 3, 4).astype(np.float32)
    with tf.Graph().as_default():
        y, mean, var = aicore.layer_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32), 2, 2)
        with tf.Session() as sess:
            got, got_mean, got_var = sess.run([y, mean, var])
    assert got_mean.shape == (2, 3, 1)
    np.testing.assert_allclose(got, (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-7),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("call,op_type", [
    (lambda: aicore.lru_cache_v2(tf.zeros([2]), tf.zeros([4]), tf.zeros([4]), tf.zeros([4]), False, 1), "LRUCacheV2"),
    (lambda: aicore.prod_env_mat_a(*[tf.zeros([1])] * 7, sel_a=[1], sel_r=[0]), "ProdEnvMatA"),
    (lambda: aicore.prodvirialsea(*[tf.zeros([1])] * 5), "ProdVirialSeA"),
    (lambda: aicore.prodforcesea(*[tf.zeros([1])] * 4), "ProdForceSeA"),
    (lambda: aicore.tabulatefusionsea(*[tf.zeros([1])] * 4), "TabulateFusionSeA"),
    (lambda: aicore.tabulatefusionseagrad(*[tf.zeros([1])] * 6), "TabulateFusionSeAGrad"),
    (lambda: aicore.tabulatefusion(*[tf.zeros([1])] * 4), "TabulateFusion"),
    (lambda: aicore.tabulatefusiongrad(*[tf.zeros([1])] * 6), "TabulateFusionGrad"),
])
def test_device_only_wrappers_raise_not_implemented(call, op_type):
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match=f"{op_type} needs the Ascend device"):
            call()
