"""float64 numpy twins of the ascend_sim.kernels formulas, and the error bounds the kernels must meet.

The twins evaluate the reference math in float64 at the exact input values (float16/float32 inputs
convert exactly), GeLU as x·sigmoid(2u) — the same function as 0.5·x·(1 + tanh(u)) without its
cancellation for x ≲ −3.

Bound (:func:`assert_within`):
``|got − twin| ≤ abs_floor + atol_eval·|dy| + |twin|·(rtol_round + rtol_eval·amp(x))``
with ``BOUNDS[kind][dtype] = (abs_floor, atol_eval, rtol_round, rtol_eval)``.  ``amp(x) = 1 + |x·a'(x)|·(1 − s)``
is the condition number of the result through the exponent ``a`` of the sigmoid
(``a = −2u`` for GeLU, ``−1.702·x`` for FastGelu): in the negative tail an input's last-bit
rounding moves e^a by |x·a'(x)| ulps (≈ 150 at x = −9), so no float32 evaluation can do better.
Measured over ±60 (dense) and ±[1e-38, 1e4] (log-spaced), worst ratio error/bound:
float32 0.82, float64 ≈ 0.55 (forward, at rtol 1e-15), float16 1.0 (exactly half an ulp, ties).

* float32: rtol_eval 3e-7 (≈ 2.5 ulp); atol_eval 3e-7·|dy| for gradients (they cross 0 near
  x = −0.75); abs_floor 1e-35: results below ~1e-36 flush to 0 (exp's argument is clamped at −87).
* float16: the float32 result rounded once — half an ulp (rtol_round 2⁻¹¹; abs_floor 2⁻²⁵ for
  subnormal results) plus the float32 error.
* float64: libm exp — a few ulps.
"""
import math

import numpy as np

C = math.sqrt(2.0 / math.pi)
K = 0.044715

_H = 2.0 ** -11  # half an ulp of a float16 significand, relative
_HALF_SUBNORMAL = 2.0 ** -25 + 1e-12  # half the float16 subnormal spacing (ties allowed)
# (abs_floor, atol_eval, rtol_round, rtol_eval)
BOUNDS = {
    "gelu": {np.float64: (1e-300, 0.0, 0.0, 1e-15), np.float32: (1e-35, 0.0, 0.0, 3e-7),
             np.float16: (_HALF_SUBNORMAL, 0.0, _H, 3e-7)},
    "grad": {np.float64: (1e-300, 1e-15, 0.0, 1e-15), np.float32: (1e-35, 3e-7, 0.0, 3e-7),
             np.float16: (_HALF_SUBNORMAL, 3e-7, _H, 3e-7)},
}


def amp(x, fast=False):
    """Condition number of the (Fast)GeLU family at ``x`` through the sigmoid's exponent (see above)."""
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if fast:
            xa, a = 1.702 * np.abs(x), -1.702 * x
        else:
            xa, a = np.abs(2.0 * C * x * (1.0 + 3.0 * K * x * x)), -2.0 * C * (x + K * x * x * x)
        _, oms = _sigmoid_pair(a)
        return np.where(np.isfinite(xa), 1.0 + xa * oms, 1.0)


def _sigmoid_pair(a):
    """(s, 1 − s) for s = 1 / (1 + e^a) in float64, both accurate (no cancellation), NaN-free for finite a."""
    with np.errstate(over="ignore"):
        e = np.exp(a)
    s = 1.0 / (1.0 + e)
    with np.errstate(invalid="ignore"):
        one_minus_s = np.where(np.isinf(e), 1.0, e * s)
    return s, one_minus_s


def gelu(x):
    """0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), evaluated as x·sigmoid(2u) (no cancellation)."""
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        s, _ = _sigmoid_pair(-2.0 * C * (x + K * x * x * x))
        return x * s


def gelu_grad(dy, x):
    """dy · d gelu/dx = dy·(s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²)), s = sigmoid(2u)."""
    x, dy = np.asarray(x, np.float64), np.asarray(dy, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        s, oms = _sigmoid_pair(-2.0 * C * (x + K * x * x * x))
        return dy * (s + 2.0 * x * s * oms * C * (1.0 + 3.0 * K * x * x))


def fast_gelu(x):
    """x·sigmoid(1.702·x)."""
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        s, _ = _sigmoid_pair(-1.702 * x)
        return x * s


def fast_gelu_grad(dy, x):
    """dy·(s + 1.702·x·s·(1 − s)), s = sigmoid(1.702·x)."""
    x, dy = np.asarray(x, np.float64), np.asarray(dy, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        s, oms = _sigmoid_pair(-1.702 * x)
        return dy * (s + 1.702 * x * s * oms)


def assert_within(got, want, x, kind, dtype, fast=False, dy=None, where=""):
    """``got`` within BOUNDS[kind][dtype] of the twin values ``want`` (see the module docstring);
    NaN exactly where the twin is NaN, and the same infinities."""
    abs_floor, atol_eval, rtol_round, rtol_eval = BOUNDS[kind][np.dtype(dtype).type]
    got = np.asarray(got).astype(np.float64).reshape(-1)
    want = np.asarray(want, np.float64).reshape(-1)
    x = np.asarray(x).astype(np.float64).reshape(-1)
    scale = np.ones_like(want) if dy is None else np.abs(np.asarray(dy).astype(np.float64).reshape(-1))
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan), \
        f"{where}: NaN pattern differs at x = {x[np.isnan(got) != nan][:5]}"
    inf = np.isinf(want)
    assert np.array_equal(got[inf], want[inf]), f"{where}: infinities differ at x = {x[inf][got[inf] != want[inf]][:5]}"
    fin = ~(nan | inf)
    err = np.abs(got[fin] - want[fin])
    with np.errstate(invalid="ignore", over="ignore"):
        allowed = (abs_floor + atol_eval * scale[fin]
                   + np.abs(want[fin]) * (rtol_round + rtol_eval * amp(x[fin], fast)))
    bad = ~(err <= allowed)
    assert not bad.any(), (f"{where}: {bad.sum()} of {fin.sum()} beyond the bound; e.g. x = {x[fin][bad][:3]}, "
                           f"got {got[fin][bad][:3]}, twin {want[fin][bad][:3]}")


def dropout_twin(x, keep, keep_prob):
    """``x·(1/keep_prob)`` (rounded to x's dtype) where ``keep``, else 0 — in x's dtype."""
    x = np.asarray(x)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        scale = x.dtype.type(1) / x.dtype.type(keep_prob)
        kept = (x.astype(np.float64) * np.float64(scale)).astype(x.dtype)
    return np.where(keep, kept, x.dtype.type(0))
