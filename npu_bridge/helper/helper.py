"""Upstream's op-library loader.

Upstream loads ``_tf_adapter.so`` with ``tf.load_op_library`` and hands out the generated op
module.  ascend-sim has no native library: ``npu_bridge_handle`` is the emulated op module
(:mod:`npu_bridge._ops`), one wrapper per custom op, named as TensorFlow would generate it.
"""
import os  # noqa: F401  (upstream module namespace)

import tensorflow  # noqa: F401  (upstream module namespace)

import npu_bridge._tf1  # noqa: F401  (installs the TF 1.15 runtime before any op is built)
from npu_bridge._ops import gen_ops as npu_bridge_handle

version = "v1.15.0"


def get_gen_ops():
    """The generated op module (``gen_npu_ops``, ``npu_unary_ops``, ``gen_hccl_ops``, ... upstream)."""
    return npu_bridge_handle
