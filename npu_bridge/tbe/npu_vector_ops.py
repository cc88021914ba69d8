"""Vector-unit ops of upstream ``npu_bridge.tbe.npu_vector_ops``: LAMB steps and a PReLU layer.

``lamb_apply_optimizer_assign`` returns ``(update, next_v, next_m)`` of one LAMB step and
``lamb_apply_weight_assign`` the parameter after the trust-ratio-scaled update (formulas in
``npu_bridge/_ops/defs_npu_extra.py``); when ``input1``/``input2``/``input4`` are variables they
are written, as the device's "Assign" kernels do.  ``PReLU`` is a Keras layer computing
``x if x > 0 else alpha·x`` with the ``PRelu`` op.
"""
from keras import constraints, initializers, regularizers
from keras.layers import InputSpec, Layer
from keras.src.utils import tf_utils
from tensorflow.python.eager import context

from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()


def lamb_apply_optimizer_assign(input0, input1, input2, input3, mul0_x, mul1_x, mul2_x, mul3_x, add2_y, steps,
                                do_use_weight, weight_decay_rate, name=None):
    """One LAMB moment step: (update, next_v, next_m) for grad ``input0``, v ``input1``, m ``input2``,
    param ``input3``, ``mul0_x=β1, mul1_x=1-β1, mul2_x=β2, mul3_x=1-β2, add2_y=ε``."""
    if context.executing_eagerly():
        raise RuntimeError("tf.lamb_apply_optimizer_assign() is not compatible with eager execution.")
    update, nextv, nextm = gen_npu_ops.lamb_apply_optimizer_assign(
        input0, input1, input2, input3, mul0_x, mul1_x, mul2_x, mul3_x, add2_y, steps, do_use_weight,
        weight_decay_rate, name)
    return update, nextv, nextm


def lamb_apply_weight_assign(input0, input1, input2, input3, input4, name=None):
    """param ``input4`` - lr ``input2`` · trust ratio(w_norm ``input0``, g_norm ``input1``) · update ``input3``."""
    if context.executing_eagerly():
        raise RuntimeError("tf.lamb_apply_weight_assign() is not compatible with eager execution.")
    return gen_npu_ops.lamb_apply_weight_assign(input0, input1, input2, input3, input4, name)


class PReLU(Layer):
    """Parametric ReLU: ``f(x) = x`` for ``x > 0``, ``alpha·x`` otherwise; ``alpha`` is learned.

    ``shared_axes`` (1-based, the batch axis excluded) share one alpha along those axes, as in
    ``keras.layers.PReLU``; an alpha that would be all ones-shaped becomes a single value.
    """

    def __init__(self, alpha_initializer='zeros', alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = shared_axes

    @tf_utils.shape_type_conversion
    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for axis in self.shared_axes:
                if not 1 <= axis <= len(param_shape):
                    raise ValueError(f"PReLU: shared_axes entry {axis} is outside 1..{len(param_shape)} "
                                     f"for input shape {tuple(input_shape)}")
                param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"PReLU: input shape {tuple(input_shape)} has unknown non-batch dimensions; "
                             "share them with shared_axes")
        if sum(param_shape) == len(param_shape):
            param_shape = [1]
        self.alpha = self.add_weight(shape=param_shape, name='alpha', initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={})
        self.built = True

    def call(self, inputs):
        return helper.get_gen_ops().p_relu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            'alpha_initializer': initializers.serialize(self.alpha_initializer),
            'alpha_regularizer': regularizers.serialize(self.alpha_regularizer),
            'alpha_constraint': constraints.serialize(self.alpha_constraint),
            'shared_axes': self.shared_axes,
        }
        return dict(super().get_config(), **config)
