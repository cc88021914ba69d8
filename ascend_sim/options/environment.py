"""``DeviceEnvironment``: the device, rank and job identity the adapter reads from the environment (§6.4).

``DeviceEnvironment.from_environ(environ=os.environ, options=None)``:

- ``device_id``: the ``session_device_id`` option (when ``options`` sets it) > ``ASCEND_DEVICE_ID`` >
  ``DEVICE_ID`` > 0 (logged once when neither variable is set), as the adapter's priority; ``device_id_source``
  says which one applied;
- ``rank_size``: ``RANK_SIZE``, else ``CM_WORKER_SIZE``, else 1 (both set: ValueError, as ``util.get_ranksize``);
- ``rank_id``: ``RANK_ID`` (default 0), below ``rank_size``;
- ``job_id``: ``JOB_ID`` or None; ``device_index``: ``DEVICE_INDEX`` (read by scripts only) or None;
  ``rank_table_file``: ``RANK_TABLE_FILE`` or None.

Numbers must be non-negative decimal integers; an empty variable counts as unset. Errors name the variable.
``DeviceEnvironment.upstream_defaults()`` is what ``ascend-sim run`` exports when unset, and
``missing_defaults(environ)`` the part of it an environment lacks.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# ascend-sim's own variables that `ascend-sim run` sets and the NPU session runtime reads
HW_ENV = "ASCEND_SIM_HW"                   # hardware preset name or .toml path of the emulated device
RUN_OUTPUT_ENV = "ASCEND_SIM_RUN_OUTPUT"   # profiling on, into this directory, whatever the script's options say

UPSTREAM_DEFAULTS = {"RANK_SIZE": "1", "RANK_ID": "0", "DEVICE_ID": "0", "ASCEND_DEVICE_ID": "0", "DEVICE_INDEX": "0",
                     "JOB_ID": "1"}
_warned_default_device = []


def _get(environ, name):
    value = environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _non_negative(environ, name):
    value = _get(environ, name)
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(f"environment variable {name}={environ.get(name)!r} is invalid: it must be a "
                         f"non-negative integer")
    return int(value)


@dataclass(frozen=True)
class DeviceEnvironment:
    """Device / rank / job identity (see the module docstring)."""

    device_id: int = 0
    device_id_source: str = "default"
    rank_id: int = 0
    rank_size: int = 1
    job_id: str | None = None
    device_index: int | None = None
    rank_table_file: str | None = None

    @classmethod
    def from_environ(cls, environ=None, options=None) -> "DeviceEnvironment":
        environ = os.environ if environ is None else environ
        device_id, source = 0, "default"
        for name in ("DEVICE_ID", "ASCEND_DEVICE_ID"):          # validate both; the later one has priority
            value = _non_negative(environ, name)
            if value is not None:
                device_id, source = value, name
        session_device_id = getattr(options, "session_device_id", -1) if options is not None else -1
        if session_device_id is not None and session_device_id >= 0:
            device_id, source = session_device_id, "session_device_id"
        elif source == "default" and not _warned_default_device:
            _warned_default_device.append(True)
            logger.warning("neither ASCEND_DEVICE_ID nor DEVICE_ID is set: device 0 is used")
        if _get(environ, "RANK_SIZE") is not None and _get(environ, "CM_WORKER_SIZE") is not None:
            raise ValueError("environment variables RANK_SIZE and CM_WORKER_SIZE cannot both be set; unset one")
        size_name = "RANK_SIZE" if _get(environ, "RANK_SIZE") is not None else "CM_WORKER_SIZE"
        rank_size = _non_negative(environ, size_name)
        rank_size = 1 if rank_size is None else rank_size
        if rank_size < 1:
            raise ValueError(f"environment variable {size_name}={environ.get(size_name)!r} is invalid: the world "
                             f"size must be at least 1")
        rank_id = _non_negative(environ, "RANK_ID") or 0
        if rank_id >= rank_size:
            raise ValueError(f"environment variable RANK_ID={rank_id} must be smaller than {size_name}={rank_size} "
                             f"(legal values: 0..{rank_size - 1})")
        return cls(device_id=device_id, device_id_source=source, rank_id=rank_id, rank_size=rank_size,
                   job_id=_get(environ, "JOB_ID"), device_index=_non_negative(environ, "DEVICE_INDEX"),
                   rank_table_file=_get(environ, "RANK_TABLE_FILE"))

    @staticmethod
    def upstream_defaults() -> dict:
        """The variables ``ascend-sim run`` exports when unset: RANK_SIZE=1, RANK_ID=0, DEVICE_ID=0,
        ASCEND_DEVICE_ID=0, DEVICE_INDEX=0, JOB_ID=1 (what the reference's runs of migrated scripts exported;
        scripts read them without defaults)."""
        return dict(UPSTREAM_DEFAULTS)

    @staticmethod
    def missing_defaults(environ=None) -> dict:
        """The part of ``upstream_defaults()`` that ``environ`` lacks (empty values count as unset).
        RANK_SIZE is not added when CM_WORKER_SIZE is set (the two are exclusive upstream), and a missing
        ASCEND_DEVICE_ID takes DEVICE_ID's value so that it does not override the device the user chose."""
        environ = os.environ if environ is None else environ
        missing = {name: value for name, value in UPSTREAM_DEFAULTS.items() if _get(environ, name) is None}
        if "ASCEND_DEVICE_ID" in missing and _get(environ, "DEVICE_ID") is not None:
            missing["ASCEND_DEVICE_ID"] = _get(environ, "DEVICE_ID")
        if _get(environ, "CM_WORKER_SIZE") is not None:
            missing.pop("RANK_SIZE", None)
        return missing
