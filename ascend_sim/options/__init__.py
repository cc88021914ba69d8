"""NpuOptimizer options, the profiling and dump settings, and the device environment, typed and validated.

- ``NpuOptions`` (``npu_options``): every ``parameter_map`` key of the master adapter (table in ``keys``), from
  a parameter_map (``from_parameter_map``) or a session ConfigProto (``from_session_config``), plus ``strict``;
- ``ProfilingSettings`` (``profiling``): ``profiling_mode`` / ``PROFILING_MODE`` / ``PROFILING_OPTIONS`` resolved;
- ``DumpSettings`` (``dump``): the data / overflow dump options;
- ``DeviceEnvironment`` (``environment``): DEVICE_ID / ASCEND_DEVICE_ID / RANK_ID / RANK_SIZE / JOB_ID.

Reference: npu_bridge_api.md §6 (keys, precision modes, profiling, environment), §3.1-3.2 (NPURunConfig and the
auxiliary configs). Every key's type, default, legal values and emulation effect: docs/options.md.
"""
from ascend_sim.options.dump import DumpSettings
from ascend_sim.options.environment import DeviceEnvironment
from ascend_sim.options.keys import (
    AOE_MODES, BY_KEY, GRAPH_RUN_MODES, JIT_COMPILE, KEYS, MIX_MODES, MIX_MODES_V2, PRECISION_MODES,
    PRECISION_MODES_V2, V2_TO_V1, VARIABLE_PLACEMENTS,
)
from ascend_sim.options.npu_options import (
    DEFAULT_INFER_PRECISION, DEFAULT_TRAIN_PRECISION, OPTIMIZER_NAME, STRICT_ENV, NpuOptions,
)
from ascend_sim.options.profiling import ProfilingSettings
from ascend_sim.options.spec import KeySpec

__all__ = [
    "AOE_MODES", "BY_KEY", "DEFAULT_INFER_PRECISION", "DEFAULT_TRAIN_PRECISION", "DeviceEnvironment", "DumpSettings",
    "GRAPH_RUN_MODES", "JIT_COMPILE", "KEYS", "KeySpec", "MIX_MODES", "MIX_MODES_V2", "NpuOptions", "OPTIMIZER_NAME",
    "PRECISION_MODES", "PRECISION_MODES_V2", "ProfilingSettings", "STRICT_ENV", "V2_TO_V1", "VARIABLE_PLACEMENTS",
]
