"""``tf.contrib.opt.LazyAdamOptimizer`` and ``MovingAverageOptimizer`` (TF 1.15 semantics)."""
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, control_flow_ops, math_ops, resource_variable_ops, state_ops, variables
from tensorflow.python.training import adam, moving_averages, optimizer, saver
from tensorflow.python.training.saving import saveable_object_util


class LazyAdamOptimizer(adam.AdamOptimizer):
    """Adam whose sparse update touches only the rows present in the gradient.

    Dense gradients get ordinary Adam.  For an ``IndexedSlices`` gradient only the indexed rows of
    ``m``, ``v`` and the variable change: ``m[i] = β1·m[i] + (1-β1)·g``, ``v[i] = β2·v[i] + (1-β2)·g²``,
    ``var[i] -= lr·sqrt(1-β2^t)/(1-β1^t) · m[i] / (sqrt(v[i]) + ε)``; other rows keep their moments
    (plain Adam decays every row's moments).  Repeated indices are summed first by the base class.
    """

    def _lazy_terms(self, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        dtype = var.dtype.base_dtype
        beta1_power = math_ops.cast(beta1_power, dtype)
        beta2_power = math_ops.cast(beta2_power, dtype)
        lr_t = math_ops.cast(self._lr_t, dtype)
        beta1_t = math_ops.cast(self._beta1_t, dtype)
        beta2_t = math_ops.cast(self._beta2_t, dtype)
        epsilon_t = math_ops.cast(self._epsilon_t, dtype)
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        return lr, beta1_t, beta2_t, epsilon_t

    def _apply_sparse(self, grad, var):
        lr, beta1_t, beta2_t, epsilon_t = self._lazy_terms(var)
        m = self.get_slot(var, "m")
        v = self.get_slot(var, "v")
        m_t = state_ops.scatter_update(
            m, grad.indices, beta1_t * array_ops.gather(m, grad.indices) + (1 - beta1_t) * grad.values,
            use_locking=self._use_locking)
        v_t = state_ops.scatter_update(
            v, grad.indices, beta2_t * array_ops.gather(v, grad.indices) + (1 - beta2_t) * math_ops.square(grad.values),
            use_locking=self._use_locking)
        m_rows = array_ops.gather(m_t, grad.indices)
        v_rows = array_ops.gather(v_t, grad.indices)
        var_update = state_ops.scatter_sub(
            var, grad.indices, lr * m_rows / (math_ops.sqrt(v_rows) + epsilon_t), use_locking=self._use_locking)
        return control_flow_ops.group(var_update, m_t, v_t)

    def _resource_apply_sparse(self, grad, var, indices):
        lr, beta1_t, beta2_t, epsilon_t = self._lazy_terms(var)
        m = self.get_slot(var, "m")
        v = self.get_slot(var, "v")
        m_rows = beta1_t * array_ops.gather(m, indices) + (1 - beta1_t) * grad
        m_update = resource_variable_ops.resource_scatter_update(m.handle, indices, m_rows)
        v_rows = beta2_t * array_ops.gather(v, indices) + (1 - beta2_t) * math_ops.square(grad)
        v_update = resource_variable_ops.resource_scatter_update(v.handle, indices, v_rows)
        var_update = resource_variable_ops.resource_scatter_sub(
            var.handle, indices, lr * m_rows / (math_ops.sqrt(v_rows) + epsilon_t))
        return control_flow_ops.group(var_update, m_update, v_update)


class MovingAverageOptimizer(optimizer.Optimizer):
    """Wrap ``opt`` and keep an exponential moving average of every variable it trains.

    ``apply_gradients`` returns a group of the wrapped update and the average update (after the
    update when ``sequential_update``).  ``swapping_saver()`` builds a ``Saver`` that saves each
    average under its variable's name and each variable under its average's name, so a plain
    ``Saver`` restoring the checkpoint into an evaluation graph gets the averaged weights.
    """

    def __init__(self, opt, average_decay=0.9999, num_updates=None, sequential_update=True):
        super().__init__(use_locking=False, name="MovingAverageOptimizer")
        self._optimizer = opt
        self._ema = moving_averages.ExponentialMovingAverage(
            average_decay, num_updates=num_updates, zero_debias=False)
        self._swapped_variable_name_map = None
        self._sequential_update = sequential_update

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars, global_step=global_step, name=name)
        var_list = [var for _, var in grads_and_vars if var is not None]
        if self._sequential_update:
            with ops.control_dependencies([train_op]):
                average_op = self._ema.apply(var_list)
        else:
            average_op = self._ema.apply(var_list)
        self._swapped_variable_name_map = {}
        for var in var_list:
            average = self._ema.average(var)
            self._swapped_variable_name_map[var.op.name] = average.op.name
            self._swapped_variable_name_map[average.op.name] = var.op.name
        return control_flow_ops.group(train_op, average_op, name="train_with_avg")

    def _swapped(self, by_name, name, tensor):
        other = self._swapped_variable_name_map.get(name)
        if other is None:
            return tensor
        if other not in by_name:
            raise ValueError(f"Variable to swap {other} is not part of variables to save. "
                             "This breaks MovingAverageOptimizer.")
        return by_name[other]

    def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
        """A ``tf.train.Saver`` over ``var_list`` (default: all global variables) with every trained
        variable and its moving average swapped."""
        if self._swapped_variable_name_map is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating the swapping_saver")
        if var_list is None:
            var_list = variables.global_variables()
        if not isinstance(var_list, dict):
            var_list = saveable_object_util.op_list_to_dict(var_list)
        by_name = {}
        for key, value in var_list.items():
            if isinstance(value, (list, variables.PartitionedVariable)):
                by_name.update((part.op.name, part) for part in value)
            else:
                by_name[key] = value
        swapped = {}
        for key, value in var_list.items():
            if isinstance(value, list):
                swapped[key] = [self._swapped(by_name, part.op.name, part) for part in value]
            else:
                swapped[key] = self._swapped(by_name, key, value)
        return saver.Saver(swapped, name=name, **kwargs)

    def get_slot(self, var, name):
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self):
        return self._optimizer.get_slot_names()

    def variables(self):
        return self._optimizer.variables()
