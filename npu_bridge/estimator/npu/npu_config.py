"""NPU run configuration (upstream ``npu_bridge/estimator/npu/npu_config.py``).

``NPURunConfig`` is a ``tf.estimator.RunConfig`` that also stores every NPU option; NPUEstimator
turns them into the NpuOptimizer ``parameter_map`` of the session config.  The auxiliary config
classes (profiling, memory, dump, experimental, dynamic input) only hold values.

This module also defines the Session patch (:func:`decorator_tf_session`): ``npu_init`` wraps
``Session.__init__`` / ``InteractiveSession.__init__`` with it so that every session gets the
NpuOptimizer entry, soft placement, and remapping / XLA JIT off, like upstream.

Extensions: ``NPURunConfig`` also accepts the 2021-era keywords ``auto_tune_mode`` (written as the
legacy ``auto_tune_mode`` key) and ``mstune_mode`` (the old name of ``aoe_mode``), which master
removed although migrated scripts still pass them.
"""
import functools
import json
import logging
import os
from enum import Enum
from inspect import signature

from tensorflow.core.protobuf import config_pb2
from tensorflow.core.protobuf.rewriter_config_pb2 import RewriterConfig
from tensorflow.python.distribute.distribute_config import DistributeConfig
from tensorflow.python.training import server_lib
from tensorflow_estimator.python.estimator import run_config as run_config_lib

from npu_bridge.estimator.npu import util

_log = logging.getLogger("npu_bridge.npu_config")

_GRAPH_MEMORY_OPTIMIZE_MODES = ("auto", "manual")


def _is_parameter_server_strategy(distribute):
    """True for the v1 and v2 ParameterServerStrategy classes (upstream's PS-mode strategy)."""
    from tensorflow.python.distribute.parameter_server_strategy import ParameterServerStrategyV1
    from tensorflow.python.distribute.parameter_server_strategy_v2 import ParameterServerStrategyV2

    return isinstance(distribute, (ParameterServerStrategyV1, ParameterServerStrategyV2))


class NPURunConfig(run_config_lib.RunConfig):
    """RunConfig with the NPU options (reference: npu_bridge_api.md §3.1).

    ``iterations_per_loop`` training steps run per ``Session.run``; checkpoints default to every
    100 steps and summaries are off (``save_summary_steps=0``).  The NPU options are stored as
    attributes (most private) and written to the NpuOptimizer ``parameter_map`` by NPUEstimator.
    RunConfig's ``device_fn``, ``protocol``, ``experimental_max_worker_delay_secs`` and
    ``session_creation_timeout_secs`` are not accepted, as upstream.
    """

    def __init__(self,
                 iterations_per_loop=1,
                 profiling_config=None,
                 model_dir=None,
                 tf_random_seed=None,
                 save_summary_steps=0,
                 save_checkpoints_steps=None,
                 save_checkpoints_secs=None,
                 session_config=None,
                 keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100,
                 distribute=None,
                 enable_data_pre_proc=True,
                 precision_mode=None,
                 enable_reduce_precision=False,
                 variable_format_optimize=None,
                 mix_compile_mode=False,
                 hcom_parallel=True,
                 graph_memory_max_size=None,
                 variable_memory_max_size=None,
                 dump_config=None,
                 stream_max_parallel_num=None,
                 is_tailing_optimization=False,
                 horovod_mode=False,
                 graph_run_mode=1,
                 op_debug_level=None,
                 enable_scope_fusion_passes=None,
                 enable_exception_dump=2,
                 op_select_implmode=None,
                 optypelist_for_implmode=None,
                 dynamic_input_config=None,
                 aoe_mode=None,
                 work_path=None,
                 buffer_optimize="l2_optimize",
                 enable_small_channel=0,
                 fusion_switch_file=None,
                 enable_compress_weight=False,
                 compress_weight_conf=None,
                 op_compiler_cache_mode=None,
                 op_compiler_cache_dir=None,
                 debug_dir=None,
                 hcom_multi_mode=False,
                 dynamic_input=None,
                 dynamic_graph_execute_mode="dynamic_execute",
                 dynamic_inputs_shape_range=None,
                 train_distribute=None,
                 eval_distribute=None,
                 local_rank_id=None,
                 local_device_list=None,
                 session_device_id=None,
                 distribute_config=None,
                 modify_mixlist=None,
                 op_precision_mode=None,
                 device_type="default_device_type",
                 soc_config=None,
                 hccl_timeout=None,
                 op_wait_timeout=None,
                 op_execute_timeout=None,
                 HCCL_algorithm=None,  # pylint: disable=invalid-name
                 customize_dtypes=None,
                 op_debug_config=None,
                 memory_config=None,
                 experimental_config=None,
                 topo_sorting_mode=None,
                 aoe_config_file=None,
                 insert_op_file=None,
                 stream_sync_timeout=-1,
                 event_sync_timeout=-1,
                 external_weight=False,
                 es_cluster_config=None,
                 deterministic=0,
                 frozen_variable=False,
                 variable_placement="Device",
                 jit_compile="auto",
                 precision_mode_v2=None,
                 ac_parallel_enable=None,
                 auto_tune_mode=None,
                 mstune_mode=None):
        util.check_positive_integer(iterations_per_loop, "iterations_per_loop")
        if not isinstance(mix_compile_mode, bool):
            raise TypeError(f'"mix_compile_mode" type must be bool, got {type(mix_compile_mode).__name__}')
        if mix_compile_mode and iterations_per_loop != 1:
            raise ValueError(
                f'"iterations_per_loop" must be 1 with "mix_compile_mode" is True, got {iterations_per_loop}')
        if not isinstance(jit_compile, str):
            raise TypeError(
                f'"jit_compile" expected str ("true", "false" or "auto"), got {type(jit_compile).__name__}')
        tf_config = json.loads(os.environ.get(run_config_lib._TF_CONFIG_ENV, "{}"))  # pylint: disable=protected-access
        cluster_spec = server_lib.ClusterSpec(tf_config.get(run_config_lib._CLUSTER_KEY, {}))  # pylint: disable=protected-access
        if bool(cluster_spec) != _is_parameter_server_strategy(distribute):
            raise ValueError(
                '"cluster" and "distribute" must all be set in ps mode: TF_CONFIG has a cluster '
                "exactly when distribute is a ParameterServerStrategy")
        if cluster_spec and not mix_compile_mode:
            raise ValueError('"mix_compile_mode" can only be True with "cluster" is set (ps mode)')
        if mstune_mode is not None:
            _log.warning("NPURunConfig(mstune_mode=...) is the 2021 name of aoe_mode; using it as aoe_mode")
            if aoe_mode is None:
                aoe_mode = mstune_mode
        if auto_tune_mode is not None:
            _log.warning("NPURunConfig(auto_tune_mode=...) was removed upstream in r1.11; written as the "
                         "legacy auto_tune_mode key")

        self.iterations_per_loop = iterations_per_loop
        self.mix_compile_mode = mix_compile_mode
        self.enable_data_pre_proc = enable_data_pre_proc
        self.is_tailing_optimization = is_tailing_optimization
        if save_checkpoints_steps is None and save_checkpoints_secs is None:
            save_checkpoints_steps = 100
        self._profiling_config = _checked_type(profiling_config, ProfilingConfig, "profiling_config")
        self._precision_mode = precision_mode
        self._precision_mode_v2 = precision_mode_v2
        self._enable_reduce_precision = enable_reduce_precision
        self.variable_format_optimize = variable_format_optimize
        self._hcom_parallel = hcom_parallel
        self._graph_memory_max_size = graph_memory_max_size
        self._variable_memory_max_size = variable_memory_max_size
        self._dump_config = _checked_type(dump_config, DumpConfig, "dump_config")
        self._stream_max_parallel_num = stream_max_parallel_num
        if not isinstance(horovod_mode, bool):
            raise ValueError(f'"horovod_mode" type must be bool, got {type(horovod_mode).__name__}')
        self.horovod_mode = horovod_mode
        util.check_nonnegative_integer(graph_run_mode, "graph_run_mode")
        if graph_run_mode > 1:
            raise ValueError(f'"graph_run_mode" value must be 0 or 1, got {graph_run_mode}')
        self.graph_run_mode = graph_run_mode
        self.op_debug_level = op_debug_level
        self.enable_scope_fusion_passes = enable_scope_fusion_passes
        util.check_nonnegative_integer(enable_exception_dump, "enable_exception_dump")
        self.enable_exception_dump = enable_exception_dump
        self._op_select_implmode = op_select_implmode
        self._optypelist_for_implmode = optypelist_for_implmode
        self._dynamic_input_config = _checked_type(dynamic_input_config, DynamicInputConfig, "dynamic_input_config")
        self._aoe_mode = aoe_mode
        self._work_path = work_path
        self._buffer_optimize = buffer_optimize
        self._enable_small_channel = enable_small_channel
        self._deterministic = deterministic
        self._fusion_switch_file = fusion_switch_file
        self._enable_compress_weight = enable_compress_weight
        self._frozen_variable = frozen_variable
        self._variable_placement = variable_placement
        self._compress_weight_conf = compress_weight_conf
        self._op_compiler_cache_mode = op_compiler_cache_mode
        self._op_compiler_cache_dir = op_compiler_cache_dir
        self._debug_dir = debug_dir
        self._hcom_multi_mode = hcom_multi_mode
        self._dynamic_input = dynamic_input
        self._dynamic_graph_execute_mode = dynamic_graph_execute_mode
        self._dynamic_inputs_shape_range = dynamic_inputs_shape_range
        self._local_rank_id = local_rank_id
        self._local_device_list = local_device_list
        self._session_device_id = session_device_id
        self._distribute_config = distribute_config
        self._modify_mixlist = modify_mixlist
        self._op_precision_mode = op_precision_mode
        self._device_type = device_type
        self._soc_config = soc_config
        self._hccl_timeout = hccl_timeout
        self._op_wait_timeout = op_wait_timeout
        self._op_execute_timeout = op_execute_timeout
        self._HCCL_algorithm = HCCL_algorithm  # pylint: disable=invalid-name
        self._customize_dtypes = customize_dtypes
        self._op_debug_config = op_debug_config
        self._memory_config = _checked_type(memory_config, MemoryConfig, "memory_config")
        self._experimental_config = _checked_type(experimental_config, ExperimentalConfig, "experimental_config")
        self.topo_sorting_mode = topo_sorting_mode
        self.aoe_config_file = aoe_config_file
        self.insert_op_file = insert_op_file
        self.stream_sync_timeout = stream_sync_timeout
        self.event_sync_timeout = event_sync_timeout
        self._external_weight = external_weight
        self.es_cluster_config = es_cluster_config
        self._jit_compile = jit_compile
        self._ac_parallel_enable = ac_parallel_enable
        self._auto_tune_mode = auto_tune_mode

        experimental_distribute = None
        if cluster_spec and _is_parameter_server_strategy(distribute):
            experimental_distribute = DistributeConfig(distribute, distribute, None)
        super().__init__(
            model_dir=model_dir,
            tf_random_seed=tf_random_seed,
            save_summary_steps=save_summary_steps,
            save_checkpoints_steps=save_checkpoints_steps,
            save_checkpoints_secs=save_checkpoints_secs,
            session_config=session_config,
            keep_checkpoint_max=keep_checkpoint_max,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            log_step_count_steps=log_step_count_steps,
            experimental_distribute=experimental_distribute,
            train_distribute=train_distribute,
            eval_distribute=eval_distribute)


def _checked_type(value, expected, name):
    if value is not None and not isinstance(value, expected):
        raise ValueError(f"`{name}` must be provided with type `{expected.__name__}`, got {type(value).__name__}")
    return value


class ProfilingConfig:
    """Profiling switch and options (a JSON string, see reference §6.3)."""

    def __init__(self, enable_profiling=False, profiling_options=None):
        self._enable_profiling = enable_profiling
        self._profiling_options = profiling_options


class MemoryConfig:
    """GE memory policies: atomic clean, static memory, memory optimisation."""

    def __init__(self, atomic_clean_policy=0, static_memory_policy=0, memory_optimization_policy=None):
        self._atomic_clean_policy = atomic_clean_policy
        self._static_memory_policy = static_memory_policy
        self._memory_optimization_policy = memory_optimization_policy


class DumpConfig:
    """Data dump (op inputs/outputs) and overflow ("dump debug") settings."""

    def __init__(self, enable_dump=False, dump_path=None, dump_step=None, dump_mode="output",
                 enable_dump_debug=False, dump_debug_mode="all", dump_data="tensor", dump_layer=None):
        self._enable_dump = enable_dump
        self._dump_path = dump_path
        self._dump_step = dump_step
        self._dump_mode = dump_mode
        self._enable_dump_debug = enable_dump_debug
        self._dump_debug_mode = dump_debug_mode
        self.dump_data = dump_data
        self.dump_layer = dump_layer


class GraphMemoryOptimizeConfig:
    """Recompute and graph-slicing modes, each None, "auto" or "manual"."""

    def __init__(self, recompute=None, graph_slice=None):
        for name, value in (("recompute", recompute), ("graph_slice", graph_slice)):
            if value is not None and value not in _GRAPH_MEMORY_OPTIMIZE_MODES:
                raise ValueError(f"{name} should be in {list(_GRAPH_MEMORY_OPTIMIZE_MODES)}, got {value!r}")
        self._recompute = recompute
        self._graph_slice = graph_slice


class ExperimentalConfig:
    """Experimental options (logical device deployment, graph parallel, compile cache, ...)."""

    def __init__(self, logical_device_cluster_deploy_mode="LB", logical_device_id=None, model_deploy_mode=None,
                 model_deploy_devicelist=None, graph_memory_optimize_config=None, enable_graph_parallel=None,
                 graph_parallel_option_path=None, graph_compiler_cache_dir=None, resource_config_path=None,
                 accelerate_train_mode=None):
        if graph_memory_optimize_config is not None and not isinstance(graph_memory_optimize_config,
                                                                       GraphMemoryOptimizeConfig):
            raise ValueError("graph_memory_optimize_config type must be GraphMemoryOptimizeConfig, got "
                             f"{type(graph_memory_optimize_config).__name__}")
        self._logical_device_cluster_deploy_mode = logical_device_cluster_deploy_mode
        self._logical_device_id = logical_device_id
        self._model_deploy_mode = model_deploy_mode
        self._model_deploy_devicelist = model_deploy_devicelist
        self._graph_memory_optimize_config = graph_memory_optimize_config
        self._enable_graph_parallel = enable_graph_parallel
        self._graph_parallel_option_path = graph_parallel_option_path
        self._graph_compiler_cache_dir = graph_compiler_cache_dir
        self._resource_config_path = resource_config_path
        self._accelerate_train_mode = accelerate_train_mode


class NpuExecutePlacement(Enum):
    """Where ops/variables under ``npu_scope.npu_variable_scope`` are placed."""
    ALL = "all"
    CUBE = "cube"
    VECTOR = "vector"
    TAISHAN = "taishan"
    DVPP = "dvpp"
    HOST = "host"


class DynamicInputConfig:
    """Multi-batch ("dynamic dims") inputs: shapes, dim profiles, node type 0 (dataset) / 1 (placeholder)."""

    def __init__(self, input_shape, dynamic_dims, dynamic_node_type):
        self._input_shape = input_shape
        self._dynamic_dims = dynamic_dims
        self._dynamic_node_type = dynamic_node_type


# ----------------------------------------------------------------------------- Session patch
_SESSION_CONFIG_INDEX = 2  # Session.__init__(self, target='', graph=None, config=None)


def _config_position(func):
    """Index of ``config`` among the positional arguments after ``self``."""
    try:
        names = list(signature(func).parameters)
    except (TypeError, ValueError):
        return _SESSION_CONFIG_INDEX
    return names.index("config") - 1 if "config" in names else _SESSION_CONFIG_INDEX


def set_npu_default_config(func, args, kwargs):
    """Give the ``config`` argument of a ``Session.__init__`` call the NPU defaults (reference §2.3).

    Finds the config (``kwargs["config"]``, else positional argument 2, else a new ConfigProto;
    a None config also becomes a new ConfigProto), adds an ``NpuOptimizer`` custom optimizer
    when there is none (turning ``memory_optimization`` off only then), and always sets
    ``allow_soft_placement=True``, ``log_device_placement=False``, ``remapping=OFF`` and
    ``global_jit_level=OFF``.  The user's proto is mutated in place.  Returns ``(args, kwargs)``
    with the config passed as ``config=`` and removed from the positional arguments.
    """
    index = _config_position(func)
    args = tuple(args)
    kwargs = dict(kwargs)
    positional = args[index] if len(args) > index else None
    if len(args) > index:
        if kwargs.get("config") is not None:
            raise TypeError("Session.__init__() got multiple values for argument 'config'")
        args = args[:index] + args[index + 1:]
    config = kwargs.get("config")
    if config is None:
        config = positional
    if config is None:
        config = config_pb2.ConfigProto()
    if isinstance(config, config_pb2.ConfigProto):
        rewrite_options = config.graph_options.rewrite_options
        if not any(custom.name == "NpuOptimizer" for custom in rewrite_options.custom_optimizers):
            rewrite_options.custom_optimizers.add().name = "NpuOptimizer"
            rewrite_options.memory_optimization = RewriterConfig.OFF
        config.allow_soft_placement = True
        config.log_device_placement = False
        rewrite_options.remapping = RewriterConfig.OFF
        config.graph_options.optimizer_options.global_jit_level = config_pb2.OptimizerOptions.OFF
    kwargs["config"] = config
    return args, kwargs


def decorator_tf_session(func):
    """Wrap a ``Session.__init__``-like ``func`` so every call goes through :func:`set_npu_default_config`.

    Wrapping an already wrapped function returns it unchanged (the patch is idempotent).
    """
    if getattr(func, "_npu_default_config_patched", False):
        return func

    @functools.wraps(func)
    def class_func_wrapper(self, *args, **kwargs):
        args, kwargs = set_npu_default_config(func, args, kwargs)
        return func(self, *args, **kwargs)

    class_func_wrapper._npu_default_config_patched = True  # pylint: disable=protected-access
    return class_func_wrapper
