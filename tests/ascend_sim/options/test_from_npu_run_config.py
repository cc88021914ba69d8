"""Round trip: NPURunConfig(...) → the parameter_map NPUEstimator writes → NpuOptions / ProfilingSettings / DumpSettings
give back the values the script passed (reference §3.1-3.3)."""
import os

import pytest
import tensorflow.compat.v1 as tf

from ascend_sim.options import DeviceEnvironment, DumpSettings, NpuOptions, ProfilingSettings
from npu_bridge.estimator.npu.npu_config import (
    DumpConfig, DynamicInputConfig, ExperimentalConfig, GraphMemoryOptimizeConfig, MemoryConfig, NPURunConfig,
    ProfilingConfig,
)
from npu_bridge.estimator.npu.npu_estimator import NPUEstimator

GIB = 1024 ** 3
PROFILING_JSON = '{"output":"./prof","training_trace":"on","aic_metrics":"Memory"}'


def _model_fn(features, labels, mode):
    raise AssertionError("never called: only the session config is inspected")


def _estimator_options(tmp_path, **run_config):
    estimator = NPUEstimator(model_fn=_model_fn, model_dir=str(tmp_path / "model"),
                             config=NPURunConfig(model_dir=str(tmp_path / "model"), **run_config))
    return NpuOptions.from_session_config(estimator.config.session_config, environ={})


def test_many_options_come_back(tmp_path):
    run_config = dict(
        iterations_per_loop=10, profiling_config=ProfilingConfig(True, PROFILING_JSON),
        precision_mode="allow_mix_precision", enable_data_pre_proc=True, enable_reduce_precision=True,
        variable_format_optimize=True, hcom_parallel=False, graph_memory_max_size=15 * GIB,
        variable_memory_max_size=10 * GIB,
        dump_config=DumpConfig(enable_dump=True, dump_path=str(tmp_path), dump_step="0|5-8", dump_mode="all",
                               enable_dump_debug=True, dump_debug_mode="aicore_overflow", dump_data="stats",
                               dump_layer="conv1"),
        stream_max_parallel_num="DNN_VM_AICPU:10,AIcoreEngine:1", is_tailing_optimization=True, op_debug_level=2,
        enable_scope_fusion_passes="ScopeA", enable_exception_dump=1, op_select_implmode="high_precision",
        optypelist_for_implmode="GatherV2", dynamic_input_config=DynamicInputConfig("data:-1,3", "1;2", 1),
        aoe_mode="2", work_path=str(tmp_path), buffer_optimize="off_optimize", fusion_switch_file="fs.cfg",
        op_compiler_cache_mode="force", op_compiler_cache_dir="cache", debug_dir="dbg", hcom_multi_mode=True,
        dynamic_input=True, dynamic_inputs_shape_range="data:[1~4,3]", local_rank_id=2, local_device_list="0,1",
        session_device_id=3, distribute_config="dist.json", modify_mixlist="ops.json", op_precision_mode="op.ini",
        device_type="t", soc_config="Ascend910A", hccl_timeout=1800, op_wait_timeout=100, op_execute_timeout=90,
        HCCL_algorithm="level0:ring", customize_dtypes="c.txt", op_debug_config="d.cfg",
        memory_config=MemoryConfig(atomic_clean_policy=1, static_memory_policy=2,
                                   memory_optimization_policy="MemoryPriority"),
        experimental_config=ExperimentalConfig(
            logical_device_cluster_deploy_mode="Single", logical_device_id="0:0", model_deploy_mode="SPMD",
            model_deploy_devicelist="0,1", graph_memory_optimize_config=GraphMemoryOptimizeConfig(graph_slice="manual"),
            enable_graph_parallel=True, graph_parallel_option_path="gp.json", graph_compiler_cache_dir="gcc",
            resource_config_path="res.json", accelerate_train_mode="fast|step|0.5"),
        topo_sorting_mode=1, aoe_config_file="aoe.ini", insert_op_file="aipp.cfg", stream_sync_timeout=5000,
        event_sync_timeout=6000, external_weight=True, es_cluster_config="es", deterministic=1, frozen_variable=True,
        variable_placement="Host", jit_compile="false", ac_parallel_enable="1", enable_small_channel=1,
        auto_tune_mode="RL,GA")
    options = _estimator_options(tmp_path, **run_config)
    expected = {
        "iterations_per_loop": 10, "profiling_mode": True, "profiling_options": PROFILING_JSON,
        "precision_mode": "allow_mix_precision", "enable_data_pre_proc": True, "enable_reduce_precision": True,
        "variable_format_optimize": True, "hcom_parallel": False, "graph_memory_max_size": 15 * GIB,
        "variable_memory_max_size": 10 * GIB, "enable_dump": True, "dump_path": str(tmp_path), "dump_step": "0|5-8",
        "dump_mode": "all", "enable_dump_debug": True, "dump_debug_mode": "aicore_overflow", "dump_data": "stats",
        "dump_layer": "conv1", "stream_max_parallel_num": "DNN_VM_AICPU:10,AIcoreEngine:1",
        "is_tailing_optimization": True, "op_debug_level": 2, "enable_scope_fusion_passes": "ScopeA",
        "enable_exception_dump": 1, "op_select_implmode": "high_precision", "optypelist_for_implmode": "GatherV2",
        "input_shape": "data:-1,3", "dynamic_dims": "1;2", "dynamic_node_type": 1, "aoe_mode": "2",
        "work_path": str(tmp_path), "buffer_optimize": "off_optimize", "fusion_switch_file": "fs.cfg",
        "op_compiler_cache_mode": "force", "op_compiler_cache_dir": "cache", "debug_dir": "dbg",
        "hcom_multi_mode": True, "dynamic_input": True, "dynamic_graph_execute_mode": "dynamic_execute",
        "dynamic_inputs_shape_range": "data:[1~4,3]", "local_rank_id": 2, "local_device_list": "0,1",
        "session_device_id": 3, "distribute_config": "dist.json", "modify_mixlist": "ops.json",
        "op_precision_mode": "op.ini", "device_type": "t", "soc_config": "Ascend910A", "hccl_timeout": 1800,
        "op_wait_timeout": 100, "op_execute_timeout": 90, "HCCL_algorithm": "level0:ring",
        "customize_dtypes": "c.txt", "op_debug_config": "d.cfg", "atomic_clean_policy": 1, "static_memory_policy": 2,
        "memory_optimization_policy": "MemoryPriority", "experimental_logical_device_cluster_deploy_mode": "Single",
        "experimental_logical_device_id": "0:0", "experimental_model_deploy_mode": "SPMD",
        "experimental_model_deploy_devicelist": "0,1", "graph_slice": "manual", "enable_graph_parallel": True,
        "graph_parallel_option_path": "gp.json", "graph_compiler_cache_dir": "gcc",
        "resource_config_path": "res.json", "experimental_accelerate_train_mode": "fast|step|0.5",
        "topo_sorting_mode": 1, "aoe_config_file": "aoe.ini", "insert_op_file": "aipp.cfg",
        "stream_sync_timeout": 5000, "event_sync_timeout": 6000, "external_weight": True, "es_cluster_config": "es",
        "deterministic": 1, "frozen_variable": True, "variable_placement": "Host", "jit_compile": "false",
        "ac_parallel_enable": "1", "enable_small_channel": 1, "auto_tune_mode": "RL,GA",
        # written by NPUEstimator itself (§3.3)
        "use_off_line": True, "min_group_size": True, "job": "localhost", "task_index": 0,
        "enable_compress_weight": False,
    }
    for key, value in expected.items():
        assert getattr(options, key) == value, key
    assert options.unparsed == ()

    profiling = ProfilingSettings.resolve(options, {})
    assert (profiling.enabled, profiling.source, profiling.output_dir, profiling.aic_metrics) == \
        (True, "profiling_mode", "./prof", "Memory")
    dump = DumpSettings.from_options(options)
    assert dump.path == os.path.realpath(tmp_path) and dump.steps == ((0, 0), (5, 8)) and dump.debug_enabled
    assert DeviceEnvironment.from_environ({"DEVICE_ID": "1"}, options=options).device_id == 3


def test_a_default_run_config_differs_only_where_npu_estimator_writes_its_own_defaults(tmp_path):
    options = _estimator_options(tmp_path)
    # NPURunConfig's enable_data_pre_proc defaults to True; NPUEstimator writes min_group_size.b = 1
    assert options.non_defaults() == {"enable_data_pre_proc": True, "min_group_size": True}
    assert ProfilingSettings.resolve(options, {}).enabled is False
    assert not DumpSettings.from_options(options).active


def test_compress_weight_conf_through_npu_run_config_fails_as_upstream(tmp_path):
    with pytest.raises(ValueError, match="mutually exclusive"):
        _estimator_options(tmp_path, compress_weight_conf="compress.cfg")


def test_profiling_config_without_options_uses_the_adapter_default(tmp_path):
    options = _estimator_options(tmp_path, profiling_config=ProfilingConfig(enable_profiling=True))
    assert options.profiling_mode and options.profiling_options == ""
    settings = ProfilingSettings.resolve(options, {})
    assert settings.enabled and settings.output_dir == "./" and settings.task_trace


def test_a_users_npu_optimizer_entry_is_overridden_by_the_estimators(tmp_path):
    session_config = tf.ConfigProto()
    custom = session_config.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    custom.parameter_map["iterations_per_loop"].i = 7
    custom.parameter_map["op_debug_level"].i = 1
    options = _estimator_options(tmp_path, iterations_per_loop=3, session_config=session_config)
    assert options.iterations_per_loop == 3 and options.op_debug_level == 1
