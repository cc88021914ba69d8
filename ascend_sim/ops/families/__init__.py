"""Op families: each module declares its Ascend op types in a table (``SPECS``: OpSpec rows) with their
unit, accepted dtypes and formats, and pure cost functions built on ``ascend_sim.ops.cost``."""
from ascend_sim.ops.families import (
    aicpu, cube, elementwise, hccl, host, movement, optimizer, pooling, random, reduction, rnn,
)

FAMILIES = (cube, rnn, elementwise, reduction, pooling, movement, random, optimizer, aicpu, hccl, host)

__all__ = ["FAMILIES"]
