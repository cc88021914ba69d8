"""Aggregates over task records: totals, busy ratios, per-op statistics, bound and pipe shares.

Pure functions over sequences of ``TaskRecord`` (``ascend_sim.sim.records``); ``Profile`` exposes them as
methods. Shares are fractions in [0, 1]; times are µs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ascend_sim.ops.cost.record import OFFCORE, PIPES

US_PER_S = 1e6
AICORE_TASK_TYPE = "AI_CORE"
# What a task's bounding pipe says about it (msprof's ratios: mac = cube, vec = vector, mte* = data movement).
BOUND_CLASSES = {"mac": "cube", "vec": "vector", "scalar": "scalar", "mte1": "movement", "mte2": "movement",
                 "mte3": "movement", OFFCORE: "offcore"}
KEYS = ("unit", "task_type", "op_type", "stream_id", "name", "phase")


@dataclass(frozen=True)
class OpStat:
    """Time of one op type (or one op name) over all its task executions."""

    key: str
    op_type: str
    unit: str
    task_type: str
    count: int
    total_us: float
    min_us: float
    max_us: float
    share: float          # of all device task time
    bound: str            # the bounding pipe that accounts for most of its time
    aicore_time_us: float

    @property
    def avg_us(self) -> float:
        return self.total_us / self.count if self.count else 0.0


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _check_key(key: str) -> None:
    if key not in KEYS:
        raise ValueError(f"unknown aggregation key {key!r}; keys: {', '.join(KEYS)}")


def total_by(tasks, key: str) -> dict:
    _check_key(key)
    out: dict = {}
    for t in tasks:
        k = getattr(t, key)
        out[k] = out.get(k, 0.0) + t.duration_us
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def union_us(intervals) -> float:
    """Length of the union of (start, end) intervals."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def busy_ratio(tasks, task_type: str, span_us: float) -> float:
    if span_us <= 0:
        return 0.0
    busy = union_us((t.start_us + t.launch_us, t.end_us) for t in tasks if t.task_type == task_type)
    return min(1.0, busy / span_us)


def op_stats(tasks, by: str = "op_type") -> tuple:
    """One OpStat per (op type, unit) or per op name, by total time (then name) descending."""
    if by not in ("op_type", "name"):
        raise ValueError(f"op_stats(by={by!r}): by is 'op_type' or 'name'")
    groups: dict = {}
    for t in tasks:
        k = (t.op_type, t.unit) if by == "op_type" else (t.name,)
        groups.setdefault(k, []).append(t)
    grand = sum(t.duration_us for t in tasks)
    out = []
    for k, members in groups.items():
        durations = [t.duration_us for t in members]
        total = sum(durations)
        by_bound = Counter()
        for t in members:
            by_bound[t.bound] += t.duration_us
        bound = max(sorted(by_bound), key=lambda b: by_bound[b])
        first = members[0]
        out.append(OpStat(k[0], first.op_type, first.unit, first.task_type, len(members), total, min(durations),
                          max(durations), total / grand if grand else 0.0, bound,
                          sum(t.aicore_time_us for t in members)))
    return tuple(sorted(out, key=lambda s: (-s.total_us, s.key, s.unit)))


def bound_shares(tasks) -> dict:
    """AI Core task time per bound class (cube / vector / scalar / movement), as fractions summing to 1."""
    times = {c: 0.0 for c in dict.fromkeys(BOUND_CLASSES.values()) if c != "offcore"}
    for t in tasks:
        if t.task_type == AICORE_TASK_TYPE:
            cls = BOUND_CLASSES.get(t.bound)
            if cls in times:
                times[cls] += t.duration_us
    total = sum(times.values())
    return {c: (v / total if total else 0.0) for c, v in times.items()}


def pipe_ratios(tasks) -> dict:
    """Each pipe's busy cycles over the AI Core tasks' total cycles (the bounding pipe's), run-wide."""
    busy = {p: 0.0 for p in PIPES}
    total = 0.0
    for t in tasks:
        if t.task_type == AICORE_TASK_TYPE:
            total += t.cost.cycles
            for p in PIPES:
                busy[p] += t.cost.cycles_by_pipe.get(p, 0.0)
    return {p: (v / total if total else 0.0) for p, v in busy.items()}


def share_of(tasks, op_types) -> float:
    wanted = {op_types} if isinstance(op_types, str) else set(op_types)
    grand = sum(t.duration_us for t in tasks)
    part = sum(t.duration_us for t in tasks if t.op_type in wanted)
    return part / grand if grand else 0.0
