"""What the passes share besides the graph: options, hardware, and what they report."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.options import NpuOptions

logger = logging.getLogger("ascend_sim.graph")


class LoweringError(ValueError):
    """The graph cannot be compiled as asked (strict mode: names the node and op type)."""


@dataclass
class Context:
    options: NpuOptions
    hw: HardwareSpec
    warnings: list = field(default_factory=list)
    host_nodes: list = field(default_factory=list)       # TF nodes whose work stays on the host
    unknown_ops: list = field(default_factory=list)      # (TF node, TF op type) nothing maps
    memory_peak_bytes: int = 0
    fp_point: str | None = None
    bp_point: str | None = None
    order: list = field(default_factory=list)            # final topological order (split_points pass)
    instances: dict = field(default_factory=dict)        # node name → OpInstance built by placement (reused)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            logger.warning("%s", message)


def sample(names, limit: int = 8) -> str:
    """``a, b, c (+N more)``: a readable list of node names for messages."""
    names = list(names)
    head = ", ".join(names[:limit])
    return head + (f" (+{len(names) - limit} more)" if len(names) > limit else "")
