"""Public helpers of the NPU estimator (upstream ``npu_bridge/estimator/npu/util.py``).

Validators, the ``iterations_per_loop`` loop variables, rank size, the process-wide key/value
store used by ``npu_init.init_resource``, per-op attribute setters and the weight-update
sharding bookkeeping (the latter lives in :mod:`npu_bridge.estimator.npu._sharding` and is
re-exported here under upstream's names).
"""
import logging
import os

import six
import tensorflow.compat.v1 as tf
from tensorflow.core.framework import attr_value_pb2
from tensorflow.core.framework import variable_pb2
from tensorflow.python.framework import dtypes
from tensorflow.python.framework import ops
from tensorflow.python.ops import init_ops
from tensorflow.python.ops import resource_variable_ops
from tensorflow.python.ops import variable_scope
from tensorflow.python.training import training_util
from tensorflow.python.util import compat

from npu_bridge.estimator.npu._sharding import GradDivisionItem  # noqa: F401  (upstream name)
from npu_bridge.estimator.npu._sharding import add_grads_and_vars  # noqa: F401
from npu_bridge.estimator.npu._sharding import fair_division  # noqa: F401
from npu_bridge.estimator.npu._sharding import get_all_grad_item  # noqa: F401
from npu_bridge.estimator.npu._sharding import get_gid_by_grad  # noqa: F401
from npu_bridge.estimator.npu._sharding import get_gid_by_weight  # noqa: F401

_log = logging.getLogger("npu_bridge.util")

_NPU_RUNCONFIG = "npu_runconfig"
_ITERATIONS_PER_LOOP_VAR = "iterations_per_loop"
_LOOP_COND_VAR = "loop_cond"
_CONST_ZERO = "zero"
_CONST_ONE = "one"
LOOP_VARIABLE_NAMES = (_ITERATIONS_PER_LOOP_VAR, _LOOP_COND_VAR, _CONST_ZERO, _CONST_ONE)

_PROFILING_TYPES = ("training_trace", "task_trace", "op_trace")
_AOE_MODES = ("1", "2", "4", "mdat")
_DYNAMIC_GRAPH_EXECUTE_MODES = ("lazy_recompile", "dynamic_execute")


# --------------------------------------------------------------------------- validators
def check_not_none(value, name):
    """ValueError when ``value`` is None."""
    if value is None:
        raise ValueError(f"{name} must not be None")


def check_positive_integer(value, name):
    """TypeError unless ``value`` is an int; ValueError unless it is > 0."""
    if not isinstance(value, six.integer_types):
        raise TypeError(f"{name} must be int, got {type(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


def check_nonnegative_integer(value, name):
    """TypeError unless ``value`` is an int; ValueError when it is < 0."""
    if not isinstance(value, six.integer_types):
        raise TypeError(f"{name} must be int, got {type(value)}")
    if value < 0:
        raise ValueError(f"{name} must be nonnegative, got {value}")


def check_bool_type(value, name):
    """TypeError unless ``value`` is True or False."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def convert_bool_to_int(value):
    """True -> 1, False -> 0, anything else -> -1."""
    if value is True:
        return 1
    if value is False:
        return 0
    return -1


def format_string(value, name):
    """None -> ""; a str is returned as is; anything else is a TypeError naming ``name``."""
    if value is None:
        return ""
    if not isinstance(value, six.string_types):
        raise TypeError(f"{name} must be string, got {type(value)}")
    return str(value)


def check_profiling_options(profiling_options=()):
    """Legacy profiling option list -> "a:b" string; items must be in training_trace/task_trace/op_trace."""
    options = list(profiling_options or ())
    if not options or any(option not in _PROFILING_TYPES for option in options):
        raise ValueError(
            f"profiling options must be a non-empty list of {list(_PROFILING_TYPES)}, got {profiling_options!r}"
        )
    return ":".join(options)


def check_path(path):
    """The realpath of ``path``, which must be an existing directory with read and write access."""
    if not os.path.exists(path):
        raise ValueError(f"path:{path} is not exists.")
    real_path = os.path.realpath(path)
    if not os.path.isdir(real_path):
        raise ValueError(f"path:{path} is not directory.")
    if not os.access(real_path, os.R_OK | os.W_OK):
        raise ValueError(f"path:{path} is not read and write permissions.")
    return real_path


def check_aoe_mode(aoe_mode):
    """ValueError unless ``aoe_mode`` is one of "1", "2", "4", "mdat"."""
    if aoe_mode not in _AOE_MODES:
        raise ValueError(f"aoe_mode is invalid, should be in {list(_AOE_MODES)}, got {aoe_mode!r}")


# --------------------------------------------------------------------------- loop variables
def _loop_var_to_proto(variable, export_scope=None):
    return variable.to_proto(export_scope=export_scope)


def _loop_var_from_proto(variable_def, import_scope=None):
    return resource_variable_ops.ResourceVariable.from_proto(variable_def, import_scope=import_scope)


def register_func(var_name):
    """Register VariableDef (de)serialisers for collection ``npu_runconfig_<var_name>`` (idempotent)."""
    collection_name = f"{_NPU_RUNCONFIG}_{var_name}"
    if ops.get_to_proto_function(collection_name) is not None:
        return
    ops.register_proto_function(
        collection_name,
        proto_type=variable_pb2.VariableDef,
        to_proto=_loop_var_to_proto,
        from_proto=_loop_var_from_proto,
    )


def create_or_get_var(var_name):
    """The scalar int64 resource variable ``npu_runconfig/<var_name>`` of the default graph.

    Zero-initialised, non-trainable, in LOCAL_VARIABLES and collection ``npu_runconfig_<var_name>``,
    colocated with the global step when there is one.  Returns the existing one when present.
    """
    graph = ops.get_default_graph()
    collection_name = f"{_NPU_RUNCONFIG}_{var_name}"
    existing = graph.get_collection(collection_name)
    if len(existing) == 1:
        return existing[0]
    if len(existing) > 1:
        raise RuntimeError(f"Multiple variables in collection {collection_name!r}.")
    global_step = training_util.get_global_step(graph)
    with ops.colocate_with(global_step, ignore_existing=global_step is None):
        with variable_scope.variable_scope(_NPU_RUNCONFIG, reuse=variable_scope.AUTO_REUSE):
            return variable_scope.get_variable(
                var_name,
                shape=[],
                dtype=dtypes.int64,
                initializer=init_ops.zeros_initializer(),
                trainable=False,
                collections=[collection_name, ops.GraphKeys.LOCAL_VARIABLES],
                use_resource=True,
            )


def _check_train_op(train_op):
    if not isinstance(train_op, ops.Operation):
        dtype = getattr(train_op, "dtype", None)
        described = f"a Tensor of dtype {dtype.name}" if hasattr(dtype, "name") else type(train_op).__name__
        raise ValueError(
            f"The incoming 'train_op' type is '{described}', and the need type is 'Operation' "
            "(pass what optimizer.minimize() / apply_gradients() returns)"
        )


def _create_loop_vars():
    return [create_or_get_var(name) for name in LOOP_VARIABLE_NAMES]


def _load_loop_vars(loop_vars, sess, iterations_per_loop):
    values = (iterations_per_loop - 1, 0, 0, 1)
    for variable, value in zip(loop_vars, values):
        variable.load(value, session=sess)


def set_iteration_per_loop(sess, train_op, iterations_per_loop=1):
    """Mark ``train_op`` to run ``iterations_per_loop`` steps per ``Session.run``.

    N = 1 returns ``train_op`` itself.  Otherwise the four loop variables are created (or found)
    and loaded in ``sess`` with (N-1, 0, 0, 1), and ``tf.group(train_op, name="IterationOp")`` is
    returned.  The session config must also carry the NpuOptimizer ``iterations_per_loop`` key.
    """
    _check_train_op(train_op)
    check_positive_integer(iterations_per_loop, "iterations_per_loop")
    if iterations_per_loop == 1:
        return train_op
    _load_loop_vars(_create_loop_vars(), sess, iterations_per_loop)
    return tf.group(train_op, name="IterationOp")


class IterationPerLoop:
    """Two-phase variant of :func:`set_iteration_per_loop`: build before the session, load after."""

    def __init__(self):
        self._iterations_per_loop_var = None
        self._loop_cond_var = None
        self._const_zero = None
        self._const_one = None

    def create_iteration_per_loop_var(self, train_op):
        """Create (or find) the loop variables and return the ``IterationOp`` group of ``train_op``."""
        _check_train_op(train_op)
        (self._iterations_per_loop_var, self._loop_cond_var,
         self._const_zero, self._const_one) = _create_loop_vars()
        return tf.group(train_op, name="IterationOp")

    def load_iteration_per_loop_var(self, sess, iterations_per_loop=1):
        """Load (N-1, 0, 0, 1) into the variables made by ``create_iteration_per_loop_var``."""
        check_positive_integer(iterations_per_loop, "iterations_per_loop")
        if self._iterations_per_loop_var is None:
            raise RuntimeError("load_iteration_per_loop_var() needs create_iteration_per_loop_var() to be called first")
        loop_vars = [self._iterations_per_loop_var, self._loop_cond_var, self._const_zero, self._const_one]
        _load_loop_vars(loop_vars, sess, iterations_per_loop)


# --------------------------------------------------------------------------- rank size
def get_ranksize():
    """World size as a string: RANK_SIZE, else CM_WORKER_SIZE, else '1' (both set: ValueError)."""
    rank_size = os.getenv("RANK_SIZE")
    worker_size = os.getenv("CM_WORKER_SIZE")
    if rank_size is not None and worker_size is not None:
        raise ValueError("RANK_SIZE and CM_WORKER_SIZE cannot be configured at the same time; unset one of them")
    if rank_size is not None:
        return rank_size
    if worker_size is not None:
        return worker_size
    return "1"


# --------------------------------------------------------------------------- host initialisation
def variable_initializer_in_host(var_list):
    """Initializer op of ``var_list`` named ``var_in_host`` (the graph the real GeOp runs on the host)."""
    return tf.initializers.variables(var_list, name="var_in_host")


# --------------------------------------------------------------------------- per-op attributes
def _op_of(fetch):
    return fetch if isinstance(fetch, ops.Operation) else fetch.op


def _recompute_mode(experimental_config):
    if experimental_config is None:
        return None
    from npu_bridge.estimator.npu.npu_config import ExperimentalConfig  # lazy: npu_config imports util

    if not isinstance(experimental_config, ExperimentalConfig):
        raise ValueError(
            f"experimental_config must be an ExperimentalConfig or None, got {type(experimental_config).__name__}"
        )
    memory_config = experimental_config._graph_memory_optimize_config  # pylint: disable=protected-access
    return None if memory_config is None else memory_config._recompute  # pylint: disable=protected-access


def set_graph_exec_config(fetch, dynamic_input=False, dynamic_graph_execute_mode="dynamic_execute",
                          dynamic_inputs_shape_range=None, is_train_graph=False, experimental_config=None):
    """Stamp graph-execution attributes on the op of ``fetch`` (op, tensor, tensor name, or a list).

    Attributes: ``_graph_dynamic_input``, ``_graph_dynamic_graph_execute_mode``,
    ``_graph_dynamic_inputs_shape_range``, ``_is_train_graph`` and, when the experimental
    config's GraphMemoryOptimizeConfig sets ``recompute``, ``_recompute_mode``.  Returns ``fetch``.
    """
    if dynamic_graph_execute_mode not in _DYNAMIC_GRAPH_EXECUTE_MODES:
        raise ValueError(
            f"dynamic_graph_execute_mode should be one of {list(_DYNAMIC_GRAPH_EXECUTE_MODES)}, "
            f"got {dynamic_graph_execute_mode!r}"
        )
    recompute = _recompute_mode(experimental_config)
    if isinstance(fetch, (tuple, list)):
        for item in fetch:
            set_graph_exec_config(item, dynamic_input, dynamic_graph_execute_mode, dynamic_inputs_shape_range,
                                  is_train_graph, experimental_config)
        return fetch
    if isinstance(fetch, str):
        tensor = ops.get_default_graph().get_tensor_by_name(fetch)
        return set_graph_exec_config(tensor, dynamic_input, dynamic_graph_execute_mode, dynamic_inputs_shape_range,
                                     is_train_graph, experimental_config)
    if not isinstance(fetch, (ops.Operation, tf.Tensor)):
        raise ValueError(f"fetch is invalid, should be op, tensor, list, tuple or tensor name; got {type(fetch)}")
    op = _op_of(fetch)
    op._set_attr("_graph_dynamic_input", attr_value_pb2.AttrValue(b=bool(dynamic_input)))  # pylint: disable=protected-access
    op._set_attr("_graph_dynamic_graph_execute_mode",  # pylint: disable=protected-access
                 attr_value_pb2.AttrValue(s=compat.as_bytes(dynamic_graph_execute_mode)))
    op._set_attr("_graph_dynamic_inputs_shape_range",  # pylint: disable=protected-access
                 attr_value_pb2.AttrValue(s=compat.as_bytes(dynamic_inputs_shape_range or "")))
    op._set_attr("_is_train_graph", attr_value_pb2.AttrValue(b=bool(is_train_graph)))  # pylint: disable=protected-access
    if recompute is not None:
        op._set_attr("_recompute_mode", attr_value_pb2.AttrValue(s=compat.as_bytes(recompute)))  # pylint: disable=protected-access
    return fetch


def npu_compile(sess, *fetches):
    """Compile the graphs of ``fetches`` by running them once (``sess.run(fetches)``)."""
    sess.run(fetches)


def keep_tensors_dtypes(graph, input_tensors):
    """Set ``_keep_dtype=1`` on the ops of the named tensors (list/tuple of names) in ``graph``."""
    if not isinstance(graph, ops.Graph):
        raise ValueError(f"graph param must be ops.Graph class, got {type(graph).__name__}")
    if not isinstance(input_tensors, (tuple, list)):
        raise ValueError(f"input_tensors must be list or tuple, got {type(input_tensors).__name__}")
    for tensor_name in input_tensors:
        graph.get_tensor_by_name(tensor_name).op._set_attr(  # pylint: disable=protected-access
            "_keep_dtype", attr_value_pb2.AttrValue(i=1))


def set_op_tensor_max_range(tensor, max_shape):
    """Set ``_op_max_shape`` (a string such as "1,224,224,3") on the op of ``tensor``."""
    _op_of(tensor)._set_attr("_op_max_shape", attr_value_pb2.AttrValue(s=compat.as_bytes(max_shape)))  # pylint: disable=protected-access


def set_op_input_tensor_multi_dims(tensor, input_shape, input_dims):
    """Set ``_subgraph_multi_dims_input_shape`` / ``_subgraph_multi_dims_input_dims`` on the op of ``tensor``."""
    op = _op_of(tensor)
    op._set_attr("_subgraph_multi_dims_input_shape",  # pylint: disable=protected-access
                 attr_value_pb2.AttrValue(s=compat.as_bytes(input_shape)))
    op._set_attr("_subgraph_multi_dims_input_dims",  # pylint: disable=protected-access
                 attr_value_pb2.AttrValue(s=compat.as_bytes(input_dims)))


def set_op_tensor_max_size(tensor, max_size):
    """Set ``_op_max_size`` (an int number of bytes) on the op of ``tensor``."""
    check_positive_integer(max_size, "max_size")
    _op_of(tensor)._set_attr("_op_max_size", attr_value_pb2.AttrValue(i=max_size))  # pylint: disable=protected-access


# --------------------------------------------------------------------------- global key/value store
def global_dict_init():
    """Create (or reset) the process-wide store that ``set_value`` / ``get_value`` use."""
    global _global_dict  # pylint: disable=global-variable-undefined
    _global_dict = {}


def _store():
    try:
        return _global_dict
    except NameError:
        raise NameError(
            "npu_bridge's global dict is not initialised: call util.global_dict_init() first "
            "(npu_init.init_resource() does this); get_npu_rank_id() and friends need it"
        ) from None


def set_value(key, value):
    """Store ``value`` under ``key`` (NameError before ``global_dict_init()``, as upstream)."""
    _store()[key] = value


def get_value(key, def_value=None):
    """The value stored under ``key``, else ``def_value`` (NameError before ``global_dict_init()``)."""
    return _store().get(key, def_value)
