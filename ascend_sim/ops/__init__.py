"""Ascend ops: the op registry and the cost model (``ascend_sim.ops.cost`` holds the cost primitives)."""
