"""Cube (matrix-unit) ops of upstream ``npu_bridge.tbe.npu_cube_ops``: deformable convolution.

``deformable_conv2d`` = ``DeformableOffsets`` (bilinear samples of ``x`` at the kernel taps moved
by ``offsets`` and scaled by the mask, laid out as [N, OH·KH, OW·KW, C]) followed by a VALID
``conv2d`` whose stride equals the kernel size, as upstream builds it.
"""
from tensorflow.python.eager import context
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, nn_ops

from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()


def deformable_conv2d(  # pylint: disable=redefined-builtin
        x, filter, offsets, strides=None, pads=None, data_format='NHWC', dilations=(1, 1, 1, 1), groups=1,
        deformable_groups=1, modulated=True, name=None):
    """Deformable convolution (v2, modulated) of ``x`` with ``filter`` [KH, KW, C, OC].

    ``offsets``: [N, OH, OW, 3·deformable_groups·KH·KW] (``data_format`` order): the x offsets,
    then the y offsets, then the masks of every (group, kernel row, kernel column).
    ``strides``/``dilations``: 4 values in ``data_format`` order; ``pads``: (top, bottom, left, right).
    """
    if context.executing_eagerly():
        raise RuntimeError("tf.deformable_conv2d() is not compatible with eager execution.")
    if modulated is not True:
        raise RuntimeError("tf.deformable_conv2d() only supports modulated is True currently")
    if groups != 1:
        raise RuntimeError("tf.deformable_conv2d() only supports groups is 1 currently")
    if strides is None or pads is None:
        raise ValueError("deformable_conv2d: strides (4 values in data_format order) and pads "
                         "(top, bottom, left, right) are required")
    filter = ops.convert_to_tensor(filter, name="filter")
    kh, kw = filter.get_shape().as_list()[:2]
    if kh is None or kw is None:
        raise ValueError(f"deformable_conv2d: filter needs a static kernel size, got shape {filter.get_shape()}")
    fm_offsets = gen_npu_ops.deformable_offsets(
        x=x, offsets=offsets, strides=strides, pads=pads, ksize=[kh, kw], dilations=dilations,
        data_format=data_format, deformable_groups=deformable_groups, modulated=True, name=name)
    if data_format == "NCHW":  # TensorFlow's CPU conv2d only runs NHWC
        fm_offsets = array_ops.transpose(fm_offsets, [0, 2, 3, 1])
    out = nn_ops.conv2d(fm_offsets, filter, strides=[1, kh, kw, 1], padding="VALID", data_format="NHWC", name=name)
    return array_ops.transpose(out, [0, 3, 1, 2]) if data_format == "NCHW" else out


def deformable_offsets_grad(op, grad):
    """Gradient of a ``DeformableOffsets`` op: [grad_x, grad_offsets] (via ``DeformableOffsetsGrad``)."""
    from npu_bridge._ops.composite import OpView
    from npu_bridge._ops.defs_aicpu_image import deformable_offsets_grad_view

    return deformable_offsets_grad_view(OpView.of(op), grad)


try:  # upstream registers it for its native op type; the emulated op carries its own gradient
    ops.RegisterGradient("DeformableOffsets")(deformable_offsets_grad)
except KeyError:  # already registered
    pass
