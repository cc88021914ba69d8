"""Plain numpy twins of the NPU recurrent ops (float64, time-major, one direction)."""
import numpy as np


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def lstm_cell(x, h, c, w, b, forget_bias):
    """One step, gate order i, j, f, o: returns ct, ht, it, jt, ft, ot, tanhct."""
    gates = np.concatenate([x, h], axis=1) @ w + b
    i, j, f, o = np.split(gates, 4, axis=1)
    i, j, f, o = sigmoid(i), np.tanh(j), sigmoid(f + forget_bias), sigmoid(o)
    ct = f * c + i * j
    return ct, o * np.tanh(ct), i, j, f, o, np.tanh(ct)


def lstm(x, w, b, h0, c0, forget_bias=0.0, lengths=None, reverse=False, cell_clip=-1.0):
    """y, h, c, i, j, f, o, tanhc [T, B, H]; past ``lengths[b]`` the state is carried and y is 0."""
    steps, batch = x.shape[:2]
    lengths = np.full(batch, steps) if lengths is None else np.asarray(lengths)
    outs = [np.zeros((steps, batch, h0.shape[-1])) for _ in range(8)]
    h, c = h0.reshape(batch, -1).copy(), c0.reshape(batch, -1).copy()
    for b_idx in range(batch):
        n = min(max(int(lengths[b_idx]), 0), steps)
        order = list(range(n))[::-1] if reverse else list(range(n))
        hb, cb = h[b_idx:b_idx + 1], c[b_idx:b_idx + 1]
        for t in order:
            ct, ht, it, jt, ft, ot, tanhct = lstm_cell(x[t, b_idx:b_idx + 1], hb, cb, w, b, forget_bias)
            if cell_clip > 0:
                ct = np.clip(ct, -cell_clip, cell_clip)
                tanhct = np.tanh(ct)
                ht = ot * tanhct
            hb, cb = ht, ct
            for k, v in enumerate([ht, ht, ct, it, jt, ft, ot, tanhct]):
                outs[k][t, b_idx] = v[0]
        for t in range(n, steps):  # carried state (the gate outputs there are not compared)
            outs[1][t, b_idx], outs[2][t, b_idx] = hb[0], cb[0]
    return outs


def gru(x, wi, wh, bi, bh, h0, gate_order="zrh", reset_after=True, att=None, lengths=None):
    """h [T, B, H] of a GRU / AUGRU (h = ẑ·h_prev + (1 − ẑ)·n, ẑ = (1 − a)·z), state carried past lengths."""
    steps, batch = x.shape[:2]
    lengths = np.full(batch, steps) if lengths is None else np.asarray(lengths)
    hidden = h0.shape[-1]
    zi, ri = (0, 1) if gate_order == "zrh" else (1, 0)

    def block(m, k):
        return m[..., k * hidden:(k + 1) * hidden]

    h = h0.reshape(batch, hidden).copy()
    out = np.zeros((steps, batch, hidden))
    for t in range(steps):
        gx = x[t] @ wi + bi
        gh = h @ wh + bh
        z = sigmoid(block(gx, zi) + block(gh, zi))
        r = sigmoid(block(gx, ri) + block(gh, ri))
        if reset_after:
            n = np.tanh(block(gx, 2) + r * block(gh, 2))
        else:
            n = np.tanh(block(gx, 2) + (r * h) @ block(wh, 2) + block(bh, 2))
        if att is not None:
            z = (1.0 - att[t][:, None]) * z
        new = z * h + (1.0 - z) * n
        active = (t < lengths)[:, None]
        h = np.where(active, new, h)
        out[t] = h
    return out
