"""ascend_sim.kernels._math: binary16 conversions vs numpy, Philox known answers, exp/sigmoid accuracy."""
import math

import numba
import numpy as np
import pytest
from numba import njit, prange

from ascend_sim.kernels import _math
from ascend_sim.kernels._support import run_quietly

JIT = not numba.config.DISABLE_JIT
u32 = np.uint32


@njit(parallel=True)
def _h2f(h, out):
    for i in prange(h.size):
        out[i] = _math.half_to_float(h[i])


@njit(parallel=True)
def _f2h(f, out):
    for i in prange(f.size):
        out[i] = _math.float_to_half(f[i])


@njit(parallel=True)
def _exp(v, out):
    for i in prange(v.size):
        out[i] = _math.exp_f32(v[i])


def _run(kernel, src, out_dtype):
    out = np.empty(src.size, out_dtype)
    with run_quietly():
        kernel(src, out)
    return out


def test_half_to_float_is_exact_for_every_half():
    halves = np.arange(65536 if JIT else 4096, dtype=np.uint32).astype(np.uint16)
    if not JIT:  # a spread of patterns: every exponent, both signs, subnormals, inf, NaN
        halves = (np.arange(4096, dtype=np.uint32) * 16 + 7).astype(np.uint16)
    got = _run(_h2f, halves, np.float32)
    want = halves.view(np.float16).astype(np.float32)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got.view(np.uint32)[~nan], want.view(np.uint32)[~nan])


def _float_patterns(count):
    rng = np.random.RandomState(0)
    edges = [0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0xFFFFFFFF,
             0x477FEFFF, 0x477FF000, 0x477FF001, 0x47800000,  # around the float16 maximum 65504 / 65520
             0x387FC000, 0x387FE000, 0x38800000, 0x33000000, 0x33000001, 0x32FFFFFF, 0x33800000, 0x1]
    around = np.arange(0x33000000 - 300, 0x33000000 + 300, dtype=np.uint32)  # half of the smallest subnormal
    rand = rng.randint(0, 2 ** 32, count, dtype=np.uint64).astype(np.uint32)
    return np.concatenate([np.array(edges, np.uint32), around, rand]).view(np.float32)


def test_float_to_half_rounds_like_numpy():
    f = _float_patterns(2_000_000 if JIT else 3000)
    got = _run(_f2h, f, np.uint16)
    with np.errstate(over="ignore"):
        want = f.astype(np.float16).view(np.uint16)
    nan = np.isnan(f)
    assert np.isnan(got[nan].view(np.float16)).all()
    assert np.array_equal(got[~nan], want[~nan])


# Random123's known-answer vectors for philox4x32_10 (counter, key -> output).
PHILOX_KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter,key,expected", PHILOX_KAT)
def test_philox_matches_the_published_known_answers(counter, key, expected):
    with run_quietly():
        got = _math.philox4x32_10(*(u32(c) for c in counter), *(u32(k) for k in key))
    assert tuple(int(v) for v in got) == expected


def test_exp_f32_relative_error_and_clamp():
    v = np.linspace(-87.0, 88.0, 400_001 if JIT else 2001).astype(np.float32)
    got = _run(_exp, v, np.float32).astype(np.float64)
    want = np.exp(v.astype(np.float64))
    assert np.max(np.abs(got - want) / want) < 2e-7
    assert np.all(np.isfinite(_run(_exp, np.array([-1e30, 1e30, -np.inf, np.inf], np.float32), np.float32)))


@pytest.mark.parametrize("a", [-200.0, -87.5, -50.0, -1.0, 0.0, 3.0, 86.0, 87.5, 200.0])
def test_sigmoid_pair_saturates_exactly_where_float32_cannot_resolve(a):
    s, one_minus_s = _math.sigmoid_f32(np.float32(a))
    want = 1.0 / (1.0 + math.exp(a))
    want_oms = math.exp(a) * want  # 1 - s without cancellation
    if a < -87:
        assert (s, one_minus_s) == (1.0, 0.0)
    elif a > 87:
        assert s == 0.0
    else:
        assert abs(float(s) - want) <= 3e-7 * want
        assert abs(float(one_minus_s) - want_oms) <= 3e-7 * want_oms
