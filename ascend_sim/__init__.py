"""ascend-sim: an Ascend-910 cost-model emulator for TensorFlow graphs.

``ascend_sim.analyze(graph_or_path, ...)`` costs a graph on the emulated chip and returns a ``Profile``
(``ascend_sim.api``; imported on first use, so ``import ascend_sim.kernels`` stays light). The pieces:
``hw`` (hardware presets), ``ops`` (op registry and cost model), ``graph`` (lowering), ``sim`` (scheduler and
records), ``kernels`` (numba kernels). ``ascend_sim`` never imports ``npu_bridge``.
"""
__version__ = "0.1.0"
__all__ = ["__version__", "analyze"]


def __getattr__(name):
    if name == "analyze":
        from ascend_sim.api import analyze

        return analyze
    raise AttributeError(f"module 'ascend_sim' has no attribute {name!r}")
