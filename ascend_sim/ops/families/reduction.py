"""Reductions and normalisations on the vector unit: Reduce*, ArgMax, softmax and losses, LayerNorm and its
gradients, the BN split ops (BNTrainingReduce / Update and their gradients), scans.

Two models. ``reduce``: ``cost.reduce_cost`` from the input and output element counts (outputs over the
cores when there are enough, else the input split and a combine step). ``normalize``: ops that read whole
rows (softmax over the last axis, LayerNorm over the normalised axes, BN over N·H·W per channel) and run a
fixed instruction mix per element of their largest input; ``rows`` spreads whole rows over the cores,
otherwise 32-byte blocks are spread (the per-channel partial sums are then combined; small next to the
pass over the data). Instruction mixes are our reading of each kernel's math: assumptions to calibrate.
"""
from __future__ import annotations

import functools

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.cost.vector import reduce_cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import (
    ANY_FORMAT, B, FLOAT, INTEGER_TOO, NUMERIC, largest, storage_bytes, vector_task,
)
from ascend_sim.ops.opspec import specs

FAMILY = "reduction"
R = "reduce"
BN_FORMATS = ("NC1HWC0", "NDC1HWC0", "NHWC", "NCHW", "ND")
# Shared recipes (the cube fusions reuse the BN ones).
BN_REDUCE = (R, B, R)                  # Σx and Σx² per channel
BN_UPDATE = (B, B)                     # (x - mean)·scale/σ + offset, per-channel factors precomputed
BN_REDUCE_GRAD = (B,) * 5              # dx from dy, x and the per-channel sums
BN_UPDATE_GRAD = (B, B, B, R, R)       # Σdy and Σdy·x̂ per channel
SOFTMAX = (R, B, "exp", R, B)          # max, x - max, exp, Σ, × 1/Σ
SOFTMAX_GRAD = (B, R, B, B)            # (dy - Σ(dy·y))·y
CROSS_ENTROPY = SOFTMAX + ("ln", B, R, B)
LAYER_NORM = (R, B, B, R, B, B, B)     # mean, x - mean, square, variance, × rstd, × γ, + β
LAYER_NORM_GRAD = (B,) * 10 + (R,) * 4
LAYER_NORM_X_GRAD = (B,) * 7 + (R,) * 2
LAYER_NORM_GAMMA_BETA_GRAD = (B,) * 3 + (R,) * 2


def reduce(node: OpInstance, hw: HardwareSpec, *, instructions) -> Cost:
    x, y = node.inputs[0], node.outputs[0]
    return reduce_cost(x.storage_elems(hw), max(1, y.storage_elems(hw)), hw, dtype=x.dtype,
                       instructions=instructions)


def normalize(node: OpInstance, hw: HardwareSpec, *, instructions, rows: bool) -> Cost:
    x = largest(node.inputs)
    units = x.elems // x.shape[-1] if rows and x.shape and x.shape[-1] else None
    return vector_task(hw, dtype=x.dtype, elems=x.storage_elems(hw), instructions=instructions, units=units,
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def _reduce_rows(names, instructions, dtypes=FLOAT, note=""):
    fn = functools.partial(reduce, instructions=tuple(instructions))
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind="reduce", dtypes=dtypes,
                 formats=ANY_FORMAT, note=note)


def _norm_rows(names, instructions, *, rows, dtypes=FLOAT, formats=ANY_FORMAT, kind="normalize", note=""):
    fn = functools.partial(normalize, instructions=tuple(instructions), rows=rows)
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind=kind, dtypes=dtypes,
                 formats=formats, note=note)


SPECS = (
    *_reduce_rows("ReduceSum ReduceSumD ReduceMean ReduceMeanD ReduceMax ReduceMaxD ReduceMin ReduceMinD "
                  "ReduceProd ReduceProdD BiasAddGrad", (R,), NUMERIC,
                  note="Sum/Mean/Max/Min/Prod → Reduce*, const axes → *D (reference §3.2-3.3)"),
    *_reduce_rows("ReduceAll ReduceAllD ReduceAny ReduceAnyD", (R,), ("bool",)),
    *_reduce_rows("ReduceLogSumExp", ("exp", R, "ln"), FLOAT),
    *_reduce_rows("ArgMax ArgMaxV2 ArgMaxD ArgMin ArgMinD ArgMaxWithValue ArgMinWithValue", (R, B), NUMERIC),
    *_reduce_rows("L2Loss SquareSumV1 SquareSumV2 EuclideanNorm EuclideanNormD", (B, R), FLOAT),
    *_norm_rows("SoftmaxV2 LogSoftmaxV2", SOFTMAX, rows=True),
    *_norm_rows("SoftmaxGrad ConfusionSoftmaxGrad", SOFTMAX_GRAD, rows=True,
                note="ConfusionSoftmaxGrad: the Mul → ReduceSumD → Sub fusion (reference §3.2)"),
    *_norm_rows("LogSoftmaxGrad", ("exp", R, B, B), rows=True),
    *_norm_rows("SoftmaxGradExt", (B, B, B, R, B), rows=True),
    *_norm_rows("SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits", CROSS_ENTROPY, rows=True),
    *_norm_rows("LayerNorm", LAYER_NORM, rows=True, note="LayerNormFusionPass result (reference §3.2)"),
    *_norm_rows("LayerNormGrad", LAYER_NORM_GRAD, rows=True),
    *_norm_rows("LayerNormXBackprop LayerNormXBackpropV2", LAYER_NORM_X_GRAD, rows=True,
                note="LayerNormGradFusionPass splits LayerNormGrad (reference §3.2)"),
    *_norm_rows("LayerNormBetaGammaBackprop LayerNormBetaGammaBackpropV2", LAYER_NORM_GAMMA_BETA_GRAD,
                rows=False),
    *_norm_rows("Centralization", (R, B), rows=True),
    *_norm_rows("L2Normalize", (B, R, "rsqrt", B), rows=True),
    *_norm_rows("L2NormalizeGrad", (B, R, B, B, B), rows=True),
    *_norm_rows("ConfusionMulGrad", (B, B, R), rows=False),
    *_norm_rows("BNTrainingReduce", BN_REDUCE, rows=False, formats=BN_FORMATS, kind="bn",
                note="FusedBatchNorm → BatchNorm → BNTrainingReduce + BNTrainingUpdate (reference §3.2)"),
    *_norm_rows("BNTrainingUpdate BNTrainingUpdateV2 BNTrainingUpdateV3 BNInfer", BN_UPDATE, rows=False,
                formats=BN_FORMATS, kind="bn"),
    *_norm_rows("BNTrainingReduceGrad", BN_REDUCE_GRAD, rows=False, formats=BN_FORMATS, kind="bn"),
    *_norm_rows("BNTrainingUpdateGrad", BN_UPDATE_GRAD, rows=False, formats=BN_FORMATS, kind="bn",
                note="FusedBatchNormGrad → BNTrainingUpdateGrad + BNTrainingReduceGrad (reference §3.2)"),
    *_norm_rows("BNInferGrad", (B,), rows=False, formats=BN_FORMATS, kind="bn"),
    *_norm_rows("BatchNorm", BN_REDUCE + BN_UPDATE, rows=False, formats=BN_FORMATS, kind="bn",
                note="before FusedBatchnormFusionPass splits it"),
    *_norm_rows("BatchNormGrad", BN_UPDATE_GRAD + BN_REDUCE_GRAD, rows=False, formats=BN_FORMATS, kind="bn"),
    *_norm_rows("Cumsum CumsumD Cumprod CumprodD", (B, B), rows=False, dtypes=NUMERIC, kind="scan"),
    *_norm_rows("CumulativeLogsumexp CumulativeLogsumexpD", ("exp", B, B, "ln"), rows=False, kind="scan"),
    *_norm_rows("RpnProposals RpnProposalsD", (B,) * 16, rows=False, kind="normalize",
                note="box decoding and a sorting network over the anchors: an instruction-count assumption"),
    *_norm_rows("InTopK InTopKD", (B, B, R), rows=True, kind="normalize"),
    *_norm_rows("HistogramFixedWidth HistogramFixedWidthD", (B, B, B), rows=False, dtypes=INTEGER_TOO,
                kind="scan"),
)
