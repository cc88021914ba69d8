"""Recurrent cells the NPU runs as single ops (npu_bridge's DynamicRNN / DynamicGRUV2 / BasicLSTMCell and
their gradients): cube matmuls for the gate projections, vector work for the gate non-linearities.

Time steps are sequential: every step multiplies the batch's [x_t, h_{t-1}] by the gate weights (a
B × (I+H) · (I+H) × gates·H matmul, tiny M, so poorly filled cores: that is what makes RNNs slow on a
cube) and runs the cell's element-wise math over B × H. GRUs project all inputs up front in one big
matmul and only the hidden projection per step. Gradients do two matmuls per step (back to [x, h], and the
weight-gradient accumulation). Each step's weights are re-read (L2 would keep small ones; conservative).
"""
from __future__ import annotations

import dataclasses
import functools

from ascend_sim.hw.spec import FrozenMap, HardwareSpec
from ascend_sim.ops.cost.cube import matmul_cost
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import DescError, OpInstance
from ascend_sim.ops.families._common import (
    B, add_work, floor_to_hbm, largest, per_core_vector, storage_bytes, vector_task,
)
from ascend_sim.ops.families.elementwise import SIGMOID, TANH
from ascend_sim.ops.opspec import specs

FAMILY = "rnn"
RNN_FORMATS = ("ND", "FRACTAL_NZ", "FRACTAL_ZN_LSTM", "FRACTAL_ZN_RNN")
RNN_DTYPES = ("float16",)
LSTM_GATES, GRU_GATES = 4, 3
LSTM_CELL = SIGMOID * 3 + TANH * 2 + (B,) * 4      # i, f, o; j, tanh(c); c = f·c + i·j; h = o·tanh(c)
GRU_CELL = SIGMOID * 2 + TANH + (B,) * 5
LSTM_CELL_GRAD = (B,) * 16
GRU_CELL_GRAD = (B,) * 14
GRAD_MATMULS_PER_STEP = 2                          # back to [x, h], and the weight-gradient accumulation


def repeat(cost: Cost, times: int) -> Cost:
    """``times`` sequential runs of the same task."""
    pipes = FrozenMap({p: v * times for p, v in cost.cycles_by_pipe.items()})
    return dataclasses.replace(cost, cycles_by_pipe=pipes, flops=cost.flops * times,
                               bytes_hbm=cost.bytes_hbm * times, waves=cost.waves * times)


def in_sequence(hw: HardwareSpec, *costs: Cost) -> Cost:
    """Tasks run back to back inside one op: pipes, FLOPs and traffic add up; the widest block_dim."""
    pipes = {p: sum(c.cycles_by_pipe[p] for c in costs) for p in costs[0].cycles_by_pipe}
    pipes = FrozenMap(floor_to_hbm(pipes, sum(c.bytes_hbm for c in costs), hw))
    return dataclasses.replace(costs[0], cycles_by_pipe=pipes, flops=sum(c.flops for c in costs),
                               bytes_hbm=sum(c.bytes_hbm for c in costs), block_dim=max(c.block_dim for c in costs),
                               waves=sum(c.waves for c in costs))


def _steps(node: OpInstance) -> tuple[int, int, int]:
    x = node.inputs[0]
    if len(x.shape) != 3:
        raise DescError(f"{node.op_type}: x must be [time, batch, input], got {list(x.shape)}")
    return x.shape


def _cell(cost: Cost, node: OpInstance, hw: HardwareSpec, elems: int, cell, steps: int) -> Cost:
    dtype = node.inputs[0].dtype
    return add_work(cost, hw, vec=steps * per_core_vector(elems, dtype, cell, cost.block_dim, hw))


def dynamic_rnn(node: OpInstance, hw: HardwareSpec, *, grad: bool) -> Cost:
    """DynamicRNN(Grad): x [T, B, I], w [I + H, 4H] as inputs 0 and 1."""
    t, b, _ = _steps(node)
    w = node.inputs[1]
    rows, cols = w.shape[-2], w.shape[-1]
    dtype = node.inputs[0].dtype
    step = matmul_cost(b, rows, cols, hw, dtype=dtype, out_dtype=dtype)
    if grad:   # d[x, h] = dgates · Wᵀ and dW += [x, h]ᵀ · dgates
        step = in_sequence(hw, matmul_cost(b, cols, rows, hw, dtype=dtype, out_dtype=dtype),
                           matmul_cost(rows, b, cols, hw, dtype=dtype, out_dtype="float32"))
    hidden = cols // LSTM_GATES
    return _cell(repeat(step, t), node, hw, b * hidden, LSTM_CELL_GRAD if grad else LSTM_CELL, t)


def dynamic_gru(node: OpInstance, hw: HardwareSpec, *, grad: bool) -> Cost:
    """DynamicGRUV2 / DynamicAUGRU (Grad): x [T, B, I], weight_input [I, 3H], weight_hidden [H, 3H]."""
    t, b, i = _steps(node)
    w_h = node.inputs[2]
    hidden, cols = w_h.shape[-2], w_h.shape[-1]
    dtype = node.inputs[0].dtype
    upfront = matmul_cost(t * b, i, cols, hw, dtype=dtype, out_dtype=dtype)
    step = matmul_cost(b, hidden, cols, hw, dtype=dtype, out_dtype=dtype)
    total = in_sequence(hw, upfront, repeat(step, t * (GRAD_MATMULS_PER_STEP if grad else 1)))
    return _cell(total, node, hw, b * hidden, GRU_CELL_GRAD if grad else GRU_CELL, t)


def lstm_cell(node: OpInstance, hw: HardwareSpec) -> Cost:
    """BasicLSTMCell(x [B, I], h, c, w [I + H, 4H], b): one step."""
    x, w = node.inputs[0], node.inputs[3]
    c = matmul_cost(x.shape[0], w.shape[0], w.shape[1], hw, dtype=x.dtype, out_dtype=x.dtype)
    return _cell(c, node, hw, x.shape[0] * (w.shape[1] // LSTM_GATES), LSTM_CELL, 1)


def lstm_weight_grad(node: OpInstance, hw: HardwareSpec) -> Cost:
    """BasicLSTMCellWeightGrad(x [B, I], h [B, H], dgate [B, 4H]) → dw [I + H, 4H], db."""
    x, h, dgate = node.inputs[:3]
    return matmul_cost(x.shape[1] + h.shape[1], x.shape[0], dgate.shape[1], hw, dtype=x.dtype,
                       out_dtype=node.outputs[0].dtype)


def lstm_input_grad(node: OpInstance, hw: HardwareSpec) -> Cost:
    """BasicLSTMCellInputGrad(dgate [B, 4H], w [I + H, 4H]) → dxt, dht."""
    dgate, w = node.inputs[:2]
    return matmul_cost(dgate.shape[0], dgate.shape[1], w.shape[0], hw, dtype=dgate.dtype, out_dtype=dgate.dtype)


def lstm_cstate_grad(node: OpInstance, hw: HardwareSpec) -> Cost:
    """BasicLSTMCellCStateGrad(c, dht, dct, it, jt, ft, ot, tanhct) → dgate, dct_1: vector only."""
    c = largest(node.inputs)
    return vector_task(hw, dtype=c.dtype, elems=c.storage_elems(hw), instructions=LSTM_CELL_GRAD,
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw))


def _rows(names, fn, kind, unit="aicore_cube", note=""):
    return specs(names, unit=unit, cost_fn=fn, family=FAMILY, kind=kind, dtypes=RNN_DTYPES, formats=RNN_FORMATS,
                 note=note)


SPECS = (
    *_rows("DynamicRNN DynamicRNNV2", functools.partial(dynamic_rnn, grad=False), "rnn",
           note="npu_bridge DynamicRnn / DynamicRnnV2"),
    *_rows("DynamicRNNGrad", functools.partial(dynamic_rnn, grad=True), "rnn"),
    *_rows("DynamicGRUV2 DynamicAUGRU", functools.partial(dynamic_gru, grad=False), "gru",
           note="npu_bridge DynamicGruV2 / DynamicAUGRU"),
    *_rows("DynamicGRUV2Grad DynamicAUGRUGrad", functools.partial(dynamic_gru, grad=True), "gru"),
    *_rows("BasicLSTMCell", lstm_cell, "lstm_cell"),
    *_rows("BasicLSTMCellWeightGrad", lstm_weight_grad, "lstm_weight_grad"),
    *_rows("BasicLSTMCellInputGrad", lstm_input_grad, "lstm_input_grad"),
    *_rows("BasicLSTMCellCStateGrad", lstm_cstate_grad, "lstm_cstate_grad", unit="aicore_vector"),
)
