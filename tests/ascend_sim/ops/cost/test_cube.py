"""Cube cost: roofline, padding to the MMAD shape, block split over ≤ cores, L0/L1 tiling, growth with work."""
import itertools

import pytest
from hypothesis import given, settings, strategies as st

from ascend_sim import hw
from ascend_sim.ops import cost

HW = hw.load()
dims = st.integers(min_value=1, max_value=6000)


def same_time_and_traffic(a, b) -> bool:
    return (a.cycles_by_pipe, a.bytes_hbm, a.block_dim) == (b.cycles_by_pipe, b.bytes_hbm, b.block_dim)


@settings(max_examples=60, deadline=None)
@given(m=dims, k=dims, n=dims, batch=st.integers(1, 12), dtype=st.sampled_from(["float16", "int8"]))
def test_cost_respects_the_roofline_and_block_dim_stays_within_the_cores(m, k, n, batch, dtype):
    c = cost.matmul_cost(m, k, n, HW, batch=batch, dtype=dtype)
    assert c.cycles >= cost.roofline_cycles(c.flops, c.bytes_hbm, HW, unit="cube", dtype=dtype) * (1 - 1e-9)
    assert 1 <= c.block_dim <= HW.chip.ai_core_count
    t = cost.tile_matmul(m, k, n, HW, batch=batch, dtype=dtype)
    assert t.block_dim == c.block_dim
    for whole, blocks, per in zip((t.batch, t.m1, t.n1, t.k1), t.blocks, t.per_block):
        assert blocks * per >= whole > (blocks - 1) * per     # the blocks cover the work, none is empty


def test_block_dim_never_exceeds_a_30_core_bin():
    spec = hw.load("Ascend910B")
    for m, k, n in itertools.product((16, 1000, 5000), (16, 3000), (16, 1000, 5000)):
        assert cost.matmul_cost(m, k, n, spec, batch=3).block_dim <= 30


@pytest.mark.parametrize("axis", ["m", "k", "n"])
def test_padding_to_16_is_visible_17_costs_like_32(axis):
    base = dict(m=64, k=64, n=64)
    at = lambda size: cost.matmul_cost(**{**base, axis: size}, hw=HW)   # noqa: E731
    assert same_time_and_traffic(at(17), at(32))
    assert at(17).cycles >= at(16).cycles
    assert at(17).flops < at(32).flops            # FLOPs count useful work, cycles the padded work


def test_int8_pads_k_to_32_and_retires_twice_the_macs_per_cycle():
    assert same_time_and_traffic(cost.matmul_cost(64, 33, 64, HW, dtype="int8"),
                                 cost.matmul_cost(64, 64, 64, HW, dtype="int8"))
    fp16 = cost.matmul_cost(4096, 4096, 4096, HW, dtype="float16")
    int8 = cost.matmul_cost(4096, 4096, 4096, HW, dtype="int8")
    assert int8.cycles_by_pipe["mac"] == pytest.approx(fp16.cycles_by_pipe["mac"] / 2)


def test_the_cube_takes_no_fp32_and_sizes_must_be_positive():
    with pytest.raises(cost.CostError, match="float32.*cast first.*float16"):
        cost.matmul_cost(16, 16, 16, HW, dtype="float32")
    with pytest.raises(cost.CostError, match="m must be an integer >= 1"):
        cost.matmul_cost(0, 16, 16, HW)


def test_wave_quantization_one_fractal_row_more_than_cores_doubles_cube_time():
    rows = 16 * HW.chip.ai_core_count
    full = cost.matmul_cost(rows, 16, 16, HW)
    one_more = cost.matmul_cost(rows + 16, 16, 16, HW)
    assert full.cycles_by_pipe["mac"] == 1 and one_more.cycles_by_pipe["mac"] == 2


def test_large_square_matmul_is_cube_bound_near_peak():
    c = cost.matmul_cost(4096, 4096, 4096, HW)
    assert c.bound == "mac"
    assert c.flops / (c.duration_us(HW) * 1e-6) == pytest.approx(HW.peak_cube_flops_per_s(), rel=0.01)
    premium = hw.load("Ascend910PremiumA")
    assert cost.matmul_cost(4096, 4096, 4096, premium).duration_us(premium) < c.duration_us(HW)


def test_thin_matmuls_are_memory_bound():
    # K = 64: each output needs little work per byte written (the 1x1-conv-like shapes of a ResNet)
    assert cost.matmul_cost(200704, 64, 256, HW).bound in ("mte2", "mte3")
    # M = N = 64 with a huge K (a weight gradient) splits K over the cores to use them all
    grad = cost.matmul_cost(64, 802816, 64, HW)
    assert grad.block_dim == HW.chip.ai_core_count and cost.tile_matmul(64, 802816, 64, HW).blocks[3] > 1


def test_l0_tile_fits_the_double_buffered_l0_buffers():
    for m, k, n in [(4096, 4096, 4096), (64, 30000, 4096), (100000, 64, 16)]:
        tm, tk, tn = cost.tile_matmul(m, k, n, HW).l0_tile
        fractal = 16 * 16 * 2
        assert 2 * tm * tk * fractal <= HW.core.buffers.l0a_bytes
        assert 2 * tk * tn * fractal <= HW.core.buffers.l0b_bytes
        assert 2 * tm * tn * 16 * 16 * 4 <= HW.core.buffers.l0c_bytes      # fp32 partial sums


def test_smaller_buffers_force_more_reloads(tmp_path):
    small = tmp_path / "small.toml"
    small.write_text('inherits = "Ascend910A"\n[core.buffers]\nl0c_bytes = 16384\nl1_bytes = 65536\n'
                     '[sources]\n"core.buffers" = "[USER] what if the buffers were small"\n')
    spec = hw.load(small)
    big, tight = cost.matmul_cost(4096, 4096, 4096, HW), cost.matmul_cost(4096, 4096, 4096, spec)
    assert tight.cycles_by_pipe["mte1"] > big.cycles_by_pipe["mte1"]
    assert tight.cycles_by_pipe["mte2"] > big.cycles_by_pipe["mte2"]
    assert tight.cycles > big.cycles


SIZES = (1, 15, 17, 100, 640, 3000)


@pytest.mark.parametrize("batch", [1, 3])
def test_cost_grows_with_work_along_every_axis(batch):
    for m, k, n in itertools.product(SIZES, repeat=3):
        here = cost.matmul_cost(m, k, n, HW, batch=batch).cycles
        for bigger in ((2 * m, k, n), (m, 2 * k, n), (m, k, 2 * n), (m + 16, k, n), (m, k + 16, n), (m, k, n + 16)):
            assert cost.matmul_cost(*bigger, HW, batch=batch).cycles >= here, ((m, k, n), bigger)
        assert cost.matmul_cost(m, k, n, HW, batch=batch + 1).cycles >= here
    assert cost.matmul_cost(4096, 4096, 8192, HW).cycles > 1.9 * cost.matmul_cost(4096, 4096, 4096, HW).cycles


def test_a_write_bound_matmul_is_slower_with_fp32_output():
    half = cost.matmul_cost(200704, 64, 256, HW)
    full = cost.matmul_cost(200704, 64, 256, HW, out_dtype="float32")
    assert half.bound == "mte3" and full.cycles > 1.5 * half.cycles and full.bytes_hbm > half.bytes_hbm


def test_fill_and_drain_are_the_first_tile_in_and_the_last_tile_out():
    from ascend_sim.ops.cost.cube import fill_drain_cycles

    m, k, n = 4096, 4096, 4096
    c, t = cost.matmul_cost(m, k, n, HW), cost.tile_matmul(m, k, n, HW)
    tm, tk, tn = t.l0_tile
    frac, acc = 16 * 16 * 2, 16 * 16 * 4                  # one fp16 / fp32 fractal, bytes
    split_k = t.blocks[3] > 1                              # split-K: partial sums leave in fp32, uncast
    expected = fill_drain_cycles(tm * tk * frac, tk * tn * frac, tm * tn * acc, tm * tn * (acc if split_k else frac),
                                 tm * tn * 256, "float32", "float32" if split_k else "float16", HW)
    rates = HW.core.rates
    first_in = (tm * tk + tk * tn) * frac / rates.ddr_bytes_per_cycle
    last_out = tm * tn * frac / rates.ub_to_ddr_bytes_per_cycle
    assert c.serial_cycles == pytest.approx(expected) and expected > first_in + last_out
    assert c.cycles == pytest.approx(max(c.cycles_by_pipe.values()) + c.serial_cycles)
    assert 0.95 < c.cycles_by_pipe["mac"] / c.cycles < 1.0          # a large matmul: the cube nearly always busy


def test_a_small_matmul_is_mostly_fill_and_drain():
    c = cost.matmul_cost(32, 32, 32, HW)
    assert c.serial_cycles > 10 * c.cycles_by_pipe["mac"]
    assert c.cycles_by_pipe["mac"] / c.cycles < 0.05
