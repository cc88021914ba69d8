"""ascend_sim.kernels dropout: mask layout and size, reproducibility, keep statistics, apply semantics
(exact, per dtype), dropout = gen_mask + do_mask, hypothesis properties, errors."""
import math

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ascend_sim import kernels
from testsupport.kernel_twins import dropout_twin

JIT = not numba.config.DISABLE_JIT
N = 1 << 20 if JIT else 4096
DTYPES = [np.float16, np.float32, np.float64]


def _bits(mask, n):
    return np.unpackbits(mask, bitorder="little")[:n].astype(bool)


def _same_bits(a, b):
    """Bitwise equality of two float arrays (distinguishes -0/+0; NaNs compared by pattern)."""
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}"))


# ------------------------------------------------------------------------------------------ mask layout
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4099])
def test_mask_size_padding_and_layout(n):
    mask = kernels.dropout_gen_mask([n], 0.5, seed=3, seed2=4)
    assert mask.dtype == np.uint8 and mask.shape == (kernels.mask_nbytes(n),) == (math.ceil(n / 128) * 16,)
    assert not np.unpackbits(mask, bitorder="little")[n:].any()  # padding bits are 0
    keep = kernels.unpack_mask(mask, [n])
    for i in range(0, n, max(1, n // 50)):  # element 8j+b is bit b of byte j
        assert keep[i] == bool((mask[i // 8] >> (i % 8)) & 1)


def test_mask_covers_the_flattened_shape():
    a = kernels.dropout_gen_mask([3, 5, 7], 0.5, seed=1, seed2=2)
    b = kernels.dropout_gen_mask(105, 0.5, seed=1, seed2=2)
    assert np.array_equal(a, b)
    assert kernels.unpack_mask(a, [3, 5, 7]).shape == (3, 5, 7)


def test_a_shorter_mask_is_a_prefix_of_a_longer_one():
    long = kernels.dropout_gen_mask(1000, 0.3, seed=9, seed2=1)
    short = kernels.dropout_gen_mask(333, 0.3, seed=9, seed2=1)
    assert np.array_equal(_bits(short, 333), _bits(long, 333))


# ------------------------------------------------------------------------------------------ reproducibility
def test_same_seeds_same_mask_other_seeds_other_masks():
    ref = kernels.dropout_gen_mask(N, 0.5, seed=7, seed2=11)
    assert np.array_equal(ref, kernels.dropout_gen_mask(N, 0.5, seed=7, seed2=11))
    for seed, seed2 in [(7, 12), (8, 11), (11, 7), (7 + 2 ** 32, 11), (7, 11 + 2 ** 32), (-7, 11)]:
        assert not np.array_equal(ref, kernels.dropout_gen_mask(N, 0.5, seed=seed, seed2=seed2)), (seed, seed2)


@pytest.mark.skipif(not JIT, reason="thread count only matters when jitted")
def test_mask_and_result_do_not_depend_on_the_thread_count():
    x = np.random.RandomState(0).randn(100_003).astype(np.float32)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        y1, m1 = (a.copy() for a in kernels.dropout(x, 0.7, 5, 6))
    finally:
        numba.set_num_threads(before)
    y2, m2 = kernels.dropout(x, 0.7, 5, 6)
    assert np.array_equal(m1, m2) and _same_bits(y1, y2)


# ------------------------------------------------------------------------------------------ statistics
@pytest.mark.parametrize("keep_prob", [0.05, 0.5, 0.9, 0.999])
def test_keep_rate_is_binomial(keep_prob):
    keep = _bits(kernels.dropout_gen_mask(N, keep_prob, seed=123, seed2=45), N)
    sigma = math.sqrt(N * keep_prob * (1 - keep_prob))
    assert abs(keep.sum() - N * keep_prob) < 5 * sigma
    # no bit position within a byte (or Philox word) is biased
    per_position = keep.reshape(-1, 8).sum(axis=0)
    sigma8 = math.sqrt(N / 8 * keep_prob * (1 - keep_prob))
    assert np.all(np.abs(per_position - N / 8 * keep_prob) < 5 * sigma8)


def _corr(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.corrcoef(a, b)[0, 1])


def test_neighbours_and_nearby_seeds_are_uncorrelated():
    bound = 5 / math.sqrt(N)
    keep = _bits(kernels.dropout_gen_mask(N, 0.5, seed=1, seed2=0), N)
    for lag in (1, 4, 8, 128):
        assert abs(_corr(keep[:-lag], keep[lag:])) < bound, lag
    for seed, seed2 in [(2, 0), (1, 1), (0, 1)]:
        other = _bits(kernels.dropout_gen_mask(N, 0.5, seed=seed, seed2=seed2), N)
        assert abs(_corr(keep, other)) < bound, (seed, seed2)


def test_keep_prob_one_keeps_everything_and_tiny_keep_prob_keeps_almost_nothing():
    n = 1001
    assert _bits(kernels.dropout_gen_mask(n, 1.0, seed=3), n).all()
    assert not np.unpackbits(kernels.dropout_gen_mask(n, 1.0), bitorder="little")[n:].any()
    assert _bits(kernels.dropout_gen_mask(N, 1e-9, seed=3), N).sum() <= 2


# ------------------------------------------------------------------------------------------ apply
def _values(n, dtype, seed=0):
    x = np.random.RandomState(seed).randn(n) * 10
    x[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30]
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("keep_prob", [0.3, 0.9, 1.0])
def test_do_mask_is_exact(dtype, keep_prob):
    n = 5003
    x = _values(n, dtype)
    mask = kernels.dropout_gen_mask(n, 0.5, seed=2, seed2=3)
    got = kernels.dropout_do_mask(x, mask, keep_prob)
    assert _same_bits(got, dropout_twin(x, _bits(mask, n), keep_prob))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 5, 8, 13, 4096, 4100, 20_011])
def test_dropout_equals_gen_mask_then_do_mask(dtype, n):
    x = _values(n, dtype, seed=n) if n >= 6 else np.arange(n).astype(dtype)
    y, mask = kernels.dropout(x, 0.6, seed=21, seed2=22)
    assert np.array_equal(mask, kernels.dropout_gen_mask(n, 0.6, seed=21, seed2=22))
    assert _same_bits(y, kernels.dropout_do_mask(x, mask, 0.6))


def test_apply_uses_row_major_order_for_any_layout():
    x = np.random.RandomState(4).randn(6, 10).astype(np.float32)
    mask = kernels.dropout_gen_mask(x.size, 0.5, seed=1)
    for view in (x.T, x[:, ::2], x[::-1], np.broadcast_to(x[0], (6, 10))):
        want = dropout_twin(np.ascontiguousarray(view), kernels.unpack_mask(mask, [view.size]).reshape(view.shape), 0.5)
        assert _same_bits(kernels.dropout_do_mask(view, mask, 0.5), want)
        y, m = kernels.dropout(view, 0.5, seed=1)
        assert np.array_equal(m, kernels.dropout_gen_mask(view.size, 0.5, seed=1))


def test_out_and_mask_out_are_written():
    x = np.random.RandomState(5).randn(1000).astype(np.float32)
    out, mask_out = np.empty_like(x), np.empty(kernels.mask_nbytes(1000), np.uint8)
    y, m = kernels.dropout(x, 0.5, 1, 2, out=out, mask_out=mask_out)
    assert y is out and m is mask_out
    assert np.array_equal(m, kernels.dropout_gen_mask(1000, 0.5, 1, 2))
    assert kernels.dropout_gen_mask(1000, 0.5, 1, 2, out=mask_out) is mask_out
    assert kernels.dropout_do_mask(x, m, 0.5, out=out) is out


PROPERTY = settings(max_examples=60 if JIT else 6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=40),
       st.floats(1e-6, 1.0, exclude_min=False), st.integers(-2 ** 63, 2 ** 63 - 1), st.integers(0, 2 ** 63 - 1))
def test_properties(dtype, shape, keep_prob, seed, seed2):
    x = np.asarray(np.random.RandomState(abs(seed) % 2 ** 32).randn(*shape)).astype(dtype)
    y, mask = kernels.dropout(x, keep_prob, seed=seed, seed2=seed2)
    n = x.size
    assert mask.shape == (kernels.mask_nbytes(n),) and not np.unpackbits(mask, bitorder="little")[n:].any()
    keep = kernels.unpack_mask(mask, shape)
    assert y.shape == x.shape and y.dtype == x.dtype
    assert _same_bits(y, dropout_twin(x, keep, keep_prob))
    assert np.array_equal(mask, kernels.dropout_gen_mask(shape, keep_prob, seed, seed2))


# ------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("keep_prob", [0, 0.0, -0.1, 1.5, float("nan"), float("inf")])
def test_keep_prob_outside_the_range_names_it(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob must be in the range \(0, 1\]"):
        kernels.dropout_gen_mask(8, keep_prob)
    with pytest.raises(ValueError, match=r"dropout_do_mask: keep_prob must be in the range \(0, 1\]"):
        kernels.dropout_do_mask(np.ones(8, np.float32), np.zeros(16, np.uint8), keep_prob)
    with pytest.raises(ValueError, match=r"dropout: keep_prob must be in the range \(0, 1\]"):
        kernels.dropout(np.ones(8, np.float32), keep_prob)


@pytest.mark.parametrize("keep_prob", ["0.5", None, [0.5, 0.5], 1j])
def test_keep_prob_that_is_not_a_real_scalar_is_a_type_error(keep_prob):
    with pytest.raises(TypeError, match=r"keep_prob must be a real scalar in the range \(0, 1\]"):
        kernels.dropout_gen_mask(8, keep_prob)


def test_mask_and_x_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"dropout_do_mask: mask has 1 bytes; 100 elements need at least 13"):
        kernels.dropout_do_mask(np.ones(100, np.float32), np.zeros(1, np.uint8), 0.5)
    with pytest.raises(TypeError, match=r"dropout_do_mask: mask must have dtype uint8; got int32"):
        kernels.dropout_do_mask(np.ones(8, np.float32), np.zeros(16, np.int32), 0.5)
    with pytest.raises(TypeError, match=r"dropout: x must have dtype float16, float32, float64; got int64"):
        kernels.dropout(np.ones(8, np.int64), 0.5)
    with pytest.raises(ValueError, match=r"dropout_gen_mask: shape must have non-negative dimensions"):
        kernels.dropout_gen_mask([4, -1], 0.5)
    with pytest.raises(TypeError, match=r"dropout_gen_mask: shape must be an int or a sequence of ints"):
        kernels.dropout_gen_mask("ab", 0.5)
