"""Host ops: control flow, graph inputs, shape queries and views cost nothing on the device."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from testsupport.op_examples import assert_cost_properties, example

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("host"))
def test_every_host_op_costs_nothing_on_the_device(op_type):
    assert_cost_properties(op_type, HW)
    assert registry.lookup(op_type).task_type == "HOST"


def test_views_and_control_flow_are_host_side():
    assert {registry.unit_of(t) for t in ("Reshape", "Identity", "If", "While", "Shape", "Data")} == {"host"}
    assert registry.cost("Reshape", example("Reshape", 16), HW).duration_us(HW) == 0
