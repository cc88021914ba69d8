"""``tf.contrib.opt`` decoupled weight decay (Loshchilov & Hutter): ``AdamWOptimizer``,
``MomentumWOptimizer``, ``DecoupledWeightDecayExtension``, ``extend_with_decoupled_weight_decay``.

Before each variable's optimizer update, the variable is decayed: ``var -= weight_decay · var``
(for a sparse gradient only the indexed rows), then the base optimizer's update runs on the
decayed value.  ``decay_var_list`` limits the decay to those variables (default: all updated ones).
"""
import inspect

from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, control_flow_ops, math_ops, resource_variable_ops, state_ops
from tensorflow.python.training import adam, momentum, optimizer


class DecoupledWeightDecayExtension:
    """Mixin placed before a ``tf.train.Optimizer`` subclass: ``class X(DecoupledWeightDecayExtension, Base)``."""

    def __init__(self, weight_decay, **kwargs):
        self._decay_var_list = None
        self._weight_decay = weight_decay
        self._weight_decay_tensor = None
        super().__init__(**kwargs)

    def _set_decay_var_list(self, decay_var_list):
        self._decay_var_list = {v.ref() for v in decay_var_list} if decay_var_list else None

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=optimizer.Optimizer.GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None, grad_loss=None,
                 decay_var_list=None):
        """As ``Optimizer.minimize``; ``decay_var_list`` limits which variables are decayed."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        variables_with_grads = [v for g, v in grads_and_vars if g is not None]
        if not variables_with_grads:
            raise ValueError("No gradients provided for any variable, check your graph for ops that do not "
                             f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                             f"and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name,
                                    decay_var_list=decay_var_list)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None, decay_var_list=None):
        """As ``Optimizer.apply_gradients``, decaying first; ``decay_var_list`` limits the decay."""
        self._set_decay_var_list(decay_var_list)
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _prepare(self):
        weight_decay = self._weight_decay
        if callable(weight_decay):
            weight_decay = weight_decay()
        self._weight_decay_tensor = ops.convert_to_tensor(weight_decay, name="weight_decay")
        super()._prepare()

    def _decays(self, var):
        return self._decay_var_list is None or var.ref() in self._decay_var_list

    def _decay_amount(self, var):
        return math_ops.cast(self._weight_decay_tensor, var.dtype.base_dtype)

    # The decay waits for the gradient (``after``): the gradient is taken at the weights before the decay.
    # Without that edge nothing orders the decay against the forward pass's reads of the variable, and the
    # gradient sometimes saw the decayed weights (TF 1.15 contrib has the same race).
    def _decay_weights_op(self, var, after):
        if not self._decays(var):
            return control_flow_ops.no_op()
        with ops.control_dependencies([after]):
            return var.assign_sub(self._decay_amount(var) * var, self._use_locking)

    def _decay_weights_sparse_op(self, var, indices, scatter_add, after):
        if not self._decays(var):
            return control_flow_ops.no_op()
        with ops.control_dependencies([after]):
            update = -self._decay_amount(var) * array_ops.gather(var, indices)
            return scatter_add(var, indices, update, self._use_locking)

    def _apply_dense(self, grad, var):
        with ops.control_dependencies([self._decay_weights_op(var, grad)]):
            return super()._apply_dense(grad, var)

    def _resource_apply_dense(self, grad, var):
        with ops.control_dependencies([self._decay_weights_op(var, grad)]):
            return super()._resource_apply_dense(grad, var)

    # The sparse decay sits at the *_duplicate_indices level, on the distinct rows, so it also applies to
    # optimizers that override that level (GradientDescentOptimizer; TF 1.15 decayed nothing there).
    def _apply_sparse_duplicate_indices(self, grad, var):
        decay = self._decay_weights_sparse_op(var, array_ops.unique(grad.indices)[0], state_ops.scatter_add,
                                              grad.values)
        with ops.control_dependencies([decay]):
            return super()._apply_sparse_duplicate_indices(grad, var)

    @staticmethod
    def _resource_scatter_add(var, indices, updates, use_locking=None):
        del use_locking
        with ops.control_dependencies([resource_variable_ops.resource_scatter_add(var.handle, indices, updates)]):
            return var.value()

    def _resource_apply_sparse_duplicate_indices(self, grad, handle, indices):
        decay = self._decay_weights_sparse_op(handle, array_ops.unique(indices)[0], self._resource_scatter_add,
                                              grad)
        with ops.control_dependencies([decay]):
            return super()._resource_apply_sparse_duplicate_indices(grad, handle, indices)


def extend_with_decoupled_weight_decay(base_optimizer):
    """A subclass of ``base_optimizer`` whose constructor takes ``weight_decay`` first."""

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):
        def __init__(self, weight_decay, *args, **kwargs):
            # The mixin takes keyword arguments only; bind positionals to the base signature.
            bound = inspect.signature(base_optimizer.__init__).bind_partial(None, *args, **kwargs)
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(arguments)))  # self
            super().__init__(weight_decay, **arguments)

    OptimizerWithDecoupledWeightDecay.__name__ = f"{base_optimizer.__name__}WithDecoupledWeightDecay"
    return OptimizerWithDecoupledWeightDecay


class AdamWOptimizer(DecoupledWeightDecayExtension, adam.AdamOptimizer):
    """Adam with decoupled weight decay."""

    def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="AdamW"):
        super().__init__(weight_decay, learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon,
                         use_locking=use_locking, name=name)


class MomentumWOptimizer(DecoupledWeightDecayExtension, momentum.MomentumOptimizer):
    """Momentum with decoupled weight decay."""

    def __init__(self, weight_decay, learning_rate, momentum, use_locking=False, name="MomentumW",
                 use_nesterov=False):
        super().__init__(weight_decay, learning_rate=learning_rate, momentum=momentum, use_locking=use_locking,
                         name=name, use_nesterov=use_nesterov)
