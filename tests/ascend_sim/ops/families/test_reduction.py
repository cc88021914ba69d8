"""Reductions and normalisations: roofline and growth for every op; rows over cores, BN on 5HD, grads."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import reduce_cost
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("reduction"))
def test_every_reduction_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def test_reduce_ops_use_the_reduce_primitive_on_storage_sizes():
    x, y = T((8, 56, 56, 64), "float32", "NC1HWC0", "NHWC"), T((64,), "float32", "NC1HWC0")
    c = registry.cost("ReduceSumD", OpInstance("ReduceSumD", (x,), (y,)), HW)
    assert c == reduce_cost(8 * 4 * 56 * 56 * 16, 64, HW, dtype="float32", instructions=("reduce",))


def test_softmax_spreads_whole_rows_and_few_rows_leave_cores_idle():
    def softmax(rows, cols):
        x = T((rows, cols))
        return registry.cost("SoftmaxV2", OpInstance("SoftmaxV2", (x,), (x,)), HW)
    assert softmax(4, 8192).block_dim == 4
    assert softmax(4096, 32).block_dim == HW.chip.ai_core_count
    assert softmax(4, 8192).cycles > softmax(4096, 8).cycles      # same elements, fewer cores busy


def test_layer_norm_gradient_costs_more_than_the_forward_and_splits_into_cheaper_halves():
    x, g = T((4096, 768)), T((768,))
    ln = registry.cost("LayerNorm", OpInstance("LayerNorm", (x, g, g), (x, T((4096, 1)), T((4096, 1)))), HW)
    grad_in = (x, x, T((4096, 1)), T((4096, 1)), g)
    full = registry.cost("LayerNormGrad", OpInstance("LayerNormGrad", grad_in, (x, g, g)), HW)
    dx = registry.cost("LayerNormXBackpropV2", OpInstance("LayerNormXBackpropV2", grad_in, (x,)), HW)
    assert full.cycles_by_pipe["vec"] > ln.cycles_by_pipe["vec"] > 0
    assert dx.cycles_by_pipe["vec"] < full.cycles_by_pipe["vec"]


def test_bn_split_ops_pay_for_channel_padding_in_5hd():
    def bn(op, c):
        x = T((32, 28, 28, c), "float16", "NC1HWC0", "NHWC")
        ch = T((c,), "float32", "NC1HWC0")
        return registry.cost(op, OpInstance(op, (x,), (ch, ch)), HW)
    assert bn("BNTrainingReduce", 17).cycles_by_pipe == bn("BNTrainingReduce", 32).cycles_by_pipe
    assert bn("BNTrainingReduce", 33).cycles > bn("BNTrainingReduce", 32).cycles
