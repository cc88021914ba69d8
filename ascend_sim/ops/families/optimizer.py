"""Optimizer updates on the vector unit: the Apply* ops (and their const2attr D variants), the sparse ones,
and the fused Adam / LAMB / momentum updates GE's fusion passes and rules produce.

``apply``: an element-wise update over the variable. The ref-style ops update their slots in place and
list only some of them as outputs, so each row says how many variable-sized tensors the update reads and
writes (var, slots, gradient; scalars like lr are negligible) and the vector instructions per element.
``sparse``: the same over the gradient's rows only. ``fused``: the BERT / ResNet fusion results list
every tensor they touch, so their traffic is their inputs and outputs in storage. Instruction mixes are
our reading of each update's math: assumptions to calibrate.
"""
from __future__ import annotations

import functools

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import ANY_FORMAT, B, FLOAT, largest, storage_bytes, vector_task
from ascend_sim.ops.opspec import specs

FAMILY = "optimizer"
ADAM = (B,) * 9 + ("sqrt", "div")


def apply(node: OpInstance, hw: HardwareSpec, *, reads: int, writes: int, instructions) -> Cost:
    var = node.inputs[0]
    size = var.storage_bytes(hw)
    return vector_task(hw, dtype=var.dtype, elems=var.storage_elems(hw), instructions=instructions,
                       read_bytes=reads * size, write_bytes=writes * size)


def sparse_apply(node: OpInstance, hw: HardwareSpec, *, reads: int, writes: int, instructions) -> Cost:
    """Rows named by the indices: the gradient is the input shaped like var's rows with another row count."""
    var = node.inputs[0]
    grads = [d for d in node.inputs[1:] if d.shape[1:] == var.shape[1:] and d.shape != var.shape and d.shape]
    grad = largest(grads) if grads else var
    size = grad.storage_bytes(hw)
    return vector_task(hw, dtype=var.dtype, elems=grad.storage_elems(hw), instructions=instructions,
                       read_bytes=reads * size, write_bytes=writes * size)


def fused(node: OpInstance, hw: HardwareSpec, *, instructions) -> Cost:
    big = largest(node.inputs)
    return vector_task(hw, dtype=big.dtype, elems=big.storage_elems(hw), instructions=instructions,
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def _apply(names, reads, writes, instructions, note=""):
    fn = functools.partial(apply, reads=reads, writes=writes, instructions=tuple(instructions))
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind="apply", dtypes=FLOAT,
                 formats=ANY_FORMAT, note=note)


def _sparse(names, reads, writes, instructions):
    fn = functools.partial(sparse_apply, reads=reads, writes=writes, instructions=tuple(instructions))
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind="sparse_apply", dtypes=FLOAT,
                 formats=("ND",))


def _fused(names, instructions, note=""):
    fn = functools.partial(fused, instructions=tuple(instructions))
    return specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind="fused", dtypes=FLOAT,
                 formats=ANY_FORMAT, note=note)


SPECS = (
    #       names                                          reads writes instructions per element
    *_apply("ApplyGradientDescent", 2, 1, (B, B)),
    *_apply("ApplyProximalGradientDescent", 2, 1, (B,) * 6 + ("div",)),
    *_apply("ApplyMomentum ApplyMomentumD ApplyKerasMomentum ApplyKerasMomentumD", 3, 2, (B,) * 4,
            note="(Resource)ApplyMomentum → ApplyMomentumD via const2attr (reference §3.2-3.3)"),
    *_apply("FusedMulApplyMomentum FusedMulApplyMomentumExtern FusedMulApplyKerasMomentum", 3, 2, (B,) * 5),
    *_apply("ApplyAdam ApplyAdamD ApplyAdamW", 4, 3, ADAM,
            note="(Resource)ApplyAdam → ApplyAdamD via const2attr (reference §3.2-3.3)"),
    *_apply("ApplyAdamWithAmsgrad ApplyAdamWithAmsgradD", 5, 4, ADAM + (B,)),
    *_apply("ApplyAdaMax ApplyAdaMaxD", 4, 3, (B,) * 8 + ("div",)),
    *_apply("ApplyAdadelta ApplyAdadeltaD", 4, 3, (B,) * 8 + ("sqrt", "sqrt", "div")),
    *_apply("ApplyAdagrad ApplyAdagradD ApplyAdagradV2 ApplyAdagradV2D", 3, 2, (B,) * 3 + ("sqrt", "div")),
    *_apply("ApplyAdagradDA ApplyAdagradDAD", 4, 3, (B,) * 8 + ("sqrt", "div")),
    *_apply("ApplyProximalAdagrad ApplyProximalAdagradD", 3, 2, (B,) * 8 + ("sqrt", "div")),
    *_apply("ApplyRMSProp ApplyRMSPropD", 4, 3, (B,) * 7 + ("sqrt", "div")),
    *_apply("ApplyCenteredRMSProp ApplyCenteredRMSPropD", 5, 4, (B,) * 9 + ("sqrt", "div")),
    *_apply("ApplyFtrl ApplyFtrlD ApplyFtrlV2 ApplyFtrlV2D", 4, 3, (B,) * 12 + ("ln", "exp", "sqrt", "div")),
    *_apply("ApplyAddSign ApplyAddSignD", 3, 2, (B,) * 6),
    *_apply("ApplyPowerSign ApplyPowerSignD", 3, 2, (B,) * 6 + ("exp",)),
    *_sparse("SparseApplyAdagrad SparseApplyAdagradD SparseApplyAdagradV2 SparseApplyAdagradV2D", 3, 2,
             (B,) * 3 + ("sqrt", "div")),
    *_sparse("SparseApplyProximalAdagrad SparseApplyProximalAdagradD", 3, 2, (B,) * 8 + ("sqrt", "div")),
    *_sparse("SparseApplyRMSProp SparseApplyRMSPropD", 4, 3, (B,) * 7 + ("sqrt", "div")),
    *_sparse("SparseApplyFtrl SparseApplyFtrlD SparseApplyFtrlV2 SparseApplyFtrlV2D", 4, 3,
             (B,) * 12 + ("ln", "exp", "sqrt", "div")),
    *_sparse("SparseApplyAdadelta SparseApplyAdadeltaD", 4, 3, (B,) * 8 + ("sqrt", "sqrt", "div")),
    *_fused("AdamApplyOne AdamApplyOneAssign", (B,) * 8 + ("sqrt", "div"),
            note="BERT Adam fusion rule results (reference §3.2)"),
    *_fused("AdamApplyOneWithDecay AdamApplyOneWithDecayAssign", (B,) * 10 + ("sqrt", "div")),
    *_fused("LambNextMV", (B,) * 10 + ("sqrt", "div", "sqrt", "div"), note="LAMB fusion rule results"),
    *_fused("LambNextMVWithDecay", (B,) * 12 + ("sqrt", "div", "sqrt", "div")),
    *_fused("LambNextRight", (B,) * 3 + ("sqrt",)),
    *_fused("LambUpdateWithLr LambUpdateWithLrV2", (B,) * 6 + ("div",)),
    *_fused("LambApplyOptimizerAssign", (B,) * 10 + ("sqrt", "div")),
    *_fused("LambApplyWeightAssign", (B,) * 3),
    *_fused("LARS LarsV2 LarsV2Update", (B,) * 4 + ("reduce", "reduce", "sqrt")),
    *_fused("FusedMulAddN FusedMulAdd", (B, B)),
    *_fused("FusedMulAddAdd", (B, B, B)),
    *_fused("FusedMulAddNL2loss", (B, B, B, "reduce")),
)
