"""The key table, driven by hand-written samples and defaults from the reference (npu_bridge_api.md §6.1):
every key parses from a real session ConfigProto and from a dict, through the field the adapter reads."""
import pytest
from tensorflow.core.framework import attr_value_pb2
from tensorflow.core.protobuf import config_pb2

from ascend_sim.options import KEYS, NpuOptions

# key → (AttrValue field the adapter reads, a legal non-default value)
SAMPLES = {
    "enable_data_pre_proc": ("b", True), "use_off_line": ("b", False), "mix_compile_mode": ("b", True),
    "iterations_per_loop": ("i", 10), "lower_functional_ops": ("b", True), "job": ("s", "worker"),
    "task_index": ("i", 2), "dynamic_input": ("b", True), "dynamic_graph_execute_mode": ("s", "lazy_recompile"),
    "dynamic_inputs_shape_range": ("s", "getnext:[16,1024,1024,3],[16,1~2048,4],[16]"),
    "local_rank_id": ("i", 3), "local_device_list": ("s", "0,1,2,3,4,5,6,7"), "in_out_pair_flag": ("b", False),
    "in_out_pair": ("s", "[[in],[out]]"), "const_input": ("s", "c"), "frozen_variable": ("b", True),
    "variable_placement": ("s", "Host"), "experimental_accelerate_train_mode": ("s", "fast|step|0.5"),
    "variable_format_optimize": ("b", True), "hcom_parallel": ("b", False),
    "graph_memory_max_size": ("s", "16106127360"), "variable_memory_max_size": ("s", "11811160064"),
    "enable_dump": ("b", True), "enable_dump_debug": ("b", True), "dump_path": ("s", "<tmp>"),
    "dump_step": ("s", "0|5-8"), "dump_mode": ("s", "all"), "dump_debug_mode": ("s", "aicore_overflow"),
    "dump_layer": ("s", "conv1 fc"), "stream_max_parallel_num": ("s", "DNN_VM_AICPU:20"),
    "ac_parallel_enable": ("s", "1"), "is_tailing_optimization": ("b", True),
    "op_select_implmode": ("s", "high_precision"), "optypelist_for_implmode": ("s", "UnsortedSegmentSum,GatherV2"),
    "input_shape": ("s", "data:-1,3;label:-1"), "dynamic_dims": ("s", "1,1;8,8"), "dynamic_node_type": ("i", 0),
    "buffer_optimize": ("s", "off_optimize"), "enable_small_channel": ("i", 1),
    "fusion_switch_file": ("s", "./fusion_switch.cfg"), "enable_compress_weight": ("b", True),
    "compress_weight_conf": ("s", "conf.txt"), "session_device_id": ("i", 3), "modify_mixlist": ("s", "ops.json"),
    "op_precision_mode": ("s", "op.ini"), "hccl_timeout": ("i", 1800), "HCCL_algorithm": ("s", "level0:ring"),
    "atomic_clean_policy": ("i", 1), "memory_optimization_policy": ("s", "MemoryPriority"),
    "topo_sorting_mode": ("i", 1), "insert_op_file": ("s", "aipp.cfg"), "resource_config_path": ("s", "r.json"),
    "external_weight": ("b", True), "graph_parallel_option_path": ("s", "p.json"),
    "enable_graph_parallel": ("b", True), "graph_compiler_cache_dir": ("s", "cache"), "graph_slice": ("s", "manual"),
    "jit_compile": ("s", "false"), "precision_mode": ("s", "allow_mix_precision"),
    "precision_mode_v2": ("s", "mixed_float16"), "profiling_mode": ("b", True),
    "profiling_options": ("s", '{"output":"./prof"}'), "auto_tune_mode": ("s", "RL,GA"), "graph_run_mode": ("i", 0),
    "op_debug_level": ("i", 3), "enable_scope_fusion_passes": ("s", "ScopeA,ScopeB"),
    "enable_exception_dump": ("i", 1), "aoe_mode": ("s", "2"), "work_path": ("s", "<tmp>"),
    "distribute_config": ("s", "d.json"), "aoe_config_file": ("s", "aoe.ini"),
    "op_compiler_cache_mode": ("s", "force"), "op_compiler_cache_dir": ("s", "opcache"), "debug_dir": ("s", "dbg"),
    "hcom_multi_mode": ("b", True), "device_type": ("s", "other"), "soc_config": ("s", "Ascend910A"),
    "op_wait_timeout": ("i", 120), "op_execute_timeout": ("i", 90), "customize_dtypes": ("s", "switch_config.txt"),
    "op_debug_config": ("s", "debug.cfg"), "graph_exec_timeout": ("i", 1000), "static_memory_policy": ("i", 2),
    "deterministic": ("i", 1), "experimental_logical_device_cluster_deploy_mode": ("s", "Single"),
    "experimental_logical_device_id": ("s", "0:0"), "experimental_model_deploy_mode": ("s", "SPMD"),
    "experimental_model_deploy_devicelist": ("s", "0,1"), "dump_data": ("s", "stats"),
    "stream_sync_timeout": ("i", 5000), "event_sync_timeout": ("i", 6000), "es_cluster_config": ("s", "{}"),
    "enable_reduce_precision": ("b", True), "min_group_size": ("b", True),
}
SIZES = ("graph_memory_max_size", "variable_memory_max_size")

# The options a key needs beside it (rules and gating keys of §6.1).
COMPANIONS = {
    "modify_mixlist": {"precision_mode": "allow_mix_precision"},
    "optypelist_for_implmode": {"op_select_implmode": "high_precision"},
    "in_out_pair": {"mix_compile_mode": True},
    "input_shape": {"dynamic_dims": "1,1;8,8", "dynamic_node_type": 0},
    "dynamic_dims": {"input_shape": "data:-1,3;label:-1", "dynamic_node_type": 0},
    "dynamic_node_type": {"input_shape": "data:-1,3;label:-1", "dynamic_dims": "1,1;8,8"},
    "enable_dump": {"dump_path": "<tmp>"}, "enable_dump_debug": {"dump_path": "<tmp>"},
    "dump_path": {"enable_dump": True}, "dump_step": {"enable_dump": True, "dump_path": "<tmp>"},
    "dump_mode": {"enable_dump": True, "dump_path": "<tmp>"},
    "dump_debug_mode": {"enable_dump_debug": True, "dump_path": "<tmp>"},
    "dynamic_graph_execute_mode": {"dynamic_input": True},
    "dynamic_inputs_shape_range": {"dynamic_input": True},
    "aoe_mode": {"work_path": "<tmp>"}, "work_path": {"aoe_mode": "1"}, "distribute_config": {"aoe_mode": "1"},
}

# "Default if absent" of every key, from the reference table (None: unset).
DEFAULTS = {
    "enable_data_pre_proc": False, "use_off_line": True, "mix_compile_mode": False, "iterations_per_loop": 1,
    "lower_functional_ops": False, "job": "localhost", "task_index": 0, "dynamic_input": False,
    "dynamic_graph_execute_mode": "dynamic_execute", "dynamic_inputs_shape_range": "", "local_rank_id": -1,
    "local_device_list": "", "in_out_pair_flag": True, "in_out_pair": "", "const_input": "",
    "frozen_variable": False, "variable_placement": "Device", "experimental_accelerate_train_mode": "",
    "variable_format_optimize": None, "hcom_parallel": True, "graph_memory_max_size": None,
    "variable_memory_max_size": None, "enable_dump": False, "enable_dump_debug": False, "dump_path": "",
    "dump_step": "", "dump_mode": "output", "dump_debug_mode": "all", "dump_layer": "", "stream_max_parallel_num": "",
    "ac_parallel_enable": "", "is_tailing_optimization": False, "op_select_implmode": "",
    "optypelist_for_implmode": "", "input_shape": "", "dynamic_dims": "", "dynamic_node_type": -1,
    "buffer_optimize": "l2_optimize", "enable_small_channel": 0, "fusion_switch_file": "",
    "enable_compress_weight": False, "compress_weight_conf": "", "session_device_id": -1, "modify_mixlist": "",
    "op_precision_mode": "", "hccl_timeout": None, "HCCL_algorithm": "", "atomic_clean_policy": 0,
    "memory_optimization_policy": "", "topo_sorting_mode": None, "insert_op_file": None, "resource_config_path": "",
    "external_weight": False, "graph_parallel_option_path": "", "enable_graph_parallel": False,
    "graph_compiler_cache_dir": None, "graph_slice": "", "jit_compile": "auto", "precision_mode": None,
    "precision_mode_v2": None, "profiling_mode": False, "profiling_options": "", "auto_tune_mode": "",
    "graph_run_mode": 1, "op_debug_level": None, "enable_scope_fusion_passes": "", "enable_exception_dump": 2,
    "aoe_mode": "", "work_path": "./", "distribute_config": "", "aoe_config_file": "", "op_compiler_cache_mode": "",
    "op_compiler_cache_dir": "", "debug_dir": "", "hcom_multi_mode": False, "device_type": "default_device_type",
    "soc_config": "", "op_wait_timeout": None, "op_execute_timeout": None, "customize_dtypes": "",
    "op_debug_config": "", "graph_exec_timeout": 600000, "static_memory_policy": 0, "deterministic": 0,
    "experimental_logical_device_cluster_deploy_mode": "LB", "experimental_logical_device_id": "",
    "experimental_model_deploy_mode": "", "experimental_model_deploy_devicelist": "", "dump_data": "tensor",
    "stream_sync_timeout": -1, "event_sync_timeout": -1, "es_cluster_config": "", "enable_reduce_precision": False,
    "min_group_size": None,
}


def _resolve(value, tmp_path):
    return str(tmp_path) if value == "<tmp>" else value


def _values_for(key, tmp_path):
    values = {key: _resolve(SAMPLES[key][1], tmp_path)}
    values.update({k: _resolve(v, tmp_path) for k, v in COMPANIONS.get(key, {}).items()})
    return values


def _session_config(values):
    config = config_pb2.ConfigProto()
    custom = config.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    for key, value in values.items():
        field = SAMPLES[key][0]
        if field == "s":
            custom.parameter_map[key].s = value.encode()
        else:
            setattr(custom.parameter_map[key], field, value)
    return config


def _expected(key, tmp_path):
    value = _resolve(SAMPLES[key][1], tmp_path)
    return int(value) if key in SIZES else value


def test_the_samples_and_defaults_cover_every_key_of_the_table():
    table = {spec.key for spec in KEYS}
    assert set(SAMPLES) == table and set(DEFAULTS) == table


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_each_key_parses_from_a_session_config(key, tmp_path):
    options = NpuOptions.from_session_config(_session_config(_values_for(key, tmp_path)), environ={})
    assert getattr(options, key) == _expected(key, tmp_path)
    assert key in options.explicit and options.unparsed == ()


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_each_key_parses_from_a_plain_dict(key, tmp_path):
    options = NpuOptions.from_parameter_map(_values_for(key, tmp_path), environ={})
    assert getattr(options, key) == _expected(key, tmp_path)


def test_every_default():
    options = NpuOptions.from_parameter_map({}, environ={})
    for key, default in DEFAULTS.items():
        assert getattr(options, key) == default, key
    assert options == NpuOptions() and options.explicit == frozenset()


@pytest.mark.parametrize("key", sorted(k for k in SAMPLES if k != "jit_compile"))
def test_a_value_in_another_attr_field_reads_as_the_default(key, caplog):
    field = SAMPLES[key][0]
    other = attr_value_pb2.AttrValue(i=7) if field != "i" else attr_value_pb2.AttrValue(s=b"7")
    options = NpuOptions.from_parameter_map({key: other}, environ={})
    assert getattr(options, key) == DEFAULTS[key]
    assert f"reads .{field}" in caplog.text and key in caplog.text


@pytest.mark.parametrize("other", [attr_value_pb2.AttrValue(b=True), attr_value_pb2.AttrValue(i=1)])
def test_jit_compile_outside_the_string_field_is_an_error(other):
    with pytest.raises(ValueError, match=r"jit_compile.*\.s"):
        NpuOptions.from_parameter_map({"jit_compile": other})


def test_bool_field_set_from_ints_reads_true():
    config = _session_config({})
    custom = config.graph_options.rewrite_options.custom_optimizers[0]
    custom.parameter_map["dynamic_input"].b = 1
    custom.parameter_map["min_group_size"].b = 20
    options = NpuOptions.from_session_config(config)
    assert options.dynamic_input is True and options.min_group_size is True
