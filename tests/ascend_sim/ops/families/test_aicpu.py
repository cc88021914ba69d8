"""AI CPU ops: per-element time, dequeue as a device copy, linear algebra scaled by the matrix edge."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()
NS = HW.overheads.aicpu_ns_per_elem


@pytest.mark.parametrize("op_type", registry.registered_op_types("aicpu"))
def test_every_aicpu_op_grows_with_work_and_runs_off_the_ai_cores(op_type):
    assert_cost_properties(op_type, HW, scales=(1, 8))


def test_compute_ops_pay_per_element_and_no_fixed_latency_in_the_cost():
    x = T((1000,), "int32")
    c = registry.cost("Unique", OpInstance("Unique", (x,), (x, x)), HW)
    assert c.offcore_us == pytest.approx(3000 * NS / 1e3) and c.cycles == 0
    assert registry.lookup("Unique").task_type == "AI_CPU"


def test_get_next_copies_the_sunk_batch_at_hbm_speed():
    batch = T((256, 224, 224, 3), "float32")
    c = registry.cost("GetNext", OpInstance("GetNext", (), (batch, T((256,), "int32"))), HW)
    per_elem = batch.elems * NS / 1e3
    assert c.offcore_us < per_elem / 10                  # a copy, not an element-wise kernel
    assert c.bytes_hbm == pytest.approx(2 * (batch.nbytes() + 256 * 4))


def test_linear_algebra_scales_with_the_matrix_edge():
    small = registry.cost("MatrixInverse", OpInstance("MatrixInverse", (T((64, 64), "float32"),),
                                                      (T((64, 64), "float32"),)), HW)
    large = registry.cost("MatrixInverse", OpInstance("MatrixInverse", (T((128, 128), "float32"),),
                                                      (T((128, 128), "float32"),)), HW)
    assert large.offcore_us == pytest.approx(8 * small.offcore_us)
