"""``ProfilingSettings``: whether profiling is on, who switched it on, and the PROFILING_OPTIONS fields (§6.3).

``ProfilingSettings.resolve(options, environ=os.environ)`` applies GE's precedence (``ProfilingManager::
InitFromOptions``; the reference names the keys but not the order, see docs/options.md):

1. the ``profiling_mode`` option (``NpuOptions``, from the parameter_map or a ProfilingConfig) with its
   ``profiling_options`` JSON — the adapter's default JSON when that is empty;
2. else the environment: ``PROFILING_MODE`` exactly ``true`` *and* a non-empty ``PROFILING_OPTIONS``;
3. else off (a ``PROFILING_MODE`` that is set but not ``true``, or ``true`` without options, is logged).

``source`` records which of ``profiling_mode`` / ``PROFILING_MODE`` / ``ascend-sim run`` switched it on ("off"
when none did). The JSON must be an object whose switches are "on"/"off" and whose ``aic_metrics`` is one of
``AIC_METRICS``; a malformed document is a ValueError naming where it came from with the parse error's line,
column and offset. A missing ``output`` leaves ``output_dir`` None (the runtime picks one). Fields this module
does not interpret are kept in ``extra``. The 2021 colon format (``training_trace:task_trace``, as
``util.check_profiling_options`` builds it, with ``FP_POINT`` / ``BP_POINT`` from the environment) is accepted.

``settings.forced_on(output_dir=None)`` is what ``ascend-sim run`` uses: profiling on whatever the script set,
keeping the script's (or the environment's) options when it had any, else the adapter's default JSON.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MODE_ENV, OPTIONS_ENV = "PROFILING_MODE", "PROFILING_OPTIONS"
FROM_OPTION, FROM_ENV, FROM_RUN, OFF = "profiling_mode", MODE_ENV, "ascend-sim run", "off"
# The adapter's JSON when profiling_mode is on without options (reference §6.3).
DEFAULT_OPTIONS = ('{"output":"./","training_trace":"on","task_trace":"on","hccl":"on","aicpu":"on",'
                   '"aic_metrics":"PipeUtilization","msproftx":"off"}')
SWITCHES = ("training_trace", "task_trace", "hccl", "aicpu", "msproftx", "l2", "runtime_api")
SWITCH_VALUES = ("on", "off")
# The reference's examples plus MemoryUB and L2Cache from the msprof documentation.
AIC_METRICS = ("ArithmeticUtilization", "PipeUtilization", "Memory", "MemoryL0", "MemoryUB",
               "ResourceConflictRatio", "L2Cache")
STRINGS = ("output", "fp_point", "bp_point", "aic_metrics", "storage_limit")
LEGACY_ITEMS = ("training_trace", "task_trace", "op_trace")
_LEGACY = re.compile(r"[a-z_]+(?::[a-z_]+)*")
_STORAGE_LIMIT = re.compile(r"(\d+)MB")
_reported_extra = set()


@dataclass(frozen=True)
class ProfilingSettings:
    """Profiling switches (see the module docstring). Switches missing from the JSON read as off."""

    enabled: bool = False
    source: str = OFF
    output_dir: str | None = None
    training_trace: bool = False
    task_trace: bool = False
    hccl: bool = False
    aicpu: bool = False
    msproftx: bool = False
    l2: bool = False
    runtime_api: bool = False
    aic_metrics: str = "PipeUtilization"
    fp_point: str = ""
    bp_point: str = ""
    storage_limit_mb: int | None = None
    extra: tuple = ()
    options_json: str = ""

    @classmethod
    def resolve(cls, options, environ=None) -> "ProfilingSettings":
        environ = os.environ if environ is None else environ
        env_mode = environ.get(MODE_ENV)
        env_options = environ.get(OPTIONS_ENV, "")
        if options is not None and options.profiling_mode:
            text = options.profiling_options or DEFAULT_OPTIONS
            where = "parameter_map['profiling_options']" if options.profiling_options else "the default options"
            return parse(text, where, environ).with_source(FROM_OPTION)
        if env_mode == "true" and env_options.strip():
            return parse(env_options, f"environment variable {OPTIONS_ENV}", environ).with_source(FROM_ENV)
        if env_mode is not None and env_mode != "true":
            logger.warning("%s=%r does not switch profiling on: upstream accepts only the value 'true'",
                           MODE_ENV, env_mode)
        elif env_mode == "true":
            logger.warning("%s=true without %s does not switch profiling on (as upstream); set %s to a JSON "
                           "object such as %s", MODE_ENV, OPTIONS_ENV, OPTIONS_ENV, DEFAULT_OPTIONS)
        candidate = (options.profiling_options if options is not None else "") or env_options.strip()
        return cls(options_json=candidate)

    def with_source(self, source: str) -> "ProfilingSettings":
        return dataclasses.replace(self, enabled=True, source=source)

    def forced_on(self, output_dir: str | None = None, source: str = FROM_RUN) -> "ProfilingSettings":
        """These settings with profiling on (``ascend-sim run``): an enabled one keeps its source and fields;
        a disabled one parses the options it would have used (or the adapter's default JSON). ``output_dir``,
        when given, replaces the output directory."""
        settings = self
        if not self.enabled:
            text = self.options_json or DEFAULT_OPTIONS
            settings = parse(text, "the profiling options" if self.options_json else "the default options",
                             os.environ).with_source(source)
        if output_dir is not None:
            settings = dataclasses.replace(settings, output_dir=output_dir)
        return settings


def _legacy(text: str, environ) -> dict:
    items = text.split(":")
    unknown = [item for item in items if item not in LEGACY_ITEMS]
    if unknown:
        raise ValueError(f"legacy profiling options {text!r}: unknown items {', '.join(unknown)}; legal items: "
                         f"{', '.join(LEGACY_ITEMS)}")
    fields = {item: "on" for item in items if item != "op_trace"}
    fields["fp_point"] = environ.get("FP_POINT", "")
    fields["bp_point"] = environ.get("BP_POINT", "")
    return fields


def parse(text: str, where: str, environ=None) -> ProfilingSettings:
    """Disabled ``ProfilingSettings`` holding the fields of a profiling options document (``where`` names its
    origin in errors); ``with_source`` switches it on."""
    environ = os.environ if environ is None else environ
    stripped = text.strip()
    if not stripped.startswith("{") and _LEGACY.fullmatch(stripped):
        document = _legacy(stripped, environ)
    else:
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} "
                             f"(char {exc.pos}) in {text!r}") from None
        if not isinstance(document, dict):
            raise ValueError(f"{where} must be a JSON object such as {DEFAULT_OPTIONS}, got {text!r}")
    fields, extra = {"options_json": text}, []
    for key, value in document.items():
        if key in SWITCHES:
            if value not in SWITCH_VALUES:
                raise ValueError(f"{where}: {key!r} is {value!r}; legal values: {', '.join(SWITCH_VALUES)}")
            fields[key] = value == "on"
        elif key in STRINGS:
            if not isinstance(value, str):
                raise ValueError(f"{where}: {key!r} must be a string, got {value!r}")
            fields.update(_string_field(key, value, where))
        else:
            extra.append((key, value if isinstance(value, (str, int, float, bool)) else json.dumps(value)))
    for key, _ in extra:
        if key not in _reported_extra:
            _reported_extra.add(key)
            logger.warning("profiling option %r (%s) is not interpreted by the emulator; kept in extra", key, where)
    return ProfilingSettings(extra=tuple(extra), **fields)


def _string_field(key: str, value: str, where: str) -> dict:
    if key == "output":
        return {"output_dir": value or None}
    if key == "aic_metrics":
        if value not in AIC_METRICS:
            raise ValueError(f"{where}: aic_metrics {value!r} is invalid; legal values: {', '.join(AIC_METRICS)}")
        return {"aic_metrics": value}
    if key == "storage_limit":
        match = _STORAGE_LIMIT.fullmatch(value)
        if match is None:
            raise ValueError(f"{where}: storage_limit {value!r} is invalid; legal values: a size in MB such as "
                             f"'200MB'")
        return {"storage_limit_mb": int(match.group(1))}
    return {key: value}
