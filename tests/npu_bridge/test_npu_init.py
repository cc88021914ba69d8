"""Behaviour of the functions npu_init defines (reference §5) and its import side effects (§2.2)."""
import subprocess
import sys

import pytest
import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import config_pb2
from tensorflow.core.protobuf.rewriter_config_pb2 import RewriterConfig

from npu_bridge import npu_init
from testsupport.scripts import ROOT, UPSTREAM_ENV


def _npu_entries(config):
    return [c for c in config.graph_options.rewrite_options.custom_optimizers if c.name == "NpuOptimizer"]


def test_npu_config_proto_adds_npu_optimizer_once_and_forces_settings():
    cfg = config_pb2.ConfigProto(allow_soft_placement=False, log_device_placement=True)
    out = npu_init.npu_config_proto(config_proto=cfg)
    assert out is cfg
    assert len(_npu_entries(cfg)) == 1
    assert cfg.allow_soft_placement and not cfg.log_device_placement
    assert cfg.graph_options.rewrite_options.remapping == RewriterConfig.OFF
    assert cfg.graph_options.rewrite_options.memory_optimization == RewriterConfig.OFF
    assert cfg.graph_options.optimizer_options.global_jit_level == config_pb2.OptimizerOptions.OFF
    npu_init.npu_config_proto(cfg)
    assert len(_npu_entries(cfg)) == 1


def test_npu_config_proto_keeps_memory_optimization_when_entry_exists():
    cfg = config_pb2.ConfigProto()
    custom = cfg.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    custom.parameter_map["precision_mode"].s = b"allow_mix_precision"
    cfg.graph_options.rewrite_options.memory_optimization = RewriterConfig.MANUAL
    npu_init.npu_config_proto(cfg)
    assert cfg.graph_options.rewrite_options.memory_optimization == RewriterConfig.MANUAL
    assert _npu_entries(cfg)[0].parameter_map["precision_mode"].s == b"allow_mix_precision"


@pytest.mark.parametrize("arg", [None, "not a proto", 3])
def test_npu_config_proto_starts_fresh_from_non_protos(arg):
    out = npu_init.npu_config_proto(arg)
    assert isinstance(out, config_pb2.ConfigProto) and len(_npu_entries(out)) == 1


def test_legacy_npu_session_config_init_matches_npu_config_proto():
    out = npu_init.npu_session_config_init()
    assert len(_npu_entries(out)) == 1 and out.graph_options.rewrite_options.remapping == RewriterConfig.OFF


def test_graph_and_optimizer_options_turn_jit_off():
    g = config_pb2.GraphOptions()
    g.optimizer_options.global_jit_level = config_pb2.OptimizerOptions.ON_1
    assert npu_init.npu_graph_options(g) is g
    assert g.optimizer_options.global_jit_level == config_pb2.OptimizerOptions.OFF
    o = npu_init.npu_optimizer_options()
    assert o.global_jit_level == config_pb2.OptimizerOptions.OFF


def test_npu_run_config_init_wraps_existing_session_config():
    sess_cfg = config_pb2.ConfigProto(inter_op_parallelism_threads=3)
    rc = tf.estimator.RunConfig(session_config=sess_cfg, save_checkpoints_steps=7)
    out = npu_init.npu_run_config_init(run_config=rc)
    assert out is rc
    assert out.session_config.inter_op_parallelism_threads == 3
    assert len(_npu_entries(out.session_config)) == 1
    assert out.save_checkpoints_steps == 7


def test_npu_run_config_init_creates_run_config():
    out = npu_init.npu_run_config_init()
    assert isinstance(out, tf.estimator.RunConfig) and len(_npu_entries(out.session_config)) == 1


def test_npu_hooks_append_list_and_non_list():
    mine = [npu_init.NpuEmptyHook()]
    out = npu_init.npu_hooks_append(hooks_list=mine)
    assert out is mine and len(out) == 2
    assert isinstance(out[1], npu_init.NPUBroadcastGlobalVariablesHook)
    fresh = npu_init.npu_hooks_append(hooks_list=(npu_init.NpuEmptyHook(),))
    assert len(fresh) == 1 and isinstance(fresh[0], npu_init.NPUBroadcastGlobalVariablesHook)


def test_npu_callbacks_append():
    out = npu_init.npu_callbacks_append()
    assert len(out) == 1 and isinstance(out[0], npu_init.NPUBroadcastGlobalVariablesCallback)


def test_every_new_session_gets_the_npu_config():
    with tf.Graph().as_default():
        with tf.Session() as sess:
            assert len(_npu_entries(sess._config)) == 1
            assert sess._config.allow_soft_placement
        cfg = config_pb2.ConfigProto()
        with tf.Session("", None, cfg) as sess:  # positional config, mutated in place
            assert len(_npu_entries(cfg)) == 1
        interactive = tf.InteractiveSession()
        try:
            assert len(_npu_entries(interactive._config)) == 1
        finally:
            interactive.close()


def test_set_keras_session_npu_config_installs_the_session_for_tf_keras():
    sess = npu_init.set_keras_session_npu_config()
    try:
        assert tf.keras.backend.get_session() is sess
        assert len(_npu_entries(sess._config)) == 1
    finally:
        npu_init.close_session(sess)
        tf.keras.backend.clear_session()


def test_npu_clear_session_installs_a_fresh_npu_session():
    npu_init.npu_clear_session()
    sess = tf.keras.backend.get_session()
    assert len(_npu_entries(sess._config)) == 1
    tf.keras.backend.clear_session()


def test_init_resource_records_ranks_and_shutdown_runs():
    with tf.Graph().as_default():
        sess, shutdown = npu_init.init_resource()
        try:
            assert npu_init.get_npu_rank_id() == 0
            assert npu_init.get_npu_local_rank_id() == 0
            assert npu_init.get_npu_rank_size() == 1
            assert npu_init.get_npu_local_rank_size() == 1
            npu_init.shutdown_resource(sess, shutdown)
        finally:
            npu_init.close_session(sess)
        assert sess._closed


def test_rank_getters_before_init_resource_raise_name_error_like_upstream():
    code = "from npu_bridge.npu_init import *\ntry:\n    get_npu_rank_id()\nexcept NameError:\n    print('NameError')\n"
    env = dict(UPSTREAM_ENV, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "NameError" in out.stdout, out.stderr[-2000:]


def test_optimizer_wrappers():
    opt = tf.train.GradientDescentOptimizer(0.1)
    assert isinstance(npu_init.npu_tf_optimizer(opt), npu_init.NPUDistributedOptimizer)


def test_experimental_options_turn_grappler_passes_on():
    opts = npu_init.experimental_options
    assert opts["disable_model_pruning"] is False
    assert all(v == RewriterConfig.ON for k, v in opts.items() if k != "disable_model_pruning")


def test_scripts_may_shadow_helpers_after_the_star_import():
    """2021-migrated scripts redefine helpers locally; npu_bridge must not call the script's binding."""
    code = (
        "import tensorflow.compat.v1 as tf\n"
        "from npu_bridge.npu_init import *\n"
        "def npu_session_config_init(args, session_config=None):\n"
        "    raise AssertionError('library called the script-level helper')\n"
        "def npu_config_proto(config_proto=None):\n"
        "    raise AssertionError('library called the script-level helper')\n"
        "def npu_tf_optimizer(opt):\n"
        "    return opt\n"
        "def close_session(sess):\n"
        "    sess.close()\n"
        "sess = set_keras_session_npu_config()\n"
        "cfg = npu_run_config_init()\n"
        "x = tf.Variable(1.0)\n"
        "train = npu_tf_optimizer(tf.train.GradientDescentOptimizer(0.5)).minimize(x * x)\n"
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer()); s.run(train)\n"
        "    print('OK', s.run(x))\n"
        "close_session(sess)\n"
    )
    env = dict(UPSTREAM_ENV, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "OK 0.0" in out.stdout
