"""Pooling and resize: roofline and growth for every op; the window from ksize or the shape ratio."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()
X, Y = T((32, 112, 112, 64), "float16", "NC1HWC0", "NHWC"), T((32, 56, 56, 64), "float16", "NC1HWC0", "NHWC")


@pytest.mark.parametrize("op_type", registry.registered_op_types("pooling"))
def test_every_window_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def test_pool_vector_work_is_one_instruction_per_window_element():
    three = registry.cost("MaxPool", OpInstance("MaxPool", (X,), (Y,), {"ksize": (1, 3, 3, 1)}), HW)
    inferred = registry.cost("MaxPool", OpInstance("MaxPool", (X,), (Y,)), HW)      # 2x2 from the shapes
    assert three.flops == Y.elems * 9 and inferred.flops == Y.elems * 4


def test_max_pool_with_argmax_also_writes_its_mask_and_its_gradient_is_costlier_than_the_pool():
    mask = T((32 * 56 * 56 * 64 * 9 // 16,), "uint16")
    pool = registry.cost("MaxPool", OpInstance("MaxPool", (X,), (Y,), {"ksize": (1, 3, 3, 1)}), HW)
    arg = registry.cost("MaxPoolWithArgmax", OpInstance("MaxPoolWithArgmax", (X,), (Y, mask),
                                                        {"ksize": (1, 3, 3, 1)}), HW)
    grad = registry.cost("MaxPoolGradWithArgmax", OpInstance("MaxPoolGradWithArgmax", (X, Y, mask), (X,),
                                                             {"ksize": (1, 3, 3, 1)}), HW)
    assert arg.bytes_hbm == pool.bytes_hbm + mask.nbytes()
    assert grad.flops == Y.elems * 9 + X.elems and grad.cycles > pool.cycles
