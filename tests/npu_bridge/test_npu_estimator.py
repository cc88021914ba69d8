"""NPUEstimator / NPUEstimatorSpec (reference §3.2-§3.6): session config, job info, model_dir,
warm start, model_fn augmentation (hooks, IterationOp), host_call, training."""
import glob
import json
import os

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.ops import summary_ops_v2
from tensorflow_estimator.python.estimator import estimator as estimator_lib

from npu_bridge._runtime.summaries import EmulatedStepSummaryHook
from npu_bridge.estimator.npu import npu_estimator
from npu_bridge.estimator.npu.npu_common import NPUBasics
from npu_bridge.estimator.npu.npu_config import (
    DumpConfig,
    DynamicInputConfig,
    ExperimentalConfig,
    GraphMemoryOptimizeConfig,
    MemoryConfig,
    NPURunConfig,
    ProfilingConfig,
)
from npu_bridge.estimator.npu.npu_estimator import NPUEstimator, NPUEstimatorSpec, no_check_override
from npu_bridge.estimator.npu.npu_hook import (
    NPUBroadcastGlobalVariablesHook,
    NPUCheckpointSaverHook,
    NPUInfeedOutfeedSessionHook,
    NPULogOutfeedSessionHook,
    SetIterationsVarHook,
)
from npu_bridge.estimator.npu.npu_saver import NPUSaver

ModeKeys = tf.estimator.ModeKeys


@pytest.fixture(autouse=True)
def clean_job(monkeypatch, tmp_path):
    """Fresh NPUBasics singleton, no warm-start env, cwd in tmp_path."""
    NPUBasics._reset()
    for key in ("LOCAL_CHECKPOINT_DIR", "RESTORE_FROM", "TF_CONFIG", "CM_WORKER_SIZE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.chdir(tmp_path)
    yield
    NPUBasics._reset()


def _data(n=64):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 2).astype("float32")
    return x, (x @ np.array([[2.0], [-1.0]], dtype="float32") + 0.5)


def input_fn():
    x, y = _data()
    return tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(8, drop_remainder=True)


def model_fn(features, labels, mode):
    pred = tf.layers.dense(features["x"], 1, name="dense")
    loss = tf.losses.mean_squared_error(labels, pred)
    train_op = None
    if mode == ModeKeys.TRAIN:
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, tf.train.get_or_create_global_step())
    return NPUEstimatorSpec(mode, loss=loss, train_op=train_op, predictions={"y": pred})


def _pm(estimator):
    entries = [c for c in estimator.config.session_config.graph_options.rewrite_options.custom_optimizers
               if c.name == "NpuOptimizer"]
    return entries[-1].parameter_map


def _estimator(tmp_path, **config_kwargs):
    return NPUEstimator(model_fn=model_fn, config=NPURunConfig(model_dir=str(tmp_path / "m"), **config_kwargs))


# ----------------------------------------------------------------------------- construction
def test_config_must_be_npu_run_config(tmp_path):
    with pytest.raises(ValueError, match="NPUConfigs"):
        NPUEstimator(model_fn=model_fn, config=tf.estimator.RunConfig(model_dir=str(tmp_path)))
    with pytest.raises(ValueError, match="model_fn"):
        NPUEstimator(config=NPURunConfig())


def test_is_a_v1_estimator_and_restores_the_override_check(tmp_path):
    original = estimator_lib.Estimator._assert_members_are_not_overridden
    estimator = _estimator(tmp_path)
    assert isinstance(estimator, estimator_lib.Estimator)
    assert estimator_lib.Estimator._assert_members_are_not_overridden is original


def test_no_check_override_allows_overriding_subclasses(tmp_path):
    class Overriding(estimator_lib.Estimator):
        def train(self, *args, **kwargs):  # overriding a member is normally refused
            return super().train(*args, **kwargs)

    with pytest.raises(ValueError, match="override"):
        Overriding(model_fn=model_fn, model_dir=str(tmp_path / "a"))
    with no_check_override():
        Overriding(model_fn=model_fn, model_dir=str(tmp_path / "b"))


def test_unconditional_keys_and_grappler_list(tmp_path):
    estimator = _estimator(tmp_path, iterations_per_loop=3)
    pm = _pm(estimator)
    rewrite = estimator.config.session_config.graph_options.rewrite_options
    assert list(rewrite.optimizers) == ["pruning", "function", "constfold", "shape", "arithmetic", "loop",
                                        "dependency", "layout", "GradFusionOptimizer"]
    assert pm["iterations_per_loop"].i == 3
    assert pm["use_off_line"].b is True and pm["enable_data_pre_proc"].b is True
    assert pm["mix_compile_mode"].b is False and pm["hcom_parallel"].b is True
    assert pm["min_group_size"].b is True and pm["graph_run_mode"].i == 1
    assert pm["enable_exception_dump"].i == 2 and pm["device_type"].s == b"default_device_type"
    assert pm["jit_compile"].s == b"auto" and pm["variable_placement"].s == b"Device"
    assert pm["stream_sync_timeout"].i == -1 and pm["event_sync_timeout"].i == -1
    assert pm["enable_dump"].b is False and pm["enable_dump_debug"].b is False
    assert pm["job"].s == b"localhost" and pm["task_index"].i == 0
    assert pm["experimental_logical_device_cluster_deploy_mode"].s == b"LB"
    assert pm["buffer_optimize"].s == b"l2_optimize"
    for absent in ("precision_mode", "profiling_mode", "op_debug_level", "variable_format_optimize", "aoe_mode",
                   "atomic_clean_policy", "input_shape", "session_device_id", "insert_op_file"):
        assert absent not in pm, absent


def test_conditional_keys(tmp_path):
    estimator = _estimator(
        tmp_path, precision_mode="allow_mix_precision", graph_memory_max_size=15 * 1024 ** 3,
        variable_memory_max_size="1024", op_debug_level=2, variable_format_optimize=False, session_device_id=3,
        modify_mixlist="ops_info.json", insert_op_file="aipp.cfg", hccl_timeout=100, customize_dtypes="c.cfg",
        local_rank_id=1, local_device_list="0,1", aoe_mode="2", distribute_config="nca.json",
        dynamic_input=True, dynamic_inputs_shape_range="data:[1~4,3]", auto_tune_mode="RL,GA",
        dynamic_input_config=DynamicInputConfig("data:-1,3", "1;2", 1))
    pm = _pm(estimator)
    assert pm["precision_mode"].s == b"allow_mix_precision"
    assert pm["graph_memory_max_size"].s == str(15 * 1024 ** 3).encode()
    assert pm["variable_memory_max_size"].s == b"1024"
    assert pm["op_debug_level"].i == 2 and pm["variable_format_optimize"].b is False
    assert pm["session_device_id"].i == 3 and pm["modify_mixlist"].s == b"ops_info.json"
    assert pm["insert_op_file"].s == b"aipp.cfg", "upstream assigns a str to .s and crashes"
    assert pm["hccl_timeout"].i == 100 and pm["customize_dtypes"].s == b"c.cfg"
    assert pm["local_rank_id"].i == 1 and pm["local_device_list"].s == b"0,1"
    assert pm["aoe_mode"].s == b"2" and pm["work_path"].s == b"./" and pm["distribute_config"].s == b"nca.json"
    assert pm["dynamic_input"].b is True and pm["dynamic_graph_execute_mode"].s == b"dynamic_execute"
    assert pm["dynamic_inputs_shape_range"].s == b"data:[1~4,3]"
    assert pm["auto_tune_mode"].s == b"RL,GA"
    assert (pm["input_shape"].s, pm["dynamic_dims"].s, pm["dynamic_node_type"].i) == (b"data:-1,3", b"1;2", 1)


def test_dump_config_keys(tmp_path):
    dump = DumpConfig(enable_dump=True, dump_path="/tmp/dump", dump_step="0|5", dump_mode="all",
                      enable_dump_debug=True, dump_debug_mode="aicore_overflow", dump_layer="conv1")
    pm = _pm(_estimator(tmp_path, dump_config=dump))
    assert pm["enable_dump"].b is True and pm["enable_dump_debug"].b is True
    assert pm["dump_path"].s == b"/tmp/dump" and pm["dump_step"].s == b"0|5" and pm["dump_mode"].s == b"all"
    assert pm["dump_debug_mode"].s == b"aicore_overflow"
    assert pm["dump_data"].s == b"tensor" and pm["dump_layer"].s == b"conv1"
    quiet = _pm(NPUEstimator(model_fn=model_fn, config=NPURunConfig(model_dir=str(tmp_path / "q"),
                                                                    dump_config=DumpConfig(dump_mode=None))))
    assert "dump_mode" not in quiet and "dump_debug_mode" not in quiet and "dump_path" not in quiet


@pytest.mark.parametrize("profiling,expected", [
    (ProfilingConfig(True, '{"output":"./prof","task_trace":"on"}'), {"mode": True, "options": b'{"output":"./prof","task_trace":"on"}'}),
    (ProfilingConfig(True), {"mode": True, "options": b""}),
    (ProfilingConfig(False, '{"output":"x"}'), {"mode": False, "options": None}),
])
def test_profiling_config_keys(tmp_path, profiling, expected):
    pm = _pm(_estimator(tmp_path, profiling_config=profiling))
    assert pm["profiling_mode"].b is expected["mode"]
    if expected["options"] is None:
        assert "profiling_options" not in pm
    else:
        assert pm["profiling_options"].s == expected["options"]


def test_memory_config_keys(tmp_path):
    pm = _pm(_estimator(tmp_path, memory_config=MemoryConfig(atomic_clean_policy=1, static_memory_policy=2,
                                                             memory_optimization_policy="MemoryPriority")))
    assert pm["atomic_clean_policy"].i == 1 and pm["static_memory_policy"].i == 2
    assert pm["memory_optimization_policy"].s == b"MemoryPriority"
    pm = _pm(NPUEstimator(model_fn=model_fn, config=NPURunConfig(
        model_dir=str(tmp_path / "b"), memory_config=MemoryConfig(static_memory_policy=None))))
    assert pm["atomic_clean_policy"].i == 0
    assert "static_memory_policy" not in pm and "memory_optimization_policy" not in pm


def test_experimental_config_keys(tmp_path):
    experimental = ExperimentalConfig(logical_device_cluster_deploy_mode="Single", logical_device_id="0:0",
                                      graph_memory_optimize_config=GraphMemoryOptimizeConfig("auto", "manual"),
                                      enable_graph_parallel=True, graph_compiler_cache_dir="/cache",
                                      accelerate_train_mode="fast|step|0.9")
    pm = _pm(_estimator(tmp_path, experimental_config=experimental))
    assert pm["experimental_logical_device_cluster_deploy_mode"].s == b"Single"
    assert pm["experimental_logical_device_id"].s == b"0:0"
    assert pm["graph_slice"].s == b"manual" and "recompute" not in pm
    assert pm["enable_graph_parallel"].b is True and pm["graph_compiler_cache_dir"].s == b"/cache"
    assert pm["experimental_accelerate_train_mode"].s == b"fast|step|0.9"
    assert "experimental_model_deploy_mode" not in pm and "resource_config_path" not in pm


def test_tf_config_task_sets_job_and_task_index(tmp_path, monkeypatch):
    config = NPURunConfig(model_dir=str(tmp_path / "m"))
    monkeypatch.setenv("TF_CONFIG", json.dumps({"task": {"type": "worker", "index": 3}}))
    pm = _pm(NPUEstimator(model_fn=model_fn, config=config))
    assert pm["job"].s == b"worker" and pm["task_index"].i == 3


def test_user_session_config_is_extended_not_replaced(tmp_path):
    user = tf.ConfigProto(inter_op_parallelism_threads=2)
    custom = user.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    custom.parameter_map["precision_mode"].s = b"force_fp16"
    config = NPURunConfig(model_dir=str(tmp_path / "m"), session_config=user)
    estimator = NPUEstimator(model_fn=model_fn, config=config)
    session_config = estimator.config.session_config
    assert session_config.inter_op_parallelism_threads == 2
    entries = [c for c in session_config.graph_options.rewrite_options.custom_optimizers if c.name == "NpuOptimizer"]
    assert len(entries) == 2, "upstream appends a second entry (later keys win)"
    assert entries[0].parameter_map["precision_mode"].s == b"force_fp16"


def test_config_without_session_config_is_not_mutated(tmp_path):
    config = NPURunConfig(model_dir=str(tmp_path / "m"))
    NPUEstimator(model_fn=model_fn, config=config)
    assert config.session_config is None


# ----------------------------------------------------------------------------- job info, model_dir, warm start
def test_missing_job_id_defaults_with_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("JOB_ID", raising=False)
    with caplog.at_level("WARNING", logger="npu_bridge.npu_common"):
        _estimator(tmp_path)
    assert "JOB_ID" in caplog.text


def test_model_dir_must_agree(tmp_path):
    with pytest.raises(ValueError, match="model_dir"):
        NPUEstimator(model_fn=model_fn, model_dir=str(tmp_path / "a"), config=NPURunConfig(model_dir=str(tmp_path / "b")))
    estimator = NPUEstimator(model_fn=model_fn, model_dir=str(tmp_path / "c"), config=NPURunConfig())
    assert estimator.model_dir == str(tmp_path / "c")


def test_model_dir_is_created_in_cwd_when_missing(tmp_path):
    estimator = NPUEstimator(model_fn=model_fn, config=NPURunConfig())
    name = os.path.basename(estimator.model_dir)
    assert os.path.dirname(estimator.model_dir) == str(tmp_path)
    assert name.startswith("model_dir_") and len(name) == len("model_dir_") + 10 and name[10:].isalnum()
    assert os.path.isdir(estimator.model_dir)


def test_warm_start_from_local_checkpoint_dir_then_restore_from(tmp_path, monkeypatch):
    monkeypatch.setenv("RESTORE_FROM", "/restore/ckpt")
    assert _estimator(tmp_path)._warm_start_settings.ckpt_to_initialize_from == "/restore/ckpt"
    NPUBasics._reset()
    monkeypatch.setenv("LOCAL_CHECKPOINT_DIR", "/local/ckpt")
    estimator = NPUEstimator(model_fn=model_fn, config=NPURunConfig(model_dir=str(tmp_path / "x")))
    assert estimator._warm_start_settings.ckpt_to_initialize_from == "/local/ckpt"
    explicit = NPUEstimator(model_fn=model_fn, config=NPURunConfig(model_dir=str(tmp_path / "y")),
                            warm_start_from="/given")
    assert explicit._warm_start_settings.ckpt_to_initialize_from == "/given"


def test_no_warm_start_by_default(tmp_path):
    assert _estimator(tmp_path)._warm_start_settings is None


def test_tpu_leftovers_are_accepted(tmp_path):
    estimator = NPUEstimator(model_fn=model_fn, config=NPURunConfig(model_dir=str(tmp_path / "m")), use_tpu=False,
                             train_batch_size=32, eval_batch_size=8)
    assert isinstance(estimator, NPUEstimator)


# ----------------------------------------------------------------------------- model_fn augmentation
def _call_model_fn(estimator, mode):
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        features = {"x": tf.zeros([8, 2])}
        labels = tf.zeros([8, 1])
        return estimator._model_fn(features, labels, mode, {})


def test_train_hooks_in_upstream_order(tmp_path, monkeypatch):
    estimator = _estimator(tmp_path, iterations_per_loop=2, keep_checkpoint_max=3)
    monkeypatch.setenv("RANK_SIZE", "2")
    spec = _call_model_fn(estimator, ModeKeys.TRAIN)
    kinds = [type(h) for h in spec.training_hooks]
    assert kinds == [NPUBroadcastGlobalVariablesHook, NPUCheckpointSaverHook, NPULogOutfeedSessionHook,
                     SetIterationsVarHook, EmulatedStepSummaryHook]     # the last one is ours (docs/runtime.md)
    saver_hook = spec.training_hooks[1]
    assert isinstance(saver_hook._saver, NPUSaver) and saver_hook._saver._max_to_keep == 3
    assert spec.train_op.name == "IterationOp" and spec.train_op.type == "NoOp"
    assert spec.training_hooks[3]._iterations_per_loop == 2


def test_no_broadcast_in_horovod_mode_and_no_loop_for_one_iteration(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "8")
    estimator = _estimator(tmp_path, horovod_mode=True)
    spec = _call_model_fn(estimator, ModeKeys.TRAIN)
    kinds = [type(h) for h in spec.training_hooks]
    assert NPUBroadcastGlobalVariablesHook not in kinds and SetIterationsVarHook not in kinds
    assert spec.train_op.name != "IterationOp"


def test_eval_and_predict_hooks(tmp_path):
    estimator = _estimator(tmp_path)
    eval_spec = _call_model_fn(estimator, ModeKeys.EVAL)
    assert [type(h) for h in eval_spec.evaluation_hooks] == [NPULogOutfeedSessionHook]
    predict_spec = _call_model_fn(estimator, ModeKeys.PREDICT)
    assert not predict_spec.prediction_hooks


def test_plain_estimator_spec_gets_no_outfeed_hooks(tmp_path):
    def plain_model_fn(features, labels, mode, params, config):
        assert isinstance(config, NPURunConfig) and params == {"p": 1}
        loss = tf.reduce_mean(tf.layers.dense(features["x"], 1))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    estimator = NPUEstimator(model_fn=plain_model_fn, config=NPURunConfig(model_dir=str(tmp_path / "m")),
                             params={"p": 1})
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        spec = estimator._model_fn({"x": tf.zeros([2, 2])}, None, ModeKeys.TRAIN, {"p": 1})
    assert [type(h) for h in spec.training_hooks] == [NPUCheckpointSaverHook, EmulatedStepSummaryHook]
    assert spec.training_hooks[1]._output_dir == str(tmp_path / "m")


def test_model_fn_receives_only_the_arguments_it_accepts(tmp_path):
    seen = {}

    def features_only(features):
        seen["called"] = True
        loss = tf.reduce_mean(tf.layers.dense(features["x"], 1))
        return tf.estimator.EstimatorSpec(ModeKeys.PREDICT, predictions={"loss": loss})

    estimator = NPUEstimator(model_fn=features_only, config=NPURunConfig(model_dir=str(tmp_path / "m")))
    _call_model_fn(estimator, ModeKeys.PREDICT)
    assert seen["called"]


def test_train_spec_must_be_an_estimator_spec(tmp_path):
    estimator = NPUEstimator(model_fn=lambda features, mode: {"loss": 1.0},
                             config=NPURunConfig(model_dir=str(tmp_path / "m")))
    with pytest.raises(RuntimeError, match="EstimatorSpec"):
        _call_model_fn(estimator, ModeKeys.TRAIN)


# ----------------------------------------------------------------------------- NPUEstimatorSpec
def _loss():
    return tf.constant(1.0)


def test_spec_accepts_scaffold_function_none_or_scaffold():
    with tf.Graph().as_default():
        scaffold = tf.train.Scaffold()
        assert NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), scaffold=lambda: scaffold).scaffold is scaffold
        assert isinstance(NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), scaffold=lambda: None).scaffold,
                          tf.train.Scaffold)
        assert NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), scaffold=scaffold).scaffold is scaffold
        with pytest.raises(TypeError, match="Scaffold"):
            NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), scaffold=lambda: "scaffold")


def test_spec_keeps_host_call():
    with tf.Graph().as_default():
        host_call = (lambda a, b: None, [_loss(), _loss()])
        spec = NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), host_call=host_call)
        assert spec._host_call is host_call
        assert isinstance(spec, tf.estimator.EstimatorSpec)


@pytest.mark.parametrize("host_call,error", [
    ("fn", ValueError),
    ((lambda x: x,), ValueError),
    (("not callable", [1]), TypeError),
    ((lambda x: x, 3), ValueError),
    ((lambda x, y: x, [1]), RuntimeError),
])
def test_spec_validates_host_call(host_call, error):
    with tf.Graph().as_default():
        with pytest.raises(error, match="host_call"):
            NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), host_call=host_call)


def test_spec_host_call_with_varargs_or_dict_is_valid():
    with tf.Graph().as_default():
        NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), host_call=(lambda *args: None, [_loss(), _loss()]))
        NPUEstimatorSpec(ModeKeys.EVAL, loss=_loss(), host_call=(lambda a: None, {"a": _loss()}))


def test_while_loop_helper_counts_iterations():
    with tf.Graph().as_default():
        op = tf.no_op()
        loop = npu_estimator._wrap_computation_in_while_loop(tf.constant(4), op)
        with tf.Session() as sess:
            assert sess.run(loop) == 4


# ----------------------------------------------------------------------------- training
def test_training_advances_global_step_and_lowers_loss(tmp_path):
    estimator = _estimator(tmp_path, save_checkpoints_steps=5)
    estimator.train(input_fn, steps=6)
    assert estimator.get_variable_value("global_step") == 6
    loss_6 = estimator.evaluate(input_fn, steps=2)["loss"]
    estimator.train(input_fn, steps=20)
    assert estimator.get_variable_value("global_step") == 26
    assert estimator.evaluate(input_fn, steps=2)["loss"] < loss_6
    assert tf.train.latest_checkpoint(estimator.model_dir).endswith("model.ckpt-26")


def test_host_call_runs_the_host_function_every_step(tmp_path):
    logdir = str(tmp_path / "host")

    def host_model_fn(features, labels, mode):
        spec = model_fn(features, labels, mode)
        step = tf.train.get_global_step()

        def host_fn(global_step, loss):
            writer = summary_ops_v2.create_file_writer(logdir)
            with writer.as_default(), summary_ops_v2.always_record_summaries():
                summary_ops_v2.scalar("host_loss", loss, step=global_step)
                return summary_ops_v2.all_v2_summary_ops()

        return NPUEstimatorSpec(mode, loss=spec.loss, train_op=spec.train_op, host_call=(host_fn, [step, spec.loss]))

    estimator = NPUEstimator(model_fn=host_model_fn, config=NPURunConfig(model_dir=str(tmp_path / "m")))
    spec = _call_model_fn(estimator, ModeKeys.TRAIN)
    assert any(isinstance(h, NPUInfeedOutfeedSessionHook) for h in spec.training_hooks)
    estimator.train(input_fn, steps=4)
    events = [value.tag for path in glob.glob(os.path.join(logdir, "*"))
              for event in tf.train.summary_iterator(path) for value in event.summary.value]
    assert events.count("host_loss") == 4
