"""Fused tasks: parts add up pipe by pipe, intermediates stay in UB, the roofline still holds."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import roofline_cycles
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from ascend_sim.ops.fusion import fuse

HW = hw.load()


def act(c, n=32):
    return T((n, 56, 56, c), "float16", "NC1HWC0", "NHWC")


CHAN = T((64,), "float32", "NC1HWC0")
W = T((3, 3, 64, 64), "float16", "FRACTAL_Z", "HWCN")
CONV = OpInstance("Conv2D", (act(64), W), (act(64),))
REDUCE = OpInstance("BNTrainingReduce", (act(64),), (CHAN, CHAN))
UPDATE = OpInstance("BNTrainingUpdate", (act(64), CHAN, CHAN, CHAN, CHAN), (act(64), CHAN, CHAN))
RELU = OpInstance("ReluV2", (act(64),), (act(64), T((32 * 56 * 56 * 64 // 8,), "uint8")))


def fused(*parts):
    return OpInstance("FusionOp_" + "_".join(p.op_type for p in parts), attrs={"fused_from": parts})


def test_conv_plus_bn_reduce_saves_the_intermediate_round_trip():
    conv, red = registry.cost("Conv2D", CONV, HW), registry.cost("BNTrainingReduce", REDUCE, HW)
    both = registry.cost("FusionOp_Conv2D_BNTrainingReduce", fused(CONV, REDUCE), HW)
    saved = 2 * act(64).storage_bytes(HW)
    assert both.bytes_hbm == pytest.approx(conv.bytes_hbm + red.bytes_hbm - saved)
    assert both.cycles_by_pipe["mac"] == conv.cycles_by_pipe["mac"]
    assert both.cycles_by_pipe["vec"] == conv.cycles_by_pipe["vec"] + red.cycles_by_pipe["vec"]
    assert both.flops == conv.flops                     # the cube's FLOPs; the vector part shows as vec cycles
    assert both.cycles < conv.cycles + red.cycles and both.cycles >= conv.cycles * (1 - 1e-9)
    assert both.cycles >= roofline_cycles(both.flops, both.bytes_hbm, HW) * (1 - 1e-9)
    assert not both.fallback and both.block_dim <= HW.chip.ai_core_count


def test_bn_update_plus_relu_is_cheaper_than_the_two_tasks_and_keeps_the_vector_roofline():
    upd, relu = registry.cost("BNTrainingUpdate", UPDATE, HW), registry.cost("ReluV2", RELU, HW)
    both = registry.cost("FusionOp_BNTrainingUpdate_ReLUV2", fused(UPDATE, RELU), HW)
    assert both.cycles < upd.cycles + relu.cycles
    assert both.flops == upd.flops + relu.flops
    assert both.cycles >= roofline_cycles(both.flops, both.bytes_hbm, HW, unit="vector") * (1 - 1e-9)


def test_a_named_fusion_with_parts_is_costed_from_its_parts_and_fallbacks_propagate():
    named = OpInstance("FusedBN2ReluConvBN1", attrs={"fused_from": (UPDATE, RELU, CONV, REDUCE)})
    assert registry.cost("FusedBN2ReluConvBN1", named, HW) == registry.cost("X", named, HW)
    odd = OpInstance("Strange", (act(64),), (act(64),))
    flagged = registry.cost("F", fused(CONV, odd), HW)
    assert flagged.fallback and "Strange" in flagged.fallback_reason and flagged.offcore_us > 0


def test_one_part_is_the_part_and_no_parts_is_an_error():
    only = fuse([(CONV, registry.cost("Conv2D", CONV, HW), True)], HW)
    assert only.cycles_by_pipe == registry.cost("Conv2D", CONV, HW).cycles_by_pipe
    with pytest.raises(ValueError, match="at least one part"):
        fuse([], HW)


def test_fused_parts_keep_their_fill_and_drain():
    from ascend_sim.ops.cost import Cost

    a = Cost.of(flops=10, bytes_hbm=0, block_dim=1, mac=100, serial_cycles=30)
    b = Cost.of(flops=0, bytes_hbm=0, block_dim=1, vec=50, serial_cycles=5)
    node = OpInstance("Relu", (T((4, 4), "float16"),), ())
    fused = fuse([(node, a, True), (node, b, False)], HW)
    assert fused.serial_cycles == 35 and fused.cycles == 100 + 35
