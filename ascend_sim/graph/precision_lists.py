"""Data for the precision pass: the allow_mix_precision lists and the ops whose statistics stay fp32.

GE's built-in black/white/gray lists live in each op's info file, which is not public; these lists are our
reading of Huawei's documentation of mixed precision (an assumption, adjustable per run through the
``modify_mixlist`` JSON exactly like GE's): white = compute-bound ops that gain from fp16 (the cube ops);
black = ops whose fp16 result loses too much (exponentials, logarithms, powers, sums and means over many
elements, losses, norms); gray = everything else, which follows the precision of its inputs.

``modify_mixlist`` file format (as GE's): ``{"white-list": {"to-add": [...], "to-remove": [...]},
"black-list": {...}, "gray-list": {...}}``, op types by their Ascend names.
"""
from __future__ import annotations

WHITE_LIST = frozenset(
    "MatMul MatMulV2 BatchMatMul BatchMatMulV2 Conv2D Conv2DBackpropInput Conv2DBackpropInputD "
    "Conv2DBackpropFilter Conv2DBackpropFilterD Conv3D Conv3DBackpropInput Conv3DBackpropInputD "
    "Conv3DBackpropFilter Conv3DBackpropFilterD DepthwiseConv2D DepthwiseConv2DBackpropInput "
    "DepthwiseConv2DBackpropInputD DepthwiseConv2DBackpropFilter DepthwiseConv2DBackpropFilterD "
    "Conv2DTranspose Conv2DTransposeD Conv3DTranspose Conv3DTransposeD".split())
BLACK_LIST = frozenset(
    "Exp Expm1 Log Log1p Pow SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits LogSoftmaxV2 "
    "LogSoftmaxGrad ReduceSum ReduceSumD ReduceMean ReduceMeanD ReduceProd ReduceProdD ReduceLogSumExp "
    "L2Loss SquareSumV1 SquareSumV2 EuclideanNorm EuclideanNormD L2Normalize L2NormalizeGrad Cumsum CumsumD "
    "Cumprod CumprodD CumulativeLogsumexp CumulativeLogsumexpD".split())
LIST_KEYS = {"white-list": "white", "black-list": "black", "gray-list": "gray"}

# Inputs / outputs that stay fp32 whatever the data tensor's dtype (per-channel statistics of BN kernels).
FP32_INPUTS = {
    "BNTrainingUpdate": (1, 2, 3, 4, 5, 6), "BNTrainingUpdateGrad": (2, 3),
    "BNTrainingReduceGrad": (2, 3, 4, 5, 6), "BNInfer": (1, 2, 3, 4), "BNInferGrad": (1, 2),
}
FP32_OUTPUTS = {
    "BNTrainingReduce": (0, 1), "BNTrainingUpdate": (1, 2, 3, 4), "BNTrainingUpdateGrad": (0, 1),
}
# Ops that write a variable in place: their float inputs take the variable's dtype.
VARIABLE_WRITERS = frozenset(
    "Assign AssignAdd AssignSub ScatterAdd ScatterSub ScatterUpdate ScatterNdUpdate ScatterNdAdd ScatterNdSub "
    "StridedSliceAssign StridedSliceAssignD".split())
