"""``NpuOptions``: every NpuOptimizer option, typed, defaulted and validated as the master adapter does.

The class is a frozen dataclass generated from the key table (``ascend_sim.options.keys.KEYS``): one field per
``parameter_map`` key, named like the key, plus ``strict`` (ours: unsupported ops are errors, default from
``ASCEND_SIM_STRICT``), ``unparsed`` (keys the adapter does not know, kept and ignored as upstream) and
``explicit`` (the keys the parameter_map contained; not compared). Constructing one coerces each value to its
key's kind, checks its legal values (``values.check``) and the rules between options (``rules.RULES``), forces
``enable_small_channel`` to 1 for inference (``graph_run_mode`` 0) as the adapter does, and logs deprecated keys
once (INFO).

``NpuOptions.from_parameter_map(pm)`` reads a protobuf map of AttrValue or a dict of Python values;
``NpuOptions.from_session_config(config)`` finds the ``NpuOptimizer`` entries of a ConfigProto (later entries
override earlier ones) and returns None when there is none.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping

from ascend_sim.options import rules, values
from ascend_sim.options.keys import AOE_MODES, BY_KEY, JIT_COMPILE, KEYS, V2_TO_V1

logger = logging.getLogger(__name__)

STRICT_ENV = "ASCEND_SIM_STRICT"
AOE_MODE_ENV = "AOE_MODE"
OPTIMIZER_NAME = "NpuOptimizer"
# When precision_mode is unset: GE's default on Atlas training products (910) for training, and the 2021
# adapter's force_fp16 for inference (reference ascend910.md §3.6, npu_bridge_api.md §6.2).
DEFAULT_TRAIN_PRECISION = "allow_fp32_to_fp16"
DEFAULT_INFER_PRECISION = "force_fp16"
_PYTHON_TYPES = {"bool": bool, "int": int, "str": str, "size": int}
_reported = set()                                        # (kind, key) already logged once in this process


def _strict_from_env() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in values.TRUE_WORDS


def _log_once(kind: str, key: str, level: int, message: str, *args) -> None:
    if (kind, key) not in _reported:
        _reported.add((kind, key))
        logger.log(level, message, *args)


class _NpuOptionsBase:
    """Methods of ``NpuOptions`` (its fields come from the key table)."""

    def __post_init__(self):
        for spec in KEYS:
            object.__setattr__(self, spec.key, values.coerce(spec, getattr(self, spec.key)))
        for spec in KEYS:
            if not spec.read_if or getattr(self, spec.read_if):      # the adapter reads it only behind its gate
                values.check(spec, getattr(self, spec.key))
        object.__setattr__(self, "strict", bool(self.strict))
        object.__setattr__(self, "unparsed", tuple(self.unparsed))
        object.__setattr__(self, "explicit", frozenset(self.explicit))
        if self.graph_run_mode == 0 and self.enable_small_channel != 1:
            object.__setattr__(self, "enable_small_channel", 1)
        rules.apply(self, self.present_keys)
        for spec in KEYS:
            if spec.deprecated and spec.key in self.explicit:
                # INFO, not WARNING: NPUEstimator writes enable_data_pre_proc whatever the script does
                _log_once("deprecated", spec.key, logging.INFO, "NpuOptimizer option %r is deprecated upstream (%s)",
                          spec.key, spec.deprecated)

    @property
    def present_keys(self) -> frozenset:
        """Keys the parameter_map contained, plus every option that differs from its default."""
        changed = {spec.key for spec in KEYS if getattr(self, spec.key) != spec.default}
        return self.explicit | changed

    @property
    def effective_precision_mode(self) -> str:
        """The precision_mode the compiler applies (v2 translated, the run mode's default when unset)."""
        if self.precision_mode_v2 is not None:
            return V2_TO_V1[self.precision_mode_v2]
        if self.precision_mode is not None:
            return self.precision_mode
        return DEFAULT_TRAIN_PRECISION if self.graph_run_mode == 1 else DEFAULT_INFER_PRECISION

    @property
    def precision_mode_explicit(self) -> bool:
        """True when precision_mode or precision_mode_v2 was set (False: the default for the run mode)."""
        return self.precision_mode is not None or self.precision_mode_v2 is not None

    @property
    def ge_jit_compile(self) -> str:
        """``ge.jit_compile`` as the adapter passes it: "1", "0" or "2"."""
        return JIT_COMPILE[self.jit_compile]

    def __repr__(self):
        shown = [f"{key}={value!r}" for key, value in self.non_defaults().items()]
        shown += [f"strict={self.strict!r}"] + ([f"unparsed={self.unparsed!r}"] if self.unparsed else [])
        return f"{type(self).__name__}({', '.join(shown)})"

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def non_defaults(self) -> dict:
        """{key: value} of the options that differ from their defaults (for logs and summaries)."""
        return {spec.key: getattr(self, spec.key) for spec in KEYS if getattr(self, spec.key) != spec.default}

    @classmethod
    def from_parameter_map(cls, pm, *, environ=None, check_paths=True, **overrides):
        """Options from an NpuOptimizer ``parameter_map`` (protobuf map of AttrValue, or a dict of AttrValue or
        of Python values); ``overrides`` are fields applied on top. ``environ`` (default ``os.environ``) supplies
        ``AOE_MODE`` when ``aoe_mode`` is empty; ``check_paths`` applies the adapter's directory checks
        (``dump_path`` when dumping, ``work_path`` with ``aoe_mode``)."""
        if pm is None:
            pm = {}
        if not isinstance(pm, Mapping) and not hasattr(pm, "items"):
            raise TypeError(f"parameter_map must be a mapping of option name to value, got {type(pm).__name__}")
        fields, unknown = {}, []
        for key, raw in pm.items():
            key = key.decode() if isinstance(key, bytes) else str(key)
            spec = BY_KEY.get(key)
            if spec is None:
                unknown.append(key)
                continue
            value = values.unwrap(spec, raw)
            if value is not values.MISSING:
                fields[key] = value
        explicit = set(fields)
        for key in sorted(unknown):
            _log_once("unknown", key, logging.WARNING,
                      "NpuOptimizer option %r is not known to the adapter; ignored as upstream", key)
        environ = os.environ if environ is None else environ
        if not fields.get("aoe_mode") and environ.get(AOE_MODE_ENV):
            if environ[AOE_MODE_ENV] not in AOE_MODES:
                raise ValueError(f"environment variable {AOE_MODE_ENV}={environ[AOE_MODE_ENV]!r} is invalid; legal "
                                 f"values: {', '.join(AOE_MODES)}")
            fields["aoe_mode"] = environ[AOE_MODE_ENV]
        fields.update(overrides)
        fields.setdefault("unparsed", tuple(sorted(unknown)))
        fields.setdefault("explicit", frozenset(explicit))
        options = cls(**fields)
        if check_paths:
            rules.check_paths(options)
        return options

    @classmethod
    def from_session_config(cls, config, *, environ=None, check_paths=True):
        """Options from a session ConfigProto (duck-typed), or None when it has no ``NpuOptimizer`` custom
        optimizer (a session that does not target the NPU). Several entries merge in order, later keys winning,
        as the adapter processes them."""
        if config is None:
            return None
        try:
            customs = config.graph_options.rewrite_options.custom_optimizers
        except AttributeError:
            raise TypeError(f"session config must be a ConfigProto (graph_options.rewrite_options."
                            f"custom_optimizers), got {type(config).__name__}") from None
        entries = [custom for custom in customs if custom.name == OPTIMIZER_NAME]
        if not entries:
            return None
        merged = {}
        for entry in entries:
            merged.update(entry.parameter_map.items())
        return cls.from_parameter_map(merged, environ=environ, check_paths=check_paths)


def _field(spec):
    python_type = _PYTHON_TYPES[spec.kind]
    annotation = python_type if spec.default is not None else (python_type | None)
    return spec.key, annotation, dataclasses.field(default=spec.default)


NpuOptions = dataclasses.make_dataclass(
    "NpuOptions",
    [_field(spec) for spec in KEYS] + [
        ("strict", bool, dataclasses.field(default_factory=_strict_from_env)),
        ("unparsed", tuple, dataclasses.field(default=())),
        ("explicit", frozenset, dataclasses.field(default=frozenset(), compare=False, repr=False)),
    ],
    bases=(_NpuOptionsBase,),
    frozen=True,
    repr=False,
)
NpuOptions.__module__ = __name__
NpuOptions.__doc__ = __doc__
