"""Fused numba CPU kernels for the ops migrated scripts use most: GeLU and dropout.

Public functions take numpy arrays (any shape and layout; float16, float32, float64), validate
them (errors name the argument and the legal values) and return a C-contiguous result, writing
``out=`` when given.  Outputs not given by the caller come from a pool of 64-byte-aligned
buffers that are reused only once nothing else refers to them (see ``_support.BufferPool``).

* :func:`gelu`, :func:`gelu_grad`, :func:`fast_gelu`, :func:`fast_gelu_grad` — ``_gelu.py``
* :func:`dropout_gen_mask`, :func:`dropout_do_mask`, :func:`dropout` (both), :func:`unpack_mask`,
  :func:`mask_nbytes` — ``_dropout.py`` (Philox-4x32-10 random bits, upstream's bit-mask layout)

Kernels compile on first call (numba, ``parallel=True``, cached on disk with ``cache=True``);
importing this package compiles nothing.  ``NUMBA_DISABLE_JIT=1`` runs the same code in the
interpreter (slow, same results up to float rounding).  ``ascend_sim`` never imports ``npu_bridge``;
``npu_bridge``'s Gelu/DropOut ops call these functions.
"""
from ascend_sim.kernels._dropout import dropout, dropout_do_mask, dropout_gen_mask, mask_nbytes, unpack_mask
from ascend_sim.kernels._gelu import fast_gelu, fast_gelu_grad, gelu, gelu_grad

__all__ = ["gelu", "gelu_grad", "fast_gelu", "fast_gelu_grad", "dropout_gen_mask", "dropout_do_mask",
           "dropout", "unpack_mask", "mask_nbytes"]
