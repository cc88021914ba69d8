"""ascend_sim.kernels._support: output buffers are 64-byte aligned and reused only when nothing else holds them."""
import numpy as np
import pytest

from ascend_sim import kernels
from ascend_sim.kernels._support import BufferPool, aligned_empty, probability

BIG = (1 << 18,)  # 1 MiB of float32: pooled


def _ptr(a):
    return a.__array_interface__["data"][0]


@pytest.mark.parametrize("shape,dtype", [((3,), np.float16), ((1000, 3), np.float32), ((0,), np.float64), ((), np.uint8),
                                         ((128, 129), np.float32), ((1 << 15,), np.float16), ((3, 1 << 20), np.uint8)])
def test_aligned_empty(shape, dtype):
    a = aligned_empty(shape, dtype)
    assert a.shape == shape and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
    if a.nbytes >= 1 << 16:  # TensorFlow adopts these without a copy; smaller ones are cheaper to copy
        assert _ptr(a) % 64 == 0


def test_a_released_buffer_is_reused():
    pool = BufferPool()
    a = pool.take(BIG, np.float32)
    ptr = _ptr(a)
    del a
    assert _ptr(pool.take(BIG, np.float32)) == ptr


def test_a_held_buffer_or_a_view_of_it_is_never_handed_out_again():
    pool = BufferPool()
    a = pool.take(BIG, np.float32)
    b = pool.take(BIG, np.float32)
    assert _ptr(a) != _ptr(b)
    view = a[10:20]
    ptr = _ptr(a)
    del a, b
    c = pool.take(BIG, np.float32)
    assert _ptr(c) != ptr and np.shares_memory(view, view)
    reshaped = c.reshape(-1, 2)
    ptr_c = _ptr(c)
    del c
    assert _ptr(pool.take(BIG, np.float32)) != ptr_c  # reshaped still refers to c's memory
    del reshaped


def test_kernel_results_held_by_the_caller_are_not_overwritten():
    x1 = np.full(BIG, 1.0, np.float32)
    x2 = np.full(BIG, -1.0, np.float32)
    y1 = kernels.gelu(x1)
    first = y1.copy()
    y2 = kernels.gelu(x2)
    assert not np.shares_memory(y1, y2)
    assert np.array_equal(y1, first)


def test_small_buffers_are_not_pooled_and_caps_hold():
    pool = BufferPool(max_bytes=3 << 20, per_key=2)
    small = [pool.take((16,), np.float32) for _ in range(3)]
    assert pool.pooled_bytes == 0 and len({_ptr(s) for s in small}) == 3
    held = [pool.take(BIG, np.float32) for _ in range(3)]  # the third exceeds per_key: not kept
    assert pool.pooled_bytes == 2 << 20
    other = pool.take((1 << 19,), np.float32)  # 2 MiB: evicts the 1 MiB bucket to fit the cap
    assert pool.pooled_bytes == 2 << 20
    assert other.nbytes == 2 << 20 and all(h.nbytes == 1 << 20 for h in held)
    pool.clear()
    assert pool.pooled_bytes == 0


def test_pool_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASCEND_SIM_KERNEL_POOL_MB", "0")
    pool = BufferPool()
    a = pool.take(BIG, np.float32)
    ptr = _ptr(a)
    del a
    assert pool.pooled_bytes == 0
    b = pool.take(BIG, np.float32)
    assert b.shape == BIG and _ptr(b) % 64 == 0 and pool.pooled_bytes == 0 and ptr is not None


@pytest.mark.parametrize("value,expected", [(0.5, 0.5), (1, 1.0), (np.float16(0.25), 0.25), (np.array(0.75), 0.75)])
def test_probability_accepts_real_scalars(value, expected):
    assert probability(value, "keep_prob", "op") == expected
