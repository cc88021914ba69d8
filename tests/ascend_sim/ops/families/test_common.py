"""Shared family pieces: vector tasks over cores, work added to a task, AI CPU and copy costs."""
import pytest
from hypothesis import given, settings, strategies as st

from ascend_sim import hw
from ascend_sim.ops.cost import elementwise_cost, matmul_cost, roofline_cycles
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from ascend_sim.ops.families import _common

HW = hw.load()


def test_vector_task_matches_the_elementwise_primitive_for_an_elementwise_op():
    elems = 10**6
    ours = _common.vector_task(HW, dtype="float16", elems=elems, read_bytes=2 * elems * 2, write_bytes=elems * 2,
                               instructions=("exp", "basic"))
    prim = elementwise_cost(elems, HW, dtype="float16", instructions=("exp", "basic"), n_inputs=2)
    assert ours == prim


def test_vector_task_units_bound_the_blocks():
    c = _common.vector_task(HW, dtype="float16", elems=3 * 8192, read_bytes=1e5, write_bytes=1e5, units=3)
    assert c.block_dim == 3
    assert _common.vector_task(HW, dtype="float16", elems=0, read_bytes=0, write_bytes=0).block_dim == 1


@settings(max_examples=40, deadline=None)
@given(read=st.floats(0, 1e9), write=st.floats(0, 1e9), vec=st.floats(0, 1e6))
def test_added_work_keeps_the_roofline(read, write, vec):
    base = matmul_cost(4096, 4096, 4096, HW)
    more = _common.add_work(base, HW, read_bytes=read, write_bytes=write, vec=vec)
    assert more.bytes_hbm == pytest.approx(base.bytes_hbm + read + write) and more.flops == base.flops
    assert more.cycles >= roofline_cycles(more.flops, more.bytes_hbm, HW) * (1 - 1e-9)
    assert more.cycles >= base.cycles


def test_aicpu_cost_counts_elements_and_skips_bytes_of_handles():
    node = OpInstance("X", (T((10,), "string"), T((5,), "float32")), (T((5,), "float32"),))
    c = _common.aicpu_cost(node, HW)
    assert c.offcore_us == pytest.approx(20 * HW.overheads.aicpu_ns_per_elem / 1e3) and c.bytes_hbm == 40
    assert _common.aicpu_cost(node, HW, work_elems=0).offcore_us == 0


def test_copy_us_runs_at_hbm_bandwidth():
    nbytes = 1.2e9
    assert _common.copy_us(nbytes, nbytes, HW) == pytest.approx(2 * nbytes / HW.hbm_bandwidth_bytes_per_s * 1e6)


def test_largest_and_work_dtype_need_tensors():
    with pytest.raises(ValueError, match="no tensors"):
        _common.largest(())
    node = OpInstance("Cast", (T((4,), "float16"),), (T((4,), "float32"),))
    assert _common.work_dtype(node) == "float32"
