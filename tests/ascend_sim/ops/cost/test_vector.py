"""Vector cost: lane widths per dtype, per-instruction repeat costs, element-wise ops and reductions over cores."""
import pytest
from hypothesis import given, settings, strategies as st

from ascend_sim import hw
from ascend_sim.ops import cost

HW = hw.load()
VEC = HW.core.vector


def test_one_repeat_covers_the_lane_width_of_the_dtype():
    for dtype in ("float16", "float32"):
        lanes = VEC.lanes_per_cycle[dtype]
        assert cost.vector_cycles(lanes, dtype, HW) == VEC.cycles_per_repeat["basic"]
        assert cost.vector_cycles(lanes + 1, dtype, HW) == 2 * VEC.cycles_per_repeat["basic"]
    assert VEC.lanes_per_cycle["float16"] == 2 * VEC.lanes_per_cycle["float32"]
    assert cost.lanes("int8", HW) == VEC.width_bytes_per_cycle   # no table entry: width / item size


def test_transcendentals_cost_their_per_repeat_cycles():
    elems = 128 * 100
    for instruction, cycles in VEC.cycles_per_repeat.items():
        assert cost.vector_cycles(elems, "float16", HW, instruction) == 100 * cycles
    with pytest.raises(cost.CostError, match="unknown vector instruction class 'tanh'.*exp"):
        cost.vector_cycles(10, "float16", HW, "tanh")


@settings(max_examples=60, deadline=None)
@given(elems=st.integers(0, 10**8), dtype=st.sampled_from(["float16", "float32", "int32"]),
       instructions=st.lists(st.sampled_from(sorted(VEC.cycles_per_repeat)), min_size=1, max_size=6),
       n_inputs=st.integers(1, 3))
def test_elementwise_respects_the_roofline_and_the_core_count(elems, dtype, instructions, n_inputs):
    c = cost.elementwise_cost(elems, HW, dtype=dtype, instructions=tuple(instructions), n_inputs=n_inputs)
    assert c.cycles >= cost.roofline_cycles(c.flops, c.bytes_hbm, HW, unit="vector", dtype=dtype) * (1 - 1e-9)
    assert 1 <= c.block_dim <= HW.chip.ai_core_count


def test_elementwise_grows_with_work_and_instructions():
    sizes = (0, 1, 15, 16, 17, 100, 4096, 10**5, 10**6 - 1, 10**6, 10**7)
    cycles = [cost.elementwise_cost(elems, HW).cycles for elems in sizes]
    assert cycles == sorted(cycles) and cycles[-1] > 5 * cycles[-3]
    plain = cost.elementwise_cost(10**6, HW, dtype="float32", instructions=("exp",))
    heavy = cost.elementwise_cost(10**6, HW, dtype="float32", instructions=("exp",) * 8)
    assert heavy.cycles_by_pipe["vec"] == 8 * plain.cycles_by_pipe["vec"] and heavy.cycles >= plain.cycles


def test_simple_large_ops_are_memory_bound_and_transcendental_chains_vector_bound():
    assert cost.elementwise_cost(10**7, HW, n_inputs=2).bound in ("mte2", "mte3")
    assert cost.elementwise_cost(10**7, HW, dtype="float32", instructions=("exp", "div", "ln") * 3).bound == "vec"


def test_small_ops_use_only_the_cores_they_can_fill():
    per_core = HW.core.buffers.ub_align_bytes // 2     # fp16 elements in one 32-byte UB block
    assert cost.elementwise_cost(per_core, HW).block_dim == 1
    assert cost.elementwise_cost(3 * per_core, HW).block_dim == 3
    assert cost.elementwise_cost(10**6, HW).block_dim == HW.chip.ai_core_count


def test_fp32_takes_twice_the_vector_time_of_fp16():
    h = cost.elementwise_cost(10**6, HW, dtype="float16", instructions=("basic",))
    f = cost.elementwise_cost(10**6, HW, dtype="float32", instructions=("basic",))
    assert f.cycles_by_pipe["vec"] == pytest.approx(2 * h.cycles_by_pipe["vec"], rel=0.01)
    assert f.bytes_hbm == 2 * h.bytes_hbm


@settings(max_examples=40, deadline=None)
@given(in_elems=st.integers(1, 10**8), ratio=st.integers(1, 10**6))
def test_reductions_respect_the_roofline_and_the_core_count(in_elems, ratio):
    out_elems = max(1, in_elems // ratio)
    c = cost.reduce_cost(in_elems, out_elems, HW)
    assert c.cycles >= cost.roofline_cycles(c.flops, c.bytes_hbm, HW, unit="vector", dtype="float32") * (1 - 1e-9)
    assert 1 <= c.block_dim <= HW.chip.ai_core_count


def test_full_reduction_splits_the_input_and_pays_a_combine_step():
    total = cost.reduce_cost(10**6, 1, HW)
    assert total.block_dim == HW.chip.ai_core_count
    per_core = -(-10**6 // HW.chip.ai_core_count)
    assert total.cycles_by_pipe["vec"] > cost.vector_cycles(per_core, "float32", HW, "reduce")
    with pytest.raises(cost.CostError, match="more outputs"):
        cost.reduce_cost(10, 11, HW)
