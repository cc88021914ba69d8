"""The machine-readable copy of a Profile (``ascend_sim/records.json.gz``) that ``load`` reads back.

The upstream CSVs lose what the emulator knows (costs by pipe, FLOPs, bytes, phases, fusion origin), so
every writer call also saves the records. Task records are stored as a table of distinct static parts
(name, type, stream, shapes, cost, ...: the same every iteration) plus one small row per execution
(static part, iteration, start, duration, wait), which keeps a long run's file small.

Format (``FORMAT`` / ``VERSION``)::

    {"format": "ascend-sim-records", "version": 1, "ts": "...", "device_id": 0,
     "profile": {hw_name, ai_core_count, ..., options, tasks_kept_iterations},
     "statics": [[field values in STATIC_FIELDS order, cost as a dict], ...],
     "tasks": [[static index, iteration_id, start_us, duration_us, wait_us], ...],
     "steps": [{StepRecord fields}, ...]}
"""
from __future__ import annotations

import dataclasses
import gzip
import json

from ascend_sim.hw.spec import FrozenMap
from ascend_sim.ops.cost.record import Cost
from ascend_sim.profiling import atomic
from ascend_sim.sim.records import Profile, StepRecord, TaskRecord

FORMAT = "ascend-sim-records"
VERSION = 1
DYNAMIC_FIELDS = ("iteration_id", "start_us", "duration_us", "wait_us")
STATIC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskRecord) if f.name not in DYNAMIC_FIELDS)
TUPLE_FIELDS = ("input_shapes", "input_dtypes", "input_formats", "output_shapes", "output_dtypes",
                "output_formats", "origin", "fused_from")
STEP_FIELDS = tuple(f.name for f in dataclasses.fields(StepRecord))
PROFILE_FIELDS = ("hw_name", "ai_core_count", "ai_core_clock_mhz", "iterations_per_loop", "batch", "batch_source",
                  "unknown_ops", "host_nodes", "warnings", "memory_peak_bytes")
GZIP_LEVEL = 6
DERIVED_OPTIONS = ("effective_precision_mode",)


class RecordsError(ValueError):
    """A records file that is not one this version can read."""


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _tuple(value):
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def options_dict(options) -> dict | None:
    """The profile's options as plain data (NpuOptions fields and DERIVED_OPTIONS, or the mapping it was
    given as)."""
    if options is None:
        return None
    if dataclasses.is_dataclass(options):
        out = {f.name: _jsonable(getattr(options, f.name)) for f in dataclasses.fields(options)}
        for derived in DERIVED_OPTIONS:           # what the compiler applied, e.g. the default precision mode
            value = getattr(options, derived, None)
            if value is not None:
                out[derived] = _jsonable(value)
        return out
    if isinstance(options, dict):
        return {str(k): _jsonable(v) for k, v in options.items()}
    return {"repr": repr(options)}


COST_FIELDS = tuple(f.name for f in dataclasses.fields(Cost))


def _cost_dict(cost: Cost) -> dict:
    return {name: dict(cost.cycles_by_pipe) if name == "cycles_by_pipe" else getattr(cost, name)
            for name in COST_FIELDS}


def _cost(d: dict) -> Cost:
    return Cost(**{name: FrozenMap(value) if name == "cycles_by_pipe" else value for name, value in d.items()})


def to_data(profile, *, ts: str = "", device_id: int = 0, meta: dict | None = None) -> dict:
    statics: dict = {}
    rows = []
    for t in profile.tasks:
        key = tuple(getattr(t, f) for f in STATIC_FIELDS)
        idx = statics.setdefault(key, len(statics))
        rows.append([idx, t.iteration_id, t.start_us, t.duration_us, t.wait_us])
    static_rows = []
    for key in statics:
        row = []
        for name, value in zip(STATIC_FIELDS, key):
            row.append(_cost_dict(value) if name == "cost" else _jsonable(value))
        static_rows.append(row)
    head = {name: _jsonable(getattr(profile, name)) for name in PROFILE_FIELDS}
    head["options"] = options_dict(profile.options)
    head.update(meta or {})
    return {"format": FORMAT, "version": VERSION, "ts": ts, "device_id": device_id, "profile": head,
            "static_fields": list(STATIC_FIELDS), "cost_fields": list(COST_FIELDS), "statics": static_rows, "tasks": rows,
            "steps": [[_jsonable(getattr(s, f)) for f in STEP_FIELDS] for s in profile.steps],
            "step_fields": list(STEP_FIELDS)}


def from_data(data: dict, where: str = "records") -> tuple[Profile, dict]:
    """(Profile, the file's header dict) from ``to_data`` output."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordsError(f"{where}: not an ascend-sim records file (format {FORMAT!r} expected)")
    if data.get("version") != VERSION:
        raise RecordsError(f"{where}: records version {data.get('version')!r}; this ascend-sim reads version {VERSION}")
    if list(data["static_fields"]) != list(STATIC_FIELDS) or list(data["step_fields"]) != list(STEP_FIELDS) \
            or list(data.get("cost_fields", ())) != list(COST_FIELDS):
        raise RecordsError(f"{where}: record fields differ from this ascend-sim's "
                           f"(written by another version); re-run the profile")
    statics = []
    for row in data["statics"]:
        fields = {}
        for name, value in zip(STATIC_FIELDS, row):
            fields[name] = _cost(value) if name == "cost" else (_tuple(value) if name in TUPLE_FIELDS else value)
        statics.append(fields)
    tasks = tuple(TaskRecord(**statics[i], iteration_id=it, start_us=start, duration_us=dur, wait_us=wait)
                  for i, it, start, dur, wait in data["tasks"])
    steps = tuple(StepRecord(**{f: (_tuple(v) if f == "reduce" else v) for f, v in zip(STEP_FIELDS, row)})
                  for row in data["steps"])
    head = data["profile"]
    profile = Profile(tasks=tasks, steps=steps, options=head.get("options"),
                      **{name: _tuple(head[name]) for name in PROFILE_FIELDS})
    return profile, data


def save(path, profile, **kw) -> None:
    payload = json.dumps(to_data(profile, **kw), separators=(",", ":")).encode("utf-8")
    atomic.write_bytes(path, gzip.compress(payload, compresslevel=GZIP_LEVEL, mtime=0))


def read(path) -> tuple[Profile, dict]:
    try:
        with gzip.open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (OSError, EOFError, ValueError) as exc:
        raise RecordsError(f"{path}: cannot read the records ({exc})") from None
    return from_data(data, str(path))
