"""Element-wise family: roofline and growth for every op; padding, instruction costs, dtypes, AddN."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("elementwise"))
def test_every_elementwise_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def unary(op, shape=(4096, 1024), dtype="float16", fmt="ND", origin="ND", out_dtype=None):
    x = T(shape, dtype, fmt, origin)
    y = T(shape, out_dtype or dtype, fmt, origin)
    return registry.cost(op, OpInstance(op, (x,), (y,)), HW)


def test_5hd_channel_padding_is_visible_c17_costs_like_c32():
    c17 = unary("Relu", (8, 28, 28, 17), fmt="NC1HWC0", origin="NHWC")
    c32 = unary("Relu", (8, 28, 28, 32), fmt="NC1HWC0", origin="NHWC")
    assert c17.cycles_by_pipe == c32.cycles_by_pipe and c17.bytes_hbm == c32.bytes_hbm
    assert unary("Relu", (8, 28, 28, 17)).bytes_hbm < c17.bytes_hbm                  # ND: no padding


def test_transcendentals_cost_more_vector_time_than_basic_ops():
    vec = lambda op: unary(op, dtype="float32").cycles_by_pipe["vec"]   # noqa: E731
    assert vec("Add") < vec("Exp") < vec("Sigmoid") < vec("Gelu") < vec("GeluGrad")
    assert vec("RealDiv") > vec("Mul")
    assert unary("GeluGrad", dtype="float32").bound == "vec" and unary("Add").bound in ("mte2", "mte3")


def test_fp32_has_half_the_lanes_and_cast_runs_at_the_wider_type():
    h, f = unary("Exp", dtype="float16"), unary("Exp", dtype="float32")
    assert f.cycles_by_pipe["vec"] == pytest.approx(2 * h.cycles_by_pipe["vec"], rel=0.01)
    cast = unary("Cast", dtype="float32", out_dtype="float16")
    assert cast.cycles_by_pipe["vec"] == pytest.approx(unary("Cast", dtype="float32").cycles_by_pipe["vec"])
    assert cast.bytes_hbm == 4096 * 1024 * (4 + 2)


def test_addn_does_one_add_per_extra_input_and_reads_them_all():
    x = T((1024, 1024))
    costs = [registry.cost("AddN", OpInstance("AddN", (x,) * n, (x,)), HW) for n in (2, 4, 8)]
    assert [c.flops for c in costs] == [1024 * 1024 * k for k in (1, 3, 7)]
    assert costs[0].cycles < costs[1].cycles < costs[2].cycles


def test_select_is_checked_on_its_data_input_not_the_condition():
    cond, x = T((64, 64), "bool"), T((64, 64), "float16")
    assert not registry.cost("Select", OpInstance("Select", (cond, x, x), (x,)), HW).fallback
    x64 = T((64, 64), "int64")
    assert registry.cost("Select", OpInstance("Select", (cond, x64, x64), (x64,)), HW).fallback
