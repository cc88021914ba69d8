"""The difference between two profiles: step time, throughput, and device time per op type.

Op times are per iteration (each profile's total over the iterations its task records cover, divided by
their number), so profiles of different lengths compare. ``diff(before, after)`` gives a ``ProfileDiff``;
``format_diff`` the text ``ascend-sim report A --compare B`` prints (A is "before", B "after").
"""
from __future__ import annotations

from dataclasses import dataclass

from ascend_sim.profiling import view

PERCENT = 100.0


@dataclass(frozen=True)
class OpDelta:
    """One (op type, task type): count and time per iteration before / after (µs)."""

    op_type: str
    task_type: str
    count_before: float
    count_after: float
    us_before: float
    us_after: float

    @property
    def delta_us(self) -> float:
        return self.us_after - self.us_before

    @property
    def ratio(self) -> float | None:
        """after / before; None when the op type is new."""
        return self.us_after / self.us_before if self.us_before else None


@dataclass(frozen=True)
class ProfileDiff:
    step_us_before: float
    step_us_after: float
    throughput_before: float | None
    throughput_after: float | None
    device_us_before: float       # device task time per iteration
    device_us_after: float
    ops: tuple                    # OpDelta, largest |delta| first

    @property
    def step_delta_us(self) -> float:
        return self.step_us_after - self.step_us_before

    @property
    def speedup(self) -> float | None:
        """before / after step time (> 1: the second profile is faster)."""
        return self.step_us_before / self.step_us_after if self.step_us_after else None


def _per_iteration(profile) -> tuple[dict, dict, float]:
    cov = view.coverage(profile)
    n = cov.count or 1
    times: dict = {}
    counts: dict = {}
    for t in profile.device_tasks:
        key = (t.op_type, t.task_type)
        times[key] = times.get(key, 0.0) + t.duration_us
        counts[key] = counts.get(key, 0) + 1
    return ({k: v / n for k, v in times.items()}, {k: v / n for k, v in counts.items()},
            sum(times.values()) / n)


def diff(before, after) -> ProfileDiff:
    tb, cb, db = _per_iteration(before)
    ta, ca, da = _per_iteration(after)
    keys = set(tb) | set(ta)
    ops = [OpDelta(k[0], k[1], cb.get(k, 0.0), ca.get(k, 0.0), tb.get(k, 0.0), ta.get(k, 0.0)) for k in keys]
    ops.sort(key=lambda d: (-abs(d.delta_us), d.op_type, d.task_type))
    return ProfileDiff(before.step_time_us(), after.step_time_us(), before.throughput_per_s(),
                       after.throughput_per_s(), db, da, tuple(ops))


def _signed(value: float) -> str:
    return f"{value:+,.1f}"


def _rate(value) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def format_diff(d: ProfileDiff, *, top: int = 15, names=("before", "after")) -> str:
    a, b = names
    speed = "n/a" if d.speedup is None else f"{d.speedup:.3f}x"
    lines = [f"compare: {a} -> {b}",
             f"step time         {d.step_us_before:,.1f} -> {d.step_us_after:,.1f} µs "
             f"({_signed(d.step_delta_us)} µs, speed-up {speed})",
             f"throughput        {_rate(d.throughput_before)} -> {_rate(d.throughput_after)} samples/s",
             f"device time/iter  {d.device_us_before:,.1f} -> {d.device_us_after:,.1f} µs "
             f"({_signed(d.device_us_after - d.device_us_before)} µs)",
             "", f"Top {top} op types by change in device time per iteration:"]
    header = ("op type", "task type", "count", "before µs", "after µs", "delta µs", "after/before")
    rows = []
    for o in d.ops[:top]:
        count = f"{o.count_before:g}->{o.count_after:g}"
        ratio = "new" if o.ratio is None else f"{o.ratio:.3f}"
        rows.append((o.op_type, o.task_type, count, f"{o.us_before:,.1f}", f"{o.us_after:,.1f}",
                     _signed(o.delta_us), ratio))
    if not rows:
        return "\n".join(lines + ["  (no device tasks in either profile)"])
    cells = [header] + rows
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    for n, r in enumerate(cells):
        lines.append("  " + "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                                      for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)
