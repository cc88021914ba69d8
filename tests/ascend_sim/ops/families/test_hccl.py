"""Collectives: a local copy on one rank, a ring over HCCS within a mesh, RoCE beyond it."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from ascend_sim.ops.families._common import copy_us
from testsupport.op_examples import assert_cost_properties

HW = hw.load()
X = T((25 * 1024 * 1024,), "float32")       # ResNet-50's gradients, about 100 MB


@pytest.mark.parametrize("op_type", registry.registered_op_types("hccl"))
def test_every_collective_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def allreduce(ranks):
    return registry.cost("HcomAllReduce", OpInstance("HcomAllReduce", (X,), (X,), {"rank_size": ranks}), HW)


def test_single_rank_is_a_device_copy():
    assert allreduce(1).offcore_us == pytest.approx(copy_us(X.nbytes(), X.nbytes(), HW))
    assert allreduce(1).bound == "offcore" and registry.lookup("HcomAllReduce").task_type == "HCCL"


def test_ring_traffic_grows_with_ranks_and_leaving_the_hccs_mesh_is_slower():
    hccs = HW.interconnect.hccs_port_gbit_per_s / 8 * 1e3     # bytes per microsecond
    assert allreduce(2).offcore_us == pytest.approx(X.nbytes() / hccs)
    assert allreduce(2).offcore_us < allreduce(4).offcore_us < allreduce(8).offcore_us
    mesh = HW.interconnect.hccs_port_count + 1
    assert allreduce(mesh + 1).offcore_us > 2 * allreduce(mesh).offcore_us
