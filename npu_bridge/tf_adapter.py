"""Stand-in for upstream's SWIG module ``npu_bridge.tf_adapter`` (generated from ``ge_plugin.i``).

Upstream this module is the C++ GE plugin: ``PluginInit`` initialises the graph engine with a map
of GE option strings, the RDMA/shared-memory calls reach device memory, and the saturation mode
is a device setting.  ascend-sim has no GE and no device memory, so this stand-in keeps the same
names, types and return conventions and records what it was asked:

* ``PluginInit`` stores the option map (:func:`plugin_options` reads it back), ``PluginFinalize``
  and ``NpuClose`` clear it (both idempotent);
* ``SetDeviceSatMode`` / ``GetDeviceSatMode`` store the saturation mode (0 = saturation, the 910A
  default; 1 = inf/nan);
* ``InitRdmaPool`` / ``RegistRdmaRemoteAddr`` / ``RdmaInitAndRegister`` record the host-side pool
  size and remote address table and return 0 (success);
* ``GetVarAddrAndSize`` / ``MallocSharedMem`` need device memory: they return a non-zero status as
  a failed SWIG call would, and the calling ``npu_plugin`` function raises a clear error.
"""
import logging
import threading

_log = logging.getLogger("npu_bridge.tf_adapter")

# GE option keys (ge_api_types.h) exported by the SWIG module
OP_DEBUG_LEVEL = "ge.opDebugLevel"
OPTION_EXEC_ENABLE_SCOPE_FUSION_PASSES = "ge.exec.enableScopeFusionPasses"
OPTION_EXEC_PROFILING_MODE = "ge.exec.profilingMode"
OPTION_EXEC_PROFILING_OPTIONS = "ge.exec.profilingOptions"
OPTION_GRAPH_RUN_MODE = "ge.graphRunMode"
OPTION_EXEC_HCCL_FLAG = "ge.exec.hcclFlag"
OPTION_EXEC_PROFILING_FPPONIT_OPTIONS = "ge.exec.profilingFpPointOptions"
OPTION_EXEC_PROFILING_BPPONIT_OPTIONS = "ge.exec.profilingBpPointOptions"

# GE data types (the enum the SWIG module exports; values of ge::DataType)
DT_FLOAT = 0
DT_FLOAT16 = 1
DT_INT8 = 2
DT_INT32 = 3
DT_UINT8 = 4
DT_INT16 = 6
DT_UINT16 = 7
DT_UINT32 = 8
DT_INT64 = 9
DT_UINT64 = 10
DT_DOUBLE = 11
DT_BOOL = 12
DT_STRING = 13

# status codes returned by the calls, as the SWIG functions do (0 = success)
SUCCESS = 0
FAILED_NO_DEVICE_MEMORY = 1


class map_string_string(dict):  # pylint: disable=invalid-name
    """``std::map<std::string, std::string>``: a dict whose keys and values must be str."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key, value):
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"map_string_string holds str keys and str values, got {type(key).__name__} -> {type(value).__name__}"
            )
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):  # pylint: disable=arguments-differ
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]


class HostVarInfo:
    """One host variable for RDMA: ``base_addr`` and ``var_size`` (bytes)."""

    def __init__(self):
        self.base_addr = 0
        self.var_size = 0

    def __repr__(self):
        return f"HostVarInfo(base_addr={self.base_addr}, var_size={self.var_size})"


class TensorInfo:
    """A shared-memory request: ``var_name``, ``dims`` (an int64_vec) and ``data_type`` (a DT_* value)."""

    def __init__(self):
        self.var_name = ""
        self.dims = int64_vec()
        self.data_type = DT_FLOAT

    def __repr__(self):
        return f"TensorInfo(var_name={self.var_name!r}, dims={list(self.dims)}, data_type={self.data_type})"


class var_info_vec(list):  # pylint: disable=invalid-name
    """``std::vector<HostVarInfo>``."""

    def append(self, item):
        if not isinstance(item, HostVarInfo):
            raise TypeError(f"var_info_vec holds HostVarInfo, got {type(item).__name__}")
        super().append(item)


class int64_vec(list):  # pylint: disable=invalid-name
    """``std::vector<int64_t>``."""

    def __init__(self, values=()):
        super().__init__()
        for v in values:
            self.append(v)

    def append(self, item):
        if isinstance(item, bool) or not isinstance(item, int):
            raise TypeError(f"int64_vec holds int, got {type(item).__name__}")
        super().append(item)


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.options = None  # the GE option map of the last PluginInit, None when not initialised
        self.sat_mode = 0
        self.rdma_pool_size = None
        self.rdma_remote_vars = []
        self.closed = False


_STATE = _State()


def PluginInit(init_options):  # pylint: disable=invalid-name
    """Initialise the (emulated) graph engine with GE option strings; records a copy of the map."""
    options = map_string_string(init_options)
    with _STATE.lock:
        _STATE.options = options
        _STATE.closed = False
    _log.info("GE plugin initialised with %d options", len(options))


def PluginFinalize():  # pylint: disable=invalid-name
    """Finalise the (emulated) graph engine; idempotent."""
    with _STATE.lock:
        _STATE.options = None


def NpuClose():  # pylint: disable=invalid-name
    """Release every (emulated) device resource; idempotent and safe at interpreter exit."""
    with _STATE.lock:
        _STATE.options = None
        _STATE.rdma_pool_size = None
        _STATE.rdma_remote_vars = []
        _STATE.closed = True


def SetDeviceSatMode(mode):  # pylint: disable=invalid-name
    """Set the device's float saturation mode (``uint``: 0 saturation, 1 inf/nan)."""
    if isinstance(mode, bool) or not isinstance(mode, int) or mode < 0:
        raise TypeError(f"SetDeviceSatMode expects an unsigned int, got {mode!r}")
    with _STATE.lock:
        _STATE.sat_mode = mode


def GetDeviceSatMode():  # pylint: disable=invalid-name
    """The device's float saturation mode (0 unless set)."""
    return _STATE.sat_mode


def InitRdmaPool(size):  # pylint: disable=invalid-name
    """Register a host memory pool of ``size`` bytes for RDMA; records the size, returns 0."""
    with _STATE.lock:
        _STATE.rdma_pool_size = int(size)
    return SUCCESS


def RegistRdmaRemoteAddr(var_info):  # pylint: disable=invalid-name
    """Register remote host variables (a ``var_info_vec``); records them, returns 0."""
    with _STATE.lock:
        _STATE.rdma_remote_vars = [(v.base_addr, v.var_size) for v in var_info]
    return SUCCESS


def RdmaInitAndRegister(var_info, size):  # pylint: disable=invalid-name
    """``InitRdmaPool(size)`` and ``RegistRdmaRemoteAddr(var_info)`` in one call; returns 0."""
    InitRdmaPool(size)
    return RegistRdmaRemoteAddr(var_info)


def GetVarAddrAndSize(name):  # pylint: disable=invalid-name
    """``[ret, addr, size]`` of a device variable: there is no device memory, so ``ret`` is non-zero."""
    _log.warning("GetVarAddrAndSize(%r): no device memory is emulated", name)
    return [FAILED_NO_DEVICE_MEMORY, 0, 0]


def MallocSharedMem(tensor_info):  # pylint: disable=invalid-name
    """``[ret, dev_addr, mem_size]`` for shared device memory: no device memory, so ``ret`` is non-zero."""
    _log.warning("MallocSharedMem(%r): no device memory is emulated", getattr(tensor_info, "var_name", tensor_info))
    return [FAILED_NO_DEVICE_MEMORY, 0, 0]


def plugin_options():
    """ascend-sim extension: a copy of the option map of the active ``PluginInit`` (None if none)."""
    with _STATE.lock:
        return None if _STATE.options is None else dict(_STATE.options)


def rdma_state():
    """ascend-sim extension: (pool size or None, [(base_addr, var_size), ...]) recorded so far."""
    with _STATE.lock:
        return _STATE.rdma_pool_size, list(_STATE.rdma_remote_vars)
