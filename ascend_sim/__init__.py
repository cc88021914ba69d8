"""ascend-sim: an Ascend-910 cost-model emulator for TensorFlow graphs.

The emulator core (hardware presets, op registry and cost model, graph lowering, scheduler) and the
profiling reports are being built issue by issue; see README.md for what is available today.
``ascend_sim`` never imports ``npu_bridge``.
"""
__version__ = "0.1.0"
