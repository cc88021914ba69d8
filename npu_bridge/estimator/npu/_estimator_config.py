"""NPURunConfig -> session config with an NpuOptimizer ``parameter_map`` (what NPUEstimator writes).

Reference: npu_bridge_api.md §3.1-§3.3.  ``load_graph_optimizers`` appends an explicit grappler
optimizer list and a new ``NpuOptimizer`` custom optimizer to ``config.session_config`` (creating a
ConfigProto through ``config.replace`` when there is none), like upstream's private
``NPUEstimator.__load_graph_optimizers``.  Keys are written unconditionally or only when the
option is set, exactly as upstream; the NPU session runtime reads them back.
"""
import json
import os

import tensorflow.compat.v1 as tf
from tensorflow.python.util import compat

GRAPPLER_OPTIMIZERS = ("pruning", "function", "constfold", "shape", "arithmetic", "loop", "dependency", "layout",
                       "GradFusionOptimizer")


def _as_bytes(value):
    return compat.as_bytes(value if isinstance(value, (str, bytes)) else str(value))


class _ParameterMap:
    """Typed writers for one NpuOptimizer ``parameter_map`` (``.b``, ``.i``, ``.s`` fields)."""

    def __init__(self, custom_op):
        self._map = custom_op.parameter_map

    def b(self, key, value):
        self._map[key].b = bool(value)

    def i(self, key, value):
        self._map[key].i = int(value)

    def s(self, key, value):
        self._map[key].s = _as_bytes(value)

    def b_if_set(self, key, value):
        if value is not None:
            self.b(key, value)

    def i_if_set(self, key, value):
        if value is not None:
            self.i(key, value)

    def s_if_set(self, key, value):
        if value is not None:
            self.s(key, value)


def _write_always(config, pm):
    pm.b("enable_data_pre_proc", config.enable_data_pre_proc)
    pm.b("mix_compile_mode", config.mix_compile_mode)
    pm.b("use_off_line", True)
    pm.i("iterations_per_loop", config.iterations_per_loop)
    pm.b("is_tailing_optimization", config.is_tailing_optimization)
    pm.b("min_group_size", 1)
    pm.b("hcom_parallel", config._hcom_parallel)
    pm.i("graph_run_mode", config.graph_run_mode)
    pm.i("enable_exception_dump", config.enable_exception_dump)
    pm.i("enable_small_channel", config._enable_small_channel)
    pm.i("deterministic", config._deterministic)
    pm.b("enable_compress_weight", config._enable_compress_weight)
    pm.b("hcom_multi_mode", config._hcom_multi_mode)
    pm.s("device_type", config._device_type)
    pm.s("jit_compile", config._jit_compile)
    pm.i("stream_sync_timeout", config.stream_sync_timeout)
    pm.i("event_sync_timeout", config.event_sync_timeout)
    pm.b("external_weight", config._external_weight)
    pm.b("frozen_variable", config._frozen_variable)
    pm.s("variable_placement", config._variable_placement)
    pm.b("enable_reduce_precision", config._enable_reduce_precision)


def _write_ps_mode(pm):
    task = json.loads(os.environ.get("TF_CONFIG") or "{}").get("task", {})
    task_type = task.get("type")
    if task_type:
        pm.s("job", task_type)
        pm.i("task_index", int(task.get("index", 0)))
    else:
        pm.s("job", "localhost")
        pm.i("task_index", 0)


def _write_profiling(config, pm):
    profiling = config._profiling_config
    if profiling is None:
        return
    pm.b("profiling_mode", profiling._enable_profiling)
    if profiling._enable_profiling:
        pm.s("profiling_options", profiling._profiling_options or "")


def _write_dump(config, pm):
    dump = config._dump_config
    if dump is None:
        pm.b("enable_dump", False)
        pm.b("enable_dump_debug", False)
        return
    pm.b("enable_dump", dump._enable_dump)
    pm.b("enable_dump_debug", dump._enable_dump_debug)
    pm.s_if_set("dump_path", dump._dump_path)
    pm.s_if_set("dump_step", dump._dump_step)
    pm.s_if_set("dump_mode", dump._dump_mode)
    if dump._dump_mode is not None:  # upstream's condition (not dump_debug_mode's own)
        pm.s_if_set("dump_debug_mode", dump._dump_debug_mode)
    pm.s_if_set("dump_data", dump.dump_data)
    pm.s_if_set("dump_layer", dump.dump_layer)


def _write_memory(config, pm):
    memory = config._memory_config
    if memory is None:
        return
    pm.i("atomic_clean_policy", memory._atomic_clean_policy)
    pm.i_if_set("static_memory_policy", memory._static_memory_policy)
    pm.s_if_set("memory_optimization_policy", memory._memory_optimization_policy)


def _write_experimental(config, pm):
    experimental = config._experimental_config
    if experimental is None:
        pm.s("experimental_logical_device_cluster_deploy_mode", "LB")
        return
    pm.s_if_set("experimental_logical_device_cluster_deploy_mode", experimental._logical_device_cluster_deploy_mode)
    pm.s_if_set("experimental_logical_device_id", experimental._logical_device_id)
    pm.s_if_set("experimental_model_deploy_mode", experimental._model_deploy_mode)
    pm.s_if_set("experimental_model_deploy_devicelist", experimental._model_deploy_devicelist)
    pm.s_if_set("resource_config_path", experimental._resource_config_path)
    pm.s_if_set("graph_compiler_cache_dir", experimental._graph_compiler_cache_dir)
    pm.s_if_set("graph_parallel_option_path", experimental._graph_parallel_option_path)
    pm.b_if_set("enable_graph_parallel", experimental._enable_graph_parallel)
    pm.s_if_set("experimental_accelerate_train_mode", experimental._accelerate_train_mode)
    memory_optimize = experimental._graph_memory_optimize_config
    if memory_optimize is not None:
        pm.s_if_set("graph_slice", memory_optimize._graph_slice)


def _write_dynamic_input(config, pm):
    dynamic = config._dynamic_input_config
    if dynamic is None:
        return
    if None in (dynamic._input_shape, dynamic._dynamic_dims, dynamic._dynamic_node_type):
        return
    pm.s("input_shape", dynamic._input_shape)
    pm.s("dynamic_dims", dynamic._dynamic_dims)
    pm.i("dynamic_node_type", dynamic._dynamic_node_type)


def _write_aoe(config, pm):
    if config._aoe_mode is None:
        return
    pm.s("aoe_mode", config._aoe_mode)
    pm.s("work_path", config._work_path if config._work_path is not None else "./")
    pm.s_if_set("distribute_config", config._distribute_config)


def _write_optional(config, pm):
    pm.s_if_set("precision_mode", config._precision_mode)
    pm.s_if_set("precision_mode_v2", config._precision_mode_v2)
    pm.b_if_set("variable_format_optimize", config.variable_format_optimize)
    pm.s_if_set("graph_memory_max_size", config._graph_memory_max_size)
    pm.s_if_set("variable_memory_max_size", config._variable_memory_max_size)
    pm.s_if_set("stream_max_parallel_num", config._stream_max_parallel_num)
    pm.i_if_set("op_debug_level", config.op_debug_level)
    pm.s_if_set("enable_scope_fusion_passes", config.enable_scope_fusion_passes)
    pm.s_if_set("op_select_implmode", config._op_select_implmode)
    pm.s_if_set("optypelist_for_implmode", config._optypelist_for_implmode)
    pm.s_if_set("buffer_optimize", config._buffer_optimize)
    pm.s_if_set("fusion_switch_file", config._fusion_switch_file)
    pm.s_if_set("compress_weight_conf", config._compress_weight_conf)
    pm.s_if_set("op_compiler_cache_mode", config._op_compiler_cache_mode)
    pm.s_if_set("op_compiler_cache_dir", config._op_compiler_cache_dir)
    pm.s_if_set("debug_dir", config._debug_dir)
    pm.b_if_set("dynamic_input", config._dynamic_input)
    pm.s_if_set("dynamic_graph_execute_mode", config._dynamic_graph_execute_mode)
    pm.s_if_set("dynamic_inputs_shape_range", config._dynamic_inputs_shape_range)
    pm.i_if_set("local_rank_id", config._local_rank_id)
    pm.s_if_set("local_device_list", config._local_device_list)
    pm.i_if_set("session_device_id", config._session_device_id)
    pm.s_if_set("modify_mixlist", config._modify_mixlist)
    pm.s_if_set("op_precision_mode", config._op_precision_mode)
    pm.s_if_set("soc_config", config._soc_config)
    pm.i_if_set("hccl_timeout", config._hccl_timeout)
    pm.i_if_set("op_wait_timeout", config._op_wait_timeout)
    pm.i_if_set("op_execute_timeout", config._op_execute_timeout)
    pm.s_if_set("HCCL_algorithm", config._HCCL_algorithm)
    pm.s_if_set("customize_dtypes", config._customize_dtypes)
    pm.s_if_set("op_debug_config", config._op_debug_config)
    pm.i_if_set("topo_sorting_mode", config.topo_sorting_mode)
    pm.s_if_set("aoe_config_file", config.aoe_config_file)
    pm.s_if_set("insert_op_file", config.insert_op_file)
    pm.s_if_set("es_cluster_config", config.es_cluster_config)
    pm.s_if_set("ac_parallel_enable", config._ac_parallel_enable)
    pm.s_if_set("auto_tune_mode", config._auto_tune_mode)


def load_graph_optimizers(config):
    """Return ``config`` (or a copy with a new ConfigProto) whose session config carries the NPU options."""
    if config.session_config is None:
        config = config.replace(session_config=tf.ConfigProto())
    rewrite_options = config.session_config.graph_options.rewrite_options
    rewrite_options.optimizers.extend(GRAPPLER_OPTIMIZERS)
    custom_op = rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    pm = _ParameterMap(custom_op)
    _write_always(config, pm)
    _write_ps_mode(pm)
    _write_profiling(config, pm)
    _write_dump(config, pm)
    _write_memory(config, pm)
    _write_experimental(config, pm)
    _write_dynamic_input(config, pm)
    _write_aoe(config, pm)
    _write_optional(config, pm)
    return config
