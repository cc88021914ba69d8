"""Distributed and loss-scaling optimizer wrappers (upstream ``npu_bridge.estimator.npu.npu_optimizer``).

ascend-sim emulates one device.  With ``RANK_SIZE`` ≤ 1 the distributed wrappers
(:class:`NPUDistributedOptimizer`, :class:`KerasDistributeOptimizer`,
:func:`npu_distributed_optimizer_wrapper`) pass gradients through unchanged, exactly as upstream
does on one rank; :func:`allreduce`, :func:`reduce`, :func:`npu_allreduce` and
``NPUOptimizer(is_distributed=True)`` insert the HCCL ops, which are the identity on one rank.
With ``RANK_SIZE`` > 1 each of them raises the RuntimeError of
:func:`npu_bridge._distribution.require_single_rank` where upstream would start talking to other
ranks.
"""
import os

import keras
import tensorflow.compat.v1 as tf  # noqa: F401  (upstream module namespace)
from tensorflow.python.framework import indexed_slices, ops
from tensorflow.python.ops import cond as tf_cond
from tensorflow.python.ops import control_flow_ops, gen_control_flow_ops, math_ops
from tensorflow.python.training import optimizer as _tf_optimizer

from npu_bridge import _distribution
from npu_bridge.estimator.npu import _float_status
from npu_bridge.hccl import hccl_ops
from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()
optimizers = keras.optimizers
optimizer_v2 = keras.optimizers.legacy  # upstream: the OptimizerV2 module; ``optimizer_v2.Optimizer`` is the class


def _divide(tensor, size):
    return math_ops.div(tensor, math_ops.cast(size, tensor.dtype.base_dtype))


def allreduce(tensor, average=True):
    """Sum ``tensor`` over all ranks (HcomAllReduce; IndexedSlices: two allgathers), then divide by
    the rank size when ``average``."""
    size = _distribution.require_single_rank("npu_optimizer.allreduce")
    if isinstance(tensor, indexed_slices.IndexedSlices):
        values = hccl_ops.allgather(tensor.values, size)
        indices = hccl_ops.allgather(tensor.indices, size)
        if average:
            values = _divide(values, size)
        return indexed_slices.IndexedSlices(values, indices, dense_shape=tensor.dense_shape)
    summed = hccl_ops.allreduce(tensor, "sum")
    return _divide(summed, size) if average else summed


def reduce(tensor, root_rank, average=True, fusion=0, fusion_id=-1):
    """Sum ``tensor`` onto ``root_rank`` (HcomReduce); the root divides by the rank size when ``average``.

    Needs ``DEVICE_ID`` ≥ 0, as upstream.
    """
    size = _distribution.require_single_rank("npu_optimizer.reduce")
    device_id = os.getenv("DEVICE_ID")
    try:
        local_rank = int(device_id)
    except (TypeError, ValueError):
        local_rank = -1
    if local_rank < 0:
        raise ValueError(f"reduce needs the environment variable DEVICE_ID set to an int >= 0, got {device_id!r}")
    summed = hccl_ops.reduce(tensor, "sum", root_rank, fusion, fusion_id)
    if average and _distribution.rank_id() == root_rank:
        return _divide(summed, size)
    return summed


def _allreduce_grads(grads_and_vars, scope):
    with ops.name_scope(scope):
        return [(allreduce(g, True) if g is not None else None, v) for g, v in grads_and_vars]


class NPUOptimizer(_tf_optimizer.Optimizer):
    """Loss scaling (with the float-status overflow check) and gradient averaging in one wrapper."""

    def __init__(self, opt, loss_scale_manager=None, is_distributed=False, is_loss_scale=False,
                 is_tailing_optimization=False, name=None):
        if is_loss_scale and loss_scale_manager is None:
            raise ValueError("is_loss_scale=True needs a loss_scale_manager (FixedLossScaleManager or "
                             "ExponentialUpdateLossScaleManager), got None")
        self._opt = opt
        self._loss_scale_manager = loss_scale_manager
        self._is_distributed = is_distributed
        self._is_loss_scale = is_loss_scale
        self._is_tailing_optimization = is_tailing_optimization
        self._is_overall_finite = None
        if name is None:
            name = f"NPUOptimizer{type(opt).__name__}"
        super().__init__(use_locking=False, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=_tf_optimizer.Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False, grad_loss=None):
        if self._is_loss_scale:
            loss_scale = self._loss_scale_manager.get_loss_scale()
            loss = loss * math_ops.cast(loss_scale, loss.dtype.base_dtype)
        grads_and_vars = self._opt.compute_gradients(
            loss,
            var_list=var_list,
            gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
            grad_loss=grad_loss,
        )
        if self._is_loss_scale and self._is_tailing_optimization:
            # the overflow check runs on the local gradients, before the (last) allreduce
            self._is_overall_finite = self._overflow_check([g for g, _ in grads_and_vars])
        if self._is_distributed:
            grads_and_vars = _allreduce_grads(grads_and_vars, f"{self._name}_Allreduce")
        if self._is_loss_scale:
            reciprocal = math_ops.reciprocal(loss_scale)
            grads_and_vars = [(self._down_scale(g, reciprocal), v) for g, v in grads_and_vars]
        return grads_and_vars

    @staticmethod
    def _down_scale(grad, reciprocal):
        if grad is None:
            return None
        if isinstance(grad, indexed_slices.IndexedSlices):
            values = grad.values * math_ops.cast(reciprocal, grad.values.dtype.base_dtype)
            return indexed_slices.IndexedSlices(values, grad.indices, grad.dense_shape)
        return grad * math_ops.cast(reciprocal, grad.dtype.base_dtype)

    def _overflow_check(self, grads):
        status, cleared = _float_status.read_and_clear_status([g for g in grads if g is not None], self._name)
        return _float_status.overall_finite(status, cleared, self._is_distributed)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        if not self._is_loss_scale:
            return self._opt.apply_gradients(grads_and_vars, global_step, name)
        grads_and_vars = list(grads_and_vars)
        if not self._is_tailing_optimization or self._is_overall_finite is None:
            self._is_overall_finite = self._overflow_check([g for g, _ in grads_and_vars])
        finite = self._is_overall_finite

        def apply_fn():
            return self._opt.apply_gradients(grads_and_vars, global_step, name)

        update_vars = tf_cond.cond(finite, apply_fn, gen_control_flow_ops.no_op)
        return control_flow_ops.group(update_vars, self._loss_scale_manager.update_loss_scale(finite))

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        manager_vars = getattr(self._loss_scale_manager, "_variables", None)
        return list(self._opt.variables(*args, **kwargs)) + (list(manager_vars()) if manager_vars else [])


class NPUDistributedOptimizer(_tf_optimizer.Optimizer):
    """Average gradients over ranks (HcomAllReduce) before applying them; a pass-through on one rank.

    With one rank, ``is_weight_update_sharding`` changes nothing either: every gradient belongs to
    rank 0, which applies all of them.
    """

    def __init__(self, optimizer, is_weight_update_sharding=False, name=None):
        self._optimizer = optimizer
        self._is_weight_update_sharding = is_weight_update_sharding
        if name is None:
            name = f"Distributed{type(optimizer).__name__}"
        super().__init__(use_locking=False, name=name)

    def compute_gradients(self, *args, **kwargs):
        gradients = self._optimizer.compute_gradients(*args, **kwargs)
        _distribution.require_single_rank("NPUDistributedOptimizer.compute_gradients (gradient allreduce)")
        return gradients

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        if self._is_weight_update_sharding:
            _distribution.require_single_rank("NPUDistributedOptimizer.apply_gradients (weight-update sharding)")
        return self._optimizer.apply_gradients(grads_and_vars, global_step, name)

    def get_slot(self, *args, **kwargs):
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        return self._optimizer.variables(*args, **kwargs)


def _averaged_grads(grads, what):
    """Gradients averaged over ranks: unchanged on one rank (more ranks are not emulated)."""
    _distribution.require_single_rank(what)
    return grads


class KerasDistributeOptimizer(optimizer_v2.Optimizer):
    """Keras (OptimizerV2) wrapper averaging gradients over ranks; delegates the update to ``optimizer``.

    Usable in Keras v1 graph mode ``model.compile(optimizer=KerasDistributeOptimizer(opt))``.
    Attributes it does not have (``lr``, ``iterations``' hyperparameters, ...) are read from the
    wrapped optimizer.
    """

    def __init__(self, optimizer, name="NpuKerasOptimizer", **kwargs):
        super().__init__(name, **kwargs)
        self._optimizer = optimizer
        self._track_trackable(optimizer, name="optimizer")
        original_get_gradients = optimizer.get_gradients

        def get_gradients(loss, params):
            grads = original_get_gradients(loss, params)
            return _averaged_grads(grads, "KerasDistributeOptimizer.get_gradients (gradient allreduce)")

        self._optimizer.get_gradients = get_gradients

    def __getattr__(self, name):
        # only reached for attributes neither this object nor its hyperparameters have
        if name.startswith("__") or "_optimizer" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self.__dict__["_optimizer"], name)

    @property
    def iterations(self):
        return self._optimizer.iterations

    @iterations.setter
    def iterations(self, variable):
        self._optimizer.iterations = variable

    def get_updates(self, loss, params):
        return self._optimizer.get_updates(loss, params)

    def apply_gradients(self, grads_and_vars, name=None, **kwargs):  # pylint: disable=arguments-differ
        return self._optimizer.apply_gradients(grads_and_vars, name=name, **kwargs)

    def _compute_gradients(self, loss, var_list, grad_loss=None, tape=None):
        grads_and_vars = self._optimizer._compute_gradients(  # pylint: disable=protected-access
            loss, var_list, grad_loss=grad_loss, tape=tape
        )
        return _averaged_grads(grads_and_vars, "KerasDistributeOptimizer._compute_gradients (gradient allreduce)")

    def _create_all_weights(self, var_list):
        return self._optimizer._create_all_weights(var_list)  # pylint: disable=protected-access

    def variables(self):
        return self._optimizer.variables()

    @property
    def weights(self):
        return self._optimizer.weights

    def get_weights(self):
        return self._optimizer.get_weights()

    def set_weights(self, weights):
        return self._optimizer.set_weights(weights)

    def get_config(self):
        config = super().get_config()
        config["optimizer"] = self._optimizer
        return config


def _wrap_grads_method(optimizer, method, scope):
    original = getattr(optimizer, method)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        _distribution.require_single_rank(f"npu_distributed_optimizer_wrapper ({scope})")
        return result

    wrapped.__name__ = method
    wrapped.__doc__ = getattr(original, "__doc__", None)
    setattr(optimizer, method, wrapped)


def npu_distributed_optimizer_wrapper(optimizer):
    """Patch ``optimizer`` (or ``keras.optimizers.get(optimizer)`` for a str) in place so that its
    gradients are averaged over ranks, and return the same object.

    The rank size is read once, here: on one rank the gradients are unchanged; with more ranks
    this raises (not emulated).
    """
    if isinstance(optimizer, str):
        optimizer = optimizers.get(optimizer)
    _distribution.require_single_rank("npu_distributed_optimizer_wrapper (gradient allreduce)")
    for method, scope in (
        ("compute_gradients", "Npu_Distributed_optimizer_Allreduce"),
        ("get_gradients", "Npu_Distributed_optimizer_get_grads_Allreduce"),
        ("_compute_gradients", "Npu_Distributed_optimizer_compute_grads_Allreduce"),
    ):
        if hasattr(optimizer, method):
            _wrap_grads_method(optimizer, method, scope)
    return optimizer


def npu_allreduce(values, reduction="mean", fusion=1, fusion_id=-1, group="hccl_world_group"):
    """All-reduce each value (always inserts HcomAllReduce, even on one rank); "mean" sums and
    divides by the rank size.  A list or tuple gives a list, a single value a single value."""
    reduction_ops = ("mean", "min", "max", "prod", "sum")
    if reduction not in reduction_ops:
        raise ValueError(f"npu_allreduce: reduction must be one of {list(reduction_ops)}, got {reduction!r}")
    size = _distribution.require_single_rank("npu_allreduce")
    hccl_reduction = "sum" if reduction == "mean" else reduction

    def one(value):
        if value is None:
            return None
        if isinstance(value, indexed_slices.IndexedSlices):
            gathered = indexed_slices.IndexedSlices(
                hccl_ops.allgather(value.values, size, group=group),
                hccl_ops.allgather(value.indices, size, group=group),
                dense_shape=value.dense_shape,
            )
            if reduction == "mean":
                return indexed_slices.IndexedSlices(_divide(gathered.values, size), gathered.indices, gathered.dense_shape)
            return gathered
        reduced = hccl_ops.allreduce(value, hccl_reduction, fusion=fusion, fusion_id=fusion_id, group=group)
        return _divide(reduced, size) if reduction == "mean" else reduced

    if isinstance(values, (list, tuple)):
        return [one(v) for v in values]
    return one(values)
