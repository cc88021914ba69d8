"""Fused optimizer ops of upstream ``npu_ops.cc``: LARS, LarsV2, AdamApplyOneAssign(+WithDecay).

LARS trust ratio (TBE ``lars_v2_update``)::

    coeff = hyperpara·‖w‖ / (‖g‖ + weight_decay·‖w‖ + epsilon)
    use_clip: coeff = clip(coeff / learning_rate, 0, 1)
    output = coeff · (g + weight_decay·w)

Adam "apply one" (BERT's fused update; ``input0=grad, input1=v, input2=m, input3=var,
input4=lr, mul0_x=β1, mul1_x=1-β1, mul2_x=β2, mul3_x=1-β2, add2_y=ε``)::

    v' = β2·v + (1-β2)·g²        m' = β1·m + (1-β1)·g
    var' = var - lr·(m' / (sqrt(v') + ε) [+ mul4_x·var  (WithDecay)])

The ``*Assign`` ops have no outputs: on the device they write v', m', var' into their inputs.
Here those inputs must be variables (or ref tensors), which receive the new values.
"""
from tensorflow.python.framework import constant_op, ops
from tensorflow.python.framework.tensor import Tensor
from tensorflow.python.ops import clip_ops, control_flow_ops, math_ops, state_ops

from npu_bridge._ops.registry import register


def _norm(t):
    return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(t)))


def _lars_coeff(w, g, weight_decay, hyperpara, epsilon):
    w_norm = _norm(w)
    return hyperpara * w_norm / (_norm(g) + weight_decay * w_norm + epsilon)


@register("LARS", inputs=["inputs_w", "inputs_g", "weight_decay"], attrs={"hyperpara": 0.001, "epsilon": 0.00001})
def lars(inputs_w, inputs_g, weight_decay, hyperpara, epsilon):
    """Per tensor pair: coeff·(g + weight_decay·w) with the LARS trust ratio (no clipping)."""
    if len(inputs_w) != len(inputs_g) or not inputs_w:
        raise ValueError(
            f"LARS: inputs_w and inputs_g must be non-empty lists of equal length, got {len(inputs_w)} and "
            f"{len(inputs_g)}"
        )
    outputs = []
    for w, g in zip(inputs_w, inputs_g):
        w = ops.convert_to_tensor(w, name="inputs_w")
        g = ops.convert_to_tensor(g, dtype=w.dtype, name="inputs_g")
        wd = math_ops.cast(weight_decay, w.dtype)
        coeff = _lars_coeff(w, g, wd, constant_op.constant(hyperpara, w.dtype), constant_op.constant(epsilon, w.dtype))
        outputs.append(coeff * (g + wd * w))
    return outputs


@register(
    "LarsV2",
    inputs=["input_weight", "input_grad", "weight_decay", "learning_rate"],
    attrs={"hyperpara": 0.001, "epsilon": 0.00001, "use_clip": False},
)
def lars_v2(input_weight, input_grad, weight_decay, learning_rate, hyperpara, epsilon, use_clip):
    """coeff·(g + weight_decay·w); with use_clip the coefficient is clip(coeff / learning_rate, 0, 1)."""
    w = ops.convert_to_tensor(input_weight, name="input_weight")
    g = ops.convert_to_tensor(input_grad, dtype=w.dtype, name="input_grad")
    wd = ops.convert_to_tensor(weight_decay, dtype=w.dtype, name="weight_decay")
    lr = ops.convert_to_tensor(learning_rate, dtype=w.dtype, name="learning_rate")
    coeff = _lars_coeff(w, g, wd, constant_op.constant(hyperpara, w.dtype), constant_op.constant(epsilon, w.dtype))
    if use_clip:
        coeff = clip_ops.clip_by_value(coeff / lr, 0.0, 1.0)
    return coeff * (g + wd * w)


def _assign(op_type, targets, values):
    refused = [
        name for name, target in zip(("input1", "input2", "input3"), targets)
        if not (hasattr(target, "assign") and not isinstance(target, Tensor))
        and not (isinstance(target, Tensor) and target.dtype._is_ref_dtype)  # pylint: disable=protected-access
    ]
    if refused:
        raise ValueError(
            f"{op_type}: {', '.join(refused)} must be variables (the op writes v, m and var back into "
            "input1, input2 and input3); got tensors"
        )
    assigns = []
    with ops.control_dependencies(values):  # every new value is computed before any input is overwritten
        for target, value in zip(targets, values):
            if isinstance(target, Tensor):
                assigns.append(state_ops.assign(target, value))
            else:
                assigns.append(target.assign(value))
    return control_flow_ops.group(*assigns)


def _adam_apply_one(op_type, inputs, mul4_x=None):
    grad = ops.convert_to_tensor(inputs[0], name="input0")
    v, m, var, lr, beta1, one_m_b1, beta2, one_m_b2, eps = (
        ops.convert_to_tensor(t, dtype=grad.dtype) for t in inputs[1:]
    )
    next_v = beta2 * v + one_m_b2 * grad * grad
    next_m = beta1 * m + one_m_b1 * grad
    step = next_m / (math_ops.sqrt(next_v) + eps)
    if mul4_x is not None:
        step = step + ops.convert_to_tensor(mul4_x, dtype=grad.dtype) * var
    next_var = var - lr * step
    return _assign(op_type, inputs[1:4], [next_v, next_m, next_var])


_ADAM_INPUTS = ["input0", "input1", "input2", "input3", "input4", "mul0_x", "mul1_x", "mul2_x", "mul3_x"]


@register("AdamApplyOneAssign", inputs=_ADAM_INPUTS + ["add2_y"], stateful=True)
def adam_apply_one_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x, add2_y):
    """Adam update of var (input3) with v (input1) and m (input2); assigns all three."""
    return _adam_apply_one(
        "AdamApplyOneAssign", [input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x, add2_y]
    )


@register("AdamApplyOneWithDecayAssign", inputs=_ADAM_INPUTS + ["mul4_x", "add2_y"], stateful=True)
def adam_apply_one_with_decay_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x,
                                     mul4_x, add2_y):
    """AdamApplyOneAssign plus decoupled weight decay mul4_x·var in the step."""
    return _adam_apply_one(
        "AdamApplyOneWithDecayAssign",
        [input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x, add2_y],
        mul4_x=mul4_x,
    )
