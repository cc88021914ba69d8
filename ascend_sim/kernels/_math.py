"""Scalar building blocks of the kernels, compiled inline into every loop that uses them.

* :func:`exp_f32` / :func:`sigmoid_f32` — a branch-free float32 exp (Cody–Waite reduction,
  Cephes' polynomial, exponent-bit scaling) and the logistic function built on it.  numba has no
  vectorised ``exp``/``tanh`` on this platform (no SVML): ``math.tanh`` makes a float32 loop
  scalar and ~20× slower.  GeLU is evaluated as x·sigmoid(2u) (= 0.5·x·(1 + tanh(u))), which
  keeps full relative accuracy in the negative tail where 1 + tanh(u) cancels.
* :func:`half_to_float` / :func:`float_to_half` — IEEE binary16 <-> binary32 on the bit patterns
  (numba's CPU target has no float16 type).  Round-to-nearest-even; bit-identical to numpy's casts
  for every finite value and infinity (NaN stays NaN; payload kept as numpy keeps it).
* :func:`philox4x32_10` — the Philox-4x32-10 counter-based generator (Salmon et al., SC'11): four
  32-bit words from a 128-bit counter and a 64-bit key.  Checked against the published
  known-answer vectors in the tests.

Everything here is plain numba-compatible Python: with ``NUMBA_DISABLE_JIT=1`` the same code runs
on numpy scalars.  numba widens uint32 arithmetic to 64 bits, so every wrapping step is cast back
with ``u32(...)``.

Note on numba's on-disk cache: a cached kernel is invalidated only when *its own* source file
changes.  After editing this file, delete ``ascend_sim/kernels/__pycache__/*.nbi`` (or set
``NUMBA_CACHE_DIR`` to a fresh directory) before measuring.
"""
import numpy as np
from numba import njit

u32 = np.uint32
u64 = np.uint64
f32 = np.float32

_INLINE = {"inline": "always", "cache": True}

# ---------------------------------------------------------------- exp (float32, vectorisable)
_LOG2E = f32(1.4426950408889634)
_LN2_HI = f32(0.693359375)  # ln 2 split so that k·_LN2_HI is exact (Cody–Waite)
_LN2_LO = f32(-2.12194440e-4)
_P0, _P1, _P2 = f32(1.9875691500e-4), f32(1.3981999507e-3), f32(8.3334519073e-3)
_P3, _P4, _P5 = f32(4.1665795894e-2), f32(1.6666665459e-1), f32(5.0000001201e-1)
EXP_MIN = f32(-87.0)  # exp(-87) ≈ 1.6e-38: the smallest argument with a normal float32 result
EXP_MAX = f32(88.0)  # exp(88) ≈ 1.7e38 < FLT_MAX
_ONE = f32(1.0)
_ONE_BITS = u32(0x3F800000)
_ROUND_MAGIC = f32(12582912.0)  # 1.5·2²³: adding it rounds a float below 2²² to an integer


@njit(**_INLINE)
def exp_f32(v):
    """exp(v) for a float32 ``v`` clamped to [EXP_MIN, EXP_MAX]; relative error ≤ 2e-7.

    Range reduction v = k·ln2 + r (|r| ≤ ln2/2), a degree-7 polynomial for e^r, and 2^k built
    in the exponent bits — all branch-free, so loops over it vectorise (numba's ``math.exp`` is a
    scalar libm call on this platform).  k is rounded by adding 1.5·2²³ (the float's low
    mantissa bits then hold k, which also gives 2^k's bits without a float→int conversion).
    Callers handle arguments outside the clamp range.
    """
    v = min(max(v, EXP_MIN), EXP_MAX)
    t = v * _LOG2E + _ROUND_MAGIC
    k = t - _ROUND_MAGIC
    r = v - k * _LN2_HI - k * _LN2_LO
    p = _P0
    p = p * r + _P1
    p = p * r + _P2
    p = p * r + _P3
    p = p * r + _P4
    p = p * r + _P5
    p = p * r * r + r + _ONE
    two_k = u32(u32(np.float32(t).view(np.uint32) << u32(23)) + _ONE_BITS).view(np.float32)
    return p * two_k


@njit(**_INLINE)
def sigmoid_f32(a):
    """(s, 1 − s) for s = 1 / (1 + e^a), a float32, with 1 − s = e^a·s accurate as s → 1.

    Saturates exactly where float32 can no longer tell: s = 1 and 1 − s = 0 for a < EXP_MIN,
    s = 0 for a > −EXP_MIN — so x·s and x·(1 − s) give the reference formulas' values at
    ±inf (e.g. −inf·0 = NaN, as 0.5·x·(1 + tanh(u)) gives).
    """
    e = exp_f32(a)
    e = f32(0.0) if a < EXP_MIN else e
    s = _ONE / (_ONE + e)
    s = f32(0.0) if a > -EXP_MIN else s
    return s, e * s


# ---------------------------------------------------------------- binary16 <-> binary32
_TWO_POW_112 = f32(2.0 ** 112)
_HALF_MAGIC = f32(0.5)  # float bits 126 << 23: adding it rounds a tiny float to a half subnormal
_HALF_MAGIC_BITS = u32(126 << 23)


@njit(**_INLINE)
def half_to_float(h):
    """The float32 value of the binary16 bit pattern ``h`` (exact)."""
    h = u32(h)
    sign = u32((h & u32(0x8000)) << u32(16))
    em = u32(h & u32(0x7FFF))
    shifted = u32(em << u32(13))
    # normal and subnormal halves: rescale the exponent by 2^112 (exact; subnormals included)
    scaled = u32(np.float32(shifted.view(np.float32) * _TWO_POW_112).view(np.uint32))
    # inf / NaN: keep the mantissa, set the float exponent to all ones
    special = u32(shifted | u32(0x7F800000))
    bits = special if em >= u32(0x7C00) else scaled
    return u32(bits | sign).view(np.float32)


@njit(**_INLINE)
def float_to_half(v):
    """The binary16 bit pattern (as uint16) nearest to the float32 ``v`` (ties to even)."""
    x = u32(np.float32(v).view(np.uint32))
    sign = u32((x >> u32(16)) & u32(0x8000))
    a = u32(x & u32(0x7FFFFFFF))
    # NaN: the top mantissa bits, never an all-zero mantissa (that would read as inf)
    nan_bits = u32(u32(0x7C00) + ((a >> u32(13)) & u32(0x3FF)))
    nan_bits = u32(nan_bits + u32(1)) if nan_bits == u32(0x7C00) else nan_bits
    # normal range: rebias the exponent, round the 13 dropped bits to nearest even
    odd = u32((a >> u32(13)) & u32(1))
    normal = u32(u32(a + u32(0xC8000FFF) + odd) >> u32(13))
    normal = min(normal, u32(0x7C00))  # overflow rounds to inf
    # below 2^-14: let the float adder round the value onto the subnormal grid
    tiny = u32(np.float32(a.view(np.float32) + _HALF_MAGIC).view(np.uint32) - _HALF_MAGIC_BITS)
    r = normal if a >= u32(0x38800000) else tiny
    r = u32(0x7C00) if a == u32(0x7F800000) else r
    r = nan_bits if a > u32(0x7F800000) else r
    return np.uint16(r | sign)


# ---------------------------------------------------------------- Philox-4x32-10
_PHILOX_M0 = u64(0xD2511F53)
_PHILOX_M1 = u64(0xCD9E8D57)
_PHILOX_W0 = u32(0x9E3779B9)
_PHILOX_W1 = u32(0xBB67AE85)
_LO32 = u64(0xFFFFFFFF)
_SHIFT32 = u64(32)


@njit(**_INLINE)
def philox4x32_10(c0, c1, c2, c3, k0, k1):
    """Ten Philox rounds on counter (c0..c3) with key (k0, k1); all uint32. Returns 4 uint32 words."""
    for _ in range(10):
        p0 = _PHILOX_M0 * u64(c0)
        p1 = _PHILOX_M1 * u64(c2)
        n0 = u32(u32(p1 >> _SHIFT32) ^ c1 ^ k0)
        n2 = u32(u32(p0 >> _SHIFT32) ^ c3 ^ k1)
        c1 = u32(p1 & _LO32)
        c3 = u32(p0 & _LO32)
        c0 = n0
        c2 = n2
        k0 = u32(k0 + _PHILOX_W0)
        k1 = u32(k1 + _PHILOX_W1)
    return c0, c1, c2, c3
