"""NPURunConfig and the auxiliary config classes: defaults, storage, validation (reference §1.7, §3.1)."""
import json

import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu.npu_config import (
    DumpConfig,
    DynamicInputConfig,
    ExperimentalConfig,
    GraphMemoryOptimizeConfig,
    MemoryConfig,
    NpuExecutePlacement,
    NPURunConfig,
    ProfilingConfig,
)


def test_defaults_follow_upstream_not_runconfig():
    config = NPURunConfig()
    assert config.iterations_per_loop == 1
    assert config.save_checkpoints_steps == 100 and config.save_checkpoints_secs is None
    assert config.save_summary_steps == 0
    assert config.keep_checkpoint_max == 5
    assert config.enable_data_pre_proc is True
    assert config._hcom_parallel is True
    assert config.enable_exception_dump == 2
    assert config.graph_run_mode == 1
    assert config._buffer_optimize == "l2_optimize"
    assert config._device_type == "default_device_type"
    assert config._variable_placement == "Device"
    assert config._jit_compile == "auto"
    assert config.stream_sync_timeout == -1 and config.event_sync_timeout == -1
    assert config.session_config is None, "NPURunConfig itself must not build a session config"


def test_checkpoint_steps_default_only_when_neither_is_given():
    assert NPURunConfig(save_checkpoints_secs=60).save_checkpoints_steps is None
    assert NPURunConfig(save_checkpoints_secs=60).save_checkpoints_secs == 60
    assert NPURunConfig(save_checkpoints_steps=7).save_checkpoints_steps == 7


def test_values_are_stored_where_upstream_stores_them():
    dump = DumpConfig(enable_dump=True, dump_path="/tmp", dump_step="0|5")
    config = NPURunConfig(iterations_per_loop=4, precision_mode="allow_mix_precision", dump_config=dump,
                          graph_memory_max_size=123, hccl_timeout=9, HCCL_algorithm="ring", topo_sorting_mode=1,
                          insert_op_file="aipp.cfg", es_cluster_config="es", jit_compile="false",
                          precision_mode_v2="fp16", ac_parallel_enable="1", horovod_mode=True)
    assert config.iterations_per_loop == 4
    assert config._precision_mode == "allow_mix_precision"
    assert config._dump_config is dump
    assert config._graph_memory_max_size == 123
    assert config._hccl_timeout == 9 and config._HCCL_algorithm == "ring"
    assert config.topo_sorting_mode == 1 and config.insert_op_file == "aipp.cfg"
    assert config.es_cluster_config == "es" and config._jit_compile == "false"
    assert config._precision_mode_v2 == "fp16" and config._ac_parallel_enable == "1"
    assert config.horovod_mode is True


def test_first_parameter_is_iterations_per_loop_positionally():
    assert NPURunConfig(3).iterations_per_loop == 3


@pytest.mark.parametrize("kwargs,error,argument", [
    ({"iterations_per_loop": 0}, ValueError, "iterations_per_loop"),
    ({"iterations_per_loop": -2}, ValueError, "iterations_per_loop"),
    ({"iterations_per_loop": "2"}, TypeError, "iterations_per_loop"),
    ({"iterations_per_loop": 2.0}, TypeError, "iterations_per_loop"),
    ({"mix_compile_mode": "yes"}, TypeError, "mix_compile_mode"),
    ({"mix_compile_mode": True, "iterations_per_loop": 2}, ValueError, "iterations_per_loop"),
    ({"jit_compile": True}, TypeError, "jit_compile"),
    ({"horovod_mode": 1}, ValueError, "horovod_mode"),
    ({"graph_run_mode": 2}, ValueError, "graph_run_mode"),
    ({"graph_run_mode": -1}, ValueError, "graph_run_mode"),
    ({"graph_run_mode": "1"}, TypeError, "graph_run_mode"),
    ({"enable_exception_dump": -1}, ValueError, "enable_exception_dump"),
    ({"enable_exception_dump": "2"}, TypeError, "enable_exception_dump"),
    ({"dump_config": {"enable_dump": True}}, ValueError, "dump_config"),
    ({"experimental_config": "LB"}, ValueError, "experimental_config"),
    ({"dynamic_input_config": ("a", "b", 0)}, ValueError, "dynamic_input_config"),
    ({"memory_config": 0}, ValueError, "memory_config"),
    ({"profiling_config": True}, ValueError, "profiling_config"),
])
def test_bad_inputs_raise_upstream_error_type_naming_the_argument(kwargs, error, argument):
    with pytest.raises(error, match=argument):
        NPURunConfig(**kwargs)


@pytest.mark.parametrize("name", ["device_fn", "protocol", "experimental_max_worker_delay_secs",
                                  "session_creation_timeout_secs"])
def test_runconfig_only_arguments_are_rejected(name):
    with pytest.raises(TypeError):
        NPURunConfig(**{name: None})


def test_mix_compile_mode_with_one_iteration_is_accepted():
    assert NPURunConfig(mix_compile_mode=True).mix_compile_mode is True


def test_ps_mode_needs_cluster_and_parameter_server_strategy_together(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["localhost:2222"]},
                                                "task": {"type": "worker", "index": 0}}))
    with pytest.raises(ValueError, match="distribute"):
        NPURunConfig()


def test_legacy_keywords_are_accepted(caplog):
    with caplog.at_level("WARNING", logger="npu_bridge.npu_config"):
        config = NPURunConfig(auto_tune_mode="RL,GA", mstune_mode="2")
    assert config._auto_tune_mode == "RL,GA"
    assert config._aoe_mode == "2", "mstune_mode is the 2021 name of aoe_mode"
    assert "auto_tune_mode" in caplog.text and "mstune_mode" in caplog.text
    assert NPURunConfig(aoe_mode="4", mstune_mode="2")._aoe_mode == "4", "an explicit aoe_mode wins"


def test_replace_keeps_the_npu_attributes():
    config = NPURunConfig(iterations_per_loop=3, precision_mode="force_fp16", memory_config=MemoryConfig(1))
    replaced = config.replace(session_config=tf.ConfigProto())
    assert isinstance(replaced, NPURunConfig)
    assert replaced.iterations_per_loop == 3 and replaced._precision_mode == "force_fp16"
    assert replaced._memory_config._atomic_clean_policy == 1
    assert config.session_config is None and replaced.session_config is not None


def test_auxiliary_configs_store_their_values():
    profiling = ProfilingConfig(True, '{"output":"./prof"}')
    assert profiling._enable_profiling is True and profiling._profiling_options == '{"output":"./prof"}'
    memory = MemoryConfig(atomic_clean_policy=1, static_memory_policy=2, memory_optimization_policy="x")
    assert (memory._atomic_clean_policy, memory._static_memory_policy, memory._memory_optimization_policy) == (1, 2, "x")
    dump = DumpConfig()
    assert (dump._enable_dump, dump._dump_path, dump._dump_mode, dump._dump_debug_mode) == (False, None, "output", "all")
    assert (dump.dump_data, dump.dump_layer) == ("tensor", None)
    dynamic = DynamicInputConfig("data:-1,3", "1;2", 1)
    assert (dynamic._input_shape, dynamic._dynamic_dims, dynamic._dynamic_node_type) == ("data:-1,3", "1;2", 1)
    experimental = ExperimentalConfig(graph_memory_optimize_config=GraphMemoryOptimizeConfig("auto", "manual"))
    assert experimental._logical_device_cluster_deploy_mode == "LB"
    assert experimental._graph_memory_optimize_config._recompute == "auto"
    assert experimental._graph_memory_optimize_config._graph_slice == "manual"


@pytest.mark.parametrize("kwargs,argument", [({"recompute": "always"}, "recompute"),
                                             ({"graph_slice": "on"}, "graph_slice")])
def test_graph_memory_optimize_modes_are_checked(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        GraphMemoryOptimizeConfig(**kwargs)


def test_experimental_config_checks_graph_memory_optimize_config_type():
    with pytest.raises(ValueError, match="graph_memory_optimize_config"):
        ExperimentalConfig(graph_memory_optimize_config={"recompute": "auto"})


def test_npu_execute_placement_values():
    assert {p.name: p.value for p in NpuExecutePlacement} == {
        "ALL": "all", "CUBE": "cube", "VECTOR": "vector", "TAISHAN": "taishan", "DVPP": "dvpp", "HOST": "host"}
