"""Random and dropout ops: GenMask on the AI CPU per mask bit, DoMask on the vector unit."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("random"))
def test_every_random_op_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def test_gen_mask_draws_one_bit_per_element_on_the_ai_cpu():
    mask = T((4096 * 1024 // 8,), "uint8")
    c = registry.cost("DropOutGenMask", OpInstance("DropOutGenMask", (T((2,), "int32"), T(())), (mask,)), HW)
    assert c.offcore_us == pytest.approx(4096 * 1024 * HW.overheads.aicpu_ns_per_elem / 1e3)
    assert registry.unit_of("DropOutGenMaskV3") == "aicpu"


def test_do_mask_reads_the_data_and_the_bit_mask():
    x = T((4096, 1024))
    mask = T((4096 * 1024 // 8,), "uint8")
    c = registry.cost("DropOutDoMaskV3D", OpInstance("DropOutDoMaskV3D", (x, mask), (x,)), HW)
    assert c.bytes_hbm == 2 * x.nbytes() + mask.nbytes() and registry.unit_of("DropOutDoMask") == "aicore_vector"
