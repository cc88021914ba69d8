"""npu_bridge.estimator.npu_unary_ops: the op module object; gelu against a float64 numpy twin; GeluGrad."""
import math

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator import npu_unary_ops as module
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops
from npu_bridge.helper import helper

C = math.sqrt(2.0 / math.pi)


def gelu_twin(x):
    x = x.astype(np.float64)
    return 0.5 * x * (1.0 + np.tanh(C * (x + 0.044715 * x ** 3)))


def gelu_grad_twin(x):
    x = x.astype(np.float64)
    t = np.tanh(C * (x + 0.044715 * x ** 3))
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * C * (1.0 + 3 * 0.044715 * x * x)


def _types(graph):
    return [op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr]


def test_npu_unary_ops_is_the_generated_op_module():
    assert npu_unary_ops is helper.get_gen_ops()
    assert module.npu_unary_ops is npu_unary_ops
    assert callable(npu_unary_ops.gelu) and callable(npu_unary_ops.gelu_grad)


# float16: half-precision rounding of the inputs to the tanh (values up to ~6) -> a few ulps of 6
@pytest.mark.parametrize("dtype,rtol,atol", [(np.float16, 4e-3, 4e-3), (np.float32, 2e-6, 2e-6),
                                             (np.float64, 1e-14, 1e-14)])
def test_gelu_matches_float64_twin(dtype, rtol, atol):
    x = np.linspace(-6, 6, 2001).astype(dtype)
    with tf.Graph().as_default():
        y = npu_unary_ops.gelu(x)
        assert y.dtype == tf.as_dtype(dtype)
        with tf.Session() as sess:
            got = sess.run(y)
    np.testing.assert_allclose(got.astype(np.float64), gelu_twin(x), rtol=rtol, atol=atol)


def test_gelu_node_is_named_and_tagged_like_upstream():
    with tf.Graph().as_default() as graph:
        y = npu_unary_ops.gelu(tf.ones([3]))
        assert y.name == "Gelu:0"
        assert _types(graph) == ["Gelu"]


def test_gelu_gradient_builds_gelu_grad_and_matches_compute_gradient():
    x_val = np.linspace(-4, 4, 41)
    with tf.Graph().as_default() as graph:
        x = tf.constant(x_val, tf.float64)
        y = npu_unary_ops.gelu(x)
        (dx,) = tf.gradients(y, [x])
        assert _types(graph) == ["Gelu", "GeluGrad"]
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(dx), gelu_grad_twin(x_val), rtol=1e-12, atol=1e-14)
            err = tf.test.compute_gradient_error(x, [41], y, [41], x_init_value=x_val, delta=1e-6)
    assert err < 1e-8


def test_gelu_grad_raw_wrapper_scales_the_upstream_gradient():
    x_val = np.array([-2.0, 0.0, 0.5, 3.0])
    dy = np.array([1.0, 2.0, -1.0, 0.5])
    with tf.Graph().as_default():
        x = tf.constant(x_val)
        g = npu_unary_ops.gelu_grad(dy, x, npu_unary_ops.gelu(x))
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(g), dy * gelu_grad_twin(x_val), rtol=1e-12)
