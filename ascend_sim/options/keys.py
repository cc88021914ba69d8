"""Every NpuOptimizer ``parameter_map`` key of the master adapter, as data (reference npu_bridge_api.md §6.1).

``KEYS`` is the table (``KeySpec`` rows, see ``ascend_sim.options.spec``); ``BY_KEY`` indexes it by key.
Defaults are upstream's "default if absent"; None means "unset" (the adapter does not pass the option on).
Precision-mode lists and the mixed modes are here too because rules and the precision pass share them.
"""
from __future__ import annotations

from ascend_sim.options.spec import (
    COSTED, DEVICE, IGNORED, INIT, LEGACY, PASS, RUNTIME, SESSION, VALIDATED, b, i, s, size,
)

PRECISION_MODES = ("force_fp32", "allow_fp32_to_fp16", "force_fp16", "must_keep_origin_dtype",
                   "allow_mix_precision", "cube_fp16in_fp32out", "allow_mix_precision_fp16",
                   "allow_mix_precision_bf16", "allow_fp32_to_bf16")
PRECISION_MODES_V2 = ("fp16", "origin", "cube_fp16in_fp32out", "mixed_float16", "mixed_bfloat16")
# precision_mode_v2 → the precision_mode it means (Huawei documentation pairs them this way)
V2_TO_V1 = {"fp16": "force_fp16", "origin": "must_keep_origin_dtype", "cube_fp16in_fp32out": "cube_fp16in_fp32out",
            "mixed_float16": "allow_mix_precision_fp16", "mixed_bfloat16": "allow_mix_precision_bf16"}
MIX_MODES = ("allow_mix_precision", "allow_mix_precision_fp16", "allow_mix_precision_bf16")
MIX_MODES_V2 = ("mixed_float16", "mixed_bfloat16")
GRAPH_RUN_MODES = (0, 1)
VARIABLE_PLACEMENTS = ("Device", "Host")
JIT_COMPILE = {"true": "1", "false": "0", "auto": "2"}          # value → ge.jit_compile
AOE_MODES = ("1", "2", "4", "mdat")

KEYS = (
    # ---------------------------------------------------------------- pass options
    b("enable_data_pre_proc", False, PASS, COSTED, "sinks the tf.data pipeline: GetNext runs on the data "
      "stream ahead of the step; NPURunConfig writes True", deprecated="still honoured"),
    b("use_off_line", True, PASS, VALIDATED, "False is the 'online' mode (nothing offloaded)"),
    b("mix_compile_mode", False, PASS, COSTED, "unsupported ops run on the host instead of the AI CPU; "
      "several device subgraphs"),
    i("iterations_per_loop", 1, PASS, RUNTIME, "device steps per Session.run of the IterationOp group", low=1),
    b("lower_functional_ops", False, PASS, VALIDATED),
    s("job", "localhost", PASS, VALIDATED, "'ps' / 'default' skip the adapter passes; a worker job name "
      "partitions per task"),
    i("task_index", 0, PASS, VALIDATED, "PS mode", low=0),
    b("dynamic_input", False, PASS, VALIDATED, "the runtime compiles each feed-shape signature anyway",
      deprecated="still honoured"),
    s("dynamic_graph_execute_mode", "dynamic_execute", PASS, VALIDATED, choices=("dynamic_execute",
      "lazy_recompile"), read_if="dynamic_input"),
    s("dynamic_inputs_shape_range", "", PASS, VALIDATED, fmt="shape_range", read_if="dynamic_input"),
    i("local_rank_id", -1, PASS, VALIDATED, "dataset channel naming with several devices per process",
      low=0, high=7),
    s("local_device_list", "", PASS, VALIDATED, fmt="device_list"),
    b("in_out_pair_flag", True, PASS, VALIDATED),
    s("in_out_pair", "", PASS, VALIDATED, "needs mix_compile_mode"),
    s("const_input", "", PASS, VALIDATED),
    b("frozen_variable", False, PASS, VALIDATED),
    s("variable_placement", "Device", PASS, COSTED, "'Host' keeps variables in host memory (memory plan)",
      choices=VARIABLE_PLACEMENTS),
    s("experimental_accelerate_train_mode", "", PASS, VALIDATED, fmt="accelerate_train_mode"),
    # ---------------------------------------------------------------- session options
    b("variable_format_optimize", None, SESSION, VALIDATED, deprecated="still passed to GE"),
    b("hcom_parallel", True, SESSION, COSTED, "HCCL tasks on their own stream, overlapping compute"),
    size("graph_memory_max_size", None, SESSION, VALIDATED, "bytes, exposed as an int"),
    size("variable_memory_max_size", None, SESSION, VALIDATED, "bytes, exposed as an int"),
    b("enable_dump", False, SESSION, RUNTIME, "no tensors are dumped: the runtime logs it once (DumpSettings)"),
    b("enable_dump_debug", False, SESSION, RUNTIME, "overflow dump: validated, not emulated (DumpSettings)"),
    s("dump_path", "", SESSION, RUNTIME, "required when dumping; an existing read-write directory"),
    s("dump_step", "", SESSION, RUNTIME, fmt="dump_step", read_if="enable_dump"),
    s("dump_mode", "output", SESSION, RUNTIME, choices=("input", "output", "all"), read_if="enable_dump"),
    s("dump_debug_mode", "all", SESSION, RUNTIME, choices=("aicore_overflow", "atomic_overflow", "all"),
      read_if="enable_dump_debug"),
    s("dump_layer", "", SESSION, RUNTIME, "op names"),
    s("stream_max_parallel_num", "", SESSION, VALIDATED, "e.g. 'DNN_VM_AICPU:10,AIcoreEngine:1'"),
    s("ac_parallel_enable", "", SESSION, VALIDATED),
    b("is_tailing_optimization", False, SESSION, VALIDATED),
    s("op_select_implmode", "", SESSION, VALIDATED, choices=("high_precision", "high_performance",
      "high_precision_for_all", "high_performance_for_all"), deprecated="use op_precision_mode"),
    s("optypelist_for_implmode", "", SESSION, VALIDATED, "needs op_select_implmode"),
    s("input_shape", "", SESSION, VALIDATED, "with dynamic_dims and dynamic_node_type, or none of them",
      fmt="input_shape"),
    s("dynamic_dims", "", SESSION, VALIDATED, fmt="dynamic_dims"),
    i("dynamic_node_type", -1, SESSION, VALIDATED, "0 dataset, 1 placeholder", choices=(0, 1)),
    s("buffer_optimize", "l2_optimize", SESSION, VALIDATED, choices=("l2_optimize", "off_optimize")),
    i("enable_small_channel", 0, SESSION, VALIDATED, "forced to 1 when graph_run_mode is 0"),
    s("fusion_switch_file", "", SESSION, VALIDATED),
    b("enable_compress_weight", False, SESSION, VALIDATED, "exclusive with compress_weight_conf (presence)"),
    s("compress_weight_conf", "", SESSION, VALIDATED),
    i("session_device_id", -1, SESSION, DEVICE, "overrides ASCEND_DEVICE_ID and DEVICE_ID", low=0),
    s("modify_mixlist", "", SESSION, COSTED, "JSON editing the mixed-precision lists; needs a mixed mode"),
    s("op_precision_mode", "", SESSION, VALIDATED, ".ini path"),
    i("hccl_timeout", None, SESSION, VALIDATED, "seconds"),
    s("HCCL_algorithm", "", SESSION, VALIDATED),
    i("atomic_clean_policy", 0, SESSION, VALIDATED),
    s("memory_optimization_policy", "", SESSION, VALIDATED),
    i("topo_sorting_mode", None, SESSION, VALIDATED),
    s("insert_op_file", None, SESSION, VALIDATED, "AIPP config path"),
    s("resource_config_path", "", SESSION, VALIDATED),
    b("external_weight", False, SESSION, VALIDATED),
    s("graph_parallel_option_path", "", SESSION, VALIDATED),
    b("enable_graph_parallel", False, SESSION, VALIDATED),
    s("graph_compiler_cache_dir", None, SESSION, VALIDATED),
    s("graph_slice", "", SESSION, VALIDATED, choices=("auto", "manual")),
    s("jit_compile", "auto", SESSION, VALIDATED, "must be set in the .s field", choices=tuple(JIT_COMPILE),
      field_strict=True),
    # ---------------------------------------------------------------- init options
    s("precision_mode", None, INIT, COSTED, "unset: allow_fp32_to_fp16 for training, force_fp16 for "
      "inference", choices=PRECISION_MODES),
    s("precision_mode_v2", None, INIT, COSTED, "not with precision_mode", choices=PRECISION_MODES_V2),
    b("profiling_mode", False, INIT, RUNTIME, "ProfilingSettings"),
    s("profiling_options", "", INIT, RUNTIME, "JSON; empty with profiling_mode: the adapter's default JSON"),
    s("auto_tune_mode", "", INIT, VALIDATED, "legacy, e.g. 'RL,GA'; still read by the master adapter"),
    i("graph_run_mode", 1, INIT, COSTED, "0 inference, 1 training (default precision mode)",
      choices=GRAPH_RUN_MODES),
    i("op_debug_level", None, INIT, VALIDATED, low=0, high=4, deprecated="use op_debug_config"),
    s("enable_scope_fusion_passes", "", INIT, VALIDATED, "comma-separated pass names"),
    i("enable_exception_dump", 2, INIT, VALIDATED, choices=(0, 1, 2)),
    s("aoe_mode", "", INIT, VALIDATED, "empty: the AOE_MODE environment variable", choices=AOE_MODES),
    s("work_path", "./", INIT, VALIDATED, "with aoe_mode: an existing read-write directory", read_if="aoe_mode"),
    s("distribute_config", "", INIT, VALIDATED, read_if="aoe_mode"),
    s("aoe_config_file", "", INIT, VALIDATED),
    s("op_compiler_cache_mode", "", INIT, VALIDATED, choices=("enable", "disable", "force")),
    s("op_compiler_cache_dir", "", INIT, VALIDATED),
    s("debug_dir", "", INIT, VALIDATED),
    b("hcom_multi_mode", False, INIT, VALIDATED),
    s("device_type", "default_device_type", INIT, VALIDATED),
    s("soc_config", "", INIT, VALIDATED, "the chip is chosen with --hw / ascend_sim.hw instead"),
    i("op_wait_timeout", None, INIT, VALIDATED),
    i("op_execute_timeout", None, INIT, VALIDATED),
    s("customize_dtypes", "", INIT, VALIDATED, "path"),
    s("op_debug_config", "", INIT, VALIDATED, "path"),
    i("graph_exec_timeout", 600000, INIT, VALIDATED, "ms"),
    i("static_memory_policy", 0, INIT, VALIDATED),
    i("deterministic", 0, INIT, VALIDATED, choices=(0, 1)),
    s("experimental_logical_device_cluster_deploy_mode", "LB", INIT, VALIDATED, "'LB' (load balance) or a "
      "single-device mode; not checked upstream either"),
    s("experimental_logical_device_id", "", INIT, VALIDATED),
    s("experimental_model_deploy_mode", "", INIT, VALIDATED),
    s("experimental_model_deploy_devicelist", "", INIT, VALIDATED),
    s("dump_data", "tensor", INIT, RUNTIME, choices=("tensor", "stats")),
    i("stream_sync_timeout", -1, INIT, VALIDATED, "ms"),
    i("event_sync_timeout", -1, INIT, VALIDATED, "ms"),
    s("es_cluster_config", "", INIT, VALIDATED),
    # ---------------------------------------------------------------- written by NPUEstimator, never read
    b("enable_reduce_precision", False, LEGACY, IGNORED),
    b("min_group_size", None, LEGACY, IGNORED),
)

BY_KEY = {spec.key: spec for spec in KEYS}
assert len(BY_KEY) == len(KEYS), "duplicate key in KEYS"
