"""TensorFlow op type → Ascend (GE/TBE) op type, as data (shared reference ascend910.md §3.2–§3.5).

``rule_for(tf_op) -> Rule | None`` is the one lookup. A ``Rule`` says what GE's TF parser and graph passes
make of a TensorFlow op:

- ``ascend``: the GE type (the plugin's type, e.g. MatMul → MatMulV2, AddV2 → Add);
- ``d_variant`` / ``const_inputs``: the const→attr "D" variant GE uses when those inputs are constants
  (ReduceSumD, TransposeD, Conv2DBackpropInputD, ...); the inputs then become attributes;
- ``expand``: a named rewrite in ``ascend_sim.graph.expand`` for ops GE splits or renames by context
  (FusedBatchNorm → BNTrainingReduce + BNTrainingUpdate, Relu feeding ReluGrad → ReluV2 / ReluGradV2,
  IteratorGetNext → GetNext with data sinking);
- ``host``: why the op deliberately stays on the host (checkpoints, summaries, py_func, tf.data, ...).

A TensorFlow type that is itself a registered Ascend type and has no row maps to itself (Relu, Mul,
Cast, Tile, GatherV2, ...). Ops built by npu_bridge are collapsed to their Ascend type before this table is
consulted; ``NPU_RENAMES`` maps the few it tags with TensorFlow-style names to GE names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    ascend: str = ""
    d_variant: str = ""
    const_inputs: tuple = ()
    expand: str = ""
    host: str = ""


# ---- plain renames (reference §3.2)
RENAMES = {
    "MatMul": "MatMulV2", "BatchMatMul": "BatchMatMulV2", "BatchMatMulV2": "BatchMatMulV2",
    "BatchMatMulV3": "BatchMatMulV2", "BiasAddV1": "BiasAdd",
    "DepthwiseConv2dNative": "DepthwiseConv2D",
    "AddV2": "Add", "Softmax": "SoftmaxV2", "LogSoftmax": "LogSoftmaxV2",
    "ResizeBilinearGrad": "ResizeBilinearV2Grad",
    "AssignVariableOp": "Assign", "AssignAddVariableOp": "AssignAdd", "AssignSubVariableOp": "AssignSub",
    "ResourceGather": "GatherV2", "Gather": "GatherV2", "ResourceScatterAdd": "ScatterAdd",
    "ResourceScatterSub": "ScatterSub", "ResourceScatterUpdate": "ScatterUpdate",
    "ResourceScatterNdUpdate": "ScatterNdUpdate", "ResourceScatterNdAdd": "ScatterNdAdd",
    "ResourceStridedSliceAssign": "StridedSliceAssign", "TensorScatterUpdate": "TensorScatterUpdate",
    "VariableShape": "Shape", "MaxPoolGradV2": "MaxPoolGrad", "Snapshot": "Snapshot",
    "ConjugateTranspose": "Transpose", "Mod": "FloorMod", "InTopK": "InTopKD",
    "PrintV2": "PrintV2", "IteratorGetNextSync": "GetNext",
}

# ---- const→attr "D" variants (reference §3.3; ReduceSumD from reduce_sum_fusion_pass):
# TF type: (GE type, D type, indices of the inputs that must be constants)
CONST2ATTR = {
    "Sum": ("ReduceSum", "ReduceSumD", (1,)), "Mean": ("ReduceMean", "ReduceMeanD", (1,)),
    "Max": ("ReduceMax", "ReduceMaxD", (1,)), "Min": ("ReduceMin", "ReduceMinD", (1,)),
    "Prod": ("ReduceProd", "ReduceProdD", (1,)), "All": ("ReduceAll", "ReduceAllD", (1,)),
    "Any": ("ReduceAny", "ReduceAnyD", (1,)), "EuclideanNorm": ("EuclideanNorm", "EuclideanNormD", (1,)),
    "ArgMax": ("ArgMaxV2", "ArgMaxD", (1,)), "ArgMin": ("ArgMin", "ArgMinD", (1,)),
    "Transpose": ("Transpose", "TransposeD", (1,)), "Slice": ("Slice", "SliceD", (1, 2)),
    "Fill": ("Fill", "FillD", (0,)), "BroadcastTo": ("BroadcastTo", "BroadcastToD", (1,)),
    "ReverseV2": ("ReverseV2", "ReverseV2D", (1,)), "Cumsum": ("Cumsum", "CumsumD", (1,)),
    "Cumprod": ("Cumprod", "CumprodD", (1,)),
    "CumulativeLogsumexp": ("CumulativeLogsumexp", "CumulativeLogsumexpD", (1,)),
    "UnsortedSegmentSum": ("UnsortedSegmentSum", "UnsortedSegmentSumD", (2,)),
    "UnsortedSegmentMin": ("UnsortedSegmentMin", "UnsortedSegmentMinD", (2,)),
    "UnsortedSegmentMax": ("UnsortedSegmentMax", "UnsortedSegmentMaxD", (2,)),
    "UnsortedSegmentProd": ("UnsortedSegmentProd", "UnsortedSegmentProdD", (2,)),
    "SpaceToBatchND": ("SpaceToBatchND", "SpaceToBatchNDD", (1, 2)),
    "BatchToSpaceND": ("BatchToSpaceND", "BatchToSpaceNDD", (1, 2)),
    "ResizeBilinear": ("ResizeBilinearV2", "ResizeBilinearV2D", (1,)),
    "ResizeBilinearV2": ("ResizeBilinearV2", "ResizeBilinearV2D", (1,)),
    "ResizeNearestNeighbor": ("ResizeNearestNeighborV2", "ResizeNearestNeighborV2D", (1,)),
    "ResizeNearestNeighborGrad": ("ResizeNearestNeighborV2Grad", "ResizeNearestNeighborV2GradD", (1,)),
    "ScatterNd": ("ScatterNd", "ScatterNdD", (2,)), "CropAndResize": ("CropAndResize", "CropAndResizeD", (3,)),
    "InTopKV2": ("InTopK", "InTopKD", (2,)),
    "HistogramFixedWidth": ("HistogramFixedWidth", "HistogramFixedWidthD", (2,)),
    "InplaceAdd": ("InplaceAdd", "InplaceAddD", (1,)), "InplaceSub": ("InplaceSub", "InplaceSubD", (1,)),
    "InplaceUpdate": ("InplaceUpdate", "InplaceUpdateD", (1,)),
    "MaxPoolV2": ("MaxPoolV3", "MaxPoolExt2", (1, 2)), "AvgPoolGrad": ("AvgPoolGrad", "AvgPoolGradD", (0,)),
    "AvgPool3DGrad": ("AvgPool3DGrad", "AvgPool3DGradD", (0,)),
    "StridedSliceAssign": ("StridedSliceAssign", "StridedSliceAssignD", (1, 2, 3)),
    "Conv2DBackpropInput": ("Conv2DBackpropInput", "Conv2DBackpropInputD", (0,)),
    "Conv2DBackpropFilter": ("Conv2DBackpropFilter", "Conv2DBackpropFilterD", (1,)),
    "DepthwiseConv2dNativeBackpropInput": ("DepthwiseConv2DBackpropInput", "DepthwiseConv2DBackpropInputD", (0,)),
    "DepthwiseConv2dNativeBackpropFilter": ("DepthwiseConv2DBackpropFilter", "DepthwiseConv2DBackpropFilterD",
                                            (1,)),
    "Conv3DBackpropInputV2": ("Conv3DBackpropInput", "Conv3DBackpropInputD", (0,)),
    "Conv3DBackpropFilterV2": ("Conv3DBackpropFilter", "Conv3DBackpropFilterD", (1,)),
}

# ---- optimizer updates: plugin type → const2attr D variant (reference §3.2 Optimizers, §3.3); the
# Resource* TF ops map like their ref-variable twins.
OPTIMIZERS = {
    "ApplyAdam": "ApplyAdamD", "ApplyMomentum": "ApplyMomentumD", "ApplyKerasMomentum": "ApplyKerasMomentumD",
    "ApplyRMSProp": "ApplyRMSPropD", "ApplyCenteredRMSProp": "ApplyCenteredRMSPropD",
    "ApplyAdagrad": "ApplyAdagradD", "ApplyAdagradV2": "ApplyAdagradV2D", "ApplyAdagradDA": "ApplyAdagradDAD",
    "ApplyAdadelta": "ApplyAdadeltaD", "ApplyAdaMax": "ApplyAdaMaxD", "ApplyFtrl": "ApplyFtrlD",
    "ApplyFtrlV2": "ApplyFtrlV2D", "ApplyAddSign": "ApplyAddSignD", "ApplyPowerSign": "ApplyPowerSignD",
    "ApplyProximalAdagrad": "ApplyProximalAdagradD", "ApplyAdamWithAmsgrad": "ApplyAdamWithAmsgradD",
    "ApplyGradientDescent": "ApplyGradientDescent", "ApplyProximalGradientDescent": "ApplyProximalGradientDescent",
    "SparseApplyAdagrad": "SparseApplyAdagradD", "SparseApplyAdagradV2": "SparseApplyAdagradV2D",
    "SparseApplyProximalAdagrad": "SparseApplyProximalAdagradD", "SparseApplyRMSProp": "SparseApplyRMSPropD",
    "SparseApplyFtrl": "SparseApplyFtrlD", "SparseApplyFtrlV2": "SparseApplyFtrlV2D",
    "SparseApplyAdadelta": "SparseApplyAdadeltaD", "SparseApplyMomentum": "SparseApplyMomentum",
    "SparseApplyCenteredRMSProp": "SparseApplyCenteredRMSProp", "SparseApplyAdagradDA": "SparseApplyAdagradDA",
    "SparseApplyProximalGradientDescent": "SparseApplyProximalGradientDescent",
}

# ---- rewrites that need the graph around the op (ascend_sim.graph.expand)
EXPANDS = {
    "FusedBatchNorm": "batch_norm", "FusedBatchNormV2": "batch_norm", "FusedBatchNormV3": "batch_norm",
    "FusedBatchNormGrad": "batch_norm_grad", "FusedBatchNormGradV2": "batch_norm_grad",
    "FusedBatchNormGradV3": "batch_norm_grad", "Relu": "relu", "IteratorGetNext": "get_next",
}

# ---- deliberately host-side: op type → reason (the adapter keeps them out of the device graph)
HOST = {
    **{t: "checkpoint I/O runs on the host" for t in (
        "SaveV2", "RestoreV2", "MergeV2Checkpoints", "Save", "SaveSlices", "Restore", "RestoreSlice",
        "ShardedFilename", "ShardedFilespec", "ReadFile", "WriteFile", "MatchingFiles")},
    **{t: "summaries are written by the host" for t in (
        "ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummary", "AudioSummaryV2", "TensorSummary",
        "TensorSummaryV2", "MergeSummary", "WriteSummary", "WriteScalarSummary", "WriteHistogramSummary",
        "WriteImageSummary", "WriteAudioSummary", "WriteRawProtoSummary", "CreateSummaryFileWriter",
        "SummaryWriter", "FlushSummaryWriter", "CloseSummaryWriter")},
    **{t: "Python functions run in the host process" for t in ("PyFunc", "PyFuncStateless", "EagerPyFunc")},
    **{t: "tf.data iterators live on the host" for t in (
        "Iterator", "IteratorV2", "MakeIterator", "OneShotIterator", "AnonymousIterator", "AnonymousIteratorV2",
        "AnonymousIteratorV3", "DeleteIterator", "IteratorToStringHandle", "IteratorFromStringHandle",
        "IteratorFromStringHandleV2", "IteratorGetNextAsOptional", "DatasetToGraph", "DatasetToGraphV2",
        "OptionalFromValue", "OptionalGetValue", "OptionalHasValue", "OptionalNone", "ModelDataset",
        "DatasetCardinality")},
    **{t: "resource bookkeeping on the host" for t in (
        "DestroyResourceOp", "VarIsInitializedOp", "IsVariableInitialized", "ConsumeMutexLock", "MutexV2",
        "MutexLock")},
}
# String ops: those with an AI CPU kernel (reference §3.5: String*, Regex*, Decode*) are registered and run
# there; any other op reading or writing strings has no device kernel and stays on the host.
STRING_HOST_REASON = "string tensors without an AI CPU kernel stay on the host"
HOST_PATTERNS = (
    (re.compile(r"Dataset(V\d+)?$"), "tf.data pipelines run on the host"),
    (re.compile(r"Summary(V\d+)?$"), "summaries are written by the host"),
    (re.compile(r"^(Save|Restore)"), "checkpoint I/O runs on the host"),
)

# Ops that do nothing when their output has as many elements as their input (a reduction over axes of
# size 1 or none, as TF's gradient of an Add of equal shapes builds; a Tile / BroadcastTo / Pad that adds
# nothing; a reshape to the same shape): GE removes them; they become views (Identity, or Reshape when the
# shape changes).
NO_OP_WHEN_SAME_SIZE = ("Sum", "Mean", "Max", "Min", "Prod", "All", "Any", "Tile", "BroadcastTo", "Pad", "PadV2",
                        "MirrorPad", "Reshape", "Squeeze", "ExpandDims")

# npu_bridge tags some custom ops with TF-style names; GE's names (docs/cost_model.md, Op registry).
NPU_RENAMES = {
    "DynamicRnn": "DynamicRNN", "DynamicRnnV2": "DynamicRNNV2", "DynamicRnnGrad": "DynamicRNNGrad",
    "DynamicGruV2": "DynamicGRUV2", "DynamicGruV2Grad": "DynamicGRUV2Grad", "FusedLayerNorm": "LayerNorm",
    "FusedLayerNormGrad": "LayerNormGrad", "NpuAllocFloatStatus": "NPUAllocFloatStatus",
    "NpuGetFloatStatus": "NPUGetFloatStatus", "NpuClearFloatStatus": "NPUClearFloatStatus",
    "NpuGetFloatStatusV2": "NPUGetFloatStatusV2", "NpuClearFloatStatusV2": "NPUClearFloatStatusV2",
}


def _build() -> dict:
    table = {tf_op: Rule(ascend) for tf_op, ascend in RENAMES.items()}
    for tf_op, (ascend, d_type, inputs) in CONST2ATTR.items():
        table[tf_op] = Rule(ascend, d_type, tuple(inputs))
    for tf_op, ascend in OPTIMIZERS.items():
        table[tf_op] = table[f"Resource{tf_op}"] = Rule(ascend)
    for tf_op, name in EXPANDS.items():
        table[tf_op] = Rule(expand=name)
    for tf_op, reason in HOST.items():
        table[tf_op] = Rule(host=reason)
    return table


TF_TO_ASCEND = _build()


def rule_for(tf_op: str) -> Rule | None:
    """The mapping rule of ``tf_op`` (None: use the TF type itself if the registry knows it)."""
    rule = TF_TO_ASCEND.get(tf_op)
    if rule is not None:
        return rule
    for pattern, reason in HOST_PATTERNS:
        if pattern.search(tf_op):
            return Rule(host=reason)
    return None


def ascend_type(tf_op: str, constant_inputs=lambda index: False) -> str:
    """The Ascend type of a TF op that needs no graph context (``constant_inputs(i)``: is input i constant)."""
    rule = rule_for(tf_op)
    if rule is None:
        return NPU_RENAMES.get(tf_op, tf_op)
    if rule.d_variant and all(constant_inputs(i) for i in rule.const_inputs):
        return rule.d_variant
    return rule.ascend or tf_op


def covered(tf_op: str, registered) -> bool:
    """Does ``tf_op`` map to an Ascend type in ``registered`` (a container of op types), or stay on the host
    on purpose? (Expanded ops map to registered types by construction.)"""
    rule = rule_for(tf_op)
    if rule is not None and (rule.host or rule.expand):
        return True
    if rule is None:
        return NPU_RENAMES.get(tf_op, tf_op) in registered
    return all(t in registered for t in (rule.ascend, rule.d_variant) if t)
