"""``from npu_bridge.npu_init import *``: what migrated scripts star-import (upstream master / r1.15.0).

Exports the same names as upstream's module (reference §2.1): TensorFlow objects scripts use
without importing them (``tf``, ``os``, ``RewriterConfig``, ...), the hccl
functions, the config/estimator/hook/optimizer classes, op modules, and the convenience functions
the migration tool inserts.  Side effect on import, as upstream: the ``tf.Session`` patch.
"""
import os

import tensorflow
import tensorflow.compat.v1 as _tf1
from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
from tensorflow.core.protobuf.rewriter_config_pb2 import RewriterConfig
from tensorflow.python.client import session
from tensorflow.python.training import session_run_hook

from hccl.manage.api import (
    create_group,
    destroy_group,
    get_group_rank_from_world_rank,
    get_local_rank_id,
    get_local_rank_size,
    get_rank_id,
    get_rank_size,
    get_world_rank_from_group_rank,
)
from hccl.split.api import set_split_strategy_by_idx, set_split_strategy_by_size
from npu_bridge import embedding as npu_embedding
from npu_bridge import _tf1 as _tf1_runtime
from npu_bridge._runtime import session_patch as _session_patch
from npu_bridge.estimator import npu_ops
from npu_bridge.estimator.npu import keras_to_npu, npu_plugin, npu_rnn, npu_scope, npu_strategy, util
from npu_bridge.estimator.npu.npu_callbacks import NPUBroadcastGlobalVariablesCallback
from npu_bridge.estimator.npu.npu_config import (
    DumpConfig,
    DynamicInputConfig,
    MemoryConfig,
    NPURunConfig,
    ProfilingConfig,
    decorator_tf_session,
)
from npu_bridge.estimator.npu.npu_estimator import NPUEstimator, NPUEstimatorSpec
from npu_bridge.estimator.npu.npu_hook import (
    NPUBroadcastGlobalVariablesHook,
    NPUCheckpointSaverHook,
    NPUOutputTensorHook,
    SetIterationsVarHook,
    TellMeStepOrLossHook,
)
from npu_bridge.estimator.npu.npu_loss_scale_manager import (
    ExponentialUpdateLossScaleManager,
    FixedLossScaleManager,
)
from npu_bridge.estimator.npu.npu_loss_scale_optimizer import NPULossScaleOptimizer
from npu_bridge.estimator.npu.npu_optimizer import (
    KerasDistributeOptimizer,
    NPUDistributedOptimizer,
    NPUOptimizer,
    npu_allreduce,
    npu_distributed_optimizer_wrapper,
)
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops
from npu_bridge.hccl import hccl_ops

# ``tf`` as upstream's ``import tensorflow as tf``: with the TF 1.15 runtime installed the tensorflow
# module answers scripts with the TF 1.15 API (and still has tf.contrib, tf.examples, tf.python);
# without it, the tf.compat.v1 API.
tf = tensorflow if _tf1_runtime.is_installed() else _tf1

# Keras 2.15's backend: the one tf.keras models use.  (Upstream exports tensorflow.python.keras.backend,
# which on TF 2.15 is a disconnected legacy copy whose session tf.keras ignores.)
backend = _tf1.keras.backend

experimental_options = {
    "disable_model_pruning": False,
    "function_optimization": RewriterConfig.ON,
    "constant_folding": RewriterConfig.ON,
    "shape_optimization": RewriterConfig.ON,
    "arithmetic_optimization": RewriterConfig.ON,
    "loop_optimization": RewriterConfig.ON,
    "dependency_optimization": RewriterConfig.ON,
    "layout_optimizer": RewriterConfig.ON,
}

_NPU_OPTIMIZER = "NpuOptimizer"


def npu_hooks_append(hooks_list=()):
    """Append the broadcast hook (a no-op unless RANK_SIZE > 1); a non-list argument becomes a new list."""
    if not isinstance(hooks_list, list):
        hooks_list = []
    hooks_list.append(NPUBroadcastGlobalVariablesHook(0, int(os.getenv("RANK_ID", "0"))))
    return hooks_list


def npu_callbacks_append(callbacks_list=()):
    """Append the Keras broadcast callback; a non-list argument becomes a new list."""
    if not isinstance(callbacks_list, list):
        callbacks_list = []
    callbacks_list.append(NPUBroadcastGlobalVariablesCallback(0))
    return callbacks_list


def npu_config_proto(config_proto=None):
    """Return ``config_proto`` (or a new ConfigProto) with the NpuOptimizer entry and NPU settings, mutated in place."""
    if not isinstance(config_proto, config_pb2.ConfigProto):
        config_proto = config_pb2.ConfigProto()
    rewrite = config_proto.graph_options.rewrite_options
    if not any(c.name == _NPU_OPTIMIZER for c in rewrite.custom_optimizers):
        rewrite.custom_optimizers.add().name = _NPU_OPTIMIZER
        rewrite.memory_optimization = RewriterConfig.OFF
    config_proto.allow_soft_placement = True
    config_proto.log_device_placement = False
    rewrite.remapping = RewriterConfig.OFF
    config_proto.graph_options.optimizer_options.global_jit_level = config_pb2.OptimizerOptions.OFF
    return config_proto


def npu_session_config_init(session_config=None):
    """2021-era name (the old migration tool injected it into scripts): same as :func:`npu_config_proto`.

    The injected 2021 helper added the NpuOptimizer entry unconditionally (duplicates possible); this one
    adds it only when absent.
    """
    return npu_config_proto(session_config)


def npu_graph_options(graph_options=None):
    """Return ``graph_options`` (or a new GraphOptions) with XLA JIT off."""
    if not isinstance(graph_options, config_pb2.GraphOptions):
        graph_options = config_pb2.GraphOptions()
    graph_options.optimizer_options.global_jit_level = config_pb2.OptimizerOptions.OFF
    return graph_options


def npu_optimizer_options(optimizer_options=None):
    """Return ``optimizer_options`` (or a new OptimizerOptions) with XLA JIT off."""
    if not isinstance(optimizer_options, config_pb2.OptimizerOptions):
        optimizer_options = config_pb2.OptimizerOptions()
    optimizer_options.global_jit_level = config_pb2.OptimizerOptions.OFF
    return optimizer_options


def npu_run_config_init(run_config=None):
    """Give a RunConfig (a new one unless a RunConfig is passed) the NPU session config; returns it."""
    if not isinstance(run_config, _tf1.estimator.RunConfig):
        run_config = _tf1.estimator.RunConfig()
    run_config.__dict__["_session_config"] = npu_config_proto(run_config.session_config)
    return run_config


def set_keras_session_npu_config(config=None):
    """Create a Session with the NPU config and install it as the Keras session; returns it."""
    config = npu_config_proto(config)
    sess = session.Session(config=config)
    backend.set_session(sess)
    return sess


def npu_clear_session(config=None):
    """``keras.backend.clear_session()`` followed by a fresh NPU-configured Keras session."""
    backend.clear_session()
    backend.set_session(session.Session(config=npu_config_proto(config)))


def init_resource(config=None):
    """Initialise the (emulated) device and rank info; returns ``(session, shutdown_op)``."""
    config = npu_config_proto(config)
    util.global_dict_init()
    npu_init_op = npu_ops.initialize_system()
    npu_shutdown = npu_ops.shutdown_system()
    sess = session.Session(config=config)
    sess.run(npu_init_op)
    util.set_value("npu_rank_id", get_rank_id())
    util.set_value("npu_local_rank_id", get_local_rank_id())
    util.set_value("npu_rank_size", get_rank_size())
    util.set_value("npu_local_rank_size", get_local_rank_size())
    return sess, npu_shutdown


def shutdown_resource(sess, npu_shutdown):
    """Run the shutdown op returned by :func:`init_resource`."""
    sess.run(npu_shutdown)


def close_session(sess):
    sess.close()


def get_npu_rank_id():
    """Rank id recorded by :func:`init_resource` (NameError before it, as upstream)."""
    return util.get_value("npu_rank_id", 0)


def get_npu_local_rank_id():
    return util.get_value("npu_local_rank_id", 0)


def get_npu_rank_size():
    return util.get_value("npu_rank_size", 1)


def get_npu_local_rank_size():
    return util.get_value("npu_local_rank_size", 1)


class NpuEmptyHook(session_run_hook.SessionRunHook):
    """A hook that does nothing (the migration tool uses it as a placeholder)."""


def npu_keras_optimizer(opt):
    return KerasDistributeOptimizer(opt)


def npu_tf_optimizer(opt):
    return NPUDistributedOptimizer(opt)


_session_patch.install()

__all__ = [
    "DumpConfig", "DynamicInputConfig", "ExponentialUpdateLossScaleManager", "FixedLossScaleManager",
    "KerasDistributeOptimizer", "MemoryConfig", "NPUBroadcastGlobalVariablesCallback",
    "NPUBroadcastGlobalVariablesHook", "NPUCheckpointSaverHook", "NPUDistributedOptimizer", "NPUEstimator",
    "NPUEstimatorSpec", "NPULossScaleOptimizer", "NPUOptimizer", "NPUOutputTensorHook", "NPURunConfig",
    "NpuEmptyHook", "ProfilingConfig", "RewriterConfig", "SetIterationsVarHook", "TellMeStepOrLossHook", "backend",
    "close_session", "config_pb2", "create_group", "decorator_tf_session", "destroy_group", "experimental_options",
    "get_group_rank_from_world_rank", "get_local_rank_id", "get_local_rank_size", "get_npu_local_rank_id",
    "get_npu_local_rank_size", "get_npu_rank_id", "get_npu_rank_size", "get_rank_id", "get_rank_size",
    "get_world_rank_from_group_rank", "hccl_ops", "init_resource", "keras_to_npu", "npu_allreduce",
    "npu_callbacks_append", "npu_clear_session", "npu_config_proto", "npu_distributed_optimizer_wrapper",
    "npu_embedding", "npu_graph_options", "npu_hooks_append", "npu_keras_optimizer", "npu_ops",
    "npu_optimizer_options", "npu_plugin", "npu_rnn", "npu_run_config_init", "npu_scope", "npu_strategy",
    "npu_tf_optimizer", "npu_unary_ops", "os", "rewriter_config_pb2", "session", "session_run_hook",
    "set_keras_session_npu_config", "set_split_strategy_by_idx", "set_split_strategy_by_size", "shutdown_resource",
    "tf", "util",
    # 2021-era name that migrated scripts still call
    "npu_session_config_init",
]
