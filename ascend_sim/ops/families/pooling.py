"""Window ops on the vector unit: pooling (max / avg, with argmax masks) and their gradients, image resize.

A pooling output element takes one vector instruction per window element (max or add over the window);
a gradient scatters each output gradient back over its window and initialises the input gradient. The
window is ``ksize`` (TF or GE attribute, in the tensor's layout; 1s on N and C); without it, the ratio of
input to output spatial elements stands in (stride = window, as in ResNet's pools). Resize: bilinear takes
a weighted sum of four neighbours per output element, nearest-neighbour one gather. Max pools with argmax
also write a bit mask (one bit per window element per output).
"""
from __future__ import annotations

import functools
import math

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.blocks import ceil_div
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance, TensorDesc
from ascend_sim.ops.families._common import B, FLOAT, largest, storage_bytes, vector_task
from ascend_sim.ops.opspec import specs

FAMILY = "pooling"
POOL_FORMATS = ("NC1HWC0", "NDC1HWC0", "NHWC", "NCHW")
BILINEAR = (B,) * 6          # four neighbour loads weighted and summed, per output element


def window(node: OpInstance, big: TensorDesc, small: TensorDesc) -> int:
    """Elements in one pooling window: prod(ksize), else input / output spatial size."""
    ksize = node.attr("ksize", "window_size", "kernel_size")
    if ksize:
        return max(1, math.prod(int(k) for k in ksize))
    return max(1, ceil_div(big.elems, max(1, small.elems)))


def pool(node: OpInstance, hw: HardwareSpec) -> Cost:
    """Forward pooling; an argmax mask, when the node lists it as an output, is written too."""
    x, y = node.inputs[0], node.outputs[0]
    return vector_task(hw, dtype=x.dtype, elems=y.storage_elems(hw) * window(node, x, y), instructions=(B,),
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def pool_grad(node: OpInstance, hw: HardwareSpec) -> Cost:
    """Gradients: dy is the largest input smaller than dx (the others are x, y, an argmax mask or a shape)."""
    dx = node.outputs[0]
    smaller = [d for d in node.inputs if d.elems < dx.elems]
    dy = largest(smaller) if smaller else dx
    win = window(node, dx, dy)
    work = dy.storage_elems(hw) * win + dx.storage_elems(hw)
    return vector_task(hw, dtype=dx.dtype, elems=work, read_bytes=storage_bytes(node.inputs, hw),
                       write_bytes=storage_bytes(node.outputs, hw), instructions=(B,))


def resize(node: OpInstance, hw: HardwareSpec, *, instructions, grad: bool = False) -> Cost:
    """Resize over the output (forward) or the incoming gradient (backward), which is the larger side's work."""
    work = largest(node.inputs[:1] + node.outputs[:1]) if grad else node.outputs[0]
    return vector_task(hw, dtype=node.inputs[0].dtype, elems=work.storage_elems(hw), instructions=instructions,
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def _rows(names, fn, kind, note=""):
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind=kind, dtypes=FLOAT,
                 formats=POOL_FORMATS, note=note)


SPECS = (
    *_rows("MaxPool MaxPoolV3 MaxPoolExt2 AvgPool AvgPoolV2 MaxPool3D AvgPool3D AvgPool3DD", pool, "pool"),
    *_rows("MaxPoolWithArgmax", pool, "pool",
           note="ResNet's max pool appears as MaxPoolWithArgmax / MaxPoolGradWithArgmax (reference §3.2)"),
    *_rows("MaxPoolGrad MaxPoolGradWithArgmax AvgPoolGrad AvgPoolGradD AvgPoolV2Grad MaxPool3DGrad "
           "AvgPool3DGrad AvgPool3DGradD", pool_grad, "pool_grad"),
    *_rows("ResizeBilinearV2 ResizeBilinearV2D", functools.partial(resize, instructions=BILINEAR), "resize",
           note="ResizeBilinear → ResizeBilinearV2(D) (reference §3.2)"),
    *_rows("CropAndResize CropAndResizeD", functools.partial(resize, instructions=BILINEAR), "resize",
           note="bilinear crops: the work is the output crops"),
    *_rows("ResizeNearestNeighborV2 ResizeNearestNeighborV2D", functools.partial(resize, instructions=(B,)),
           "resize"),
    *_rows("ResizeV2 DeformableOffsets DenseImageWarp WarpAffineV2", functools.partial(resize, instructions=BILINEAR),
           "resize", note="bilinear sampling per output element (npu_bridge image ops)"),
    *_rows("DeformableOffsetsGrad DenseImageWarpGrad", functools.partial(resize, instructions=BILINEAR, grad=True),
           "resize_grad"),
    *_rows("ResizeBilinearV2Grad", functools.partial(resize, instructions=BILINEAR, grad=True), "resize_grad"),
    *_rows("ResizeNearestNeighborV2Grad ResizeNearestNeighborV2GradD",
           functools.partial(resize, instructions=(B,), grad=True), "resize_grad"),
)
