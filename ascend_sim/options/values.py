"""One generic reader and checker for NpuOptimizer option values, driven by ``KeySpec`` rows.

``unwrap(spec, raw)`` reads a ``parameter_map`` entry like the adapter: an AttrValue through the key's field
(``.b``, ``.i`` or ``.s``); a value set in another field reads as the default (``MISSING``, logged), except for
keys whose field is enforced (``jit_compile``: ValueError). Plain Python values pass through.
``coerce(spec, value)`` turns a Python value into the key's kind (bytes → str, "true" → True, a decimal string
→ int bytes; an empty string reads as unset, or as the default of a key with legal values) and ``check(spec, value)`` applies its legal values; both raise ValueError naming the key,
the value and what is legal.
"""
from __future__ import annotations

import logging
import operator

from ascend_sim.options.formats import FORMATS
from ascend_sim.options.spec import BOOL, INT, SIZE, STR, KeySpec

logger = logging.getLogger(__name__)

MISSING = object()
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
_FIELD_NAMES = {"b": "bool", "i": "int", "s": "bytes/string"}


def unwrap(spec: KeySpec, raw):
    """The Python value of one parameter_map entry, or ``MISSING`` where the adapter would read the default."""
    if not hasattr(raw, "WhichOneof"):
        return raw
    which = raw.WhichOneof("value")
    if which == spec.accessor:
        return getattr(raw, which)
    if which is None:
        logger.warning("NpuOptimizer option %r holds no value: the default %r applies", spec.key, spec.default)
        return MISSING
    if spec.field_strict:
        raise ValueError(f"NpuOptimizer option {spec.key!r} must be set in the AttrValue field "
                         f".{spec.accessor} ({_FIELD_NAMES[spec.accessor]}), got field {which!r}")
    logger.warning("NpuOptimizer option %r is set in AttrValue field %r, but the adapter reads .%s: the "
                   "default %r applies", spec.key, which, spec.accessor, spec.default)
    return MISSING


def _type_error(spec: KeySpec, value, expected: str) -> ValueError:
    return ValueError(f"NpuOptimizer option {spec.key!r} must be {expected}, got {value!r} "
                      f"({type(value).__name__})")


def coerce(spec: KeySpec, value):
    """``value`` as the key's kind (None stays None: unset)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError as exc:
            raise ValueError(f"NpuOptimizer option {spec.key!r} is not UTF-8 text: {exc}") from None
    if spec.kind == BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0                            # protobuf stores .b = 20 as True
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise _type_error(spec, value, f"a bool (or one of {', '.join(TRUE_WORDS + FALSE_WORDS[:-1])})")
    if spec.kind == INT:
        if isinstance(value, bool):
            raise _type_error(spec, value, "an integer")
        try:
            return operator.index(value)
        except TypeError:
            raise _type_error(spec, value, "an integer") from None
    if spec.kind == SIZE:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, str) and value == "":
            return None
        raise _type_error(spec, value, "a byte count: a decimal string of digits such as '16106127360'")
    if spec.kind == STR:
        if not isinstance(value, str):
            raise _type_error(spec, value, "a string")
        if value == "" and spec.default is None:
            return None                                  # an empty string leaves an unset option unset
        if value == "" and spec.choices and spec.default:
            return spec.default                          # ... and a key with legal values at its default
        return value
    raise AssertionError(f"unknown kind {spec.kind!r} for {spec.key!r}")


def legal_values(spec: KeySpec) -> str:
    """Human-readable legal values of a key (for errors and docs); "" when any value of its kind goes."""
    if spec.choices:
        return ", ".join(str(choice) for choice in spec.choices)
    if spec.fmt is not None:
        return FORMATS[spec.fmt][1]
    if spec.low is not None and spec.high is not None:
        return f"{spec.low}..{spec.high}"
    if spec.low is not None:
        return f">= {spec.low}"
    return ""


def check(spec: KeySpec, value) -> None:
    """ValueError unless ``value`` (already coerced) is legal for ``spec``. The default always is."""
    if value is None or value == spec.default or not spec.checked:
        return
    if spec.kind == STR and value == "":
        return                                           # an empty string is "not set" for formats and choices
    if spec.choices and value not in spec.choices:
        reason = "is invalid"
    elif spec.low is not None and value < spec.low or spec.high is not None and value > spec.high:
        reason = "is out of range"
    elif spec.fmt is not None and (problem := FORMATS[spec.fmt][0](value)) is not None:
        reason = f"is malformed ({problem})"
    else:
        return
    raise ValueError(f"NpuOptimizer option {spec.key} {value!r} {reason}; legal values: {legal_values(spec)}")
