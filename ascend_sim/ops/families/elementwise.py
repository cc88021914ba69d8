"""Element-wise vector ops: arithmetic, comparisons, activations and their gradients, Cast, Select, AddN.

Each row gives the vector instruction classes one output element goes through (``basic`` for add / mul /
max / compare / select, ``exp``, ``ln``, ``div``, ``sqrt``, ``rsqrt``, ``reciprocal``, ``cast``: the
preset's ``core.vector.cycles_per_repeat``). The instruction mixes are our reading of the math each TBE
kernel computes, not published kernel listings: assumptions to calibrate. Work is counted over the padded
storage of the largest output, traffic over every input and output in storage (a broadcast operand is
read once), on the lanes of the wider of input and output dtype.
"""
from __future__ import annotations

import functools

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import (
    ALL_DTYPES, ANY_FORMAT, B, FLOAT, INTEGER_TOO, NUMERIC, largest, storage_bytes, vector_task, work_dtype,
)
from ascend_sim.ops.opspec import specs

FAMILY = "elementwise"
# Shared recipes (also used by the fusions that contain them).
RELU_V2 = (B, B)                       # max(x, 0) and the bit mask of x > 0
SIGMOID = (B, "exp", B, "reciprocal")  # 1 / (1 + exp(-x))
TANH = (B, "exp", B, B, "div")         # (e^2x - 1) / (e^2x + 1)
GELU = (B,) * 7 + ("exp", "div")       # 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))
GELU_GRAD = (B,) * 12 + ("exp", "div")
FAST_GELU = (B,) * 4 + ("exp", "div")  # x / (1 + exp(-1.702|x|)) · exp(1.702 min(x, 0))
FAST_GELU_GRAD = (B,) * 7 + ("exp", "div")
POLY = (B,) * 10                       # a short polynomial (erf, sin, cos, atan)


def elementwise(node: OpInstance, hw: HardwareSpec, *, instructions, dtype_input: int = 0) -> Cost:
    out = largest(node.outputs or node.inputs)
    return vector_task(hw, dtype=work_dtype(node, dtype_input), elems=out.storage_elems(hw),
                       read_bytes=storage_bytes(node.inputs, hw), write_bytes=storage_bytes(node.outputs, hw),
                       instructions=instructions)


def add_n(node: OpInstance, hw: HardwareSpec) -> Cost:
    """AddN over n inputs: n - 1 additions per element."""
    return elementwise(node, hw, instructions=(B,) * max(1, len(node.inputs) - 1))


def _rows(table):
    out = []
    for names, instructions, dtypes, *rest in table:
        dtype_input = rest[0] if rest else 0
        fn = functools.partial(elementwise, instructions=tuple(instructions), dtype_input=dtype_input)
        out.extend(specs(names, unit="aicore_vector", cost_fn=fn, family=FAMILY, kind="elementwise",
                         dtypes=dtypes, formats=ANY_FORMAT, dtype_input=dtype_input))
    return tuple(out)


TABLE = (
    ("Add AddV2 Sub Mul Maximum Minimum Neg Abs Square Muls Adds Axpy", (B,), INTEGER_TOO),
    ("BiasAdd AssignAdd AssignSub Sign", (B,), NUMERIC),
    ("Floor Ceil Round Rint", (B,), FLOAT),
    ("Equal NotEqual Greater GreaterEqual Less LessEqual", (B,), INTEGER_TOO),
    ("LogicalAnd LogicalOr LogicalNot", (B,), ("bool",)),
    ("Select SelectV2", (B,), INTEGER_TOO, 1),
    ("Relu", (B,), INTEGER_TOO),
    ("ReluV2", RELU_V2, INTEGER_TOO),
    ("ReluGrad", (B, B), INTEGER_TOO),
    ("ReluGradV2", (B,), INTEGER_TOO),
    ("Relu6 LeakyRelu ClipByValue SquaredDifference", (B, B), NUMERIC),
    ("Relu6Grad LeakyReluGrad ReciprocalGrad", (B, B), FLOAT),
    ("Elu", ("exp", B, B, B), FLOAT),
    ("EluGrad", (B, B, B), FLOAT),
    ("Selu", ("exp", B, B, B, B), FLOAT),
    ("SeluGrad", (B, B, B, B), FLOAT),
    ("Sigmoid", SIGMOID, FLOAT),
    ("SigmoidGrad TanhGrad RsqrtGrad", (B, B, B), FLOAT),
    ("Tanh", TANH, FLOAT),
    ("Softplus", ("exp", B, "ln"), FLOAT),
    ("SoftplusGrad", (B, "exp", B, "div"), FLOAT),
    ("Softsign", (B, B, "div"), FLOAT),
    ("SoftsignGrad", (B, B, B, "div"), FLOAT),
    ("PRelu", (B, B, B), FLOAT),
    ("PReluGrad", (B,) * 4, FLOAT),
    ("Exp", ("exp",), FLOAT),
    ("Expm1", ("exp", B), FLOAT),
    ("Log", ("ln",), FLOAT),
    ("Log1p", (B, "ln"), FLOAT),
    ("Sqrt", ("sqrt",), FLOAT),
    ("SqrtGrad", (B, "div"), FLOAT),
    ("Rsqrt", ("rsqrt",), FLOAT),
    ("Reciprocal Inv", ("reciprocal",), FLOAT),
    ("InvGrad", (B, B, B), FLOAT),
    ("RealDiv Div DivNoNan", ("div",), NUMERIC),
    ("FloorDiv TruncateDiv", ("div", B), NUMERIC),
    ("FloorMod TruncateMod Mod", ("div", B, B, B), NUMERIC),
    ("Pow", ("ln", B, "exp"), FLOAT),
    ("Erf Erfc Sin Cos Atan", POLY + ("exp",), FLOAT),
    ("Cast", ("cast",), ALL_DTYPES),
    ("Gelu", GELU, FLOAT),
    ("GeluGrad", GELU_GRAD, FLOAT),
    ("FastGelu FastGeluV2", FAST_GELU, FLOAT),
    ("FastGeluGrad", FAST_GELU_GRAD, FLOAT),
    ("ClipByNormNoDivSum", (B,) * 4 + ("sqrt",), FLOAT),
    ("ClipBoxes ClipBoxesD", (B, B), FLOAT),
    ("AscendQuant AscendDequant AscendAntiQuant AscendWeightQuant", (B, "cast"), ("float16", "float32", "int8",
                                                                               "int32")),
    ("NPUAllocFloatStatus NPUClearFloatStatus NPUGetFloatStatus NPUClearFloatStatusV2 NPUGetFloatStatusV2",
     (B,), ("float32", "int32")),
)

SPECS = _rows(TABLE) + specs("AddN", unit="aicore_vector", cost_fn=add_n, family=FAMILY, kind="elementwise",
                             dtypes=INTEGER_TOO, formats=ANY_FORMAT)
