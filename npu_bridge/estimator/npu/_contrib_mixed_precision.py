"""Stand-in for ``tf.contrib.mixed_precision`` (TF 1.15), which TF 2.15 no longer ships.

Upstream's loss-scale manager and optimizer classes subclass contrib's ``LossScaleManager``,
``FixedLossScaleManager``, ``ExponentialUpdateLossScaleManager`` and ``LossScaleOptimizer``.  This
module provides those bases with contrib's behaviour:

* a manager owns the loss scale (``get_loss_scale``) and moves it after each step
  (``update_loss_scale(finite_grads)`` returns the update op);
* the optimizer multiplies the loss by the scale before differentiation, multiplies each gradient
  by 1/scale, applies the gradients only when they are all finite (``tf.cond``) and always runs the
  manager's update.
"""
import abc

from tensorflow.python.eager import context
from tensorflow.python.framework import dtypes, indexed_slices, ops
from tensorflow.python.ops import cond as tf_cond
from tensorflow.python.ops import control_flow_ops, gen_control_flow_ops, math_ops, state_ops, variable_v1
from tensorflow.python.training import optimizer as optimizer_lib


class LossScaleManager(metaclass=abc.ABCMeta):
    """Owns the loss scale of a :class:`LossScaleOptimizer` and updates it from the step's finiteness."""

    @abc.abstractmethod
    def get_loss_scale(self):
        """The loss scale, a float32 scalar tensor (or variable)."""

    @abc.abstractmethod
    def update_loss_scale(self, finite_grads):
        """The op that updates the loss scale given the bool tensor ``finite_grads``."""


class FixedLossScaleManager(LossScaleManager):
    """A constant loss scale (≥ 1); ``update_loss_scale`` does nothing."""

    def __init__(self, loss_scale):
        if loss_scale < 1:
            raise ValueError(f"loss_scale must be at least 1, got {loss_scale!r}")
        self._loss_scale = ops.convert_to_tensor(loss_scale, dtype=dtypes.float32, name="loss_scale")

    def get_loss_scale(self):
        return self._loss_scale

    def update_loss_scale(self, finite_grads):
        del finite_grads
        return gen_control_flow_ops.no_op()


def _non_trainable(name, initial_value, dtype):
    """A non-trainable global variable named ``name`` (a ref variable in graph mode, so ``<name>:0`` is its value)."""
    use_resource = None if context.executing_eagerly() else False
    return variable_v1.VariableV1(
        initial_value, name=name, dtype=dtype, trainable=False, use_resource=use_resource
    )


class ExponentialUpdateLossScaleManager(LossScaleManager):
    """Multiply the scale by ``incr_ratio`` after ``incr_every_n_steps`` finite steps in a row and by
    ``decr_ratio`` (never below 1) after ``decr_every_n_nan_or_inf`` non-finite steps."""

    def __init__(self, init_loss_scale, incr_every_n_steps, decr_every_n_nan_or_inf=2, incr_ratio=2, decr_ratio=0.8):
        self._incr_every_n_steps = incr_every_n_steps
        self._decr_every_n_nan_or_inf = decr_every_n_nan_or_inf
        self._incr_ratio = incr_ratio
        self._decr_ratio = decr_ratio
        self._loss_scale = _non_trainable(
            "loss_scale", ops.convert_to_tensor(init_loss_scale, dtype=dtypes.float32), dtypes.float32
        )
        self._num_good_steps = _non_trainable("good_steps", 0, dtypes.int32)
        self._num_bad_steps = _non_trainable("bad_steps", 0, dtypes.int32)

    def get_loss_scale(self):
        return self._loss_scale

    def _variables(self):
        """The manager's state: the loss scale and the good/bad step counters."""
        return [self._loss_scale, self._num_good_steps, self._num_bad_steps]

    def _reset_stats(self):
        return control_flow_ops.group(
            state_ops.assign(self._num_good_steps, 0), state_ops.assign(self._num_bad_steps, 0)
        )

    def _increased_scale(self):
        """The scale after enough good steps: ×incr_ratio unless that overflows (contrib: stays finite)."""
        increased = self._loss_scale * self._incr_ratio
        return tf_cond.cond(math_ops.is_finite(increased), lambda: increased, lambda: self._loss_scale)

    def update_loss_scale(self, finite_grads):
        def on_finite():
            def increase():
                new_scale = self._increased_scale()
                return control_flow_ops.group(state_ops.assign(self._loss_scale, new_scale), self._reset_stats())

            def count_good():
                return state_ops.assign_add(self._num_good_steps, 1).op

            return tf_cond.cond(
                self._num_good_steps + 1 >= self._incr_every_n_steps, increase, count_good
            )

        def on_overflow():
            def decrease():
                new_scale = math_ops.maximum(1.0, self._loss_scale * self._decr_ratio)
                return control_flow_ops.group(state_ops.assign(self._loss_scale, new_scale), self._reset_stats())

            def count_bad():
                return control_flow_ops.group(
                    state_ops.assign_add(self._num_bad_steps, 1), state_ops.assign(self._num_good_steps, 0)
                )

            return tf_cond.cond(
                self._num_bad_steps + 1 >= self._decr_every_n_nan_or_inf, decrease, count_bad
            )

        return tf_cond.cond(finite_grads, on_finite, on_overflow)


class LossScaleOptimizer(optimizer_lib.Optimizer):
    """Wrap ``opt``: scale the loss, unscale the gradients, skip the update on non-finite gradients."""

    def __init__(self, opt, loss_scale_manager):
        if not isinstance(opt, optimizer_lib.Optimizer):
            raise ValueError(f"opt must be an instance of tf.train.Optimizer, got {type(opt).__name__}")
        self._opt = opt
        self._loss_scale_manager = loss_scale_manager
        super().__init__(use_locking=opt._use_locking, name="LossScaleOptimizer")  # pylint: disable=protected-access

    def compute_gradients(self, loss, var_list=None, gate_gradients=optimizer_lib.Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False, grad_loss=None):
        loss_scale = self._loss_scale_manager.get_loss_scale()
        if callable(loss):
            def scaled_loss():
                value = loss()
                return value * math_ops.cast(loss_scale, value.dtype.base_dtype)
        else:
            scaled_loss = loss * math_ops.cast(loss_scale, loss.dtype.base_dtype)
        grads_and_vars = self._opt.compute_gradients(
            scaled_loss,
            var_list=var_list,
            gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
            grad_loss=grad_loss,
        )
        return self._down_scale(grads_and_vars, loss_scale)

    @staticmethod
    def _down_scale(grads_and_vars, loss_scale):
        reciprocal = math_ops.reciprocal(loss_scale)
        scaled = []
        for grad, var in grads_and_vars:
            if grad is None:
                scaled.append((grad, var))
            elif isinstance(grad, indexed_slices.IndexedSlices):
                values = grad.values * math_ops.cast(reciprocal, grad.values.dtype.base_dtype)
                scaled.append((indexed_slices.IndexedSlices(values, grad.indices, grad.dense_shape), var))
            else:
                scaled.append((grad * math_ops.cast(reciprocal, grad.dtype.base_dtype), var))
        return scaled

    def _is_overall_finite(self, grads):
        """contrib's check: every element of every gradient is finite."""
        flags = []
        for grad in grads:
            values = grad.values if isinstance(grad, indexed_slices.IndexedSlices) else grad
            flags.append(math_ops.reduce_all(math_ops.is_finite(values)))
        return math_ops.reduce_all(flags)

    def _conditional_apply(self, grads_and_vars, is_overall_finite, global_step=None, name=None):
        """Apply only when finite (global_step advances only then), and always update the loss scale."""
        grads_and_vars = list(grads_and_vars)

        def apply_fn():
            return self._opt.apply_gradients(grads_and_vars, global_step, name)

        update_vars = tf_cond.cond(is_overall_finite, apply_fn, gen_control_flow_ops.no_op)
        return control_flow_ops.group(update_vars, self._loss_scale_manager.update_loss_scale(is_overall_finite))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        grads = [g for g, _ in grads_and_vars if g is not None]
        return self._conditional_apply(grads_and_vars, self._is_overall_finite(grads), global_step, name)

    def get_slot(self, var, name):
        return self._opt.get_slot(var, name)

    def get_slot_names(self):
        return self._opt.get_slot_names()

    def variables(self):
        """The wrapped optimizer's variables plus the loss-scale manager's (so Keras initialises them)."""
        manager_vars = getattr(self._loss_scale_manager, "_variables", None)
        return list(self._opt.variables()) + (list(manager_vars()) if manager_vars else [])
