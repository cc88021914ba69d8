"""Data movement: format conversion (TransData), transposes, concat / split / slice, gather / scatter, tile,
pad, fill, and runtime copies.

All of it is MTE traffic in padded storage. ``copy``: every input read, every output written, no vector
work (DMA through UB). ``slice``: only the sliced part is read (as much as the outputs hold).
``transpose``: read, one vector pass per element of the larger side (the vnchwconv transposition through
UB), write; TransData converts between the formats of its input and output, so its traffic is the padded
size of each side. ``gather``: each gathered row is read in whole 32-byte UB blocks. ``scatter``: the
updates (and indices) are read and written into place; ops that build a fresh output also write all of it.
``fill``: writes only. MemcpyAsync is a DMA-engine task (no AI Core) at HBM bandwidth.
"""
from __future__ import annotations

import functools

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.blocks import pad_to
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import (
    ALL_DTYPES, ANY_FORMAT, B, INTEGER_TOO, copy_us, largest, storage_bytes, vector_task,
)
from ascend_sim.ops.formats import FORMATS
from ascend_sim.ops.opspec import specs

FAMILY = "movement"
INDEX_DTYPES = ("int32", "int64")


def _dtype(node: OpInstance) -> str:
    return largest(node.outputs or node.inputs).dtype


def copy(node: OpInstance, hw: HardwareSpec) -> Cost:
    out = largest(node.outputs or node.inputs)
    return vector_task(hw, dtype=_dtype(node), elems=out.storage_elems(hw), instructions=(),
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def slice_(node: OpInstance, hw: HardwareSpec) -> Cost:
    out = storage_bytes(node.outputs, hw)
    return vector_task(hw, dtype=_dtype(node), elems=largest(node.outputs).storage_elems(hw), instructions=(),
                       read_bytes=out, write_bytes=out)


def transpose(node: OpInstance, hw: HardwareSpec) -> Cost:
    work = max(d.storage_elems(hw) for d in node.inputs[:1] + node.outputs[:1])
    return vector_task(hw, dtype=node.inputs[0].dtype, elems=work, instructions=(B,),
                       read_bytes=node.inputs[0].storage_bytes(hw), write_bytes=storage_bytes(node.outputs, hw))


def gather(node: OpInstance, hw: HardwareSpec, *, indices_input: int = 1) -> Cost:
    out = node.outputs[0]
    rows = max(1, node.inputs[indices_input].elems) if len(node.inputs) > indices_input else 1
    row_bytes = out.nbytes() / rows
    read = rows * pad_to(max(1, int(round(row_bytes))), hw.core.buffers.ub_align_bytes)
    read += storage_bytes(node.inputs[indices_input:indices_input + 1], hw)
    return vector_task(hw, dtype=out.dtype, elems=out.storage_elems(hw), instructions=(), units=rows,
                       read_bytes=read, write_bytes=out.storage_bytes(hw))


def scatter(node: OpInstance, hw: HardwareSpec, *, fresh_output: bool) -> Cost:
    """In-place scatters write the updates into the variable; fresh ones (ScatterNd, UnsortedSegment*)
    write their whole output. Inputs shaped like the output (the variable) are not read in whole."""
    out = node.outputs[0]
    sources = [d for d in node.inputs if d.shape != out.shape] or list(node.inputs[-1:])
    updates = largest(sources)
    write = out.storage_bytes(hw) if fresh_output else updates.storage_bytes(hw)
    return vector_task(hw, dtype=updates.dtype, elems=updates.storage_elems(hw), instructions=(B,),
                       read_bytes=storage_bytes(sources, hw), write_bytes=write)


def fill(node: OpInstance, hw: HardwareSpec) -> Cost:
    out = largest(node.outputs)
    return vector_task(hw, dtype=out.dtype, elems=out.storage_elems(hw), instructions=(B,), read_bytes=0.0,
                       write_bytes=storage_bytes(node.outputs, hw))


def memcpy(node: OpInstance, hw: HardwareSpec) -> Cost:
    read, write = storage_bytes(node.inputs, hw), storage_bytes(node.outputs, hw)
    return Cost.of(flops=0, bytes_hbm=read + write, block_dim=1, offcore_us=copy_us(read, write, hw))


def _rows(names, fn, kind, dtypes=ALL_DTYPES, formats=ANY_FORMAT, dtype_input=0, note="", unit="aicore_vector"):
    return specs(names, unit=unit, cost_fn=fn, family=FAMILY, kind=kind, dtypes=dtypes, formats=formats,
                 dtype_input=dtype_input, note=note)


SPECS = (
    *_rows("TransData", transpose, "transpose", formats=FORMATS,
           note="inserted by GE where neighbouring ops disagree on format (reference §2.2)"),
    *_rows("Transpose TransposeD ConfusionTranspose ConfusionTransposeD SpaceToBatchND SpaceToBatchNDD "
           "BatchToSpaceND BatchToSpaceNDD SpaceToDepth DepthToSpace ReverseV2 ReverseV2D", transpose,
           "transpose", note="Transpose → TransposeD via const2attr (reference §3.3)"),
    *_rows("ConcatD ConcatV2D ConcatV2 Concat Pack ParallelConcat Unpack SplitD SplitVD Split SplitV Tile TileD "
           "TileWithAxis BroadcastTo BroadcastToD Expand ExpandD Pad PadD PadV2 PadV2D PadV3 MirrorPad Assign "
           "StridedSliceGrad StridedSliceGradD", copy, "copy"),
    *_rows("Slice SliceD StridedSlice StridedSliceD StridedSliceV2", slice_, "slice"),
    *_rows("StridedSliceAssign StridedSliceAssignD", functools.partial(scatter, fresh_output=False), "scatter"),
    *_rows("GatherV2 GatherV2D Gather", gather, "gather", note="also the index half of "
           "SparseSoftmaxCrossEntropyWithLogits' fusion (reference §3.2)"),
    *_rows("GatherNd GatherElements", gather, "gather"),
    *_rows("ScatterUpdate ScatterNdUpdate TensorScatterUpdate ScatterAdd ScatterSub ScatterNdAdd ScatterNdSub "
           "TensorScatterAdd InplaceAdd InplaceAddD InplaceSub InplaceSubD InplaceUpdate InplaceUpdateD "
           "ScatterElements ScatterElementsV2", functools.partial(scatter, fresh_output=False), "scatter",
           dtypes=INTEGER_TOO),
    *_rows("ScatterNd ScatterNdD UnsortedSegmentSum UnsortedSegmentSumD UnsortedSegmentMin UnsortedSegmentMinD "
           "UnsortedSegmentMax UnsortedSegmentMaxD UnsortedSegmentProd UnsortedSegmentProdD",
           functools.partial(scatter, fresh_output=True), "scatter", dtypes=INTEGER_TOO),
    *_rows("Fill FillD FillV2 FillV2D ZerosLike OnesLike OneHot OneHotD Range RangeD LinSpace LinSpaceD "
           "MatrixDiag MatrixDiagD Diag DiagD", fill, "fill"),
    *_rows("MemcpyAsync", memcpy, "memcpy", unit="dma", formats=FORMATS,
           note="a runtime copy task (Task Type MEMCPY_ASYNC), not an AI Core kernel"),
)
