"""ascend-sim's pure-Python drop-in for Huawei's ``npu_bridge`` (TF 1.15 Ascend adapter).

Same module paths, names, signatures and behaviour as upstream (master / r1.15.0); the device
is emulated (see ``ascend_sim``).  Importing this package has upstream's side effects: the
``tf.Session`` constructor patch (every session gets the NpuOptimizer config) and an exit hook.
"""
import atexit

from npu_bridge.helper.helper import npu_bridge_handle
from npu_bridge.helper.helper import version as __version__
from npu_bridge.helper import helper
from npu_bridge.estimator.npu import npu_estimator
from npu_bridge.hccl import hccl_ops
from npu_bridge.estimator.npu.npu_plugin import npu_close

atexit.register(npu_close)

__all__ = [k for k in dir() if not k.startswith("_")]
