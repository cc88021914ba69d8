"""NPUEstimator and NPUEstimatorSpec (upstream ``npu_bridge/estimator/npu/npu_estimator.py``).

``NPUEstimator`` is a real ``tf.estimator.Estimator`` (v1) that
* writes the NPU options of its ``NPURunConfig`` into the session config (NpuOptimizer
  ``parameter_map`` plus an explicit grappler optimizer list, see ``_estimator_config``);
* reads the job info (``NPUBasics``), checks or creates ``model_dir`` and picks a warm start
  from ``LOCAL_CHECKPOINT_DIR`` / ``RESTORE_FROM``;
* wraps ``model_fn`` to add the NPU training hooks (broadcast, checkpoint saver with NPUSaver,
  host-call / log outfeed, iterations-per-loop) and the ``IterationOp`` marker, plus (ours) the
  ``EmulatedStepSummaryHook`` writing the emulated step time as TensorBoard scalars into ``model_dir``
  every ``save_summary_steps`` (else ``log_step_count_steps``) steps.

Divergences from upstream (see docs): a missing ``JOB_ID`` defaults to "1" with a warning instead
of a ValueError; the TPU leftovers ``use_tpu``, ``train_batch_size`` and ``eval_batch_size`` are
accepted and ignored; ``NPUEstimatorSpec(scaffold=fn)`` calls ``fn`` to get the Scaffold (TPU
``scaffold_fn`` semantics); ``host_call``'s host function is evaluated on the tensors directly in
the graph and fetched with each step, since there is no device/host split to cross.
"""
import contextlib
import logging
import os
import random
import string
import sys

import tensorflow.compat.v1 as tf
from tensorflow.python.framework import constant_op
from tensorflow.python.ops import array_ops
from tensorflow.python.training import monitored_session
from tensorflow.python.util import function_utils
from tensorflow.python.util import tf_inspect
from tensorflow_estimator.python.estimator import estimator as estimator_lib
from tensorflow_estimator.python.estimator import model_fn as model_fn_lib

from npu_bridge._runtime.summaries import EmulatedStepSummaryHook
from npu_bridge.estimator.npu import util
from npu_bridge.estimator.npu._estimator_config import load_graph_optimizers
from npu_bridge.estimator.npu.npu_common import NPUBasics
from npu_bridge.estimator.npu.npu_config import NPURunConfig
from npu_bridge.estimator.npu.npu_hook import NPUBroadcastGlobalVariablesHook
from npu_bridge.estimator.npu.npu_hook import NPUCheckpointSaverHook
from npu_bridge.estimator.npu.npu_hook import NPUInfeedOutfeedSessionHook
from npu_bridge.estimator.npu.npu_hook import NPULogOutfeedSessionHook
from npu_bridge.estimator.npu.npu_hook import SetIterationsVarHook
from npu_bridge.estimator.npu.npu_saver import NPUSaver

_log = logging.getLogger("npu_bridge.npu_estimator")
DEFAULT_SUMMARY_STEPS = 100


@contextlib.contextmanager
def no_check_override():
    """While active, Estimator's "subclasses must not override members" check is a no-op."""
    original = estimator_lib.Estimator._assert_members_are_not_overridden  # pylint: disable=protected-access
    estimator_lib.Estimator._assert_members_are_not_overridden = lambda self: None  # pylint: disable=protected-access
    try:
        yield
    finally:
        estimator_lib.Estimator._assert_members_are_not_overridden = original  # pylint: disable=protected-access


def _wrap_computation_in_while_loop(iterations_per_loop_var, op_fn):
    """A while loop running ``op_fn`` ``iterations_per_loop_var`` times (defined upstream, unused there too)."""
    iterations = array_ops.identity(iterations_per_loop_var)

    def body(i):
        with tf.control_dependencies([op_fn]):
            return i + 1

    return tf.while_loop(lambda i: i < iterations, body, [constant_op.constant(0)], parallel_iterations=1)


class _OutfeedHostCall:
    """Host-side evaluation of ``host_call`` = (host_fn, tensors as list/tuple/dict).

    Upstream sends the tensors through a device outfeed and runs ``host_fn`` on the dequeued
    copies; here ``host_fn`` is applied to the tensors themselves (same values, same step).
    """

    def __init__(self, channel_name):
        self._channel_name = str(channel_name)
        self._calls = []

    @staticmethod
    def validate(host_calls):
        """Check every (host_fn, tensors) pair like upstream (ValueError / TypeError / RuntimeError)."""
        for name, host_call in host_calls.items():
            if not isinstance(host_call, (tuple, list)):
                raise ValueError(f"{name} should be tuple or list, got {type(host_call).__name__}")
            if len(host_call) != 2:
                raise ValueError(f"{name} should have two elements (host_fn, tensors), got {len(host_call)}")
            if not callable(host_call[0]):
                raise TypeError(f"{name}[0] should be callable.")
            if not isinstance(host_call[1], (tuple, list, dict)):
                raise ValueError(f"{name}[1] should be tuple or list, or dict.")
            if isinstance(host_call[1], (tuple, list)):
                argspec = tf_inspect.getfullargspec(host_call[0])
                fn_args = function_utils.fn_args(host_call[0])
                if argspec.varargs is None and len(host_call[1]) != len(fn_args):
                    raise RuntimeError(
                        f"In NPUEstimatorSpec.{name}, length of tensors {len(host_call[1])} does not match "
                        f"method args of the function, which takes {len(fn_args)}.")

    def record(self, host_calls):
        for name, (host_fn, tensors) in host_calls.items():
            self._calls.append((name, host_fn, tensors))

    def create_npu_hostcall(self):
        """{name: flat list of the host function's fetchable outputs}."""
        results = {}
        for name, host_fn, tensors in self._calls:
            if isinstance(tensors, dict):
                output = host_fn(**tensors)
            else:
                output = host_fn(*tensors)
            results[name] = [item for item in tf.nest.flatten(output) if item is not None]
        return results


class NPUEstimatorSpec(model_fn_lib.EstimatorSpec):
    """EstimatorSpec plus ``host_call``; ``scaffold`` may also be a function returning a Scaffold."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None, export_outputs=None,
                training_chief_hooks=None, training_hooks=None, scaffold=None, evaluation_hooks=None,
                prediction_hooks=None, host_call=None):
        if host_call is not None:
            _OutfeedHostCall.validate({"host_call": host_call})
        if callable(scaffold) and not isinstance(scaffold, monitored_session.Scaffold):
            scaffold_fn = scaffold
            scaffold = scaffold_fn()
            if scaffold is not None and not isinstance(scaffold, monitored_session.Scaffold):
                raise TypeError(f"scaffold function {scaffold_fn!r} must return a tf.train.Scaffold or None, "
                                f"got {type(scaffold).__name__}")
        spec = super().__new__(cls, mode=mode, predictions=predictions, loss=loss, train_op=train_op,
                               eval_metric_ops=eval_metric_ops, export_outputs=export_outputs,
                               training_chief_hooks=training_chief_hooks, training_hooks=training_hooks,
                               scaffold=scaffold, evaluation_hooks=evaluation_hooks,
                               prediction_hooks=prediction_hooks)
        spec._host_call = host_call  # pylint: disable=protected-access
        return spec


def _check_model_dir(model_dir, config):
    if model_dir is not None:
        model_dir = os.fspath(model_dir)
    if model_dir is not None and config.model_dir is not None and model_dir != config.model_dir:
        raise ValueError(
            "`model_dir` are set both in NPUEstimator and NPURunConfig, but with different values: "
            f"NPUEstimator: {model_dir!r}, NPURunConfig: {config.model_dir!r}")
    model_dir = model_dir if model_dir is not None else config.model_dir
    if model_dir is None:
        suffix = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(10))
        model_dir = os.path.join(os.getcwd(), "model_dir_" + suffix)
        _log.warning("no model_dir given to NPUEstimator or NPURunConfig; using %s", model_dir)
        tf.io.gfile.mkdir(model_dir)
    return model_dir


def _host_call_hooks(spec, mode):
    """Hooks running the host side of an NPUEstimatorSpec (host_call outputs, log flush)."""
    hooks = []
    host_call = getattr(spec, "_host_call", None)
    if host_call is not None:
        outfeed = _OutfeedHostCall(mode)
        outfeed.record({"host_call": host_call})
        hooks.append(NPUInfeedOutfeedSessionHook(outfeed.create_npu_hostcall()["host_call"], mode))
    hooks.append(NPULogOutfeedSessionHook(sys.stderr))
    return hooks


def _check_spec_type(spec, what):
    if not isinstance(spec, model_fn_lib.EstimatorSpec):
        raise RuntimeError(f"estimator_spec used by NPU {what} must have type `NPUEstimatorSpec` or "
                           f"`EstimatorSpec`. Got {type(spec)}")


def _augment_model_fn(model_fn, model_dir, config, job_info):
    """The model_fn that NPUEstimator hands to Estimator: the user's plus the NPU hooks."""
    user_args = function_utils.fn_args(model_fn)

    def _model_fn(features, labels, mode, params):
        kwargs = {}
        for name, value in (("labels", labels), ("mode", mode), ("params", params), ("config", config)):
            if name in user_args:
                kwargs[name] = value
        spec = model_fn(features=features, **kwargs)
        if mode == model_fn_lib.ModeKeys.TRAIN:
            _check_spec_type(spec, "train")
            hooks = []
            rank_size = util.get_ranksize()
            if rank_size.isdigit() and int(rank_size) > 1 and not config.horovod_mode:
                device_info = job_info._device_info  # pylint: disable=protected-access
                hooks.append(NPUBroadcastGlobalVariablesHook(device_info._root_rank, device_info._index))  # pylint: disable=protected-access
            if config.save_checkpoints_steps or config.save_checkpoints_secs:
                hooks.append(NPUCheckpointSaverHook(checkpoint_dir=model_dir,
                                                    save_secs=config.save_checkpoints_secs,
                                                    save_steps=config.save_checkpoints_steps,
                                                    saver=NPUSaver(max_to_keep=config.keep_checkpoint_max)))
            if isinstance(spec, NPUEstimatorSpec):
                hooks.extend(_host_call_hooks(spec, mode))
            if config.iterations_per_loop > 1:
                hooks.append(SetIterationsVarHook(config.iterations_per_loop))
                spec = spec._replace(train_op=tf.group(spec.train_op, name="IterationOp"))
            hooks.append(EmulatedStepSummaryHook(
                model_dir, config.save_summary_steps or config.log_step_count_steps or DEFAULT_SUMMARY_STEPS))
            spec = spec._replace(training_hooks=tuple(hooks + list(spec.training_hooks or ())))
        elif mode == model_fn_lib.ModeKeys.EVAL:
            _check_spec_type(spec, "evaluate")
            if isinstance(spec, NPUEstimatorSpec):
                hooks = _host_call_hooks(spec, mode)
                spec = spec._replace(evaluation_hooks=tuple(hooks + list(spec.evaluation_hooks or ())))
        return spec

    return _model_fn


class NPUEstimator(estimator_lib.Estimator):
    """Estimator with NPU support; ``config`` must be an ``NPURunConfig``.

    ``use_tpu``, ``train_batch_size`` and ``eval_batch_size`` (TPUEstimator leftovers that
    migrated scripts still pass) are accepted and ignored.
    """

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None, job_start_file="",
                 warm_start_from=None, use_tpu=None, train_batch_size=None, eval_batch_size=None):
        _log.info("NPUEstimator init...")
        if config is None or not isinstance(config, NPURunConfig):
            raise ValueError(f"`config` must be provided with type `NPUConfigs` (an NPURunConfig), got "
                             f"{type(config).__name__}")
        if model_fn is None:
            raise ValueError("model_fn must be provided to NPUEstimator.")
        for name, value in (("use_tpu", use_tpu), ("train_batch_size", train_batch_size),
                            ("eval_batch_size", eval_batch_size)):
            if value is not None:
                _log.debug("NPUEstimator ignores the TPUEstimator argument %s=%r", name, value)
        model_fn_lib.verify_model_fn_args(model_fn, params)
        config = load_graph_optimizers(config)
        job_info = NPUBasics(job_start_file).jobinfo
        if job_info is None:
            raise ValueError("Load job info failed, please check whether `JOB_ID` is set in environment variable")
        model_dir = _check_model_dir(model_dir, config)
        model_function = _augment_model_fn(model_fn, model_dir, config, job_info)
        if not warm_start_from:
            warm_start_from = job_info._local_checkpoint_dir or os.getenv("RESTORE_FROM")  # pylint: disable=protected-access
        with no_check_override():
            super().__init__(model_fn=model_function, model_dir=model_dir, config=config, params=params or {},
                             warm_start_from=warm_start_from or None)
