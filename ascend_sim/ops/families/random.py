"""Random numbers and dropout.

DropOutGenMask (and V3 / V4) runs on the AI CPU (plugin ImplyType AI_CPU, reference §3.2): one random bit
per element of the mask it writes (the mask holds one bit per element of the dropped tensor). DropOutDoMask
(V3, V3D) runs on the AI Core: unpack the mask bit, select, scale by 1/keep_prob. The TF random ops run on
the AI CPU too (reference §3.5), at the preset's per-element cost over what they produce.
"""
from __future__ import annotations

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import (
    ANY_FORMAT, B, BITS_PER_BYTE, FLOAT, aicpu_cost, storage_bytes, vector_task, work_dtype,
)
from ascend_sim.ops.opspec import specs

FAMILY = "random"
DO_MASK = (B, B, B)      # bit unpack, select, scale


def gen_mask(node: OpInstance, hw: HardwareSpec) -> Cost:
    bits = sum(d.nbytes() for d in node.outputs) * BITS_PER_BYTE
    return aicpu_cost(node, hw, work_elems=int(bits))


def do_mask(node: OpInstance, hw: HardwareSpec) -> Cost:
    y = node.outputs[0]
    return vector_task(hw, dtype=work_dtype(node), elems=y.storage_elems(hw), instructions=DO_MASK,
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def generate(node: OpInstance, hw: HardwareSpec) -> Cost:
    """A random op on the AI CPU: per element of what it produces."""
    return aicpu_cost(node, hw, work_elems=sum(d.elems for d in node.outputs))


SPECS = (
    *specs("DropOutGenMask DropOutGenMaskV3 DropOutGenMaskV4", unit="aicpu", cost_fn=gen_mask, family=FAMILY,
           kind="gen_mask", note="ImplyType AI_CPU (reference §3.2 Dropout)"),
    *specs("DropOutDoMask DropOutDoMaskV3 DropOutDoMaskV3D", unit="aicore_vector", cost_fn=do_mask,
           family=FAMILY, kind="do_mask", dtypes=FLOAT, formats=ANY_FORMAT,
           note="ImplyType TVM (AI Core); DropOutDoMaskV3D from const2attr (reference §3.2-3.3)"),
    *specs("RandomUniform RandomStandardNormal TruncatedNormal RandomUniformInt RandomShuffle RandomGamma "
           "RandomGammaGrad RandomPoisson RandomPoissonV2 RandomCrop Multinomial ParameterizedTruncatedNormal "
           "StatelessMultinomial StatelessParameterizedTruncatedNormal StatelessRandomBinomial "
           "StatelessRandomGammaV2 StatelessRandomGammaV3 StatelessRandomNormal StatelessRandomNormalV2 "
           "StatelessRandomPoisson StatelessRandomUniform StatelessRandomUniformFullInt "
           "StatelessRandomUniformFullIntV2 StatelessRandomUniformInt StatelessRandomUniformIntV2 "
           "StatelessRandomUniformV2 StatelessShuffle StatelessTruncatedNormal StatelessTruncatedNormalV2 "
           "StatelessRandomGetKeyCounter StatelessRandomGetAlg StatelessRandomGetKeyCounterAlg "
           "StatelessSampleDistortedBoundingBox StatefulRandomBinomial StatefulStandardNormal "
           "StatefulStandardNormalV2 StatefulTruncatedNormal StatefulUniform StatefulUniformFullInt "
           "StatefulUniformInt RandomChoiceWithMask", unit="aicpu", cost_fn=generate, family=FAMILY,
           kind="random", note="random ops run on the AI CPU (reference §3.5)"),
)
