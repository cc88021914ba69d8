"""Data movement: roofline and growth for every op; TransData padding, slices, gathers, views, copies."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import shared_hbm_cycles
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from testsupport.op_examples import assert_cost_properties

HW = hw.load()


@pytest.mark.parametrize("op_type", registry.registered_op_types("movement"))
def test_every_movement_op_respects_the_roofline_block_dim_and_grows_with_work(op_type):
    assert_cost_properties(op_type, HW)


def test_trans_data_moves_each_side_in_its_own_padded_format():
    nd = T((100, 100), "float16")
    to_nz = registry.cost("TransData", OpInstance("TransData", (nd,), (T((100, 100), "float16", "FRACTAL_NZ"),)), HW)
    assert to_nz.bytes_hbm == 100 * 100 * 2 + 7 * 7 * 16 * 16 * 2
    nhwc = T((8, 56, 56, 3), "float16", "NHWC", "NHWC")
    to_5hd = registry.cost("TransData", OpInstance("TransData", (nhwc,), (T(nhwc.shape, "float16", "NC1HWC0",
                                                                             "NHWC"),)), HW)
    assert to_5hd.bytes_hbm == nhwc.nbytes() * (1 + 16 / 3)          # Cin 3 lands in a 16-wide C0 block


def test_slices_read_what_they_keep_and_gathers_read_whole_ub_blocks_per_row():
    big = T((4096, 1024))
    part = registry.cost("StridedSliceD", OpInstance("StridedSliceD", (big,), (T((16, 1024)),)), HW)
    assert part.bytes_hbm == 2 * 16 * 1024 * 2
    narrow = registry.cost("GatherV2", OpInstance("GatherV2", (T((1000, 4)), T((512,), "int32")),
                                                  (T((512, 4)),)), HW)
    assert narrow.bytes_hbm >= 512 * HW.core.buffers.ub_align_bytes        # 8-byte rows cost a 32-byte block


def test_in_place_scatter_writes_the_updates_not_the_variable():
    var, idx, upd = T((100000, 64)), T((256, 1), "int32"), T((256, 64))
    inplace = registry.cost("ScatterNdUpdate", OpInstance("ScatterNdUpdate", (var, idx, upd), (var,)), HW)
    fresh = registry.cost("ScatterNdD", OpInstance("ScatterNdD", (idx, upd), (var,)), HW)
    assert inplace.bytes_hbm < var.nbytes() < fresh.bytes_hbm


def test_memcpy_is_a_dma_task_at_hbm_bandwidth():
    x = T((1024, 1024), "float32")
    c = registry.cost("MemcpyAsync", OpInstance("MemcpyAsync", (x,), (x,)), HW)
    assert registry.lookup("MemcpyAsync").task_type == "MEMCPY_ASYNC"
    assert c.offcore_us == pytest.approx(HW.cycles_to_us(max(shared_hbm_cycles(x.nbytes(), x.nbytes(), HW))))
