"""Recurrent ops: sequential steps of small matmuls plus gate math; the roofline still holds."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import matmul_cost
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("rnn"))
def test_every_rnn_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def lstm(t, b=16, i=256, h=256, op="DynamicRNN"):
    node = OpInstance(op, (T((t, b, i)), T((i + h, 4 * h)), T((4 * h,))), (T((t, b, h)),))
    return registry.cost(op, node, HW)


def test_time_steps_run_in_sequence_so_an_rnn_is_far_slower_than_one_big_matmul():
    steps = lstm(64)
    assert steps.cycles_by_pipe["mac"] == pytest.approx(64 * matmul_cost(16, 512, 1024, HW).cycles_by_pipe["mac"])
    one_big = matmul_cost(64 * 16, 512, 1024, HW)
    assert steps.flops == pytest.approx(one_big.flops)
    weights = 512 * 1024 * 2
    assert steps.bytes_hbm > 64 * weights            # every step fetches the gate weights again
    assert steps.cycles > 3 * one_big.cycles and steps.bound == "mte2"


def test_the_gradient_does_two_matmuls_per_step():
    assert lstm(8, op="DynamicRNNGrad").flops == pytest.approx(2 * lstm(8).flops)
