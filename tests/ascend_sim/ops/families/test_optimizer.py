"""Optimizer updates: roofline and growth for every op; slot traffic, sparse rows, fused updates."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()
VAR = T((1024, 1024), "float32")
S = T((), "float32")


@pytest.mark.parametrize("op_type", registry.registered_op_types("optimizer"))
def test_every_optimizer_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def test_adam_moves_more_slots_and_does_more_math_than_sgd():
    sgd = registry.cost("ApplyGradientDescent", OpInstance("ApplyGradientDescent", (VAR, S, VAR), (VAR,)), HW)
    adam = registry.cost("ApplyAdamD", OpInstance("ApplyAdamD", (VAR, VAR, VAR) + (S,) * 6 + (VAR,),
                                                  (VAR, VAR, VAR)), HW)
    assert sgd.bytes_hbm == 3 * VAR.nbytes() and adam.bytes_hbm == 7 * VAR.nbytes()
    assert adam.cycles_by_pipe["vec"] > sgd.cycles_by_pipe["vec"] and adam.cycles > sgd.cycles
    assert registry.cost("ApplyAdam", OpInstance("ApplyAdam", (VAR,), (VAR,)), HW).bytes_hbm == 7 * VAR.nbytes()


def test_sparse_updates_scale_with_the_gradient_rows_not_the_table():
    table = T((1000000, 64), "float32")
    def sparse(rows):
        grad, idx = T((rows, 64), "float32"), T((rows,), "int32")
        return registry.cost("SparseApplyAdagradV2D", OpInstance("SparseApplyAdagradV2D", (table, table, grad, idx),
                                                                 (table, table)), HW)
    assert sparse(128).bytes_hbm == 5 * 128 * 64 * 4 and sparse(1024).cycles > sparse(128).cycles


def test_fused_updates_count_the_tensors_they_list():
    c = registry.cost("LambNextMV", OpInstance("LambNextMV", (VAR,) * 5 + (S,) * 4, (VAR,) * 4), HW)
    assert c.bytes_hbm == 9 * VAR.nbytes() + 4 * 4
