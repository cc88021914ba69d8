"""Loss-scaling optimizer for NPU mixed precision (upstream ``npu_loss_scale_optimizer``).

``NPULossScaleOptimizer(opt, loss_scale_manager, is_distributed=False)`` is a
``tf.compat.v1.train.Optimizer``: ``compute_gradients`` multiplies the loss by the manager's scale
and the gradients by 1/scale (contrib's behaviour); ``apply_gradients`` decides whether the step
is finite and returns ``group(cond(finite, opt.apply_gradients, no_op),
manager.update_loss_scale(finite))``.  The finite flag is the bool tensor
``overflow_status_reduce_all`` built in the caller's name scope, so scripts find
``overflow_status_reduce_all:0`` (or ``<scope>/overflow_status_reduce_all:0``):

* device saturation mode (default): from the emulated float status (``NpuGetFloatStatusV2`` /
  ``NpuClearFloatStatusV2``), summed over ranks with ``HcomAllReduce`` when ``is_distributed``;
* inf/nan mode (``npu_plugin.set_device_sat_mode(1)``): every gradient element is finite;
* ``FixedLossScaleManager(..., enable_overflow_check=False)``: always True.

On an overflowing step neither the variables nor ``global_step`` change (the wrapped
``apply_gradients``, which advances ``global_step``, runs inside the ``cond``), as upstream.
"""
import tensorflow.compat.v1 as tf  # noqa: F401  (upstream module namespace)
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, control_flow_ops, gen_control_flow_ops, math_ops  # noqa: F401
from tensorflow.python.training import optimizer  # noqa: F401  (upstream module namespace)

from npu_bridge.estimator.npu import _contrib_mixed_precision as lso
from npu_bridge.estimator.npu import _float_status, npu_plugin
from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()


class NPULossScaleOptimizer(lso.LossScaleOptimizer):
    """Loss scaling with the NPU float-status overflow check; see the module docstring."""

    def __init__(self, opt, loss_scale_manager, is_distributed=False):
        super().__init__(opt, loss_scale_manager)
        self._is_distributed = is_distributed

    def __getattr__(self, attr):
        # only reached for attributes this object lacks: forward them to the wrapped optimizer
        if attr.startswith("__") or "_opt" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")
        return getattr(self.__dict__["_opt"], attr)

    def _enable_overflow_check(self):
        check = getattr(self._loss_scale_manager, "get_enable_overflow_check", None)
        return True if check is None else bool(check())

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        grads = [g for g, _ in grads_and_vars if g is not None]
        if npu_plugin.is_inf_nan_enabled():
            finite = array_ops.identity(self._is_overall_finite(grads), name=_float_status.OVERFLOW_STATUS_NAME)
        elif self._enable_overflow_check():
            status, cleared = _float_status.read_and_clear_status(grads, self._name)
            finite = _float_status.overall_finite(status, cleared, self._is_distributed)
        else:
            finite = array_ops.identity(
                ops.convert_to_tensor(True, dtype=dtypes.bool), name=_float_status.OVERFLOW_STATUS_NAME
            )
        return self._conditional_apply(grads_and_vars, finite, global_step, name)
