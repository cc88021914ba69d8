"""Ascend ops: the op registry (``ascend_sim.ops.registry``: op types as data with units, dtypes, formats and
pure cost functions from ``ascend_sim.ops.families``), the lowering contract (``ascend_sim.ops.desc``:
TensorDesc, OpInstance), device formats (``ascend_sim.ops.formats``) and the cost primitives
(``ascend_sim.ops.cost``)."""
