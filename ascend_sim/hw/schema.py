"""Check a parsed preset table against the spec dataclasses and build the frozen spec.

The dataclasses are the schema: field names are the allowed keys, annotations give the expected type
(``int`` / ``float`` positive unless the field's metadata says ``allow_zero``, ``str`` non-empty,
``tuple[int, ...]`` a fixed-length list, ``FrozenMap[str, X]`` a table whose keys come from the field's
``keys`` metadata, a dataclass a sub-table). Problems are collected, not raised, so one error lists them all.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import typing

from ascend_sim.hw.errors import unknown_key
from ascend_sim.hw.spec import FrozenMap

_MISSING = object()


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def describe(tp, meta=None) -> str:
    """What a value of annotation ``tp`` must look like, in words."""
    meta = meta or {}
    positive = "non-negative" if meta.get("allow_zero") else "positive"
    if tp is int:
        return f"a {positive} integer"
    if tp is float:
        return f"a {positive} number"
    if tp is str:
        return "a non-empty string"
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        return f"a list of {len(args)} {describe(args[0])[2:]}s"
    if origin is FrozenMap:
        return f"a table of {describe(typing.get_args(tp)[1])[2:]}s keyed by " + "/".join(meta.get("keys", ()))
    if dataclasses.is_dataclass(tp):
        return "a table with keys " + ", ".join(f.name for f in _spec_fields(tp))
    return str(tp)


def _spec_fields(cls):
    return [f for f in dataclasses.fields(cls) if f.compare]


def _scalar(value, tp, meta):
    """The converted value, or None if it does not fit ``tp``."""
    if isinstance(value, bool):
        return None
    lowest_ok = 0 if meta.get("allow_zero") else 1e-300
    if tp is int:
        return value if isinstance(value, int) and value >= lowest_ok else None
    if tp is float:
        if isinstance(value, (int, float)) and math.isfinite(value) and value >= lowest_ok:
            return float(value)
        return None
    if tp is str:
        return value if isinstance(value, str) and value.strip() else None
    raise TypeError(f"unsupported schema type {tp!r}")


def convert(value, tp, meta, path, report):
    """Validate ``value`` against ``tp``; report(path, message) for each problem; return the frozen value."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            report(path, f"expected {describe(tp)} (a [{path}] section), got {value!r}")
            return None
        return build(tp, value, path, report)
    if origin is tuple:
        args = typing.get_args(tp)
        items = [_scalar(v, args[0], meta) for v in value] if isinstance(value, list) else None
        if items is None or len(items) != len(args) or any(v is None for v in items):
            report(path, f"expected {describe(tp, meta)}, got {value!r}")
            return None
        return tuple(items)
    if origin is FrozenMap:
        value_tp = typing.get_args(tp)[1]
        if not isinstance(value, dict) or not value:
            report(path, f"expected {describe(tp, meta)}, got {value!r}")
            return None
        allowed = meta.get("keys", ())
        out = {}
        for key, item in value.items():
            if key not in allowed:
                report(f"{path}.{key}", unknown_key(key, allowed, "allowed"))
                continue
            out[key] = convert(item, value_tp, {}, f"{path}.{key}", report)
        return FrozenMap(out)
    converted = _scalar(value, tp, meta)
    if converted is None:
        report(path, f"expected {describe(tp, meta)}, got {value!r}")
    return converted


def build(cls, table: dict, prefix: str, report):
    """Build dataclass ``cls`` from ``table``; unknown, missing and malformed keys go to ``report``."""
    hints = _hints(cls)
    fields = _spec_fields(cls)
    names = [f.name for f in fields]
    for key in table:
        if key not in names:
            report(_join(prefix, key), unknown_key(key, names))
    kwargs = {}
    for f in fields:
        path = _join(prefix, f.name)
        value = table.get(f.name, _MISSING)
        if value is _MISSING:
            report(path, f"missing key (expected {describe(hints[f.name], f.metadata)})")
            kwargs[f.name] = None
        else:
            kwargs[f.name] = convert(value, hints[f.name], f.metadata, path, report)
    return cls(**kwargs)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def leaf_paths(cls, prefix: str = "") -> list[str]:
    """Every key path the schema defines (per-dtype tables count as one leaf)."""
    out = []
    for f in _spec_fields(cls):
        tp = _hints(cls)[f.name]
        path = _join(prefix, f.name)
        out.extend(leaf_paths(tp, path) if dataclasses.is_dataclass(tp) else [path])
    return out
