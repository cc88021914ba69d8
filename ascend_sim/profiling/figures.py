"""The HTML report's pictures, drawn with matplotlib (Agg, imported here only) and returned as PNG bytes.

- ``time_by_op_type``: device time per iteration of the top op types, coloured by task type.
- ``roofline``: AI Core tasks at (FLOPs / HBM bytes, FLOPs / execution time) under the preset's cube,
  vector and HBM roofs (``hwinfo.roofs_for``); points sized by their share of device time.
- ``step_breakdown``: per iteration, device time by category (FP / BP / optimizer / data / AI CPU /
  communication / other) and the host loop overhead, next to the iteration time.
- ``timeline``: one iteration's tasks on their streams.

Each returns None when there is nothing to draw. Figures are ``matplotlib.figure.Figure`` objects (no pyplot
state), so drawing is thread-safe and leaves the caller's matplotlib backend alone.
"""
from __future__ import annotations

import io

from ascend_sim.profiling import hwinfo, view

DPI = 100
MAX_BARS = 40                       # iterations in the step breakdown
CATEGORY_COLOURS = {"FP": "#4C72B0", "BP": "#DD8452", "optimizer": "#55A868", "data": "#8172B3",
                    "AI CPU": "#C44E52", "communication": "#937860", "other": "#8C8C8C", "host loop": "#CCB974"}
TASK_TYPE_COLOURS = {"AI_CORE": "#4C72B0", "AI_CPU": "#C44E52", "HCCL": "#937860"}
UNIT_COLOURS = {"aicore_cube": "#4C72B0", "aicore_vector": "#DD8452"}
PHASE_CATEGORY = {"FP": "FP", "BP": "BP", "OPT": "optimizer", "DATA": "data"}
US_PER_S = 1e6
TIME_UNIT_LIMIT = 1e4               # above this many µs a time axis is shown in ms


def category(task) -> str:
    """The step-breakdown category of a task: data first, then AI CPU / communication, then its phase."""
    if task.phase == "DATA":
        return "data"
    if task.task_type == "AI_CPU":
        return "AI CPU"
    if task.task_type == "HCCL":
        return "communication"
    return PHASE_CATEGORY.get(task.phase, "other")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def time_by_op_type(profile, top: int = 15):
    cov = view.coverage(profile)
    stats = profile.op_stats("op_type")[:top]
    if not stats:
        return None
    fig = _figure(8, 0.35 * len(stats) + 1.2)
    ax = fig.add_subplot()
    labels = [f"{s.op_type} ({s.unit})" for s in stats][::-1]
    values = [view.per_iteration(s.total_us, cov) for s in stats][::-1]
    colours = [TASK_TYPE_COLOURS.get(s.task_type, "#8C8C8C") for s in stats][::-1]
    ax.barh(labels, values, color=colours)
    ax.set_xlabel("device time per iteration (µs)")
    ax.set_title(f"Time by op type ({cov.text()})")
    from matplotlib.patches import Patch

    present = sorted({s.task_type for s in stats})
    ax.legend(handles=[Patch(color=TASK_TYPE_COLOURS.get(t, "#8C8C8C"), label=t) for t in present],
              loc="lower right", fontsize="small")
    return fig


def roofline_points(profile) -> list:
    """(intensity FLOP/B, achieved FLOP/s, device µs per iteration, unit, name) per AI Core op of the first
    covered iteration with FLOPs, bytes and execution time."""
    cov = view.coverage(profile)
    first = cov.iterations[0] if cov.iterations else None
    points = []
    for t in profile.device_tasks:
        if t.iteration_id != first or t.task_type != "AI_CORE":
            continue
        exec_s = t.exec_us / US_PER_S
        if t.cost.flops > 0 and t.cost.bytes_hbm > 0 and exec_s > 0:
            points.append((t.cost.flops / t.cost.bytes_hbm, t.cost.flops / exec_s, t.duration_us, t.unit, t.name))
    return points


def roofline(profile):
    points = roofline_points(profile)
    if not points:
        return None
    roofs = hwinfo.roofs_for(profile)
    fig = _figure(8, 5)
    ax = fig.add_subplot()
    xs = [p[0] for p in points]
    lo, hi = min(xs) / 2, max(xs) * 2
    if roofs is not None:
        lo = min(lo, roofs.ridge(roofs.vector_flops_per_s) / 4)
        hi = max(hi, roofs.ridge(roofs.cube_flops_per_s) * 4)
        for name, peak, style in (("cube (fp16)", roofs.cube_flops_per_s, "-"),
                                  ("vector (fp16)", roofs.vector_flops_per_s, "--")):
            ridge = roofs.ridge(peak)
            ax.plot([lo, ridge, hi], [lo * roofs.hbm_bytes_per_s, peak, peak], style, color="black", lw=1,
                    label=f"{name} {peak / 1e12:,.1f} TFLOP/s")
        ax.text(lo * 1.2, lo * 1.2 * roofs.hbm_bytes_per_s * 1.3,
                f"HBM {roofs.hbm_bytes_per_s / 1e9:,.0f} GB/s", fontsize="small", rotation=30)
        ax.set_title(f"Roofline: AI Core ops against the {roofs.hw_name} roofs (one iteration)")
    else:
        ax.set_title(f"AI Core ops (no roofs: {profile.hw_name!r} is not a shipped preset)")
    total = sum(p[2] for p in points)
    for unit in sorted({p[3] for p in points}):
        mine = [p for p in points if p[3] == unit]
        ax.scatter([p[0] for p in mine], [p[1] for p in mine], s=[20 + 600 * p[2] / total for p in mine],
                   alpha=0.6, color=UNIT_COLOURS.get(unit, "#8C8C8C"), label=unit, edgecolors="none")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("arithmetic intensity (FLOP per HBM byte)")
    ax.set_ylabel("achieved FLOP/s (execution time, dispatch excluded)")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def breakdown(profile) -> list:
    """(msprof iteration id, {category: µs}, iteration time µs) for the first MAX_BARS covered iterations;
    "host loop" is the host overhead paid before the iteration (StepRecord.host_us)."""
    cov = view.coverage(profile)
    wanted = cov.iterations[:MAX_BARS]
    per = {it: {c: 0.0 for c in CATEGORY_COLOURS} for it in wanted}
    for t in profile.device_tasks:
        if t.iteration_id in per:
            per[t.iteration_id][category(t)] += t.duration_us
    times = {}
    for s in profile.steps:
        times[s.iteration_id] = s.iteration_time_us
        if s.iteration_id in per:
            per[s.iteration_id]["host loop"] = s.host_us
    return [(view.msprof_iteration(it), per[it], times.get(it, 0.0)) for it in wanted]


def step_breakdown(profile):
    rows = breakdown(profile)
    if not rows:
        return None
    fig = _figure(8, 4)
    ax = fig.add_subplot()
    xs = [str(r[0]) for r in rows]
    bottom = [0.0] * len(rows)
    for cat, colour in CATEGORY_COLOURS.items():
        values = [r[1][cat] for r in rows]
        if any(values):
            ax.bar(xs, values, bottom=bottom, color=colour, label=cat)
            bottom = [b + v for b, v in zip(bottom, values)]
    ax.plot(xs, [r[2] for r in rows], "k_", markersize=14, mew=2, label="iteration time")
    ax.set_xlabel("iteration")
    ax.set_ylabel("µs")
    ax.set_title("Step breakdown per iteration: device time by category and host loop overhead")
    ax.legend(fontsize="small", ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    if len(xs) > 20:
        ax.tick_params(axis="x", labelrotation=90, labelsize="x-small")
    return fig


def timeline(profile):
    cov = view.coverage(profile)
    if not cov.iterations:
        return None
    first = cov.iterations[0]
    tasks = [t for t in profile.device_tasks if t.iteration_id == first]
    if not tasks:
        return None
    start = min(t.start_us for t in tasks)
    end = max(t.end_us for t in tasks)
    scale, unit = (1e3, "ms") if end - start > TIME_UNIT_LIMIT else (1.0, "µs")
    streams = sorted({t.stream_id for t in tasks})
    fig = _figure(10, 0.6 * len(streams) + 1.6)
    ax = fig.add_subplot()
    for row, stream in enumerate(streams):
        mine = [t for t in tasks if t.stream_id == stream]
        ax.broken_barh([((t.start_us - start) / scale, t.duration_us / scale) for t in mine], (row - 0.4, 0.8),
                       facecolors=[CATEGORY_COLOURS[category(t)] for t in mine], edgecolor="white", linewidth=0.2)
    ax.set_yticks(range(len(streams)), [f"Stream {s}" for s in streams])
    ax.set_xlabel(f"time from the iteration's first task ({unit})")
    ax.set_title(f"Timeline of iteration {view.msprof_iteration(first)} (colours: step breakdown categories)")
    from matplotlib.patches import Patch

    used = [c for c in CATEGORY_COLOURS if any(category(t) == c for t in tasks)]
    ax.legend(handles=[Patch(color=CATEGORY_COLOURS[c], label=c) for c in used], fontsize="small",
              ncols=len(used), loc="upper center", bbox_to_anchor=(0.5, -0.35))
    return fig


FIGURES = (("Time by op type", time_by_op_type), ("Roofline", roofline), ("Step breakdown", step_breakdown),
           ("Timeline excerpt", timeline))
