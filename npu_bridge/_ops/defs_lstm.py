"""LSTM ops (upstream ``npu_ops.cc``: BasicLSTMCell + grads; ``npu_aicore_ops.cc``: DynamicRnn family).

Cell math (gate order i, j, f, o in the 4·H columns of ``w``; ``w`` is ``[I + H, 4·H]`` applied to
``[x, h]``)::

    i = σ(·), j = tanh(·), f = σ(· + forget_bias), o = σ(·)
    c = f·c_prev + i·j   (clipped to ±cell_clip when cell_clip > 0)
    h = o·tanh(c)

Gate outputs are the activated values.  The gradients are the NPU's: BPTT written with the
recorded activations (no recomputation), as the ``*Grad`` ops do on the device.
"""
import logging

from tensorflow.python.framework import constant_op, ops
from tensorflow.python.ops import array_ops, clip_ops, functional_ops, math_ops, nn_ops

from npu_bridge._ops import rnn_common as rnn
from npu_bridge._ops.composite import OpView, as_text, is_absent, zeros_if_none
from npu_bridge._ops.registry import REQUIRED, register

_log = logging.getLogger("npu_bridge.ops")


def _gates(xh, w, b, forget_bias):
    i, j, f, o = array_ops.split(nn_ops.bias_add(math_ops.matmul(xh, w), b), 4, axis=1)
    fb = constant_op.constant(forget_bias, f.dtype)
    return math_ops.sigmoid(i), math_ops.tanh(j), math_ops.sigmoid(f + fb), math_ops.sigmoid(o)


def _clip(c, cell_clip):
    if cell_clip > 0:
        return clip_ops.clip_by_value(c, -cell_clip, cell_clip)
    return c


# ---------------------------------------------------------------------------------------------
# BasicLSTMCell: one step


def _check_cell(op_type, keep_prob, activation):
    if float(keep_prob) != 1.0:
        raise NotImplementedError(f"{op_type}: keep_prob={keep_prob} (in-cell dropout) is not emulated; legal value: 1.0")
    if as_text(activation) != "tanh":
        raise NotImplementedError(f"{op_type}: activation={as_text(activation)!r} is not emulated; legal value: 'tanh'")


def basic_lstm_cell_grad_view(view, grads):
    """Gradient of one BasicLSTMCell instance: [dx, dh, dc, dw, db] (upstream's three grad ops)."""
    from npu_bridge._ops import gen_ops

    x, h, c, w, _ = view.inputs
    ct, _, it, jt, ft, ot, tanhct = view.outputs
    dct, dht, dit, djt, dft, dot, dtanhct = grads
    dct = zeros_if_none(dct, ct)
    if not is_absent(dtanhct):  # upstream drops it; tanhct depends on ct only
        dct = dct + dtanhct * (1.0 - tanhct * tanhct)
    dgate, dc_prev = gen_ops.basic_lstm_cell_c_state_grad(
        c, zeros_if_none(dht, ct), dct, it, jt, ft, ot, tanhct,
        forget_bias=view.get_attr("forget_bias"), activation=view.get_attr("activation"),
    )
    extra = [(dit, it * (1.0 - it)), (djt, 1.0 - jt * jt), (dft, ft * (1.0 - ft)), (dot, ot * (1.0 - ot))]
    if not all(is_absent(g) for g, _ in extra):  # upstream drops gradients of the gate outputs
        dgate = dgate + array_ops.concat([zeros_if_none(g, ct) * d for g, d in extra], axis=1)
    dw, db = gen_ops.basic_lstm_cell_weight_grad(x, h, dgate)
    dx, dh = gen_ops.basic_lstm_cell_input_grad(dgate, w, keep_prob=view.get_attr("keep_prob"))
    return [dx, dh, dc_prev, dw, db]


def _basic_lstm_cell_grad(inputs, outputs, grads):
    return basic_lstm_cell_grad_view(OpView.of(outputs[0].op), grads)


@register(
    "BasicLSTMCell",
    inputs=["x", "h", "c", "w", "b"],
    attrs={"keep_prob": 1.0, "forget_bias": 1.0, "state_is_tuple": True, "activation": "tanh"},
    grad=_basic_lstm_cell_grad,
    stateful=True,
)
def basic_lstm_cell(x, h, c, w, b, keep_prob, forget_bias, state_is_tuple, activation):
    """(ct, ht, it, jt, ft, ot, tanhct) of one LSTM step."""
    _check_cell("BasicLSTMCell", keep_prob, activation)
    x = ops.convert_to_tensor(x, name="x")
    rnn.check_float("BasicLSTMCell", x)
    h, c, w, b = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (h, c, w, b))
    it, jt, ft, ot = _gates(array_ops.concat([x, h], axis=1), w, b, forget_bias)
    ct = ft * c + it * jt
    tanhct = math_ops.tanh(ct)
    return [ct, ot * tanhct, it, jt, ft, ot, tanhct]


@register(
    "BasicLSTMCellCStateGrad",
    inputs=["c", "dht", "dct", "it", "jt", "ft", "ot", "tanhct"],
    attrs={"forget_bias": 1.0, "activation": "tanh"},
    stateful=True,
)
def basic_lstm_cell_c_state_grad(c, dht, dct, it, jt, ft, ot, tanhct, forget_bias, activation):
    """(dgate [B, 4H] of the gate pre-activations i, j, f, o; dct_1 = dL/dc_prev)."""
    _check_cell("BasicLSTMCellCStateGrad", 1.0, activation)
    dc = dct + dht * ot * (1.0 - tanhct * tanhct)
    di = dc * jt * it * (1.0 - it)
    dj = dc * it * (1.0 - jt * jt)
    df = dc * c * ft * (1.0 - ft)
    do = dht * tanhct * ot * (1.0 - ot)
    return [array_ops.concat([di, dj, df, do], axis=1), dc * ft]


@register("BasicLSTMCellWeightGrad", inputs=["x", "h", "dgate"], stateful=True)
def basic_lstm_cell_weight_grad(x, h, dgate):
    """(dw = [x, h]ᵀ·dgate, db = Σ_batch dgate)."""
    xh = array_ops.concat([x, h], axis=1)
    return [math_ops.matmul(xh, dgate, transpose_a=True), math_ops.reduce_sum(dgate, axis=0)]


@register("BasicLSTMCellInputGrad", inputs=["dgate", "w"], attrs={"keep_prob": 1.0}, stateful=True)
def basic_lstm_cell_input_grad(dgate, w, keep_prob):
    """(dxt, dht): dgate·wᵀ split into the input and hidden parts."""
    _check_cell("BasicLSTMCellInputGrad", keep_prob, "tanh")
    dxh = math_ops.matmul(dgate, w, transpose_b=True)
    hidden = array_ops.shape(dgate)[1] // 4
    in_size = array_ops.shape(w)[0] - hidden
    return [dxh[:, :in_size], dxh[:, in_size:]]


# ---------------------------------------------------------------------------------------------
# DynamicRnn / DynamicRnnV2: a whole sequence


def lstm_forward(x, w, b, h0, c0, mask, forget_bias, cell_clip):
    """Time-major LSTM over ``x``; returns y, h, c, i, j, f, o, tanhc (each ``[T, B, H]``)."""

    def step(carry, elems):
        h_prev, c_prev = carry[0], carry[1]
        x_t, m_t = elems
        i, j, f, o = _gates(array_ops.concat([x_t, h_prev], axis=1), w, b, forget_bias)
        c = _clip(f * c_prev + i * j, cell_clip)
        tanhc = math_ops.tanh(c)
        h = o * tanhc
        keep = 1.0 - m_t
        return (m_t * h + keep * h_prev, m_t * c + keep * c_prev, m_t * h, i, j, f, o, tanhc)

    zeros = array_ops.zeros_like(h0)
    init = (h0, c0) + (zeros,) * 6
    h, c, y, i, j, f, o, tanhc = functional_ops.scan(step, (x, mask), initializer=init)
    return [y, h, c, i, j, f, o, tanhc]


def lstm_backward(x, w, h0, c0, h, c, gates, dy, dh, dc, mask, cell_clip):
    """BPTT from the recorded activations; returns dw, db, dx, dh0, dc0 (time-major)."""
    i, j, f, o, tanhc = gates
    in_size = array_ops.shape(x)[2]
    w_h = w[in_size:]
    h_prev = rnn.previous(h, h0)
    c_prev = rnn.previous(c, c0)

    def step(carry, elems):
        dh_next, dc_next, _ = carry
        m_t, cp, i_t, j_t, f_t, o_t, th, c_t, dy_t, dh_t, dc_t = elems
        g_h = dh_next + dh_t
        g_c = dc_next + dc_t
        dh_active = m_t * (g_h + dy_t)
        dcell = m_t * g_c + dh_active * o_t * (1.0 - th * th)
        if cell_clip > 0:
            dcell = dcell * math_ops.cast(math_ops.abs(c_t) < cell_clip, dcell.dtype)
        dgates = array_ops.concat(
            [dcell * j_t * i_t * (1.0 - i_t), dcell * i_t * (1.0 - j_t * j_t),
             dcell * cp * f_t * (1.0 - f_t), dh_active * th * o_t * (1.0 - o_t)],
            axis=1,
        )
        keep = 1.0 - m_t
        dh_prev = math_ops.matmul(dgates, w_h, transpose_b=True) + keep * g_h
        return (dh_prev, dcell * f_t + keep * g_c, dgates)

    zeros = array_ops.zeros_like(h0)
    init = (zeros, array_ops.zeros_like(c0), array_ops.concat([zeros] * 4, axis=1))
    elems = (mask, c_prev, i, j, f, o, tanhc, c, dy, dh, dc)
    dh_prev, dc_prev, dgates = functional_ops.scan(step, elems, initializer=init, reverse=True)
    xh = array_ops.concat([x, h_prev], axis=2)
    dw = math_ops.tensordot(xh, dgates, [[0, 1], [0, 1]])
    db = math_ops.reduce_sum(dgates, axis=[0, 1])
    dx = math_ops.tensordot(dgates, w[:in_size], [[2], [1]])
    return dw, db, dx, dh_prev[0], dc_prev[0]


_RNN_ATTRS = (
    ("cell_type", REQUIRED), ("direction", REQUIRED), ("cell_depth", 1), ("use_peephole", False),
    ("keep_prob", 1.0), ("cell_clip", -1.0), ("num_proj", 0), ("time_major", True), ("activation", REQUIRED),
    ("forget_bias", 0.0), ("is_training", True),
)


def _check_lstm(op_type, cell_type, direction, cell_depth, use_peephole, keep_prob, num_proj, activation):
    if as_text(cell_type) != "LSTM":
        raise NotImplementedError(f"{op_type}: cell_type={as_text(cell_type)!r} is not emulated; legal value: 'LSTM'")
    if use_peephole:
        raise NotImplementedError(f"{op_type}: use_peephole=True is not emulated; legal value: False")
    return rnn.check_attrs(op_type, direction, cell_depth, keep_prob, num_proj, activation)


def _dynamic_rnn(op_type, x, w, b, seq_length, init_h, init_c, attrs):
    reverse = _check_lstm(
        op_type, attrs["cell_type"], attrs["direction"], attrs["cell_depth"], attrs["use_peephole"],
        attrs["keep_prob"], attrs["num_proj"], attrs["activation"],
    )
    x = ops.convert_to_tensor(x, name="x")
    rnn.check_float(op_type, x)
    w, b = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (w, b))
    (xt,) = rnn.to_processing_order([x], attrs["time_major"], reverse, seq_length)
    h0, c0 = rnn.state_2d(init_h, x.dtype), rnn.state_2d(init_c, x.dtype)
    mask = rnn.step_mask(seq_length, xt, x.dtype)
    outs = lstm_forward(xt, w, b, h0, c0, mask, float(attrs["forget_bias"]), float(attrs["cell_clip"]))
    return rnn.to_caller_order(outs, attrs["time_major"], reverse, seq_length)


def dynamic_rnn_grad_view(view, grads):
    """Gradient of a DynamicRnn / DynamicRnnV2 instance, for its inputs in order."""
    from npu_bridge._ops import gen_ops

    has_seq = view.type == "DynamicRnn"
    x, w, b = view.inputs[:3]
    seq_length = view.inputs[3] if has_seq else None
    init_h, init_c = view.inputs[-2:]
    y, h, c, i, j, f, o, tanhc = view.outputs
    if not all(is_absent(g) for g in grads[3:]):
        _log.warning("%s: gradients of the gate outputs (i, j, f, o, tanhc) are ignored, as on the NPU", view.name)
    dy, dh, dc = (zeros_if_none(g, t) for g, t in zip(grads[:3], (y, h, c)))
    names = ("cell_type", "direction", "cell_depth", "use_peephole", "keep_prob", "cell_clip", "num_proj",
             "time_major", "forget_bias")
    attrs = {k: view.get_attr(k) for k in names}
    dw, db, dx, dh0, dc0 = gen_ops.dynamic_rnn_grad(
        x, w, b, y, init_h, init_c, h, c, dy, dh, dc, i, j, f, o, tanhc, seq_length=seq_length, **attrs
    )
    dh0 = array_ops.reshape(dh0, array_ops.shape(init_h))
    dc0 = array_ops.reshape(dc0, array_ops.shape(init_c))
    return [dx, dw, db] + ([None] if has_seq else []) + [dh0, dc0]


def _dynamic_rnn_grad(inputs, outputs, grads):
    return dynamic_rnn_grad_view(OpView.of(outputs[0].op), grads)


@register("DynamicRnn", inputs=["x", "w", "b", "seq_length", "init_h", "init_c"], attrs=_RNN_ATTRS,
          grad=_dynamic_rnn_grad, stateful=True)
def dynamic_rnn(x, w, b, seq_length, init_h, init_c, **attrs):
    """(y, output_h, output_c, i, j, f, o, tanhc), each [T, B, H]; steps past seq_length carry the state, y = 0."""
    return _dynamic_rnn("DynamicRnn", x, w, b, seq_length, init_h, init_c, attrs)


@register("DynamicRnnV2", inputs=["x", "w", "b", "init_h", "init_c"], attrs=_RNN_ATTRS,
          grad=_dynamic_rnn_grad, stateful=True)
def dynamic_rnn_v2(x, w, b, init_h, init_c, **attrs):
    """DynamicRnn over full-length sequences (no seq_length input)."""
    return _dynamic_rnn("DynamicRnnV2", x, w, b, None, init_h, init_c, attrs)


@register(
    "DynamicRnnGrad",
    inputs=["x", "w", "b", "y", "init_h", "init_c", "h", "c", "dy", "dh", "dc", "i", "j", "f", "o", "tanhc"],
    attrs=(
        ("cell_type", REQUIRED), ("direction", REQUIRED), ("cell_depth", 1), ("use_peephole", False),
        ("keep_prob", 1.0), ("cell_clip", -1.0), ("num_proj", 0), ("time_major", True), ("forget_bias", 0.0),
        ("seq_length", None),
    ),
    stateful=True,
)
def dynamic_rnn_grad(x, w, b, y, init_h, init_c, h, c, dy, dh, dc, i, j, f, o, tanhc, **attrs):
    """(dw, db, dx, dh_prev [1, B, H], dc_prev [1, B, H]).

    ``dh`` / ``dc`` are per step ``[T, B, H]`` or, as upstream passes them, the last step ``[B, H]``.
    ``seq_length`` (an ascend-sim extension, default None) masks the padded steps.
    """
    seq_length = attrs["seq_length"]
    reverse = _check_lstm(
        "DynamicRnnGrad", attrs["cell_type"], attrs["direction"], attrs["cell_depth"], attrs["use_peephole"],
        attrs["keep_prob"], attrs["num_proj"], "tanh",
    )
    x = ops.convert_to_tensor(x, name="x")
    tm = bool(attrs["time_major"])
    w = ops.convert_to_tensor(w, dtype=x.dtype)
    seqs = [rnn.time_major(t, tm) for t in (x, h, c, dy, i, j, f, o, tanhc)]
    seqs += [rnn.per_step(_time_major_grad(g, tm), seqs[k]) for g, k in ((dh, 1), (dc, 2))]
    if reverse:
        seqs = [rnn.reverse_time(s, seq_length) for s in seqs]
    x_t, h_t, c_t, dy_t, i_t, j_t, f_t, o_t, th_t, dh_t, dc_t = seqs
    h0, c0 = rnn.state_2d(init_h, x.dtype), rnn.state_2d(init_c, x.dtype)
    mask = rnn.step_mask(seq_length, x_t, x.dtype)
    dw, db, dx, dh0, dc0 = lstm_backward(
        x_t, w, h0, c0, h_t, c_t, (i_t, j_t, f_t, o_t, th_t), dy_t, dh_t, dc_t, mask, float(attrs["cell_clip"])
    )
    (dx,) = rnn.to_caller_order([dx], tm, reverse, seq_length)
    return [dw, db, dx, array_ops.expand_dims(dh0, 0), array_ops.expand_dims(dc0, 0)]


def _time_major_grad(grad, is_time_major):
    grad = ops.convert_to_tensor(grad)
    return rnn.time_major(grad, is_time_major) if grad.shape.rank == 3 else grad
