"""Graph lowering: a TensorFlow graph → the Ascend program the 910 would run (issue 4, item 3).

``lower(graph_or_path, fetches=None, feed_shapes=None, options=None, hw=None, batch=None) -> Program``;
``Program`` / ``Task`` are the contract with the scheduler (``ascend_sim.graph.program``). The frontend
(``tf_frontend``) is the only code that reads TensorFlow protos; ``tf_op_map`` is the TF → Ascend op table;
``pipeline.PIPELINE`` lists the passes (``ascend_sim.graph.passes``) in order.
"""
from ascend_sim.graph.context import LoweringError
from ascend_sim.graph.lower import lower
from ascend_sim.graph.program import PHASES, Program, Task
from ascend_sim.graph.tf_frontend import GraphLoadError

__all__ = ["GraphLoadError", "LoweringError", "PHASES", "Program", "Task", "lower"]
