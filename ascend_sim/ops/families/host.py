"""Ops with no device task: GE-local control flow (ImplyType GELOCAL, reference §3.1/§3.5), graph inputs,
constants and variables, shape queries GE folds on static shapes, and views (Reshape, Squeeze, Identity...:
GE gives the output the input's buffer). They cost nothing on the device; the scheduler may still account
host-side time for control flow.
"""
from __future__ import annotations

from ascend_sim.ops.families._common import no_work
from ascend_sim.ops.opspec import specs

FAMILY = "host"


def _rows(names, kind, note=""):
    return specs(names, unit="host", cost_fn=no_work, family=FAMILY, kind=kind, note=note)


SPECS = (
    *_rows("If StatelessIf While StatelessWhile Case StatelessCase For PartitionedCall StatefulPartitionedCall "
           "Switch RefSwitch Merge RefMerge Enter RefEnter Exit RefExit NextIteration RefNextIteration LoopCond "
           "StreamSwitch StreamActive StreamMerge ControlTrigger", "control",
           note="GELOCAL: executed by GE / the runtime, not a kernel (reference §3.1, §3.5)"),
    *_rows("Data Const Constant Placeholder PlaceholderWithDefault Variable VariableV2 VarHandleOp "
           "VarIsInitializedOp IsVariableInitialized NetOutput NoOp FileConstant GeOp NPUInit NPUShutdown "
           "LogTimeStamp", "graph"),
    *_rows("Shape ShapeN Size Rank VariableShape GetShape", "shape",
           note="folded to constants on static shapes (VariableShape → Shape, reference §3.5)"),
    *_rows("Reshape Squeeze ExpandDims Unsqueeze Flatten FlattenV2 Identity IdentityN RefIdentity StopGradient "
           "PreventGradient Snapshot EnsureShape ReadVariableOp Bitcast", "view",
           note="no data moves: the output aliases the input buffer"),
)
