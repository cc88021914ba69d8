"""Lowering passes, one per module; ``ascend_sim.graph.pipeline.PIPELINE`` lists them in order."""
