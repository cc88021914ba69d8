"""The Session patch functions (``set_npu_default_config`` / ``decorator_tf_session``, reference §2.3).

Tested on local Session-like classes and a local tf.Session subclass; nothing here depends on
``npu_init`` having patched the real ``tf.Session``.
"""
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import config_pb2
from tensorflow.core.protobuf.rewriter_config_pb2 import RewriterConfig
from tensorflow.python.client import session

from npu_bridge.estimator.npu.npu_config import decorator_tf_session, set_npu_default_config


def _session_init(self, target="", graph=None, config=None):  # the signature of Session.__init__
    self.args = (target, graph, config)


def _npu_entries(config):
    return [c for c in config.graph_options.rewrite_options.custom_optimizers if c.name == "NpuOptimizer"]


def _assert_forced(config):
    assert config.allow_soft_placement is True
    assert config.log_device_placement is False
    assert config.graph_options.rewrite_options.remapping == RewriterConfig.OFF
    assert config.graph_options.optimizer_options.global_jit_level == config_pb2.OptimizerOptions.OFF


def test_missing_config_becomes_a_new_npu_config():
    args, kwargs = set_npu_default_config(_session_init, (), {})
    config = kwargs["config"]
    assert args == ()
    assert len(_npu_entries(config)) == 1
    assert config.graph_options.rewrite_options.memory_optimization == RewriterConfig.OFF
    _assert_forced(config)


def test_keyword_config_is_mutated_in_place():
    user = tf.ConfigProto(log_device_placement=True, allow_soft_placement=False)
    user.graph_options.optimizer_options.global_jit_level = config_pb2.OptimizerOptions.ON_1
    args, kwargs = set_npu_default_config(_session_init, ("grpc://x",), {"config": user})
    assert kwargs["config"] is user
    assert args == ("grpc://x",)
    _assert_forced(user)
    assert len(_npu_entries(user)) == 1


def test_positional_config_moves_to_keyword():
    user = tf.ConfigProto()
    graph = tf.Graph()
    args, kwargs = set_npu_default_config(_session_init, ("", graph, user), {})
    assert args == ("", graph)
    assert kwargs["config"] is user
    assert len(_npu_entries(user)) == 1


def test_positional_none_config_gets_a_new_one():
    args, kwargs = set_npu_default_config(_session_init, ("", None, None), {})
    assert args == ("", None)
    assert isinstance(kwargs["config"], config_pb2.ConfigProto)
    assert len(_npu_entries(kwargs["config"])) == 1


def test_existing_npu_optimizer_is_kept_and_memory_optimization_untouched():
    user = tf.ConfigProto()
    custom = user.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    custom.parameter_map["precision_mode"].s = b"force_fp16"
    user.graph_options.rewrite_options.memory_optimization = RewriterConfig.MANUAL
    set_npu_default_config(_session_init, (), {"config": user})
    entries = _npu_entries(user)
    assert len(entries) == 1 and entries[0].parameter_map["precision_mode"].s == b"force_fp16"
    assert user.graph_options.rewrite_options.memory_optimization == RewriterConfig.MANUAL
    _assert_forced(user)


def test_config_given_twice_is_a_type_error():
    with pytest.raises(TypeError, match="config"):
        set_npu_default_config(_session_init, ("", None, tf.ConfigProto()), {"config": tf.ConfigProto()})


def test_decorated_init_on_a_local_class():
    class FakeSession:
        __init__ = decorator_tf_session(_session_init)

    user = tf.ConfigProto()
    fake = FakeSession("", None, user)
    assert fake.args[2] is user
    assert len(_npu_entries(user)) == 1
    assert FakeSession().args[2].allow_soft_placement is True


def test_decorating_twice_is_idempotent():
    once = decorator_tf_session(_session_init)
    assert decorator_tf_session(once) is once


def test_patched_tf_session_runs_with_the_npu_config():
    class PatchedSession(session.Session):
        pass

    PatchedSession.__init__ = decorator_tf_session(session.Session.__init__)
    with tf.Graph().as_default():
        value = tf.constant(2.0) * 3.0
        with PatchedSession() as sess:
            assert len(_npu_entries(sess._config)) == 1
            _assert_forced(sess._config)
            assert sess.run(value) == 6.0
