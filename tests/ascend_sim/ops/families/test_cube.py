"""Cube family: every op respects the roofline and grows with work; padding, convolution geometry, fusions."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import matmul_cost, roofline_cycles
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties, example

HW = hw.load()
B30 = hw.load("Ascend910B")


@pytest.mark.parametrize("op_type", registry.registered_op_types("cube"))
def test_every_cube_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)
    assert registry.cost(op_type, example(op_type, 16), B30).block_dim <= B30.chip.ai_core_count


def mm(m, k, n, op="MatMulV2", **attrs):
    a = T((k, m)) if attrs.get("transpose_x1") else T((m, k))
    return registry.cost(op, OpInstance(op, (a, T((k, n))), (T((m, n)),), attrs), HW)


@pytest.mark.parametrize("axis", ["m", "k", "n"])
def test_matmul_padding_is_visible_17_costs_like_32(axis):
    dims = lambda size: {**dict(m=64, k=64, n=64), axis: size}   # noqa: E731
    at17, at32 = mm(**dims(17)), mm(**dims(32))
    assert at17.cycles_by_pipe == at32.cycles_by_pipe and at17.flops < at32.flops


def test_matmul_reads_k_from_the_transposed_operand_and_matches_the_primitive():
    assert mm(128, 256, 64, transpose_x1=True) == mm(128, 256, 64)
    prim = matmul_cost(128, 256, 64, HW)
    assert mm(128, 256, 64).cycles_by_pipe == prim.cycles_by_pipe


def test_batch_matmul_with_shared_weights_is_one_stacked_matmul():
    shared = registry.cost("BatchMatMulV2", OpInstance("BatchMatMulV2", (T((8, 100, 64)), T((64, 96))),
                                                       (T((8, 100, 96)),)), HW)
    stacked = matmul_cost(8 * 112, 64, 96, HW)     # each batch's M padded to 112, then stacked
    assert shared.cycles_by_pipe == stacked.cycles_by_pipe and shared.flops == 2 * 8 * 100 * 64 * 96
    per_batch = registry.cost("BatchMatMulV2", OpInstance("BatchMatMulV2", (T((8, 100, 64)), T((8, 64, 96))),
                                                          (T((8, 100, 96)),)), HW)
    assert per_batch.bytes_hbm > shared.bytes_hbm


def test_bias_is_an_epilogue_that_costs_more_but_adds_no_cube_flops():
    plain = OpInstance("MatMulV2", (T((256, 256)), T((256, 256))), (T((256, 256)),))
    biased = dataclasses.replace(plain, inputs=plain.inputs + (T((256,)),))
    a, b = registry.cost("MatMulV2", plain, HW), registry.cost("MatMulV2", biased, HW)
    assert b.flops == a.flops and b.bytes_hbm > a.bytes_hbm and b.cycles_by_pipe["vec"] > a.cycles_by_pipe["vec"]


def conv(cin, cout, n=8, hw_=28, k=3, fmt="NC1HWC0", dtype="float16", op="Conv2D"):
    x = T((n, hw_, hw_, cin), dtype, fmt, "NHWC")
    w = T((k, k, cin, cout), dtype, "FRACTAL_Z", "HWCN")
    y = T((n, hw_, hw_, cout), dtype, "NC1HWC0", "NHWC")
    return registry.cost(op, OpInstance(op, (x, w), (y,)), HW)


def test_conv_channels_pad_to_c0_at_every_kernel_position_and_c04_is_the_small_channel_path():
    assert conv(3, 64).cycles_by_pipe["mac"] == conv(16, 64).cycles_by_pipe["mac"]   # Cin 3 does Cin 16's work
    assert conv(3, 64).flops * 16 / 3 == pytest.approx(conv(16, 64).flops)
    assert conv(3, 64, fmt="NC1HWC0_C04").cycles_by_pipe["mac"] < conv(3, 64).cycles_by_pipe["mac"]
    assert conv(64, 17).cycles_by_pipe == conv(64, 32).cycles_by_pipe                # Cout padded to 16


def test_conv_flops_and_cube_bound_at_scale():
    c = conv(256, 256, n=32, hw_=56)
    assert c.flops == 2 * 32 * 56 * 56 * 256 * 9 * 256
    assert c.bound == "mac"
    assert c.cycles >= roofline_cycles(c.flops, c.bytes_hbm, HW) * (1 - 1e-9)


def test_conv_reads_the_feature_map_not_its_img2col_expansion():
    c = conv(64, 64, n=32, hw_=56)
    x_bytes = 32 * 56 * 56 * 64 * 2
    assert c.bytes_hbm < 9 * x_bytes               # a 3x3 img2col operand would be 9x the map


def test_int8_conv_retires_twice_the_macs():
    assert conv(64, 64, dtype="int8").cycles_by_pipe["mac"] < conv(64, 64).cycles_by_pipe["mac"]


def grads(cin=64, cout=128, n=8, s=28):
    x = T((n, s, s, cin), "float16", "NC1HWC0", "NHWC")
    w = T((3, 3, cin, cout), "float16", "FRACTAL_Z", "HWCN")
    dy = T((n, s, s, cout), "float16", "NC1HWC0", "NHWC")
    fwd = registry.cost("Conv2D", OpInstance("Conv2D", (x, w), (dy,)), HW)
    dx = registry.cost("Conv2DBackpropInputD", OpInstance("Conv2DBackpropInputD", (w, dy), (x,)), HW)
    dw = registry.cost("Conv2DBackpropFilterD", OpInstance("Conv2DBackpropFilterD", (x, dy),
                                                           (dataclasses.replace(w, dtype="float32"),)), HW)
    return fwd, dx, dw


def test_conv_gradients_do_the_forward_flops_with_their_own_padding():
    fwd, dx, dw = grads()
    assert fwd.flops == dx.flops == dw.flops
    _, dx_odd, _ = grads(cin=17)                   # dx's output channels (Cin) are its N: padded to 16
    _, dx_pad, _ = grads(cin=32)
    assert dx_odd.cycles_by_pipe["mac"] == dx_pad.cycles_by_pipe["mac"]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 16), s=st.integers(4, 40), cin=st.integers(1, 300), cout=st.integers(1, 300))
def test_conv_passes_respect_the_roofline_and_the_cores(n, s, cin, cout):
    for c in grads(cin, cout, n, s):
        assert c.cycles >= roofline_cycles(c.flops, c.bytes_hbm, HW) * (1 - 1e-9)
        assert 1 <= c.block_dim <= HW.chip.ai_core_count


def test_depthwise_runs_diagonal_blocks_c0_times_the_useful_macs():
    x = T((8, 28, 28, 64), "float16", "NC1HWC0", "NHWC")
    w = T((3, 3, 64, 1), "float16", "FRACTAL_Z", "HWCN")
    c = registry.cost("DepthwiseConv2D", OpInstance("DepthwiseConv2D", (x, w), (x,)), HW)
    assert c.flops == 2 * 8 * 28 * 28 * 64 * 9
    useful_mac_cycles = c.flops / 2 / HW.cube_macs_per_cycle() / HW.chip.ai_core_count
    assert c.cycles_by_pipe["mac"] >= 16 * useful_mac_cycles * (1 - 1e-9)


def test_grouped_conv_costs_less_than_dense():
    x = T((8, 28, 28, 64), "float16", "NC1HWC0", "NHWC")
    grouped = registry.cost("Conv2D", OpInstance("Conv2D", (x, T((3, 3, 16, 64), "float16", "FRACTAL_Z", "HWCN")),
                                                 (x,)), HW)
    assert grouped.flops * 4 == conv(64, 64).flops and grouped.cycles < conv(64, 64).cycles


def test_named_conv_bn_fusions_cost_at_least_the_convolution_and_name_their_roles():
    node = example("FusedBN2ReluConvBN1", 4)
    fused = registry.cost("FusedBN2ReluConvBN1", node, HW)
    x, w = node.inputs[0], node.inputs[3]
    plain = registry.cost("Conv2D", OpInstance("Conv2D", (x, w), (node.outputs[1],)), HW)
    assert fused.flops == plain.flops and fused.cycles >= plain.cycles and fused.bytes_hbm > plain.bytes_hbm
    no_weight = OpInstance("FusedDbnDw", (x, x), (x,))
    assert registry.cost("FusedDbnDw", no_weight, HW).fallback
    with pytest.raises(ValueError, match="no convolution weight"):
        registry.cost("FusedDbnDw", no_weight, HW, strict=True)


def test_the_matmul_primitive_fetches_a_share_of_an_expanded_a_operand_from_hbm():
    full = matmul_cost(4096, 1152, 128, HW)
    expanded = matmul_cost(4096, 1152, 128, HW, a_hbm_ratio=1 / 9)
    assert expanded.cycles_by_pipe["mac"] == full.cycles_by_pipe["mac"]
    assert expanded.bytes_hbm < full.bytes_hbm and expanded.cycles <= full.cycles
    with pytest.raises(ValueError, match=r"a_hbm_ratio must be in \(0, 1\]"):
        matmul_cost(16, 16, 16, HW, a_hbm_ratio=1.5)
