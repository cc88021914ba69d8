"""Embedding Service optimizers (upstream ``npu_bridge.embedding.embedding_optimizer``).

Each is a real ``tf.train`` optimizer.  For an ``NpuEmbeddingResource`` (a PS table) the update
is one ``EmbeddingApply*`` op on the rows of the looked-up ids (host PS emulation: see
``npu_bridge/_ops/host_embedding.py``); for ordinary variables the optimizer does what its name
says (Adam and Adagrad exactly as ``tf.train``'s).  ``learning_rate`` may be an
``ExponentialDecayLR``: the table's rate then decays with the number of updates it has had.

Upstream differences (fixed here): upstream's Adam/Adagrad break on ordinary variables (missing
beta accumulators, a missing import) and AdamW/SGD/RMSprop refuse them; Adagrad with an
``ExponentialDecayLR`` used undefined tensors.
"""
import tensorflow.compat.v1 as tf  # noqa: F401  (upstream module namespace)
from tensorflow.core.framework import attr_value_pb2
from tensorflow.python.eager import context
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, control_flow_ops, init_ops, math_ops, state_ops
from tensorflow.python.training import adagrad, adam, optimizer
from tensorflow.python.training import training_ops  # noqa: F401  (upstream module namespace)
from tensorflow.python.training import training_util  # noqa: F401  (upstream module namespace)

from npu_bridge.embedding.embedding_resource import NpuEmbeddingResource
from npu_bridge.npu_cpu.npu_cpu_ops import gen_npu_cpu_ops

_GLOBAL_STEP_VALUE = 1
# Upstream hands the PS these fixed powers: sqrt(1-0.99)/(1-0.9) = 1, i.e. no bias correction.
_ADAM_BEAT1_POWER_VALUE = 0.9
_ADAM_BEAT2_POWER_VALUE = 0.99
_ADAMW_BEAT1_POWER_VALUE = 0.9
_ADAMW_BEAT2_POWER_VALUE = 0.99


class ExponentialDecayLR:
    """exponential decay learning rate used in embedding optimizer."""

    def __init__(self, learning_rate, decay_steps, decay_rate, staircase=False):
        self.learning_rate = learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase


def exponential_decay_lr(learning_rate, decay_steps, decay_rate, staircase=False):
    """Validated ``ExponentialDecayLR``: lr·decay_rate^(t/decay_steps) for a table updated t times."""
    if learning_rate is None or not isinstance(learning_rate, (float, int)):
        raise ValueError("learning_rate can not be None, must be float or int.")
    if decay_rate is None or not isinstance(decay_rate, (float, int)):
        raise ValueError("decay_rate can not be None, must be float or int.")
    if decay_steps is None or not isinstance(decay_steps, int):
        raise ValueError("decay_steps can not be None, must be int.")
    if not isinstance(staircase, bool):
        raise TypeError("staircase must be bool.")
    return ExponentialDecayLR(learning_rate=learning_rate, decay_steps=decay_steps, decay_rate=decay_rate,
                              staircase=staircase)


class _EmbeddingMixin:
    """Table bookkeeping shared by the embedding optimizers (set by ``ESWorker``)."""

    # set on the optimizer by ``ESWorker`` (upstream exposes them as plain read/write properties)
    embedding_dims = 0
    max_nums = 0
    es_cluster_configs = ""
    mask_zero = False

    def _init_lr(self, learning_rate):
        self._decay = learning_rate if isinstance(learning_rate, ExponentialDecayLR) else None
        return learning_rate.learning_rate if self._decay else learning_rate

    def _table_lr(self, var, lr, dtype):
        lr = math_ops.cast(lr, dtype)
        if self._decay is None:
            return lr
        return gen_npu_cpu_ops.exponential_decay_lr(var.handle, lr, float(self._decay.decay_rate),
                                                    float(self._decay.decay_steps), staircase=self._decay.staircase)

    def _tag(self, result):
        if not context.executing_eagerly():
            # pylint: disable=protected-access
            result.op._set_attr("_embedding_dim", attr_value_pb2.AttrValue(i=int(self.embedding_dims or 0)))
            result.op._set_attr("_max_key_num", attr_value_pb2.AttrValue(i=int(self.max_nums or 0)))
        return result


def _ordinary(var_list):
    return [v for v in var_list if not isinstance(v, NpuEmbeddingResource)]


class AdamOptimizer(_EmbeddingMixin, adam.AdamOptimizer):
    """Adam; on a PS table: per-row m, v slots updated by ``EmbeddingApplyAdam``."""

    def __init__(self, learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8, using_locking=False,
                 name="EmbeddingAdamOptimizer"):
        super().__init__(self._init_lr(learning_rate), beta_1, beta_2, epsilon, using_locking, name)

    def _create_slots(self, var_list):
        if _ordinary(var_list):
            super()._create_slots(_ordinary(var_list))

    def _resource_apply_sparse(self, grad, var, indices):
        if not isinstance(var, NpuEmbeddingResource):
            return super()._resource_apply_sparse(grad, var, indices)
        t = grad.dtype
        return self._tag(gen_npu_cpu_ops.embedding_apply_adam(
            var.handle, math_ops.cast(_ADAM_BEAT1_POWER_VALUE, t), math_ops.cast(_ADAM_BEAT2_POWER_VALUE, t),
            self._table_lr(var, self._lr_t, t), math_ops.cast(self._beta1_t, t), math_ops.cast(self._beta2_t, t),
            math_ops.cast(self._epsilon_t, t), grad, indices, ops.convert_to_tensor(_GLOBAL_STEP_VALUE),
            self.embedding_dims))

    def _finish(self, update_ops, name_scope):
        if self._get_beta_accumulators()[0] is None:  # only PS tables: no beta powers to advance
            return control_flow_ops.group(*update_ops, name=name_scope)
        return super()._finish(update_ops, name_scope)


class AdagradOptimizer(_EmbeddingMixin, adagrad.AdagradOptimizer):
    """Adagrad; on a PS table: per-row accumulator updated by ``EmbeddingApplyAdaGrad``."""

    def __init__(self, learning_rate=0.01, initial_accumulator_value=0.1, using_locking=False,
                 name="EmbeddingAdagradOptimizer"):
        super().__init__(self._init_lr(learning_rate), initial_accumulator_value, using_locking, name)
        self.initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        if _ordinary(var_list):
            super()._create_slots(_ordinary(var_list))

    def _resource_apply_sparse(self, grad, var, indices):
        if not isinstance(var, NpuEmbeddingResource):
            return super()._resource_apply_sparse(grad, var, indices)
        return self._tag(gen_npu_cpu_ops.embedding_apply_ada_grad(
            var.handle, self._table_lr(var, self._learning_rate_tensor, grad.dtype), grad, indices,
            ops.convert_to_tensor(_GLOBAL_STEP_VALUE), self.embedding_dims))


# ------------------------------------------------------------------- optimizers built on Optimizer
class _DenseRuleOptimizer(_EmbeddingMixin, optimizer.Optimizer):
    """Ordinary variables: ``_dense_update(var, grad)`` (sparse gradients are densified first)."""

    def _apply_dense(self, grad, var):
        return self._dense_update(var, grad)

    def _resource_apply_dense(self, grad, handle):
        return self._dense_update(handle, grad)

    def _apply_sparse(self, grad, var):
        return self._dense_update(var, ops.convert_to_tensor(grad))

    def _resource_apply_sparse(self, grad, var, indices):
        if isinstance(var, NpuEmbeddingResource):
            return self._tag(self._table_update(grad, var, indices))
        dense = math_ops.unsorted_segment_sum(grad, indices, array_ops.shape(var)[0])
        return self._dense_update(var, dense)

    def _create_slots(self, var_list):
        for v in _ordinary(var_list):
            for slot, init in self._slot_inits():
                self._get_or_make_slot_with_initializer(
                    v, init_ops.constant_initializer(init, dtype=v.dtype.base_dtype), v.get_shape(),
                    v.dtype.base_dtype, slot, self._name)

    def _slot_inits(self):
        return []


class AdamWOptimizer(_DenseRuleOptimizer):
    """AdamW (decoupled weight decay; optional AMSGrad and maximize)."""

    def __init__(self, learning_rate=0.01, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-6,
                 max_grad_norm=0.5, amsgrad: bool = False, maximize: bool = False, name="AdamWOptimizer"):
        lr = self._init_lr(learning_rate)
        super().__init__(False, name)
        if learning_rate is None or weight_decay is None or beta_1 is None or beta_2 is None:
            raise ValueError("learning_rate, weight decay, beta_1 and beta_2 can not be None.")
        if epsilon is None or amsgrad is None or maximize is None:
            raise ValueError("epsilon, amsgrad and maximize can not be None.")
        if max_grad_norm is None and amsgrad:
            raise ValueError("if amsgrad is True, max_grad_norm can not be None.")
        self._lr, self._weight_decay, self._beta1, self._beta2 = lr, weight_decay, beta_1, beta_2
        self._epsilon, self._max_grad_norm, self._amsgrad, self._maximize = epsilon, max_grad_norm, amsgrad, maximize
        self._step = None

    def _slot_inits(self):
        return [("m", 0.0), ("v", 0.0)] + ([("vmax", 0.0)] if self._amsgrad else [])

    def _prepare(self):
        self._lr_t = ops.convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._hyper = {k: ops.convert_to_tensor(self._call_if_callable(v), name=k) for k, v in (
            ("weight_decay", self._weight_decay), ("beta1", self._beta1), ("beta2", self._beta2),
            ("epsilon", self._epsilon), ("max_grad_norm", self._max_grad_norm))}

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        if _ordinary(var_list):
            self._create_non_slot_variable(initial_value=0.0, name="adamw_step", colocate_with=_ordinary(var_list)[0])

    def _table_update(self, grad, var, indices):
        t, h = grad.dtype, {k: math_ops.cast(v, grad.dtype) for k, v in self._hyper.items()}
        return gen_npu_cpu_ops.embedding_apply_adam_w(
            var.handle, beta1_power=math_ops.cast(_ADAMW_BEAT1_POWER_VALUE, t),
            beta2_power=math_ops.cast(_ADAMW_BEAT2_POWER_VALUE, t), lr=self._table_lr(var, self._lr_t, t),
            weight_decay=h["weight_decay"], beta1=h["beta1"], beta2=h["beta2"], epsilon=h["epsilon"], grad=grad,
            keys=indices, max_grad_norm=h["max_grad_norm"], amsgrad=self._amsgrad, maximize=self._maximize,
            embedding_dim=self.embedding_dims)

    def _dense_update(self, var, grad):
        h = {k: math_ops.cast(v, var.dtype.base_dtype) for k, v in self._hyper.items()}
        lr = math_ops.cast(self._lr_t, var.dtype.base_dtype)
        step = math_ops.cast(self._get_non_slot_variable("adamw_step", var.graph), var.dtype.base_dtype) + 1.0
        g = -grad if self._maximize else grad
        m = state_ops.assign(self.get_slot(var, "m"), h["beta1"] * self.get_slot(var, "m") + (1 - h["beta1"]) * g)
        v = state_ops.assign(self.get_slot(var, "v"), h["beta2"] * self.get_slot(var, "v") + (1 - h["beta2"]) * g * g)
        if self._amsgrad:
            v = state_ops.assign(self.get_slot(var, "vmax"), math_ops.maximum(self.get_slot(var, "vmax"), v))
        denom = math_ops.sqrt(v) / math_ops.sqrt(1 - math_ops.pow(h["beta2"], step)) + h["epsilon"]
        new = var * (1 - lr * h["weight_decay"]) - lr / (1 - math_ops.pow(h["beta1"], step)) * m / denom
        return var.assign(new)

    def _finish(self, update_ops, name_scope):
        step = self._get_non_slot_variable("adamw_step", ops.get_default_graph())
        if step is None:
            return control_flow_ops.group(*update_ops, name=name_scope)
        with ops.control_dependencies(update_ops), ops.colocate_with(step):
            return control_flow_ops.group(step.assign_add(1.0), name=name_scope)


class SgdOptimizer(_DenseRuleOptimizer):
    """Plain SGD: var -= lr·grad (key 0 of a table skipped when ``mask_zero``)."""

    def __init__(self, learning_rate=0.01, name="EmbeddingApplySgdOptimizer"):
        lr = self._init_lr(learning_rate)
        super().__init__(False, name)
        self._lr = lr

    def _prepare(self):
        self._lr_t = ops.convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")

    def _table_update(self, grad, var, indices):
        return gen_npu_cpu_ops.embedding_apply_sgd(
            var_handle=var.handle, lr=self._table_lr(var, self._lr_t, grad.dtype), grad=grad, keys=indices,
            mask_zero=self.mask_zero, embedding_dim=self.embedding_dims)

    def _dense_update(self, var, grad):
        new = var - math_ops.cast(self._lr_t, var.dtype.base_dtype) * grad
        return var.assign(new)


class RmspropOptimizer(_DenseRuleOptimizer):
    """RMSprop: ms = ρ·ms + (1-ρ)·g²; mom = momentum·mom + lr·g/√(ms+ε); var -= mom.

    ``ms`` and ``mom`` are the initial values of the two slots.
    """

    def __init__(self, learning_rate=0.01, ms=0.9, mom=0.0, rho=0.9, momentum=0.9, epsilon=1e-8,
                 name="EmbeddingApplyRmspropOptimizer"):
        lr = self._init_lr(learning_rate)
        super().__init__(False, name)
        self.ms, self.mom = ms, mom
        self._rho, self._momentum, self._epsilon, self._lr = rho, momentum, epsilon, lr

    def _slot_inits(self):
        return [("ms", self.ms), ("mom", self.mom)]

    def _prepare(self):
        self._lr_t = ops.convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._rho_t = ops.convert_to_tensor(self._call_if_callable(self._rho), name="rho")
        self._momentum_t = ops.convert_to_tensor(self._call_if_callable(self._momentum), name="momentum")
        self._epsilon_t = ops.convert_to_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _table_update(self, grad, var, indices):
        t = grad.dtype
        return gen_npu_cpu_ops.embedding_apply_rmsprop(
            var_handle=var.handle, lr=self._table_lr(var, self._lr_t, t), rho=math_ops.cast(self._rho_t, t),
            momentum=math_ops.cast(self._momentum_t, t), epsilon=math_ops.cast(self._epsilon_t, t), grad=grad,
            keys=indices, mask_zero=self.mask_zero, embedding_dim=self.embedding_dims)

    def _dense_update(self, var, grad):
        dt = var.dtype.base_dtype
        rho, mo, eps, lr = (math_ops.cast(x, dt) for x in (self._rho_t, self._momentum_t, self._epsilon_t, self._lr_t))
        ms = state_ops.assign(self.get_slot(var, "ms"), rho * self.get_slot(var, "ms") + (1 - rho) * grad * grad)
        mom = state_ops.assign(self.get_slot(var, "mom"),
                               mo * self.get_slot(var, "mom") + lr * grad / math_ops.sqrt(ms + eps))
        return var.assign(var - mom)
