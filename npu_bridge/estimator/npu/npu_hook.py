"""Session-run hooks of the NPU estimator (upstream ``npu_bridge/estimator/npu/npu_hook.py``).

Import side effect (as upstream): VariableDef (de)serialisers are registered for the
``npu_runconfig_*`` collections of the four ``iterations_per_loop`` loop variables, so graphs
holding them export to MetaGraphs without warnings.

Emulation notes.  On the device, log and ``host_call`` tensors travel through outfeed channels
that background threads dequeue.  There is no device/host split here: device-side prints reach
the host directly, so :class:`NPULogOutfeedSessionHook` has nothing to dequeue, and
:class:`NPUInfeedOutfeedSessionHook` fetches its ``dequeue_ops`` (the host function's outputs)
together with every step instead of from a thread.
"""
import logging
import os

import tensorflow.compat.v1 as tf
from tensorflow.python.ops import gen_summary_ops
from tensorflow.python.ops import summary_ops_v2
from tensorflow.python.training import basic_session_run_hooks
from tensorflow.python.training import session_run_hook

from npu_bridge.estimator.npu import util

_log = logging.getLogger("npu_bridge.npu_hook")

for _loop_var_name in util.LOOP_VARIABLE_NAMES:
    util.register_func(_loop_var_name)


class NPUShutDownHook(session_run_hook.SessionRunHook):
    """Builds an ``NPUShutdown`` op in ``begin`` and runs it in ``end``."""

    def __init__(self, scaffold=None):
        super().__init__()
        self._scaffold = scaffold
        self._shutdown_npu_op = None

    def begin(self):
        if self._shutdown_npu_op is None or self._shutdown_npu_op.graph is not tf.get_default_graph():
            from npu_bridge.helper import helper

            self._shutdown_npu_op = helper.get_gen_ops().npu_shutdown()

    def end(self, session):
        _log.info("NPUShutDownHook run...")
        session.run(self._shutdown_npu_op)


def _rank_size():
    size = util.get_ranksize()
    return int(size) if size.isdigit() else 1


class NPUBroadcastGlobalVariablesHook(session_run_hook.SessionRunHook):
    """Broadcasts the trainable variables from ``root_rank`` once, after the session is created.

    Does nothing when the rank size (RANK_SIZE / CM_WORKER_SIZE) is 1 or not a number.
    ``index`` is kept for upstream compatibility and not used.
    """

    def __init__(self, root_rank=None, index=None):
        self._root_rank = root_rank
        self._index = index
        self._bcast_op = None
        self._rank_size = _rank_size()

    def begin(self):
        if self._rank_size <= 1:
            return
        if self._bcast_op is None or self._bcast_op.graph is not tf.get_default_graph():
            self._bcast_op = broadcast_global_variables(self._root_rank)

    def after_create_session(self, session, coord):
        if self._rank_size > 1 and self._bcast_op is not None:
            _log.info("NPUBroadcastGlobalVariablesHook run...")
            session.run(self._bcast_op)


class NPUCheckpointSaverHook(basic_session_run_hooks.CheckpointSaverHook):
    """CheckpointSaverHook that also logs the global step after every run."""

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None, checkpoint_basename="model.ckpt",
                 scaffold=None, listeners=None):
        super().__init__(checkpoint_dir=checkpoint_dir, save_secs=save_secs, save_steps=save_steps, saver=saver,
                         checkpoint_basename=checkpoint_basename, scaffold=scaffold, listeners=listeners)

    def after_run(self, run_context, run_values):
        global_step = run_context.session.run(self._global_step_tensor)
        _log.info("global_step...%s", global_step)
        super().after_run(run_context, run_values)

    def end(self, session):
        _log.info("NPUCheckpointSaverHook end...")
        super().end(session)


class SetIterationsVarHook(session_run_hook.SessionRunHook):
    """Creates the loop variables and loads (N-1, 0, 0, 1) into them after session creation."""

    def __init__(self, iterations_per_loop=None):
        self._iterations_per_loop = iterations_per_loop
        self._loop_vars = None

    def begin(self):
        util.check_positive_integer(self._iterations_per_loop, "iterations_per_loop")
        self._loop_vars = [util.create_or_get_var(name) for name in util.LOOP_VARIABLE_NAMES]

    def after_create_session(self, session, coord):
        values = (self._iterations_per_loop - 1, 0, 0, 1)
        for variable, value in zip(self._loop_vars, values):
            variable.load(value, session=session)
        print("load iterations_per_loop value -----------")
        print(session.run(self._loop_vars[0]))


def broadcast_global_variables(root_rank):
    """Group of ``assign(var, broadcast([var], root_rank)[0])`` over the trainable variables."""
    from npu_bridge.hccl import hccl_ops  # lazy: hccl_ops imports the estimator package indirectly

    assign_ops = []
    for var in tf.trainable_variables():
        outputs = hccl_ops.broadcast([var], root_rank)
        if outputs is not None:
            assign_ops.append(tf.assign(var, outputs[0]))
    return tf.group(assign_ops)


class NPULogOutfeedSessionHook(session_run_hook.SessionRunHook):
    """Forwards device-side log output to ``output_stream``.

    On the device, ``tf.print`` inside the compiled graph is sent to the host over the
    ``_npu_log`` outfeed channel.  In the emulation the print op runs on the host and writes
    directly, so this hook only flushes ``output_stream`` when the session ends.
    """

    def __init__(self, output_stream):
        self._output_stream = output_stream

    def end(self, session):
        flush = getattr(self._output_stream, "flush", None)
        if callable(flush):
            flush()


class NPUInfeedOutfeedSessionHook(session_run_hook.SessionRunHook):
    """Runs the host side of ``host_call``: summary-writer setup, ``dequeue_ops`` each step, flush at end.

    ``dequeue_ops`` are fetched with every ``Session.run`` (synchronously; upstream dequeues them
    in a background thread fed by the device outfeed of channel ``channel_name``).
    """

    def __init__(self, dequeue_ops, channel_name):
        self._dequeue_ops = dequeue_ops
        self._channel_name = str(channel_name)
        self._init_ops = []
        self._finalize_ops = []

    def begin(self):
        self._init_ops = list(summary_ops_v2.summary_writer_initializer_op())
        self._finalize_ops = [gen_summary_ops.flush_summary_writer(op.inputs[0]) for op in self._init_ops]

    def after_create_session(self, session, coord):
        if self._init_ops:
            session.run(self._init_ops)

    def before_run(self, run_context):
        ops_ = self._dequeue_ops
        if ops_ is None or (isinstance(ops_, (list, tuple, dict)) and not ops_):
            return None
        return tf.train.SessionRunArgs(ops_)

    def end(self, session):
        if self._finalize_ops:
            session.run(self._finalize_ops)


class NPUOutputTensorHook(basic_session_run_hooks.LoggingTensorHook):
    """Collects ``tensors`` (a dict) every step and hands the list of values to ``output_fn``.

    ``output_fn(list_of_dicts)`` is called every ``output_every_n_steps`` steps and at ``end``.
    ``output_every_n_steps=0`` (the default) means "only at end"; upstream divides by it and
    raises ZeroDivisionError after the first step.  Without ``output_fn`` the values are logged.
    """

    def __init__(self, tensors, dependencies=None, output_fn=None, output_every_n_steps=0):
        util.check_nonnegative_integer(output_every_n_steps, "output_every_n_steps")
        self._output_fn = output_fn
        self._output_every_n_steps = output_every_n_steps
        self._output_list = []
        self._iter_count = 0
        self._tensors = None
        if tensors is not None:
            if dependencies is not None:
                if not isinstance(dependencies, (tuple, list)):
                    dependencies = [dependencies]
                with tf.control_dependencies(dependencies):
                    tensors = {tag: tf.identity(value) for tag, value in tensors.items()}
            self._tensors = tensors
            super().__init__(tensors, every_n_iter=1 << 31)

    def begin(self):
        if self._tensors is not None:
            super().begin()

    def before_run(self, run_context):
        if self._tensors is None:
            return None
        return tf.train.SessionRunArgs(self._current_tensors)

    def after_run(self, run_context, run_values):
        if self._tensors is not None:
            self._output_list.append({tag: run_values.results[tag] for tag in self._tag_order})
        self._iter_count += 1
        if self._output_every_n_steps and self._iter_count % self._output_every_n_steps == 0:
            self._call_output_fn()

    def end(self, session):
        if self._output_list:
            self._call_output_fn()

    def _call_output_fn(self):
        if self._output_fn is None:
            _log.info("NPUOutputTensorHook: %s", self._output_list)
        else:
            self._output_fn(list(self._output_list))
        del self._output_list[:]


class TellMeStepOrLossHook(session_run_hook.SessionRunHook):
    """Publishes training progress for GeOp's accelerate-train mode through environment variables.

    ``step`` / ``loss`` are tensor names (e.g. ``"global_step:0"``); after each run the hook
    sets ``STEP_NOW`` and ``TOTAL_STEP`` and/or ``LOSS_NOW`` and ``TARGET_LOSS``.
    """

    def __init__(self, step=None, total_step=None, loss=None, final_loss=None):
        if step is None and loss is None:
            raise ValueError("TellMeStepOrLossHook needs at least one of `step` or `loss` (tensor names)")
        self._step = step
        self._total_step = total_step
        self._loss = loss
        self._final_loss = final_loss

    def before_run(self, run_context):
        fetches = {}
        if self._step is not None:
            fetches["step"] = self._step
        if self._loss is not None:
            fetches["loss"] = self._loss
        return tf.train.SessionRunArgs(fetches)

    def after_run(self, run_context, run_values):
        results = run_values.results
        if "step" in results:
            os.environ["STEP_NOW"] = str(results["step"])
            os.environ["TOTAL_STEP"] = str(self._total_step)
        if "loss" in results:
            os.environ["LOSS_NOW"] = str(results["loss"])
            os.environ["TARGET_LOSS"] = str(self._final_loss)
