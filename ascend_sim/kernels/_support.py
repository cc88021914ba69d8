"""What every public kernel wrapper shares: the jit options, argument checks, flat views, output buffers.

Wrapper style (see _gelu.py / _dropout.py): the public function validates its arguments (errors name
the argument and the legal values), takes flat 1-D views of the inputs, gets an output buffer
(the caller's ``out`` or one from :data:`POOL`), and calls a private ``@kernel`` function that
takes only arrays and scalars.  Nothing is compiled at import time: numba compiles a kernel on its
first call (and loads it from the on-disk cache in later processes).
"""
from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
from collections import OrderedDict

import numba
import numpy as np

# No 'nnan'/'ninf': NaN and inf must propagate as in the reference formulas.  No 'reassoc'/'afn':
# results stay those of the written evaluation order (FMA contraction aside).
FASTMATH = {"nsz", "arcp", "contract"}


def kernel(fn):
    """Compile ``fn`` lazily as a parallel, cached numba kernel."""
    return numba.njit(parallel=True, fastmath=set(FASTMATH), cache=True)(fn)


def jit_disabled() -> bool:
    return bool(numba.config.DISABLE_JIT)


def run_quietly():
    """With ``NUMBA_DISABLE_JIT=1`` the kernels run on numpy scalars, whose intended uint32
    wrap-around raises overflow warnings; silence those (a no-op context when jitted)."""
    if jit_disabled():
        return np.errstate(over="ignore", invalid="ignore", divide="ignore")
    return contextlib.nullcontext()


# One kernel at a time per process.  TensorFlow calls the ops from several inter-op threads, and
# numba's parallel region releases the GIL: without this lock two kernels could overlap, which the
# 'workqueue' threading layer (numba's fallback when neither OpenMP nor TBB is available) aborts
# on, and which on a small machine only oversubscribes the cores anyway.
_LAUNCH_LOCK = threading.Lock()


def launch(kernel_fn, *args):
    """Call a compiled kernel (serialised process-wide; quiet under NUMBA_DISABLE_JIT)."""
    with _LAUNCH_LOCK, run_quietly():
        kernel_fn(*args)


# ---------------------------------------------------------------------------- argument checks
FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _dtype_names(dtypes) -> str:
    return ", ".join(d.name for d in dtypes)


def as_array(value, arg: str, op: str, dtypes=FLOAT_DTYPES) -> np.ndarray:
    """``value`` as an ndarray whose dtype is one of ``dtypes`` (TypeError naming ``arg`` otherwise)."""
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    if arr.dtype not in dtypes:
        raise TypeError(f"{op}: {arg} must have dtype {_dtype_names(dtypes)}; got {arr.dtype}")
    return arr


def same_shape(arr: np.ndarray, ref: np.ndarray, arg: str, ref_arg: str, op: str) -> None:
    if arr.shape != ref.shape:
        raise ValueError(f"{op}: {arg} must have the shape of {ref_arg} {ref.shape}; got {arr.shape}")
    if arr.dtype != ref.dtype:
        raise TypeError(f"{op}: {arg} must have the dtype of {ref_arg} ({ref.dtype}); got {arr.dtype}")


def probability(value, arg: str, op: str) -> float:
    """A keep probability: a real scalar in (0, 1]."""
    try:
        arr = np.asarray(value)
        p = float(arr) if arr.ndim == 0 and arr.dtype.kind in "fiu" else None
    except (TypeError, ValueError):
        p = None
    if p is None:
        raise TypeError(f"{op}: {arg} must be a real scalar in the range (0, 1]; got {value!r}")
    if not 0.0 < p <= 1.0:
        raise ValueError(f"{op}: {arg} must be in the range (0, 1]; got {p!r}")
    return p


def flat_input(arr: np.ndarray) -> np.ndarray:
    """A 1-D view of ``arr`` in row-major element order (a copy only for non-contiguous N-d arrays)."""
    if arr.flags.c_contiguous:
        return arr.reshape(-1)
    if arr.ndim == 1:
        return arr  # strided 1-D: the kernels index it directly
    return np.ascontiguousarray(arr).reshape(-1)


def unaliased(src: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``src``, or a copy of it when it partially overlaps ``out`` (exact in-place use is fine)."""
    if out is None or not np.may_share_memory(src, out):
        return src
    same = (src.__array_interface__["data"][0] == out.__array_interface__["data"][0]
            and src.strides == out.strides and src.shape == out.shape)
    return src if same else src.copy()


class Output:
    """The result array and the flat view the kernel writes; ``finish()`` copies back when needed."""

    __slots__ = ("result", "flat", "_target")

    def __init__(self, result, flat, target=None):
        self.result, self.flat, self._target = result, flat, target

    def finish(self):
        if self._target is not None:
            np.copyto(self._target, self.result)
            return self._target
        return self.result


def output(out, shape, dtype, op: str) -> Output:
    """Where a kernel writes a result of ``shape``/``dtype``: the caller's ``out`` or a pooled buffer."""
    dtype = np.dtype(dtype)
    if out is None:
        buf = POOL.take(shape, dtype)
        return Output(buf, buf.reshape(-1))
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{op}: out must be a numpy.ndarray or None; got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{op}: out must have shape {tuple(shape)} and dtype {dtype}; "
                         f"got shape {out.shape} and dtype {out.dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{op}: out must be writeable")
    if out.flags.c_contiguous:
        return Output(out, out.reshape(-1))
    if out.ndim == 1:
        return Output(out, out)
    tmp = POOL.take(shape, dtype)
    return Output(tmp, tmp.reshape(-1), target=out)


# ---------------------------------------------------------------------------- output buffers
_ALIGN = 64  # TensorFlow adopts a returned ndarray without copying only when it is this aligned
_ALIGN_MIN_BYTES = 1 << 16  # below this a copy costs less than aligning (≈ 4 µs)


def aligned_empty(shape, dtype) -> np.ndarray:
    """An uninitialised C-contiguous array whose data pointer is 64-byte aligned (from 64 KiB up)."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < _ALIGN_MIN_BYTES:
        return np.empty(shape, dtype)
    raw = np.empty(nbytes + _ALIGN, np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    return raw[start:start + nbytes].view(dtype).reshape(shape)


class BufferPool:
    """Reuses big output buffers once nothing but the pool refers to them.

    A fresh 64 MiB output costs ~16k page faults on first touch, more than the kernel itself
    (docs/performance.md).  A buffer is handed out again only when neither the array nor its
    memory owner has any reference outside the pool — not the caller, not a view, not a
    TensorFlow tensor that adopted it — so reuse can never overwrite a live result.
    ``ASCEND_SIM_KERNEL_POOL_MB`` caps the bytes kept (default 512; 0 disables reuse); buffers
    smaller than ``min_bytes`` are not pooled (the allocator recycles those well).
    """

    def __init__(self, max_bytes=None, per_key=4, min_bytes=1 << 20):
        if max_bytes is None:
            max_bytes = int(float(os.environ.get("ASCEND_SIM_KERNEL_POOL_MB", "512")) * (1 << 20))
        self.max_bytes, self.per_key, self.min_bytes = max_bytes, per_key, min_bytes
        self._buckets: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def take(self, shape, dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes < self.min_bytes or nbytes > self.max_bytes:
            return aligned_empty(shape, dtype)
        key = (tuple(shape), dtype.str)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is not None:
                self._buckets.move_to_end(key)
                for arr in bucket:
                    # references: the bucket, `arr`, getrefcount's argument / the array's .base, the argument
                    if sys.getrefcount(arr) <= 3 and sys.getrefcount(arr.base) <= 2:
                        return arr
            arr = aligned_empty(shape, dtype)
            if bucket is None:
                bucket = self._buckets[key] = []
            if len(bucket) < self.per_key:
                self._evict(nbytes, keep=key)
                if self._bytes + nbytes <= self.max_bytes:
                    bucket.append(arr)
                    self._bytes += nbytes
            return arr

    def _evict(self, incoming, keep):
        """Forget least recently used buckets (never ``keep``) until ``incoming`` more bytes fit."""
        for key in [k for k in self._buckets if k != keep]:
            if self._bytes + incoming <= self.max_bytes:
                break
            self._bytes -= sum(a.nbytes for a in self._buckets.pop(key))

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._bytes = 0

    @property
    def pooled_bytes(self) -> int:
        return self._bytes


POOL = BufferPool()
