"""Ops that run on the AI CPU (plugin ImplyType AI_CPU, reference §3.5).

``compute``: the preset's per-element time (``overheads.aicpu_ns_per_elem``) over every input and output
element. ``linalg``: factorizations and solves do O(n) work per matrix element, so the element count is
scaled by the matrix edge. ``dequeue``: the input pipeline hands over a ready batch; with data sinking the
batch is already in device memory, so the AI CPU only copies it (HBM bandwidth, both ways). The fixed AI CPU
latency is the task's launch overhead (``launch.task_launch_us("AI_CPU")``), added by the scheduler.
"""
from __future__ import annotations

import dataclasses

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import aicpu_cost, copy_us, known_bytes
from ascend_sim.ops.opspec import specs

FAMILY = "aicpu"


def compute(node: OpInstance, hw: HardwareSpec) -> Cost:
    return aicpu_cost(node, hw)


def linalg(node: OpInstance, hw: HardwareSpec) -> Cost:
    edge = max((d.shape[-1] for d in node.inputs if d.shape), default=1)
    return aicpu_cost(node, hw, work_elems=sum(d.elems for d in node.inputs + node.outputs) * max(1, edge))


def dequeue(node: OpInstance, hw: HardwareSpec) -> Cost:
    size = known_bytes(node.outputs)
    return dataclasses.replace(aicpu_cost(node, hw, work_elems=0), offcore_us=copy_us(size, size, hw),
                               bytes_hbm=2 * size)


def _rows(names, fn, kind, note=""):
    return specs(names, unit="aicpu", cost_fn=fn, family=FAMILY, kind=kind, note=note)


SPECS = (
    *_rows("GetNext DynamicGetNext DynamicGetNextV2 GetNextFromQueue QueueDequeue QueueDequeueV2 "
           "QueueDequeueMany QueueDequeueManyV2 QueueDequeueUpTo QueueDequeueUpToV2 Dequeue Unstage MapUnstage "
           "MapUnstageNoKey StagePeek", dequeue, "dequeue",
           note="data sinking: GetNext runs on the AI CPU from a device-side queue (reference §3.5, §6)"),
    *_rows("FIFOQueue FIFOQueueV2 Stage StageClear StageSize MapStage QueueEnqueue QueueEnqueueV2 "
           "QueueEnqueueMany QueueEnqueueManyV2 QueueSize QueueSizeV2 QueueClose QueueCloseV2 BatchEnqueue "
           "OutfeedEnqueueOp OutfeedDequeueOp", compute, "compute"),
    *_rows("Unique UniqueV2 UniqueWithCounts UniqueWithCountsV2 DynamicPartition DynamicStitch "
           "ParallelDynamicStitch NonMaxSuppression NonMaxSuppressionV2 NonMaxSuppressionV3 NonMaxSuppressionV4 "
           "NonMaxSuppressionV5 NonMaxSuppressionWithOverlaps ListDiff CTCLoss CTCLossV2 CTCGreedyDecoder "
           "CTCBeamSearchDecoder NonZero NonZeroWithValue NonZeroWithValueShape Where", compute, "compute",
           note="dynamic-shape / data-dependent ops (reference §3.5)"),
    *_rows("SparseAdd SparseAddGrad SparseConcat SparseCross SparseCrossHashed SparseCrossV2 SparseDenseCwiseAdd "
           "SparseDenseCwiseDiv SparseDenseCwiseMul SparseFillEmptyRows SparseFillEmptyRowsGrad SparseMatMul "
           "SparseReduceMax SparseReduceMaxSparse SparseReduceSum SparseReduceSumSparse SparseReorder "
           "SparseReshape SparseSegmentMean SparseSegmentMeanGrad SparseSegmentMeanWithNumSegments "
           "SparseSegmentSqrtN SparseSegmentSqrtNGrad SparseSegmentSqrtNWithNumSegments SparseSegmentSum "
           "SparseSegmentSumGrad SparseSegmentSumWithNumSegments SparseSlice SparseSliceGrad SparseSoftmax "
           "SparseSparseMaximum SparseSparseMinimum SparseSplit SparseTensorDenseAdd SparseTensorDenseMatMul "
           "SparseToDense SparseToSparseSetOperation SparseBincount SparseApplyMomentum "
           "SparseApplyCenteredRMSProp SparseApplyAdagradDA SparseApplyProximalGradientDescent",
           compute, "compute", note="Sparse* ops (reference §3.5); the Sparse*Apply* ops with a const2attr "
           "D variant run on the AI Core (optimizer family)"),
    *_rows("TensorArray TensorArrayV2 TensorArrayV3 TensorArrayRead TensorArrayReadV2 TensorArrayReadV3 "
           "TensorArrayWrite TensorArrayWriteV2 TensorArrayWriteV3 TensorArrayGather TensorArrayGatherV2 "
           "TensorArrayGatherV3 TensorArrayScatter TensorArrayScatterV2 TensorArrayScatterV3 TensorArrayConcat "
           "TensorArrayConcatV2 TensorArrayConcatV3 TensorArraySplit TensorArraySplitV2 TensorArraySplitV3 "
           "TensorArraySize TensorArraySizeV2 TensorArraySizeV3 TensorArrayGrad TensorArrayGradV2 "
           "TensorArrayGradV3 TensorArrayGradWithShape TensorArrayClose TensorArrayCloseV2 TensorArrayCloseV3 "
           "TensorArrayPack TensorArrayUnpack", compute, "compute", note="TensorArray* (reference §3.5)"),
    *_rows("TensorListConcat TensorListConcatLists TensorListConcatV2 TensorListElementShape "
           "TensorListFromTensor TensorListGather TensorListGetItem TensorListLength TensorListPopBack "
           "TensorListPushBack TensorListPushBackBatch TensorListReserve TensorListResize TensorListScatter "
           "TensorListScatterIntoExistingList TensorListScatterV2 TensorListSetItem TensorListSplit "
           "TensorListStack Stack StackV2 StackPush StackPushV2 StackPop StackPopV2 StackClose StackCloseV2",
           compute, "compute", note="TensorList* / Stack* (reference §3.5)"),
    *_rows("HashTable HashTableV2 MutableHashTable MutableHashTableV2 MutableHashTableOfTensors "
           "MutableHashTableOfTensorsV2 LookupTableFind LookupTableFindV2 LookupTableInsert LookupTableInsertV2 "
           "LookupTableImport LookupTableImportV2 LookupTableExport LookupTableExportV2 LookupTableSize "
           "LookupTableSizeV2 LookupTableRemoveV2", compute, "compute",
           note="HashTable / LookupTable* (reference §3.5)"),
    *_rows("Cholesky CholeskyGrad MatrixInverse MatrixSolve MatrixSolveLs MatrixTriangularSolve "
           "MatrixDeterminant Qr Svd MatrixExponential MatrixLogarithm MatrixSquareRoot", linalg, "linalg",
           note="linear algebra (reference §3.5)"),
    *_rows("FFT FFT2D FFT3D IFFT IFFT2D IFFT3D RFFT RFFT2D RFFT3D IRFFT IRFFT2D IRFFT3D", compute, "compute",
           note="FFT (reference §3.5)"),
    *_rows("DecodeJpeg DecodePng DecodeBmp DecodeGif DecodeImage DecodeRaw DecodePaddedRaw DecodeAndCropJpeg "
           "DecodeBase64 DecodeCSV DecodeCompressed DecodeJSONExample DecodeWav DecodeImageV3 "
           "DecodeAndResizeJpeg DecodeAndCropAndResizeJpeg StringFormat StringJoin StringLength StringLower "
           "StringNGrams StringSplit StringSplitV2 StringStrip StringToHashBucket StringToHashBucketFast "
           "StringToHashBucketStrong StringToNumber StringUpper RegexFullMatch RegexReplace", compute,
           "compute", note="Decode* / String* / Regex* (reference §3.5)"),
    *_rows("Assert Print PrintV2 PrintV3 CheckNumerics IsFinite IsInf IsNan", compute, "compute",
           note="diagnostics (reference §3.5)"),
    *_rows("InvertPermutation BroadcastGradientArgs DataFormatVecPermute ResizeBicubic ResizeBicubicGrad "
           "ResizeArea ScaleAndTranslate MirrorPadGrad ConcatOffset", compute, "compute",
           note="others the reference places on the AI CPU (§3.5)"),
)
