"""Actionable hints: a table of rules over facts measured from the records.

``facts(profile)`` computes the numbers the rules read (shares of device time, dispatch and host overheads,
cube efficiency, memory against HBM, ...). ``RULES`` is data: each ``Rule`` names one fact, a comparison and
a threshold, the facts that must also hold (``requires``), and a message template filled with the facts
(``{name}``; ``*_pct`` facts are pre-formatted percentages). ``hints(profile)`` returns the messages of the
rules that fire, in table order. docs/reports.md lists the rules and where their thresholds come from.
"""
from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass

from ascend_sim.profiling import hwinfo, view
from ascend_sim.profiling.tables import pipe_ratio

TRANSDATA_TYPES = ("TransData", "TransDataRNN")
CAST_TYPES = ("Cast",)
CUBE_UNIT = "aicore_cube"
AICPU = "AI_CPU"
AICORE = "AI_CORE"
MIXED_MODES = ("allow_mix_precision", "allow_mix_precision_fp16", "allow_mix_precision_bf16", "force_fp16",
               "cube_fp16in_fp32out")
AICPU_SLOW_US = 20.0            # reference ascend910.md §8 #20: an AI CPU op is flagged above 20 µs
POOR_MAC_RATIO = 0.6            # reference §8 #20: good cube op mac_ratio >= 0.8, poor < 0.6
PERCENT = 100.0
_OPS = {">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Rule:
    name: str
    fact: str
    op: str
    threshold: float
    message: str
    requires: tuple = ()

    def fires(self, f: dict) -> bool:
        value = f.get(self.fact)
        return value is not None and _OPS[self.op](value, self.threshold) and all(f.get(r) for r in self.requires)


RULES = (
    Rule("transdata", "transdata_share", ">=", 0.10,
         "{transdata_share_pct} of device time is TransData ({transdata_count} tasks{transdata_around}): keep "
         "inner dimensions (channels, matmul K/N) multiples of 16 so tensors can stay in one device format"),
    Rule("cast_fp32", "cast_share", ">=", 0.05,
         "{cast_share_pct} of device time is Cast ({cast_count} tasks, {cast_near_cube} next to cube ops): fp32 "
         "MatMuls / convolutions run through Cast; try precision_mode=allow_mix_precision "
         "(now {precision_mode})", requires=("precision_not_mixed",)),
    Rule("aicpu", "aicpu_share", ">=", 0.05,
         "{aicpu_share_pct} of device time runs on the AI CPU ({aicpu_slow_count} task(s) over "
         f"{AICPU_SLOW_US:g} µs; slowest types: {{aicpu_top}}): these ops serialise with the AI Cores; use "
         "dtypes / ops with an AI Core kernel, or move them out of the step"),
    Rule("cube_efficiency", "cube_poor_share", ">=", 0.10,
         "{cube_poor_share_pct} of device time is cube ops with mac_ratio under "
         f"{POOR_MAC_RATIO:g} (time-weighted mac_ratio {{cube_poor_mac}}; e.g. {{cube_poor_top}}): their "
         "shapes are small or misaligned, or they wait on data; pad M/K/N to multiples of 16 or grow the batch"),
    Rule("movement_bound", "movement_share", ">=", 0.50,
         "{movement_share_pct} of AI Core time is bound by data movement (MTE): fewer, fused element-wise ops "
         "and fp16 tensors move fewer bytes"),
    Rule("dispatch", "dispatch_share", ">=", 0.30,
         "{dispatch_share_pct} of device task time is dispatch overhead ({task_count} tasks, {avg_exec_us} µs "
         "of work each on average): larger batches or fused ops amortise the per-task cost"),
    Rule("host_loop", "host_share", ">=", 0.10,
         "the host loop overhead is {host_share_pct} of the step time with iterations_per_loop "
         "{iterations_per_loop}: raise iterations_per_loop so that more iterations share one Session.run (with data "
         "sinking)"),
    Rule("data_bound", "data_share", ">=", 0.10,
         "the step waits for data {data_share_pct} of the time (Data Aug Bound {data_aug_us} µs per "
         "iteration): the input pipeline / PCIe cannot keep up; sink the dataset or enlarge its prefetch"),
    Rule("aicore_idle", "aicore_busy", "<", 0.50,
         "the AI Cores are busy only {aicore_busy_pct} of the run: the step is dominated by host, AI CPU, data "
         "or dispatch time rather than compute", requires=("has_aicore",)),
    Rule("memory", "memory_share", ">=", 0.90,
         "predicted peak memory {memory_gib} GiB is {memory_share_pct} of the {hbm_gib} GiB HBM: reduce the "
         "batch or recompute activations"),
    Rule("memory_limit", "memory_limit_share", ">", 1.0,
         "predicted peak memory {memory_gib} GiB exceeds graph_memory_max_size ({memory_limit_gib} GiB): on the "
         "device the graph would fail to allocate; raise graph_memory_max_size or reduce the batch"),
    Rule("unknown_ops", "unknown_count", ">=", 1,
         "{unknown_count} op(s) have no Ascend mapping and are costed as AI CPU fallbacks ({unknown_list}): "
         "their times are estimates; check the op names against the supported list"),
)


def _pct(value: float) -> str:
    return f"{value * PERCENT:.1f} %"


def _precision_mode(options):
    if options is None:
        return None
    if hasattr(options, "effective_precision_mode"):
        return options.effective_precision_mode
    if isinstance(options, dict):
        return (options.get("effective_precision_mode") or options.get("precision_mode_v2")
                or options.get("precision_mode"))
    return None


def _option(options, name: str):
    """An option of the profile's options: an NpuOptions attribute, or a key of a loaded profile's dict."""
    if isinstance(options, dict):
        return options.get(name)
    return getattr(options, name, None)


def _neighbours(tasks, types) -> Counter:
    """Op types of the tasks just before / after (program order, same iteration) tasks of ``types``."""
    by_pos = {(t.iteration_id, t.index): t for t in tasks}
    seen = Counter()
    for t in tasks:
        if t.op_type in types:
            for d in (-1, 1):
                other = by_pos.get((t.iteration_id, t.index + d))
                if other is not None and other.op_type not in TRANSDATA_TYPES + CAST_TYPES:
                    seen[(other.op_type, other.unit)] += 1
    return seen


def facts(profile) -> dict:
    tasks = profile.device_tasks
    cov = view.coverage(profile)
    total = sum(t.duration_us for t in tasks)
    share = (lambda part: part / total if total else 0.0)
    f: dict = {"task_count": len(tasks), "device_us": total}

    trans = [t for t in tasks if t.op_type in TRANSDATA_TYPES]
    around = _neighbours(tasks, TRANSDATA_TYPES)
    f["transdata_share"] = share(sum(t.duration_us for t in trans))
    f["transdata_count"] = len(trans)
    f["transdata_around"] = (" around " + ", ".join(op for (op, _), _n in around.most_common(2))) if around else ""

    casts = [t for t in tasks if t.op_type in CAST_TYPES]
    f["cast_share"] = share(sum(t.duration_us for t in casts))
    f["cast_count"] = len(casts)
    f["cast_near_cube"] = sum(n for (_, unit), n in _neighbours(tasks, CAST_TYPES).items() if unit == CUBE_UNIT)
    mode = _precision_mode(profile.options)
    f["precision_mode"] = mode or "unknown"
    f["precision_not_mixed"] = mode is not None and mode not in MIXED_MODES and f["cast_near_cube"] > 0

    aicpu = [t for t in tasks if t.task_type == AICPU]
    f["aicpu_share"] = share(sum(t.duration_us for t in aicpu))
    f["aicpu_slow_count"] = sum(1 for t in aicpu if t.duration_us > AICPU_SLOW_US)
    by_type = Counter()
    for t in aicpu:
        by_type[t.op_type] += t.duration_us
    f["aicpu_top"] = ", ".join(op for op, _ in by_type.most_common(3)) or "none"

    cube = [t for t in tasks if t.unit == CUBE_UNIT and t.task_type == AICORE and t.cost.cycles]
    poor = [t for t in cube if pipe_ratio(t, "mac") < POOR_MAC_RATIO]
    poor_us = sum(t.duration_us for t in poor)
    f["cube_poor_share"] = share(poor_us)
    f["cube_poor_mac"] = (f"{sum(pipe_ratio(t, 'mac') * t.duration_us for t in poor) / poor_us:.2f}"
                          if poor_us else "n/a")
    worst = Counter()
    for t in poor:
        worst[t.op_type] += t.duration_us
    f["cube_poor_top"] = ", ".join(op for op, _ in worst.most_common(2)) or "none"

    aicore = [t for t in tasks if t.task_type == AICORE]
    aicore_us = sum(t.duration_us for t in aicore)
    moving = sum(t.duration_us for t in aicore if t.bound.startswith("mte"))
    f["movement_share"] = moving / aicore_us if aicore_us else 0.0
    f["has_aicore"] = bool(aicore)
    f["aicore_busy"] = view.busy_ratio(profile)

    launch = sum(t.launch_us for t in tasks)
    f["dispatch_share"] = share(launch)
    f["avg_exec_us"] = f"{(total - launch) / len(tasks):.1f}" if tasks else "0"

    steps = profile.steps
    step_us = profile.step_time_us()
    f["iterations_per_loop"] = profile.iterations_per_loop
    host = sum(s.host_us for s in steps) / len(steps) if steps else 0.0
    f["host_share"] = host / step_us if step_us else 0.0
    aug = [s.data_aug_bound_us for s in steps if s.data_aug_bound_us is not None]
    # the host loop overhead shows in the next iteration's Data Aug Bound: count only what exceeds it
    aug_data = [max(0.0, s.data_aug_bound_us - s.host_us) for s in steps if s.data_aug_bound_us is not None]
    f["data_aug_us"] = f"{sum(aug) / len(aug):.1f}" if aug else "n/a"
    f["data_share"] = (sum(aug_data) / len(aug_data)) / step_us if aug_data and step_us else 0.0

    roofs = hwinfo.roofs_for(profile)
    peak = profile.memory_peak_bytes
    f["memory_gib"] = f"{peak / (1 << 30):.2f}"
    if roofs is not None and peak:
        f["memory_share"] = peak / roofs.hbm_capacity_bytes
        f["hbm_gib"] = f"{roofs.hbm_capacity_bytes / (1 << 30):.2f}"
    limit = _option(profile.options, "graph_memory_max_size")
    if limit and peak:
        f["memory_limit_share"] = peak / limit
        f["memory_limit_gib"] = f"{limit / (1 << 30):.2f}"
    f["unknown_count"] = len(profile.unknown_ops)
    f["unknown_list"] = ", ".join(str(u[1] if isinstance(u, (tuple, list)) and len(u) == 2 else u)
                                  for u in profile.unknown_ops[:5])
    f["coverage"] = cov.text()
    for key in [k for k in f if k.endswith("_share") or k == "aicore_busy"]:
        f[f"{key}_pct"] = _pct(f[key])
    return f


def fired(profile, rules=RULES) -> list[tuple[Rule, str]]:
    """(rule, message) of the rules that fire on ``profile``, in table order."""
    f = facts(profile)
    return [(r, r.message.format(**f)) for r in rules if r.fires(f)]


def hints(profile, rules=RULES) -> list[str]:
    """Messages of the rules that fire on ``profile``, in table order."""
    return [message for _, message in fired(profile, rules)]
