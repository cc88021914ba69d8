"""The plain-text summary of a Profile (what ``ascend-sim analyze`` / ``run`` / ``report`` print).

``format_summary(profile, top=15) -> str``: step time and its step-trace split, throughput when the batch is
known, AI Core busy share and what bounds the AI Core time (cube / vector / movement / scalar), the AI Core
pipes' busy ratios, AI CPU work, the TransData / Cast share, dispatch overhead, peak memory against the
preset's HBM, which iterations the op tables cover, the slowest op types and ops, fusions applied, unknown
ops, host nodes, warnings and the hints of ``ascend_sim.profiling.hintrules``. It reads only the records;
nothing here computes a cost.
"""
from __future__ import annotations

from collections import Counter

from ascend_sim.profiling import hintrules, hwinfo, view
from ascend_sim.sim.stats import AICORE_TASK_TYPE

LAYOUT_TYPES = ("TransData", "TransDataRNN", "Cast")      # format conversions and precision casts
AICPU_TASK_TYPE = "AI_CPU"
BYTES_PER_GIB = 1 << 30
BYTES_PER_MIB = 1 << 20
PERCENT = 100.0
NAME_WIDTH = 60          # longer op names are shortened in the per-op table
ELLIPSIS = "…"


def _us(value: float) -> str:
    return f"{value:,.1f}"


def _size(nbytes: int) -> str:
    """GiB from 1 GiB up, MiB below (a small model's plan would read 0.00 GiB)."""
    if nbytes >= BYTES_PER_GIB:
        return f"{nbytes / BYTES_PER_GIB:,.2f} GiB"
    return f"{nbytes / BYTES_PER_MIB:,.2f} MiB"


def _pct(fraction: float) -> str:
    return f"{fraction * PERCENT:.1f} %"


def _short(name: str) -> str:
    """``name`` within NAME_WIDTH: its leading scope components and its last one, the middle elided
    (``gradients/resnet50/conv2_block1_1_bn/…/BNTrainingReduceGrad``); else its tail."""
    if len(name) <= NAME_WIDTH:
        return name
    *scopes, last = name.split("/")
    kept = []
    for scope in scopes:
        if len("/".join(kept + [scope, ELLIPSIS, last])) > NAME_WIDTH:
            break
        kept.append(scope)
    if kept:
        return "/".join(kept + [ELLIPSIS, last])
    return ELLIPSIS + name[-(NAME_WIDTH - len(ELLIPSIS)):]


def _unknown(entry) -> str:
    """An unknown-op entry: a (TF node, TF op type) pair or a plain name."""
    if isinstance(entry, tuple) and len(entry) == 2:
        return f"{entry[1]} ({entry[0]})"
    return str(entry)


def _table(header: tuple, rows: list) -> list[str]:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        # text columns left-aligned, numbers right-aligned
        parts = [c.ljust(w) if i < 3 or not c[:1].isdigit() else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  " + "  ".join(parts).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _header(profile) -> list[str]:
    loops = len({s.loop_id for s in profile.steps})
    batch = (f", batch {profile.batch}" + (f" ({profile.batch_source})" if profile.batch_source else "")
             if profile.batch else "")
    return [f"ascend-sim: {profile.hw_name}, {profile.iterations} iteration(s) in {loops} host loop(s) "
            f"(iterations_per_loop {profile.iterations_per_loop}){batch}"]


def _step_lines(profile) -> list[str]:
    steps = profile.steps
    if not steps:
        return ["step time         n/a (no iterations)"]
    n = len(steps)
    fp_bp = sum(s.fp_bp_time_us for s in steps) / n
    refresh = sum(s.grad_refresh_bound_us for s in steps) / n
    aug = [s.data_aug_bound_us for s in steps if s.data_aug_bound_us is not None]
    host = sum(s.host_us for s in steps)
    lines = [f"step time         {_us(profile.step_time_us())} µs (mean of {n} iteration(s); host loop overhead "
             f"{_us(host)} µs in all)",
             f"  step trace      FP to BP {_us(fp_bp)} µs, iteration refresh {_us(refresh)} µs, data-aug bound "
             + (f"{_us(sum(aug) / len(aug))} µs" if aug else "n/a (one iteration)")]
    rate = profile.throughput_per_s()
    lines.append(f"throughput        {rate:,.1f} samples/s" if rate is not None
                 else "throughput        n/a (batch size unknown: pass --batch)")
    return lines


def _device_lines(profile) -> list[str]:
    device = profile.device_tasks
    total = sum(t.duration_us for t in device)
    shares = profile.bound_shares()
    bound = ", ".join(f"{name}-bound {_pct(v)}" for name, v in shares.items())
    aicpu = [t for t in device if t.task_type == AICPU_TASK_TYPE]
    aicpu_us = sum(t.duration_us for t in aicpu)
    launch = sum(t.launch_us for t in device)
    per_type = profile.total_us_by("task_type")
    pipes = ", ".join(f"{p} {_pct(v)}" for p, v in profile.pipe_ratios().items())
    trans = profile.share_of(("TransData", "TransDataRNN"))
    cast = profile.share_of(("Cast",))
    lines = [f"AI Core busy      {_pct(view.busy_ratio(profile, AICORE_TASK_TYPE))} of the run; AI Core time: {bound}",
             f"AI Core pipes     {pipes} (busy cycles / task cycles)" if pipes else "AI Core pipes     n/a",
             f"AI CPU            {len(aicpu)} task(s), {_us(aicpu_us)} µs "
             f"({_pct(aicpu_us / total if total else 0.0)} of device task time)",
             f"TransData / Cast  {_pct(profile.share_of(LAYOUT_TYPES))} of device task time "
             f"(TransData {_pct(trans)}, Cast {_pct(cast)})",
             f"dispatch overhead {_us(launch)} µs ({_pct(launch / total if total else 0.0)} of device task time)",
             f"device tasks      {len(device)} ({', '.join(f'{k} {_us(v)} µs' for k, v in per_type.items())})"]
    if profile.memory_peak_bytes:
        lines.append(f"peak memory       {_size(profile.memory_peak_bytes)}")
        roofs = hwinfo.roofs_for(profile)
        if roofs is not None:
            lines.append(f"  of HBM          {_pct(profile.memory_peak_bytes / roofs.hbm_capacity_bytes)} of "
                         f"{roofs.hbm_capacity_bytes / BYTES_PER_GIB:,.2f} GiB ({roofs.hw_name})")
    return lines


def _op_tables(profile, top: int) -> list[str]:
    lines = ["", f"op tables cover {view.coverage(profile).text()}", f"Top {top} op types by device time:"]
    rows = [(s.op_type, s.unit, s.task_type, s.count, _us(s.total_us), _us(s.avg_us), f"{s.share * PERCENT:.1f}",
             s.bound) for s in profile.top_ops(top, "op_type")]
    lines += _table(("op type", "unit", "task type", "count", "total µs", "avg µs", "share %", "bound"), rows) \
        if rows else ["  (no device tasks)"]
    lines += ["", f"Top {top} ops by device time:"]
    rows = [(_short(s.key), s.op_type, s.unit, s.count, _us(s.total_us), _us(s.avg_us), f"{s.share * PERCENT:.1f}",
             s.bound) for s in profile.top_ops(top, "name")]
    lines += _table(("op", "type", "unit", "count", "total µs", "avg µs", "share %", "bound"), rows) \
        if rows else ["  (no device tasks)"]
    return lines


def _lists(profile) -> list[str]:
    aicpu = [s for s in profile.op_stats("op_type") if s.task_type == AICPU_TASK_TYPE]
    lines = ["", "AI CPU ops: " + (", ".join(f"{s.op_type} x{s.count} ({_us(s.total_us)} µs)" for s in aicpu)
                                   if aicpu else "none")]
    lines.append("Unknown ops (AI CPU fallback estimate): " +
                 (", ".join(_unknown(u) for u in profile.unknown_ops) if profile.unknown_ops else "none"))
    if profile.host_nodes:
        lines.append(f"Host nodes (left to TensorFlow on the host): {len(profile.host_nodes)}")
    lines.append(_fusions(profile))
    for w in profile.warnings:
        lines.append(f"warning: {w}")
    return lines


def _fusions(profile) -> str:
    """Fused tasks by pattern (their parts' op types), counted once per iteration covered."""
    cov = view.coverage(profile)
    first = cov.iterations[0] if cov.iterations else None
    patterns = Counter("+".join(t.fused_from) for t in profile.device_tasks
                       if t.fused_from and t.iteration_id == first)
    if not patterns:
        return "Fusions applied: none"
    shown = ", ".join(f"{p} x{n}" for p, n in patterns.most_common(8))
    more = f", {len(patterns) - 8} more pattern(s)" if len(patterns) > 8 else ""
    return f"Fusions applied: {sum(patterns.values())} fused task(s) per iteration ({shown}{more})"


def _hint_lines(profile) -> list[str]:
    found = hintrules.hints(profile)
    return ["", "Hints:"] + [f"  - {h}" for h in found] if found else ["", "Hints: none (no rule fired)"]


def format_summary(profile, top: int = 15) -> str:
    """The summary text (lines joined with newlines, no trailing newline)."""
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive int, got {top!r}")
    return "\n".join(_header(profile) + _step_lines(profile) + _device_lines(profile) + _op_tables(profile, top)
                     + _lists(profile) + _hint_lines(profile))
