"""GRU ops (upstream ``aicore/npu_aicore_ops.cc``): DynamicGruV2, DynamicAUGRU and their grads.

Per step, with ``gx = x·W_x + b_x`` and ``gh = h_prev·W_h + b_h`` split into the blocks of
``gate_order`` ("zrh": update z, reset r, candidate n; "rzh": r, z, n)::

    z = σ(gx_z + gh_z), r = σ(gx_r + gh_r)
    reset_after=True:  hidden_new = gh_n                      n = tanh(gx_n + r·hidden_new)
    reset_after=False: hidden_new = (r·h_prev)·W_h,n + b_h,n  n = tanh(gx_n + hidden_new)
    ẑ = z (GRU) or (1 − a_t)·z (AUGRU, attention a = weight_att[t])
    h = ẑ·h_prev + (1 − ẑ)·n

``y`` and ``output_h`` both hold the state (carried unchanged past ``seq_length``).  The gradients
are the NPU's grad ops, written as BPTT over the recorded activations.
"""
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, functional_ops, math_ops, nn_ops

from npu_bridge._ops import rnn_common as rnn
from npu_bridge._ops.composite import OpView, as_text, zeros_if_none
from npu_bridge._ops.registry import REQUIRED, register

_ORDERS = {"zrh": {"z": 0, "r": 1, "n": 2}, "rzh": {"r": 0, "z": 1, "n": 2}}


def _blocks(gate_order, op_type):
    order = as_text(gate_order)
    if order not in _ORDERS:
        raise ValueError(f"{op_type}: gate_order must be one of {sorted(_ORDERS)}, got {order!r}")
    return _ORDERS[order]


def _split(t, blocks):
    parts = array_ops.split(t, 3, axis=-1)
    return parts[blocks["z"]], parts[blocks["r"]], parts[blocks["n"]]


def _join(z, r, n, blocks):
    parts = [None] * 3
    parts[blocks["z"]], parts[blocks["r"]], parts[blocks["n"]] = z, r, n
    return array_ops.concat(parts, axis=-1)


def gru_forward(x, wi, wh, bi, bh, h0, att, mask, blocks, reset_after):
    """Time-major GRU / AUGRU; returns h, z, ẑ, r, n, hidden_new (each ``[T, B, H]``)."""
    _, _, wh_n = _split(wh, blocks)
    _, _, bh_n = _split(bh, blocks)

    def step(carry, elems):
        h_prev = carry[0]
        x_t, m_t, a_t = elems
        zx, rx, nx = _split(nn_ops.bias_add(math_ops.matmul(x_t, wi), bi), blocks)
        zh, rh, nh = _split(nn_ops.bias_add(math_ops.matmul(h_prev, wh), bh), blocks)
        z, r = math_ops.sigmoid(zx + zh), math_ops.sigmoid(rx + rh)
        if reset_after:
            hidden_new = nh
            n = math_ops.tanh(nx + r * hidden_new)
        else:
            hidden_new = nn_ops.bias_add(math_ops.matmul(r * h_prev, wh_n), bh_n)
            n = math_ops.tanh(nx + hidden_new)
        zhat = z if att is None else (1.0 - array_ops.expand_dims(a_t, -1)) * z
        h = zhat * h_prev + (1.0 - zhat) * n
        return (m_t * h + (1.0 - m_t) * h_prev, z, zhat, r, n, hidden_new)

    att_seq = att if att is not None else mask[..., 0]
    zeros = array_ops.zeros_like(h0)
    return list(functional_ops.scan(step, (x, mask, att_seq), initializer=(h0,) + (zeros,) * 5))


def gru_backward(x, wi, wh, h0, h, gates, att, dh_total, mask, blocks, reset_after):
    """BPTT; returns dwi, dwh, dbi, dbh, dx, dh0 and d(attention) ``[T, B]`` (None for GRU)."""
    z, zhat, r, n, hidden_new = gates
    wh_z, wh_r, wh_n = _split(wh, blocks)
    h_prev = rnn.previous(h, h0)

    def step(carry, elems):
        dh_next = carry[0]
        m_t, hp, z_t, zh_t, r_t, n_t, hn_t, a_t, g_t = elems
        g = dh_next + g_t
        dh_act = m_t * g
        dzhat = dh_act * (hp - n_t)
        dz = dzhat if att is None else dzhat * (1.0 - array_ops.expand_dims(a_t, -1))
        da = -math_ops.reduce_sum(dzhat * z_t, axis=-1)
        dn_pre = dh_act * (1.0 - zh_t) * (1.0 - n_t * n_t)
        if reset_after:
            dhn = dn_pre * r_t
            dr = dn_pre * hn_t
            via_n = math_ops.matmul(dhn, wh_n, transpose_b=True)
        else:
            dhn = dn_pre
            d_rh = math_ops.matmul(dhn, wh_n, transpose_b=True)
            dr = d_rh * hp
            via_n = d_rh * r_t
        dz_pre, dr_pre = dz * z_t * (1.0 - z_t), dr * r_t * (1.0 - r_t)
        dh_prev = (dh_act * zh_t + via_n + (1.0 - m_t) * g
                   + math_ops.matmul(dz_pre, wh_z, transpose_b=True) + math_ops.matmul(dr_pre, wh_r, transpose_b=True))
        return (dh_prev, _join(dz_pre, dr_pre, dn_pre, blocks), _join(dz_pre, dr_pre, dhn, blocks), da)

    att_seq = att if att is not None else mask[..., 0]
    zeros = array_ops.zeros_like(h0)
    init = (zeros, array_ops.concat([zeros] * 3, -1), array_ops.concat([zeros] * 3, -1), att_seq[0])
    elems = (mask, h_prev, z, zhat, r, n, hidden_new, att_seq, dh_total)
    dh_prev, dgx, dgh, da = functional_ops.scan(step, elems, initializer=init, reverse=True)
    dgh_z, dgh_r, dgh_n = _split(dgh, blocks)
    n_input = h_prev if reset_after else r * h_prev
    dwh = _join(*(math_ops.tensordot(hin, dg, [[0, 1], [0, 1]])
                  for hin, dg in ((h_prev, dgh_z), (h_prev, dgh_r), (n_input, dgh_n))), blocks=blocks)
    dwi = math_ops.tensordot(x, dgx, [[0, 1], [0, 1]])
    dx = math_ops.tensordot(dgx, wi, [[2], [1]])
    dbi, dbh = math_ops.reduce_sum(dgx, axis=[0, 1]), math_ops.reduce_sum(dgh, axis=[0, 1])
    return dwi, dwh, dbi, dbh, dx, dh_prev[0], (da if att is not None else None)


_GRU_ATTRS = (
    ("direction", REQUIRED), ("cell_depth", 1), ("keep_prob", 1.0), ("cell_clip", -1.0), ("num_proj", 0),
    ("time_major", True), ("activation", REQUIRED), ("gate_order", REQUIRED), ("reset_after", True),
    ("is_training", True),
)
_GRAD_ATTRS = (
    ("direction", REQUIRED), ("cell_depth", 1), ("keep_prob", 1.0), ("cell_clip", -1.0), ("num_proj", 0),
    ("time_major", True), ("gate_order", REQUIRED), ("reset_after", True),
)
_GRAD_ATTR_NAMES = tuple(k for k, _ in _GRAD_ATTRS)


def _check(op_type, attrs, activation="tanh"):
    reverse = rnn.check_attrs(op_type, attrs["direction"], attrs["cell_depth"], attrs["keep_prob"],
                              attrs["num_proj"], activation)
    if float(attrs["cell_clip"]) > 0:
        raise NotImplementedError(f"{op_type}: cell_clip={attrs['cell_clip']} is not emulated; legal value: -1.0")
    return reverse, _blocks(attrs["gate_order"], op_type)


def _gru(op_type, x, wi, wh, bi, bh, att, seq_length, init_h, attrs):
    reverse, blocks = _check(op_type, attrs, attrs["activation"])
    x = ops.convert_to_tensor(x, name="x")
    rnn.check_float(op_type, x)
    wi, wh, bi, bh = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (wi, wh, bi, bh))
    tm = attrs["time_major"]
    seqs = [x] + ([ops.convert_to_tensor(att, dtype=x.dtype)] if att is not None else [])
    seqs = rnn.to_processing_order(seqs, tm, reverse, seq_length)
    xt, att_t = seqs[0], (seqs[1] if att is not None else None)
    mask = rnn.step_mask(seq_length, xt, x.dtype)
    h, z, zhat, r, n, hn = gru_forward(xt, wi, wh, bi, bh, rnn.state_2d(init_h, x.dtype), att_t, mask, blocks,
                                       bool(attrs["reset_after"]))
    outs = [h, h, z] + ([zhat] if att is not None else []) + [r, n, hn]
    return rnn.to_caller_order(outs, tm, reverse, seq_length)


def _gru_grad(op_type, x, wi, wh, att, init_h, h, dy, dh, gates, seq_length, attrs):
    reverse, blocks = _check(op_type, attrs)
    x = ops.convert_to_tensor(x, name="x")
    tm = attrs["time_major"]
    wi, wh = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (wi, wh))
    seqs = [rnn.time_major(t, tm) for t in [x, h, dy] + list(gates)]
    dh_t = ops.convert_to_tensor(dh, dtype=x.dtype)
    seqs.append(rnn.per_step(rnn.time_major(dh_t, tm) if dh_t.shape.rank == 3 else dh_t, seqs[1]))
    if att is not None:
        seqs.append(rnn.time_major(ops.convert_to_tensor(att, dtype=x.dtype), tm))
    if reverse:
        seqs = [rnn.reverse_time(s, seq_length) for s in seqs]
    x_t, h_t, dy_t = seqs[:3]
    gates_t, dh_t = seqs[3:8], seqs[8]
    att_t = seqs[9] if att is not None else None
    mask = rnn.step_mask(seq_length, x_t, x.dtype)
    dwi, dwh, dbi, dbh, dx, dh0, datt = gru_backward(
        x_t, wi, wh, rnn.state_2d(init_h, x.dtype), h_t, gates_t, att_t, dy_t + dh_t, mask, blocks,
        bool(attrs["reset_after"]),
    )
    outs = [dx] + ([datt] if att is not None else [])
    outs = rnn.to_caller_order(outs, tm, reverse, seq_length)
    return [dwi, dwh, dbi, dbh, outs[0], dh0] + outs[1:]


def dynamic_gru_grad_view(view, grads):
    """Gradient of a DynamicGruV2 / DynamicAUGRU instance, for its inputs in order."""
    from npu_bridge._ops import gen_ops

    augru = view.type == "DynamicAUGRU"
    if augru:
        x, wi, wh, att, _, _, seq_length, init_h = view.inputs
        y, output_h, z, zhat, r, n, hn = view.outputs
    else:
        x, wi, wh, _, _, seq_length, init_h = view.inputs
        y, output_h, z, r, n, hn = view.outputs
    dy, dh = zeros_if_none(grads[0], y), zeros_if_none(grads[1], output_h)
    attrs = {k: view.get_attr(k) for k in _GRAD_ATTR_NAMES}
    if augru:
        dwi, dwh, dbi, dbh, dx, dh0, datt = gen_ops.dynamic_augru_grad(
            x, wi, wh, att, y, init_h, output_h, dy, dh, z, zhat, r, n, hn, seq_length, **attrs)
    else:
        dwi, dwh, dbi, dbh, dx, dh0 = gen_ops.dynamic_gru_v2_grad(
            x, wi, wh, y, init_h, output_h, dy, dh, z, r, n, hn, seq_length, **attrs)
    dh0 = array_ops.reshape(dh0, array_ops.shape(init_h))
    if augru:
        return [dx, dwi, dwh, datt, dbi, dbh, None, dh0]
    return [dx, dwi, dwh, dbi, dbh, None, dh0]


def _gru_grad_fn(inputs, outputs, grads):
    return dynamic_gru_grad_view(OpView.of(outputs[0].op), grads)


@register("DynamicGruV2", inputs=["x", "weight_input", "weight_hidden", "bias_input", "bias_hidden", "seq_length",
                                  "init_h"], attrs=_GRU_ATTRS, grad=_gru_grad_fn, stateful=True)
def dynamic_gru_v2(x, weight_input, weight_hidden, bias_input, bias_hidden, seq_length, init_h, **attrs):
    """(y, output_h, update, reset, new, hidden_new), each [T, B, H]."""
    return _gru("DynamicGruV2", x, weight_input, weight_hidden, bias_input, bias_hidden, None, seq_length, init_h,
                attrs)


@register("DynamicAUGRU", inputs=["x", "weight_input", "weight_hidden", "weight_att", "bias_input", "bias_hidden",
                                  "seq_length", "init_h"], attrs=_GRU_ATTRS, grad=_gru_grad_fn, stateful=True)
def dynamic_augru(x, weight_input, weight_hidden, weight_att, bias_input, bias_hidden, seq_length, init_h, **attrs):
    """(y, output_h, update, update_att, reset, new, hidden_new); weight_att [T, B] scales the update gate."""
    return _gru("DynamicAUGRU", x, weight_input, weight_hidden, bias_input, bias_hidden, weight_att, seq_length,
                init_h, attrs)


@register("DynamicGruV2Grad", inputs=["x", "weight_input", "weight_hidden", "y", "init_h", "h", "dy", "dh", "update",
                                      "reset", "new", "hidden_new", "seq_length"], attrs=_GRAD_ATTRS, stateful=True)
def dynamic_gru_v2_grad(x, weight_input, weight_hidden, y, init_h, h, dy, dh, update, reset, new, hidden_new,
                        seq_length, **attrs):
    """(dw_input, dw_hidden, db_input, db_hidden, dx, dh_prev [B, H]); dh per step [T, B, H] or last step [B, H]."""
    gates = (update, update, reset, new, hidden_new)
    return _gru_grad("DynamicGruV2Grad", x, weight_input, weight_hidden, None, init_h, h, dy, dh, gates, seq_length,
                     attrs)


@register("DynamicAUGRUGrad", inputs=["x", "weight_input", "weight_hidden", "weight_att", "y", "init_h", "h", "dy",
                                      "dh", "update", "update_att", "reset", "new", "hidden_new", "seq_length"],
          attrs=_GRAD_ATTRS, stateful=True)
def dynamic_augru_grad(x, weight_input, weight_hidden, weight_att, y, init_h, h, dy, dh, update, update_att, reset,
                       new, hidden_new, seq_length, **attrs):
    """(dw_input, dw_hidden, db_input, db_hidden, dx, dh_prev, dw_att [T, B])."""
    gates = (update, update_att, reset, new, hidden_new)
    return _gru_grad("DynamicAUGRUGrad", x, weight_input, weight_hidden, weight_att, init_h, h, dy, dh, gates,
                     seq_length, attrs)
