"""Dependency queries on a TF graph for tests that assert an execution order."""


def ancestors(op) -> set:
    """Every op ``op`` depends on, through data and control edges."""
    seen, todo = set(), [op]
    while todo:
        current = todo.pop()
        for parent in [t.op for t in current.inputs] + list(current.control_inputs):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen
