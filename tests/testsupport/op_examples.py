"""Example OpInstances for every registered op, sized by a scale factor (work grows with ``scale``).

``example(op_type, scale)`` builds a well-formed instance from the op's family and kind (and, for
convolutions, the tensor positions its cost function reads). Family tests cost these across scales to
check the roofline, block_dim and growth with work for every op in the family.
"""
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc as T

F16, F32 = "float16", "float32"
SHAPE = T((4,), "int32")          # a const shape / size input
SCALAR = T((), F32)


def _dtype(spec, default=F16):
    return default if not spec.dtypes or default in spec.dtypes else spec.dtypes[0]


def _conv(spec, s):
    kw = spec.cost_fn.keywords
    three_d = "3D" in spec.op_type
    if three_d:
        act = lambda c: T((2 * s, 4, 14, 14, c), F16, "NDC1HWC0", "NDHWC")   # noqa: E731
        weight = T((3, 3, 3, 32, 64), F16, "FRACTAL_Z_3D", "DHWCN")
        x, y = act(32), act(64)
    else:
        act = lambda c: T((2 * s, 28, 28, c), F16, "NC1HWC0", "NHWC")   # noqa: E731
        depthwise = kw.get("depthwise", False)
        weight = T((3, 3, 64, 1 if depthwise else 128), F16, "FRACTAL_Z", "HWCN")
        x, y = act(64), act(64 if depthwise else 128)
    tensors = {"x": x, "w": weight, "y": y}
    if kw["role"] == "filter_grad":
        tensors["w"] = T(weight.shape, F32, weight.format, weight.origin_format)
    inputs, outputs = {}, {}
    for role in ("x", "w", "y"):
        side, index = kw[role]
        (inputs if side == "in" else outputs)[index] = tensors[role]
    ins = tuple(inputs.get(i, SHAPE) for i in range(max(inputs) + 1))
    return OpInstance(spec.op_type, ins, (outputs[0],))


def _cube(spec, s):
    if spec.kind.startswith("conv_"):
        return _conv(spec, s)
    if spec.kind == "matmul":
        if spec.op_type.startswith("Batch"):
            return OpInstance(spec.op_type, (T((4 * s, 128, 64)), T((4 * s, 64, 96))), (T((4 * s, 128, 96)),))
        return OpInstance(spec.op_type, (T((64 * s, 256)), T((256, 512))), (T((64 * s, 512)),))
    act = lambda c: T((2 * s, 28, 28, c), F16, "NC1HWC0", "NHWC")   # noqa: E731
    chan = T((64,), F32, "NC1HWC0")
    if spec.kind == "fused_bn_conv":
        w = T((3, 3, 64, 128), F16, "FRACTAL_Z", "HWCN")
        return OpInstance(spec.op_type, (act(64), chan, chan, w), (act(64), act(128), chan, chan))
    w = T((3, 3, 64, 128), F32, "FRACTAL_Z", "HWCN")
    return OpInstance(spec.op_type, (act(64), act(128), chan, chan), (w, act(128)))


def _matrix(spec, s, n=2, cols=1024):
    d = _dtype(spec)
    return tuple(T((64 * s, cols), d) for _ in range(n))


def _vector(spec, s):
    d = _dtype(spec)
    big = T((64 * s, 1024), d)
    kind, name = spec.kind, spec.op_type
    if kind == "elementwise":
        if spec.dtype_input == 1:
            return OpInstance(name, (T(big.shape, "bool"), big, big), (big,))
        if name == "Cast":
            return OpInstance(name, (T(big.shape, F32),), (T(big.shape, F16),))
        out = T(big.shape, "bool") if name in ("Equal", "NotEqual", "Greater", "GreaterEqual", "Less",
                                                "LessEqual") else big
        return OpInstance(name, (big, big), (out,))
    if kind == "reduce":
        return OpInstance(name, (big,), (T((64 * s,), d),))
    if kind == "bn":
        act = T((8 * s, 28, 28, 64), d, "NC1HWC0", "NHWC")
        chan = T((64,), F32, "NC1HWC0")
        return OpInstance(name, (act, act, chan, chan), (act, chan, chan))
    if kind in ("normalize", "scan"):
        return OpInstance(name, (big, T((1024,), d)), (big, T((64 * s,), d)))
    if kind in ("apply", "sparse_apply", "fused"):
        if kind == "sparse_apply":
            var = T((4096, 256), d)
            grad = T((64 * s, 256), d)
            return OpInstance(name, (var, var, SCALAR, grad, T((64 * s,), "int32")), (var,))
        return OpInstance(name, (big, big, big, big, SCALAR), (big, big, big))
    raise AssertionError(f"no example for {name} ({spec.family}/{kind})")


def _window(spec, s):
    name, d = spec.op_type, _dtype(spec)
    act = lambda h, c=64: T((2 * s, h, h, c), d, "NC1HWC0", "NHWC")   # noqa: E731
    ksize = {"ksize": (1, 3, 3, 1)}
    if spec.kind == "pool":
        return OpInstance(name, (act(56),), (act(28),), ksize)
    if spec.kind == "pool_grad":
        return OpInstance(name, (act(56), act(28), act(28)), (act(56),), ksize)
    if spec.kind == "resize":
        return OpInstance(name, (act(32), T((2,), "int32")), (act(64),))
    return OpInstance(name, (act(64), act(32)), (act(32),))


def _movement(spec, s):
    name, kind = spec.op_type, spec.kind
    big = T((64 * s, 1024), F16)
    if name == "TransData":
        return OpInstance(name, (big,), (T(big.shape, F16, "FRACTAL_NZ"),))
    if kind == "transpose":
        return OpInstance(name, (big, SHAPE), (T((1024, 64 * s)),))
    if kind in ("copy", "memcpy"):
        half = T((64 * s, 512))
        return OpInstance(name, (half, half), (big,))
    if kind == "slice":
        return OpInstance(name, (big, SHAPE, SHAPE), (T((32 * s, 1024)),))
    if kind == "gather":
        return OpInstance(name, (T((4096, 256)), T((64 * s,), "int32")), (T((64 * s, 256)),))
    if kind == "scatter":
        var = T((8192, 256))
        return OpInstance(name, (var, T((64 * s, 1), "int32"), T((64 * s, 256))), (var,))
    if kind == "fill":
        return OpInstance(name, (SHAPE,), (big,))
    raise AssertionError(f"no example for {name} ({kind})")


def _offcore(spec, s):
    name, kind = spec.op_type, spec.kind
    big = T((64 * s, 1024), F32)
    if kind == "gen_mask":
        return OpInstance(name, (T((2,), "int32"), SCALAR), (T((8 * s * 1024,), "uint8"),))
    if kind == "do_mask":
        x = T((64 * s, 1024), F16)
        return OpInstance(name, (x, T((8 * s * 1024,), "uint8"), T((), F16)), (x,))
    if kind == "random":
        return OpInstance(name, (T((2,), "int32"),), (big,))
    if kind == "dequeue":
        return OpInstance(name, (), (T((8 * s, 224, 224, 3), F32), T((8 * s,), "int32")))
    if kind == "linalg":
        return OpInstance(name, (T((4 * s, 32, 32), F32),), (T((4 * s, 32, 32), F32),))
    if kind in ("compute", "collective"):
        return OpInstance(name, (big,), (big,))
    return OpInstance(name, (big,), (big,))


def _rnn(spec, s):
    name, kind = spec.op_type, spec.kind
    t, b, i, h = 4 * s, 16, 128, 128
    x = T((t, b, i))
    if kind == "rnn":
        return OpInstance(name, (x, T((i + h, 4 * h)), T((4 * h,))), (T((t, b, h)),) * 8)
    if kind == "gru":
        return OpInstance(name, (x, T((i, 3 * h)), T((h, 3 * h))), (T((t, b, h)),) * 6)
    bb = 16 * s
    if kind == "lstm_cell":
        return OpInstance(name, (T((bb, i)), T((bb, h)), T((bb, h)), T((i + h, 4 * h)), T((4 * h,))),
                          (T((bb, h)),) * 7)
    if kind == "lstm_weight_grad":
        return OpInstance(name, (T((bb, i)), T((bb, h)), T((bb, 4 * h))), (T((i + h, 4 * h), F32), T((4 * h,))))
    if kind == "lstm_input_grad":
        return OpInstance(name, (T((bb, 4 * h)), T((i + h, 4 * h))), (T((bb, i)), T((bb, h))))
    return OpInstance(name, (T((bb, h)),) * 8, (T((bb, 4 * h)), T((bb, h))))


BUILDERS = {"rnn": _rnn, "cube": _cube, "elementwise": _vector, "reduction": _vector, "optimizer": _vector,
            "pooling": _window, "movement": _movement, "random": _offcore, "aicpu": _offcore, "hccl": _offcore,
            "host": _offcore}


def example(op_type: str, scale: int = 1) -> OpInstance:
    spec = registry.lookup(op_type)
    return BUILDERS[spec.family](spec, scale)


SCALES = (1, 4, 16)


def vector_roofline_dtype(node, hw):
    """The node's dtype with the most vector lanes: the fastest the vector unit could go on its data."""
    from ascend_sim.ops.cost import lanes
    return max({d.dtype for d in node.inputs + node.outputs}, key=lambda d: lanes(d, hw))


def assert_cost_properties(op_type, hw, scales=SCALES):
    """Costed without fallback at every scale; AI Core costs never beat the roofline; block_dim within the
    cores; time never falls as the work grows and rises over the whole range (host ops cost nothing)."""
    from ascend_sim.ops.cost import roofline_cycles
    spec = registry.lookup(op_type)
    durations = []
    for scale in scales:
        node = example(op_type, scale)
        c = registry.cost(op_type, node, hw)
        assert not c.fallback, c.fallback_reason
        assert 1 <= c.block_dim <= hw.chip.ai_core_count
        if spec.unit == "aicore_cube":
            bound = roofline_cycles(c.flops, c.bytes_hbm, hw, unit="cube", dtype=node.inputs[spec.dtype_input].dtype)
            assert c.cycles >= bound * (1 - 1e-9), (scale, c.cycles, bound)
        elif spec.unit == "aicore_vector":
            bound = roofline_cycles(c.flops, c.bytes_hbm, hw, unit="vector", dtype=vector_roofline_dtype(node, hw))
            assert c.cycles >= bound * (1 - 1e-9), (scale, c.cycles, bound)
        elif spec.unit in ("aicpu", "hccl", "dma"):
            assert c.cycles == 0 and c.offcore_us > 0 and c.bound == "offcore"
        durations.append(c.duration_us(hw))
    if spec.unit == "host":
        assert durations == [0.0] * len(scales)
    else:
        assert durations == sorted(durations) and durations[-1] > durations[0], durations
