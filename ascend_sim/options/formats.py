"""String formats of NpuOptimizer option values that the adapter checks (reference npu_bridge_api.md §6.1).

``FORMATS`` maps a format name (a ``KeySpec.fmt``) to ``(check, description)``: ``check(text)`` returns None
when ``text`` is well formed, else a short reason; ``description`` is what the error message and the docs show as
the legal values. ``dump_steps(text)`` parses a ``dump_step`` value into inclusive ranges.
"""
from __future__ import annotations

import re

MAX_DUMP_STEP_ITEMS = 100
_STEP_ITEM = re.compile(r"(\d+)(?:-(\d+))?")
_DEVICE_LIST = re.compile(r"(\d+,)+")                              # upstream appends "," before matching
_DIMS = r"-?\d+(?:,-?\d+)*"
_INPUT_SHAPE = re.compile(rf"[^:;]+:(?:{_DIMS})?(?:;[^:;]+:(?:{_DIMS})?)*")
_DYNAMIC_DIMS = re.compile(r"\d+(?:,\d+)*(?:;\d+(?:,\d+)*)*")
_RANGE_DIM = r"-?\d+(?:~\d+)?"
_SHAPES = rf"\[(?:{_RANGE_DIM}(?:,{_RANGE_DIM})*)?\](?:,\[(?:{_RANGE_DIM}(?:,{_RANGE_DIM})*)?\])*"
_SHAPE_RANGE = re.compile(rf"(?:data|getnext):{_SHAPES}(?:;(?:data|getnext):{_SHAPES})*")
ACCELERATE_MODES = ("fast", "fast1")
ACCELERATE_RATIOS = {"step": (0.2, 0.9), "loss": (1.01, 1.5)}


def dump_steps(text: str) -> tuple[tuple[int, int], ...]:
    """``"0|5-8|10"`` → ``((0, 0), (5, 8), (10, 10))``; ValueError naming the bad item."""
    items = text.split("|")
    if len(items) > MAX_DUMP_STEP_ITEMS:
        raise ValueError(f"{len(items)} items, at most {MAX_DUMP_STEP_ITEMS} are allowed")
    ranges = []
    for item in items:
        match = _STEP_ITEM.fullmatch(item.strip())
        if match is None:
            raise ValueError(f"item {item!r} is not N or N-M")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
        if match.group(2) is not None and low >= high:
            raise ValueError(f"item {item!r} needs N < M")
        ranges.append((low, high))
    return tuple(ranges)


def _check_dump_step(text):
    try:
        dump_steps(text)
    except ValueError as exc:
        return str(exc)
    return None


def _pattern(regex, suffix=""):
    def check(text):
        return None if regex.fullmatch(text + suffix) else "does not match the pattern"
    return check


def _check_accelerate(text):
    parts = text.split("|")
    if len(parts) not in (2, 3):
        return "needs 2 or 3 fields separated by '|'"
    if parts[0] not in ACCELERATE_MODES:
        return f"mode {parts[0]!r} is not one of {', '.join(ACCELERATE_MODES)}"
    if parts[1] not in ACCELERATE_RATIOS:
        return f"trigger {parts[1]!r} is not one of {', '.join(ACCELERATE_RATIOS)}"
    if len(parts) == 3:
        low, high = ACCELERATE_RATIOS[parts[1]]
        try:
            ratio = float(parts[2])
        except ValueError:
            return f"ratio {parts[2]!r} is not a number"
        if not low <= ratio <= high:
            return f"{parts[1]} ratio {ratio} is outside [{low}, {high}]"
    return None


FORMATS = {
    "dump_step": (_check_dump_step, f"N or N-M (N < M) items joined by '|', at most {MAX_DUMP_STEP_ITEMS} items"),
    "device_list": (_pattern(_DEVICE_LIST, ","), "comma-separated device ids, e.g. '0,1'"),
    "input_shape": (_pattern(_INPUT_SHAPE), "'name:d,d;name:d,d' (dims are integers, -1 for unknown)"),
    "dynamic_dims": (_pattern(_DYNAMIC_DIMS), "'d,d;d,d' (digits only, one group per profile)"),
    "shape_range": (_pattern(_SHAPE_RANGE),
                    "'data:[d,d~d],[..];getnext:[..]' (dims are integers or ranges lo~hi, -1 for unknown)"),
    "accelerate_train_mode": (_check_accelerate,
                              "'<fast|fast1>|<step|loss>[|<ratio>]', step ratio in [0.2, 0.9], "
                              "loss ratio in [1.01, 1.5]"),
}
