"""Integer helpers for padding and for splitting work into blocks over AI Cores."""
from __future__ import annotations

from ascend_sim.ops.cost.record import CostError


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def pad_to(n: int, multiple: int) -> int:
    """``n`` rounded up to a multiple (a fractal edge, C0, an alignment)."""
    return ceil_div(n, multiple) * multiple


def check_count(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CostError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def split_blocks(units: int, cores: int) -> tuple[int, int]:
    """Spread ``units`` indivisible work units over at most ``cores`` blocks.

    Returns (block_dim, units on the busiest block). block_dim never exceeds ``cores``; zero units still
    take one (empty) block, as a launched task does.
    """
    check_count("units", units)
    check_count("cores", cores, 1)
    block_dim = max(1, min(cores, units))
    return block_dim, ceil_div(units, block_dim)


def waves(block_num: int, cores: int) -> int:
    """Rounds needed to run ``block_num`` blocks on ``cores`` cores; a partial last round costs a full one."""
    check_count("block_num", block_num, 1)
    check_count("cores", cores, 1)
    return ceil_div(block_num, cores)


def wave_cycles(cycles_per_block: float, block_num: int, cores: int) -> float:
    """Time of a task with a fixed block count: each wave takes as long as one block (msprof's aicore_time)."""
    return cycles_per_block * waves(block_num, cores)
