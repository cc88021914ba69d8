"""Cube (matrix) costs: fractal padding, block split over cores, L0/L1 capacity tiling and re-reads.

A (batch of) M×K by K×N product on fractal operands (FRACTAL_NZ / FRACTAL_Z). M, K and N are padded to the
cube's MMAD shape for the input dtype. The work is split into at most ``ai_core_count`` blocks along batch,
M and N, and along K when the output grid alone cannot occupy the cores (each K-slice then adds its partial
sums into an accumulator-dtype output, followed by a cast pass when the output dtype differs). Inside a
block, A and B tiles are loaded L1 → L0A/L0B (MTE1) as often as the L0 capacities force and into L1 (MTE2)
as often as the L1 capacity forces; data another core or an earlier tile already fetched comes from the
shared L2 while it fits there (movement.l2_split). Results leave L0C through UB (cast to the output dtype on
the vector unit; the 910 has no FixPipe) to HBM (MTE3). Among all splits the fastest is chosen.

The pipes overlap in steady state (double-buffered L0/L1), but not at the ends: a block's first operand
tile must come in (MTE2 from HBM, then MTE1 into L0A/L0B) before its first MMAD, and its last output tile
must leave (L0C → UB, cast, MTE3) after its last one. That pipeline fill and drain is ``Cost.serial_cycles``
(``fill_drain_cycles``), computed from the preset's data-path rates; it is why a large matmul's
``mac_ratio`` stays just below 1 and a small one's is far below.

``a_hbm_ratio`` (≤ 1) covers convolutions: their A operand is the img2col expansion of a feature map that
load3d builds from L1, so only ``a_hbm_ratio`` bytes come from HBM / L2 per byte the cube consumes
(MTE1 still moves every A fractal into L0A).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from ascend_sim.hw.spec import FLOPS_PER_MAC, HardwareSpec
from ascend_sim.ops.cost.blocks import ceil_div, check_count
from ascend_sim.ops.cost.dtypes import itemsize
from ascend_sim.ops.cost.movement import l0c_to_ub_cycles, l1_to_l0_cycles, l2_split, mte_cycles
from ascend_sim.ops.cost.record import Cost, CostError
from ascend_sim.ops.cost.vector import vector_cycles

# Tiling policy (TBE-style kernels, not hardware numbers):
L0_BUFFERS = 2             # L0A/L0B/L0C tiles are double-buffered (ping-pong)
L1_BUFFERS = 2             # L1 panels too
ACCUMULATOR_DTYPE = {"float16": "float32", "int8": "int32", "uint8": "int32", "int4": "int32"}   # L0C partials


@dataclass(frozen=True)
class CubeTiling:
    """How a matmul was cut (all sizes in fractals)."""

    m1: int
    k1: int
    n1: int
    batch: int
    blocks: tuple[int, int, int, int]     # blocks along (batch, M1, N1, K1); block_dim is their product
    per_block: tuple[int, int, int, int]  # (batch, M1, N1, K1) fractals of the busiest block
    l0_tile: tuple[int, int, int]         # (M, K, N) fractals per L0 tile

    @property
    def block_dim(self) -> int:
        return math.prod(self.blocks)


def _candidate_splits(batch: int, m1: int, n1: int, k1: int, cores: int):
    """Distinct splits over ≤ cores: ((blocks along batch, M1, N1, K1), (fractals per block)).

    Block counts run over the same range whatever the shape (surplus blocks end up empty and are dropped),
    so a larger shape does not gain splits a smaller one lacked. K is split only over the cores the output
    grid leaves idle.
    """
    seen = set()
    for bb in range(1, cores + 1):
        pb = ceil_div(batch, bb)
        for bm in range(1, cores // bb + 1):
            pm, pn = ceil_div(m1, bm), ceil_div(n1, cores // (bb * bm))
            grid = ceil_div(batch, pb) * ceil_div(m1, pm) * ceil_div(n1, pn)
            for pk in {ceil_div(k1, bk) for bk in range(1, cores // grid + 1)}:
                per = (pb, pm, pn, pk)
                if per not in seen:
                    seen.add(per)
                    yield (ceil_div(batch, pb), ceil_div(m1, pm), ceil_div(n1, pn), ceil_div(k1, pk)), per


def _l0_tile(pm: int, pn: int, pk: int, cap_a: int, cap_b: int, cap_c: int) -> tuple[int, int, int]:
    """(tm, tk, tn) fractals: an output tile as square as L0C allows, K as deep as L0A/L0B then allow."""
    tm = min(pm, max(1, math.isqrt(cap_c)), cap_a)
    tn = min(pn, cap_c // tm, cap_b)
    return tm, max(1, min(pk, cap_a // tm, cap_b // tn)), tn


def _l1_reads(pm: int, pn: int, pk: int, tile, l1_fractals: int) -> tuple[float, float]:
    """(A, B) fractals a block reads into L1, given how much of them L1 can keep."""
    a, b = pm * pk, pn * pk
    if a + b <= l1_fractals:
        return a, b                                       # both operands stay resident
    tm, _, tn = tile
    options = [(a * ceil_div(pn, tn), b * ceil_div(pm, tm))]   # only L0 reuse
    rows = l1_fractals // pk - 1                          # full-K rows of one operand beside one of the other
    if rows >= 1:
        options.append((a, b * ceil_div(pm, rows)))       # keep A panels, stream B once per panel
        options.append((a * ceil_div(pn, rows), b))       # keep B panels, stream A once per panel
    return min(options, key=sum)


@dataclass(frozen=True)
class _Problem:
    """A matmul in fractals, with the byte sizes tiling needs."""

    batch: int
    m1: int
    k1: int
    n1: int
    frac_a: float          # bytes of one A fractal (in L0A)
    frac_a_mem: float      # bytes read from HBM / L2 per A fractal (frac_a unless A is expanded in L1)
    frac_b: float
    frac_out: float        # bytes of one output fractal in the output dtype
    frac_acc: float        # ... in the accumulator dtype (L0C)
    out_elems: int         # elements per output fractal
    acc_dtype: str
    out_dtype: str
    caps: tuple            # L0A, L0B, L0C capacities in fractals (double-buffered)
    l1_fractals: int


def fill_drain_cycles(a_bytes: float, b_bytes: float, acc_bytes: float, out_bytes: float, out_elems: int,
                      acc_dtype: str, out_dtype: str, hw: HardwareSpec) -> float:
    """Cycles a cube block cannot overlap: its first L0 tile's operands (``a_bytes`` + ``b_bytes`` from HBM at
    the core's DDR-path rate, then L1 → L0) before the first MMAD, and its last output tile (``acc_bytes`` in
    L0C, ``out_elems`` elements, ``out_bytes`` in the output dtype) out through UB after the last one."""
    rates = hw.core.rates
    fill = (a_bytes + b_bytes) / rates.ddr_bytes_per_cycle + l1_to_l0_cycles(a_bytes, b_bytes, hw)
    drain = l0c_to_ub_cycles(acc_bytes, hw) + out_bytes / rates.ub_to_ddr_bytes_per_cycle
    if out_dtype != acc_dtype:
        drain += vector_cycles(out_elems, acc_dtype, hw, "cast")
    return fill + drain


def _evaluate(p: _Problem, blocks, per, hw: HardwareSpec) -> tuple[dict, float, tuple, float]:
    """(busy cycles per pipe, HBM bytes, L0 tile, fill/drain cycles) of one split."""
    pb, pm, pn, pk = per
    block_dim, split_k = math.prod(blocks), blocks[3] > 1
    tile = _l0_tile(pm, pn, pk, *p.caps)
    tm, _, tn = tile
    mac = pb * pm * pn * pk                                    # one MMAD per cycle
    mte1 = pb * l1_to_l0_cycles(pm * pk * ceil_div(pn, tn) * p.frac_a, pn * pk * ceil_div(pm, tm) * p.frac_b, hw)
    a_frac, b_frac = _l1_reads(pm, pn, pk, tile, p.l1_fractals)
    fa = p.frac_a_mem
    core_read = pb * (a_frac * fa + b_frac * p.frac_b)
    block_data = pb * pk * (pm * fa + pn * p.frac_b)          # what one block needs at least once
    unique = p.batch * p.k1 * (p.m1 * fa + p.n1 * p.frac_b)   # every operand fractal comes from HBM once
    # between a core's re-reads, every block's A row-panel and B column-panel is live (shared ones once)
    working_set = blocks[0] * blocks[3] * pk * (blocks[1] * tm * fa + blocks[2] * tn * p.frac_b)
    # Blocks sharing a panel fetch it at the same time: HBM sends it once, but each core still waits for it
    # at its own DDR-path rate, so the busiest core's first touch of all its data counts as an HBM read.
    core_hbm, core_l2, chip_hbm = l2_split(core_read, block_data, core_read - block_data, block_dim, unique,
                                           working_set, hw)
    out_fracs = pb * pm * pn                                   # the padded (fractal) output of one block
    core_write = out_fracs * (p.frac_acc if split_k else p.frac_out)
    chip_read, chip_write = chip_hbm, core_write * block_dim
    vec = l0c_to_ub_cycles(out_fracs * p.frac_acc, hw)
    if p.out_dtype != p.acc_dtype:
        if split_k:   # partial sums were added into an accumulator-dtype output: a cast pass over all of it
            total = p.batch * p.m1 * p.n1
            share = ceil_div(total, block_dim)
            core_hbm += share * p.frac_acc
            core_write += share * p.frac_out
            chip_read += total * p.frac_acc
            chip_write += total * p.frac_out
            out_fracs = share
        vec += vector_cycles(out_fracs * p.out_elems, p.acc_dtype, hw, "cast")
    mte2, mte3 = mte_cycles(core_hbm, core_write, chip_read, chip_write, hw)
    pipes = {"mac": mac, "mte1": mte1, "mte2": mte2 + core_l2 / hw.core.rates.l2_read_bytes_per_cycle,
             "mte3": mte3, "vec": vec}
    tk = tile[1]
    last = tm * tn                                             # fractals of the last output tile
    serial = fill_drain_cycles(tm * tk * fa, tk * tn * p.frac_b, last * p.frac_acc,
                               last * (p.frac_acc if split_k else p.frac_out), last * p.out_elems,
                               p.acc_dtype, p.acc_dtype if split_k else p.out_dtype, hw)
    return pipes, chip_read + chip_write, tile, serial


@functools.lru_cache(maxsize=4096)
def _best(m: int, k: int, n: int, batch: int, dtype: str, out_dtype: str, hw: HardwareSpec,
          a_hbm_ratio: float = 1.0):
    for name, value in (("m", m), ("k", k), ("n", n), ("batch", batch)):
        check_count(name, value, 1)
    if not 0 < a_hbm_ratio <= 1:
        raise CostError(f"a_hbm_ratio must be in (0, 1], got {a_hbm_ratio!r}")
    mkn = hw.core.cube.mkn_elems.get(dtype)
    if mkn is None:
        raise CostError(f"the cube takes no {dtype!r} inputs (cast first); supported: "
                        f"{', '.join(hw.core.cube.mkn_elems)}")
    fm, fk, fn = mkn
    size, acc_dtype = itemsize(dtype), ACCUMULATOR_DTYPE.get(dtype, "float32")
    frac_a, frac_b, frac_acc = fm * fk * size, fk * fn * size, fm * fn * itemsize(acc_dtype)
    buffers = hw.core.buffers
    caps = (int(buffers.l0a_bytes // (L0_BUFFERS * frac_a)), int(buffers.l0b_bytes // (L0_BUFFERS * frac_b)),
            int(buffers.l0c_bytes // (L0_BUFFERS * frac_acc)))
    if min(caps) < 1:
        raise CostError(f"{hw.name}: L0 buffers cannot hold one {dtype} fractal (double-buffered)")
    problem = _Problem(batch, ceil_div(m, fm), ceil_div(k, fk), ceil_div(n, fn), frac_a, frac_a * a_hbm_ratio, frac_b,
                       fm * fn * itemsize(out_dtype), frac_acc, fm * fn, acc_dtype, out_dtype, caps,
                       int(buffers.l1_bytes // (L1_BUFFERS * max(frac_a, frac_b))))
    best = None
    for blocks, per in _candidate_splits(batch, problem.m1, problem.n1, problem.k1, hw.chip.ai_core_count):
        pipes, bytes_hbm, tile, serial = _evaluate(problem, blocks, per, hw)
        key = (max(pipes.values()) + serial, bytes_hbm, -math.prod(blocks))
        if best is None or key < best[0]:
            best = (key, blocks, per, pipes, bytes_hbm, tile, serial)
    _, blocks, per, pipes, bytes_hbm, tile, serial = best
    tiling = CubeTiling(problem.m1, problem.k1, problem.n1, batch, blocks, per, tile)
    cost = Cost.of(flops=FLOPS_PER_MAC * batch * m * k * n, bytes_hbm=bytes_hbm, block_dim=tiling.block_dim,
                   serial_cycles=serial, **pipes)
    return tiling, cost


def tile_matmul(m: int, k: int, n: int, hw: HardwareSpec, *, batch: int = 1, dtype: str = "float16",
                out_dtype: str = "float16", a_hbm_ratio: float = 1.0) -> CubeTiling:
    """The tiling ``matmul_cost`` chose: fractal counts, the fastest split over ≤ cores, the L0 tile."""
    return _best(m, k, n, batch, dtype, out_dtype, hw, float(a_hbm_ratio))[0]


def matmul_cost(m: int, k: int, n: int, hw: HardwareSpec, *, batch: int = 1, dtype: str = "float16",
                out_dtype: str = "float16", a_hbm_ratio: float = 1.0) -> Cost:
    """Cost of ``batch`` products of (M×K)·(K×N) on the cube, inputs in ``dtype``, output in ``out_dtype``.

    ``a_hbm_ratio``: HBM bytes per byte of A the cube consumes (1 for a matmul; less for an img2col'd
    convolution input, which is expanded in L1).
    """
    return _best(m, k, n, batch, dtype, out_dtype, hw, float(a_hbm_ratio))[1]
