"""npu_bridge._ops.defs_quant: AMCT quantise / anti-quantise / weight quantise / dequantise values."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def _run(t):
    with tf.Session() as sess:
        return sess.run(t)


@pytest.mark.parametrize("dst_type,lo,hi", [("INT8", -128, 127), ("INT4", -8, 7)])
def test_ascend_quant_rounds_and_saturates(dst_type, lo, hi):
    x = np.array([-100.0, -0.26, 0.24, 0.26, 3.3, 100.0], np.float32)
    with tf.Graph().as_default():
        got = _run(gen.ascend_quant(x, 2.0, 1.0, dst_type=dst_type))
    np.testing.assert_array_equal(got, np.clip(np.round(x * 2.0 + 1.0), lo, hi))
    assert got.dtype == np.float32


def test_ascend_quant_rejects_unknown_dst_type():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"dst_type must be one of \['INT4', 'INT8'\]"):
            gen.ascend_quant(tf.zeros([2]), 1.0, 0.0, dst_type="INT2")


def test_anti_quant_inverts_quant_on_the_grid():
    q = np.array([-3.0, 0.0, 5.0], np.float32)
    with tf.Graph().as_default():
        got = _run(gen.ascend_anti_quant(q, 0.5, -1.0))
    np.testing.assert_allclose(got, (q - 1.0) * 0.5)


def test_weight_quant_subtracts_offset_as_requested_type():
    with tf.Graph().as_default():
        got = _run(gen.ascend_weight_quant(np.array([5, -3], np.int8), np.array([1, 1], np.int8), tf.float16))
    np.testing.assert_array_equal(got, [4, -4])
    assert got.dtype == np.float16


def test_dequant_uses_the_float_bits_in_the_low_word():
    scales = np.array([0.5, 0.25], np.float32)
    packed = scales.view(np.uint32).astype(np.uint64) | (np.uint64(7) << np.uint64(32))  # high bits ignored
    x = np.ones([1, 2, 2, 2], np.float32)
    with tf.Graph().as_default():
        nhwc = _run(gen.ascend_dequant(x, packed, [1, 1]))
        nchw = _run(gen.ascend_dequant(x, packed, [1, 1], data_format="NCHW"))
    np.testing.assert_allclose(nhwc[0, 0, 0], scales)
    np.testing.assert_allclose(nchw[0, :, 0, 0], scales)
