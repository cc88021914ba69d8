"""Weight-update sharding bookkeeping (re-exported by :mod:`npu_bridge.estimator.npu.util`).

With ``NPUDistributedOptimizer(is_weight_update_sharding=True)`` every gradient is owned by one
rank: the owner applies the update and then broadcasts the variable.  The gradients are split
into ``rank_size`` *contiguous* groups of similar byte size (:func:`fair_division`); every rank
computes the same split because it only depends on the graph.

The split minimises the largest group (a contiguous linear partition), and every rank gets at
least one gradient.  Upstream uses a different greedy heuristic for the same contract
(contiguous, all assigned, non-empty groups), so a given model can map a few gradients to
neighbouring ranks differently; only the balance differs, never the semantics.
"""
import logging

_log = logging.getLogger("npu_bridge.util")

_GRADIENTS_AND_VARS = []


class GradDivisionItem:
    """A (gradient, variable) pair, its byte size and the rank that owns it (-1: unassigned)."""

    def __init__(self, grad, var):
        self.grad = grad
        self.var = var
        self.size = self._byte_size()
        self.root_rank_id = -1

    def _byte_size(self):
        shape = self.grad.shape
        dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
        elements = 1
        for dim in dims:
            if dim is None:
                raise ValueError(
                    f"weight-update sharding needs static gradient shapes; gradient {self.grad.name} "
                    f"of {getattr(self.var, 'name', self.var)} has shape {shape}"
                )
            elements *= int(dim)
        return elements * self.grad.dtype.size


def _groups_needed(sizes, capacity):
    groups, current, filled = 1, 0, False
    for size in sizes:
        if filled and current + size > capacity:
            groups += 1
            current = 0
        current += size
        filled = True
    return groups


def fair_division(inputs, number):
    """Assign ``root_rank_id`` 0..number-1 to contiguous runs of ``inputs`` with balanced sizes.

    ``number`` larger than ``len(inputs)`` or negative is a ValueError; equal to it gives one item
    per rank; 0 leaves every item unassigned.  Returns ``inputs`` (mutated).
    """
    count = len(inputs)
    if number > count or number < 0:
        raise ValueError(
            f"'number' ({number}) is greater than the number of inputs ({count}) or less than 0"
        )
    if number == count:
        for rank, item in enumerate(inputs):
            item.root_rank_id = rank
        return inputs
    if number == 0:
        return inputs
    sizes = [item.size for item in inputs]
    low, high = max(sizes), sum(sizes)
    while low < high:  # smallest capacity that needs at most `number` groups
        middle = (low + high) // 2
        if _groups_needed(sizes, middle) <= number:
            high = middle
        else:
            low = middle + 1
    rank, current, filled = 0, 0, False
    for index, item in enumerate(inputs):
        items_left = count - index
        ranks_after = number - rank - 1
        if filled and (current + item.size > low or items_left == ranks_after):
            rank += 1
            current = 0
        item.root_rank_id = rank
        current += item.size
        filled = True
    return inputs


def add_grads_and_vars(grads_and_vars, rank_size):
    """Record the non-None gradients of ``grads_and_vars`` and split them over ``rank_size`` ranks."""
    global _GRADIENTS_AND_VARS  # pylint: disable=global-statement
    items = [GradDivisionItem(grad, var) for grad, var in grads_and_vars if grad is not None]
    _GRADIENTS_AND_VARS = fair_division(items, rank_size)
    _log.debug("weight-update sharding: %d gradients over %d ranks", len(items), rank_size)


def get_gid_by_grad(grad):
    """Owner rank of ``grad`` (matched by tensor name), -1 when not recorded."""
    owner = -1
    for item in _GRADIENTS_AND_VARS:
        if item.grad.name == grad.name:
            owner = item.root_rank_id
    return owner


def get_gid_by_weight(weight):
    """Owner rank of variable ``weight`` (matched by name), -1 when not recorded."""
    owner = -1
    for item in _GRADIENTS_AND_VARS:
        if item.var.name == weight.name:
            owner = item.root_rank_id
    return owner


def get_all_grad_item():
    """The recorded GradDivisionItems, in gradient order."""
    return _GRADIENTS_AND_VARS
