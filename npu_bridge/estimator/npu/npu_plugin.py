"""Global NPU resources without a session (upstream ``npu_bridge.estimator.npu.npu_plugin``).

``npu_resource_init`` validates its arguments like upstream, builds the map of GE option strings
upstream passes to ``tf_adapter.PluginInit`` and hands it to the stand-in SWIG module
(:mod:`npu_bridge.tf_adapter`), which records it (read it back with
``tf_adapter.plugin_options()``).  The saturation mode is stored.  RDMA pool and remote-address
registration are validated and recorded (one host: there is no peer to reach); the functions that
need real device memory addresses (``get_var_addr_and_size``, ``malloc_shared_memory``) raise a
RuntimeError naming themselves.
"""
import logging
import os

from hccl.manage.api import get_local_rank_size  # noqa: F401  (upstream module namespace)
from hccl.manage.api import get_rank_id  # noqa: F401  (upstream module namespace)
from tensorflow.python.ops import init_ops, variable_scope

from ascend_sim.options import AOE_MODES as _AOE_MODES
from ascend_sim.options import BY_KEY as _OPTION_KEYS
from ascend_sim.options import PRECISION_MODES as _PRECISION_MODES
from ascend_sim.options import PRECISION_MODES_V2 as _PRECISION_MODES_V2
from npu_bridge import tf_adapter

_log = logging.getLogger("npu_bridge.npu_plugin")

# the legal values come from the one NpuOptimizer key table (ascend_sim.options), so the two cannot drift
_OP_COMPILER_CACHE_MODES = _OPTION_KEYS["op_compiler_cache_mode"].choices
_AUTO_TUNE_MODES = ("GA", "RL")
_SAT_MODES = (0, 1)
_closed = False


def _check_int_range(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        legal = f"{low}..{high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be in {legal}, got {value}")


def _check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def _check_rw_dir(path, name):
    real = os.path.realpath(str(path))
    if not os.path.isdir(real):
        raise ValueError(f"{name}: {path!r} is not an existing directory")
    if not os.access(real, os.R_OK | os.W_OK):
        raise ValueError(f"{name}: directory {path!r} must be readable and writable")
    return real


def check_graph_run_mode(graph_run_mode):
    """``graph_run_mode`` must be 0 (inference) or 1 (training)."""
    _check_int_range(graph_run_mode, "graph_run_mode", 0)
    if graph_run_mode > 1:
        raise ValueError(f"graph_run_mode must be 0 (inference) or 1 (training), got {graph_run_mode}")


def init_op_compiler_cache_mode(init, op_compiler_cache_mode):
    """Write ``ge.op_compiler_cache_mode`` (enable/disable/force) into ``init`` when given."""
    if op_compiler_cache_mode is not None:
        _check_choice(op_compiler_cache_mode, "op_compiler_cache_mode", _OP_COMPILER_CACHE_MODES)
        init["ge.op_compiler_cache_mode"] = str(op_compiler_cache_mode)


def init_op_compiler_cache_dir(init, op_compiler_cache_dir):
    """Write ``ge.op_compiler_cache_dir`` into ``init`` when given."""
    if op_compiler_cache_dir is not None:
        init["ge.op_compiler_cache_dir"] = str(op_compiler_cache_dir)


def init_debug_dir(init, debug_dir):
    """Write ``ge.debugDir`` into ``init`` when given."""
    if debug_dir is not None:
        init["ge.debugDir"] = str(debug_dir)


def _legacy_options(init, auto_tune_mode, mstune_mode, work_path):
    """2021-era keywords (reference §8.2): ``auto_tune_mode`` → ge.autoTuneMode; ``mstune_mode`` → ge.jobType."""
    if auto_tune_mode is not None:
        parts = [p.strip() for p in str(auto_tune_mode).replace("|", ",").split(",") if p.strip()]
        for part in parts:
            _check_choice(part, "auto_tune_mode", _AUTO_TUNE_MODES)
        init["ge.autoTuneMode"] = str(auto_tune_mode)
    if mstune_mode is not None:
        _check_choice(str(mstune_mode), "mstune_mode", ("1", "2", "3", "4"))
        if work_path is None:
            raise ValueError("mstune_mode needs work_path (a readable and writable directory)")
        init.setdefault("ge.jobType", str(mstune_mode))
        init.setdefault("ge.tuningPath", _check_rw_dir(work_path, "work_path"))


def npu_resource_init(graph_run_mode=1, op_debug_level=0, enable_profiling=False, profiling_options=None,
                      precision_mode=None, enable_scope_fusion_passes=None, enable_exception_dump=2, aoe_mode=None,
                      work_path=None, op_compiler_cache_mode=None, op_compiler_cache_dir=None, debug_dir=None,
                      hcom_multi_mode=False, distribute_config=None, aoe_config_file=None, precision_mode_v2=None,
                      auto_tune_mode=None, mstune_mode=None):
    """Initialise GE globally with these options (recorded by the stand-in ``tf_adapter.PluginInit``).

    ``auto_tune_mode`` and ``mstune_mode`` are ascend-sim extensions: the 2021 keywords, still
    passed by migrated scripts.
    """
    global _closed
    check_graph_run_mode(graph_run_mode)
    _check_int_range(op_debug_level, "op_debug_level", 0, 4)
    _check_int_range(enable_exception_dump, "enable_exception_dump", 0, 2)
    if precision_mode is not None and precision_mode_v2 is not None:
        raise ValueError("precision_mode and precision_mode_v2 cannot both be set; set only one of them")
    init = {
        tf_adapter.OPTION_GRAPH_RUN_MODE: str(graph_run_mode),
        tf_adapter.OP_DEBUG_LEVEL: str(op_debug_level),
        tf_adapter.OPTION_EXEC_PROFILING_MODE: "1" if enable_profiling else "0",
    }
    if enable_profiling:
        if profiling_options is None:
            raise ValueError("profiling_options must be set when enable_profiling is True")
        init[tf_adapter.OPTION_EXEC_PROFILING_OPTIONS] = str(profiling_options)
    if precision_mode is not None:
        _check_choice(precision_mode, "precision_mode", _PRECISION_MODES)
        init["ge.exec.precision_mode"] = str(precision_mode)
    if precision_mode_v2 is not None:
        _check_choice(precision_mode_v2, "precision_mode_v2", _PRECISION_MODES_V2)
        init["ge.exec.precision_mode_v2"] = str(precision_mode_v2)
    if enable_scope_fusion_passes is not None:
        init[tf_adapter.OPTION_EXEC_ENABLE_SCOPE_FUSION_PASSES] = str(enable_scope_fusion_passes)
    init["ge.exec.enable_exception_dump"] = str(enable_exception_dump)
    if aoe_mode is not None:
        _check_choice(str(aoe_mode), "aoe_mode", _AOE_MODES)
        init["ge.jobType"] = str(aoe_mode)
        init["ge.tuningPath"] = _check_rw_dir("./" if work_path is None else work_path, "work_path")
        if distribute_config is not None:
            init["distribute_config"] = str(distribute_config)
    init_op_compiler_cache_mode(init, op_compiler_cache_mode)
    init_op_compiler_cache_dir(init, op_compiler_cache_dir)
    init_debug_dir(init, debug_dir)
    init["ge.hcomMultiMode"] = "1" if hcom_multi_mode else "0"
    if aoe_config_file is not None:
        init["ge.aoe_config_file"] = str(aoe_config_file)
    _legacy_options(init, auto_tune_mode, mstune_mode, work_path)
    tf_adapter.PluginInit(tf_adapter.map_string_string(init))
    _closed = False


def npu_resource_shutdown():
    """Finalise GE (``tf_adapter.PluginFinalize``)."""
    tf_adapter.PluginFinalize()


def npu_close():
    """Release every device resource (``tf_adapter.NpuClose``); idempotent, registered with atexit."""
    global _closed
    if _closed:
        return
    try:
        tf_adapter.NpuClose()
    finally:
        _closed = True


def _check_remote_var_list(remote_var_list):
    if not isinstance(remote_var_list, (list, tuple)):
        raise ValueError(f"remote_var_list must be a list or tuple, got {type(remote_var_list).__name__}")
    infos = tf_adapter.var_info_vec()
    for item in remote_var_list:
        if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
            raise ValueError(
                f"remote_var_list items must be (base_addr, var_size) or (rank, base_addr, var_size), got {item!r}"
            )
        base_addr, var_size = item[-2], item[-1]
        for value, name in ((base_addr, "base_addr"), (var_size, "var_size")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"remote_var_list item {item!r}: {name} must be a non-negative int")
        info = tf_adapter.HostVarInfo()
        info.base_addr, info.var_size = base_addr, var_size
        infos.append(info)
    return infos


def _check_mem_size(mem_size):
    if isinstance(mem_size, bool) or not isinstance(mem_size, int) or mem_size <= 0:
        raise ValueError(f"mem_size must be a positive int (bytes), got {mem_size!r}")


def init_rdma_pool(mem_size):
    """Register a host memory pool of ``mem_size`` bytes for RDMA (recorded; one host)."""
    _check_mem_size(mem_size)
    if tf_adapter.InitRdmaPool(mem_size) != 0:
        raise RuntimeError("init_rdma_pool: initialising the RDMA pool failed")


def rdma_remote_register(remote_var_list):
    """Register remote hosts' variable addresses for RDMA (validated and recorded; one host)."""
    infos = _check_remote_var_list(remote_var_list)
    if tf_adapter.RegistRdmaRemoteAddr(infos) != 0:
        raise RuntimeError("rdma_remote_register: registering remote addresses failed")


def rdma_remote_init(remote_var_list, mem_size):
    """``init_rdma_pool`` and ``rdma_remote_register`` in one call."""
    infos = _check_remote_var_list(remote_var_list)
    _check_mem_size(mem_size)
    if tf_adapter.RdmaInitAndRegister(infos, mem_size) != 0:
        raise RuntimeError("rdma_remote_init: initialising RDMA failed")


def _no_device_memory(func, what):
    return RuntimeError(
        f"npu_plugin.{func}({what!r}) needs the device address of NPU memory; ascend-sim emulates the "
        "device without a device address space, so it cannot return one"
    )


def get_var_addr_and_size(var_name):
    """(device address, size) of variable ``var_name``: needs device memory → RuntimeError here."""
    if not isinstance(var_name, str):
        raise ValueError(f"var_name must be a str, got {type(var_name).__name__}")
    ret, addr, size = tf_adapter.GetVarAddrAndSize(var_name)
    if ret != 0:
        raise _no_device_memory("get_var_addr_and_size", var_name)
    return addr, size


def malloc_shared_memory(var_name, shape, data_type):
    """Allocate shared device memory for ``var_name``: needs device memory → RuntimeError here."""
    if not isinstance(var_name, str):
        raise ValueError(f"var_name must be a str, got {type(var_name).__name__}")
    info = tf_adapter.TensorInfo()
    info.var_name = var_name
    info.dims = tf_adapter.int64_vec(list(shape))
    info.data_type = data_type
    ret, dev_addr, mem_size = tf_adapter.MallocSharedMem(info)
    if ret != 0:
        raise _no_device_memory("malloc_shared_memory", var_name)
    return dev_addr, mem_size


def get_rdma_cache(data_type, shape, name="rdma_w"):
    """A zero-initialised variable ``name`` placed in RDMA-registered memory (``npu_mem_type_scope``)."""
    from npu_bridge.estimator.npu import npu_scope  # pylint: disable=import-outside-toplevel

    with npu_scope.npu_mem_type_scope():
        return variable_scope.get_variable(
            name=name, shape=shape, dtype=data_type, initializer=init_ops.zeros_initializer()
        )


def set_device_sat_mode(mode):
    """Set the float saturation mode: 0 saturation (910A default), 1 inf/nan (``is_inf_nan_enabled``)."""
    if isinstance(mode, bool) or mode not in _SAT_MODES:
        raise ValueError(f"mode must be one of {list(_SAT_MODES)} (0 saturation, 1 inf/nan), got {mode!r}")
    tf_adapter.SetDeviceSatMode(mode)


def is_inf_nan_enabled():
    """True when the device saturation mode is 1 (inf/nan): loss scaling then checks gradients directly."""
    return tf_adapter.GetDeviceSatMode() == 1
