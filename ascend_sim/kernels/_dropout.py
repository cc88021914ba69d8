"""Dropout: a keep-mask from a counter-based generator, and applying a mask.

**Random bits.** Element ``i`` of a mask uses 32-bit word ``i % 4`` of Philox-4x32-10 block
``i // 4`` with key ``(seed & 0xffffffff, seed2 & 0xffffffff)`` and counter
``(block lo, block hi, seed >> 32, seed2 >> 32)``.  It is kept when that word is
``<= round(keep_prob·2³²) − 1``, so P(keep) = keep_prob to within 2⁻³³, and keep_prob = 1 keeps
everything.  The mask is a pure function of (seed, seed2, keep_prob, i): identical for any thread
count, any chunking, and with or without the JIT.

**Mask layout** (upstream's ``DropOutGenMask`` size): one bit per element of the flattened shape,
least-significant bit first (element ``8·j + b`` is bit ``b`` of byte ``j``), zero-padded to a
multiple of 128 bits: ``mask_nbytes(n) = ceil(n/128)·16`` bytes.

**Apply.** ``y = x·(1/keep_prob)`` where the bit is set, else ``+0``; ``1/keep_prob`` is rounded to
x's dtype first (as the device computes it), so float16 results are correctly rounded float16
products.  NaN/inf in dropped positions become 0; in kept positions they stay.
"""
import numpy as np
from numba import njit, prange

from ascend_sim.kernels._math import float_to_half, half_to_float, philox4x32_10
from ascend_sim.kernels._support import as_array, flat_input, kernel, launch, output, probability, unaliased

u32, u64 = np.uint32, np.uint64
_LO32 = u64(0xFFFFFFFF)
_SHIFT32 = u64(32)
_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_U8 = (np.dtype(np.uint8),)
_X_DTYPES = (_F16, _F32, _F64)


def mask_nbytes(n: int) -> int:
    """Bytes in the bit-mask of ``n`` elements: ceil(n/128)·16."""
    return (int(n) + 127) // 128 * 16


# ------------------------------------------------------------------------- kernels
# Loops that index with a mask byte per 8 elements vectorise only with unsigned indices (numba
# adds negative-index wrap-around to signed ones), hence the u64 chunk loops.
_CHUNK = 4096  # elements per parallel task in the apply loops (a multiple of 8)


@njit(inline="always", cache=True)
def _mask_byte(j, thr, k0, k1, c2, c3):
    """Mask byte ``j``: the keep bits of elements 8j..8j+7 (Philox blocks 2j and 2j+1)."""
    blk = u64(j) * u64(2)
    r0, r1, r2, r3 = philox4x32_10(u32(blk & _LO32), u32(blk >> _SHIFT32), c2, c3, k0, k1)
    blk = blk + u64(1)
    s0, s1, s2, s3 = philox4x32_10(u32(blk & _LO32), u32(blk >> _SHIFT32), c2, c3, k0, k1)
    return np.uint8(u32(r0 <= thr) | (u32(r1 <= thr) << u32(1)) | (u32(r2 <= thr) << u32(2))
                    | (u32(r3 <= thr) << u32(3)) | (u32(s0 <= thr) << u32(4)) | (u32(s1 <= thr) << u32(5))
                    | (u32(s2 <= thr) << u32(6)) | (u32(s3 <= thr) << u32(7)))


@njit(inline="always", cache=True)
def _bit(mask, i):
    """Bit ``i`` of the mask (as uint64 0/1); ``i`` unsigned."""
    j = u64(i)
    return (mask[j >> u64(3)] >> (j & u64(7))) & u64(1)


@kernel
def _k_gen_mask(out, nbytes, thr, k0, k1, c2, c3):
    """Mask bytes [0, nbytes); the caller clears the bits past the last element."""
    for j in prange(nbytes):
        out[j] = _mask_byte(j, thr, k0, k1, c2, c3)


@kernel
def _k_do_mask_f32(x, mask, scale, out):
    n = u64(x.size)
    for c in prange((x.size + _CHUNK - 1) // _CHUNK):
        lo = u64(c) * u64(_CHUNK)
        for i in range(lo, min(lo + u64(_CHUNK), n)):
            out[i] = x[i] * scale if _bit(mask, i) else np.float32(0)


@kernel
def _k_do_mask_f64(x, mask, scale, out):
    n = u64(x.size)
    for c in prange((x.size + _CHUNK - 1) // _CHUNK):
        lo = u64(c) * u64(_CHUNK)
        for i in range(lo, min(lo + u64(_CHUNK), n)):
            out[i] = x[i] * scale if _bit(mask, i) else 0.0


@kernel
def _k_do_mask_f16(x, mask, scale, out):
    n = u64(x.size)
    for c in prange((x.size + _CHUNK - 1) // _CHUNK):
        lo = u64(c) * u64(_CHUNK)
        for i in range(lo, min(lo + u64(_CHUNK), n)):
            kept = float_to_half(half_to_float(x[i]) * scale)
            out[i] = kept if _bit(mask, i) else np.uint16(0)


# ------------------------------------------------------------------------- helpers
def _numel(shape, op):
    try:
        dims = [int(d) for d in np.asarray(shape, dtype=np.int64).reshape(-1)]
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be an int or a sequence of ints; got {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{op}: shape must have non-negative dimensions; got {dims}")
    return int(np.prod(dims, dtype=np.int64)) if dims else 1


def _philox_args(keep_prob, seed, seed2):
    """(thr, k0, k1, c2, c3) as uint32 for the kernels (see the module docstring)."""
    m = min(max(int(round(keep_prob * 2.0 ** 32)), 1), 1 << 32)
    s, s2 = int(seed) & (2 ** 64 - 1), int(seed2) & (2 ** 64 - 1)
    return u32(m - 1), u32(s & 0xFFFFFFFF), u32(s2 & 0xFFFFFFFF), u32(s >> 32), u32(s2 >> 32)


def _mask_out(mask_out, n, op):
    res = output(mask_out, (mask_nbytes(n),), np.uint8, op)
    res.flat[(n + 7) // 8:] = 0  # padding to 128 bits
    return res


def _clear_tail(mask, n):
    """Zero the bits of the last mask byte that lie past element n - 1."""
    if n % 8:
        mask[n // 8] &= np.uint8((1 << (n % 8)) - 1)


def _scale(keep_prob, dtype):
    """1/keep_prob rounded to ``dtype``, as the (float32/float64) scalar the kernel multiplies by."""
    kp = dtype.type(keep_prob)
    with np.errstate(over="ignore", divide="ignore"):  # float16: a keep_prob below ~1.5e-5 scales by inf
        s = dtype.type(1) / kp
    return np.float64(s) if dtype == _F64 else np.float32(s)


# ------------------------------------------------------------------------- public wrappers
def dropout_gen_mask(shape, keep_prob, seed=0, seed2=0, out=None):
    """The uint8 keep bit-mask (``mask_nbytes(n)`` bytes) for a tensor of ``shape``."""
    n = _numel(shape, "dropout_gen_mask")
    keep_prob = probability(keep_prob, "keep_prob", "dropout_gen_mask")
    res = _mask_out(out, n, "dropout_gen_mask")
    if n:
        launch(_k_gen_mask, res.flat, (n + 7) // 8, *_philox_args(keep_prob, seed, seed2))
        _clear_tail(res.flat, n)
    return res.finish()


def unpack_mask(mask, shape):
    """The bool keep-array of ``shape`` that a bit-mask encodes."""
    n = _numel(shape, "unpack_mask")
    mask = as_array(mask, "mask", "unpack_mask", _U8)
    _check_mask_size(mask, n, "unpack_mask")
    bits = np.unpackbits(mask.reshape(-1), count=n, bitorder="little")
    return bits.view(np.bool_).reshape(np.asarray(shape, dtype=np.int64).reshape(-1).tolist())


def _check_mask_size(mask, n, op):
    if mask.size * 8 < n:
        raise ValueError(f"{op}: mask has {mask.size} bytes; {n} elements need at least {(n + 7) // 8} "
                         f"(DropOutGenMask gives mask_nbytes(n) = {mask_nbytes(n)})")


def dropout_do_mask(x, mask, keep_prob, out=None):
    """``x·(1/keep_prob)`` where the bit-mask keeps an element (row-major order), else 0."""
    x = as_array(x, "x", "dropout_do_mask", _X_DTYPES)
    mask = as_array(mask, "mask", "dropout_do_mask", _U8)
    keep_prob = probability(keep_prob, "keep_prob", "dropout_do_mask")
    _check_mask_size(mask, x.size, "dropout_do_mask")
    res = output(out, x.shape, x.dtype, "dropout_do_mask")
    if x.size:
        xf, of = unaliased(flat_input(x), res.flat), res.flat
        bits = flat_input(mask)
        scale = _scale(keep_prob, x.dtype)
        if x.dtype == _F16:
            launch(_k_do_mask_f16, xf.view(np.uint16), bits, scale, of.view(np.uint16))
        else:
            launch(_k_do_mask_f32 if x.dtype == _F32 else _k_do_mask_f64, xf, bits, scale, of)
    return res.finish()


def dropout(x, keep_prob, seed=0, seed2=0, out=None, mask_out=None):
    """``(y, mask)``: ``dropout_gen_mask(x.shape, ...)`` then ``dropout_do_mask(x, mask, ...)``.

    Two kernels, not one fused loop: a fused version (each chunk's mask bytes, then that chunk's
    x·scale, mask still in L1) measured no faster at 2^20 and 2^24 elements, because generating the
    bits (Philox, compute-bound) dominates and the mask is 1/32 of x's bytes (docs/performance.md).
    """
    x = as_array(x, "x", "dropout", _X_DTYPES)
    keep_prob = probability(keep_prob, "keep_prob", "dropout")
    mask = dropout_gen_mask(x.shape, keep_prob, seed, seed2, out=mask_out)
    return dropout_do_mask(x, mask, keep_prob, out=out), mask
