"""Input shapes the caller knows, written into the GraphDef before TensorFlow infers the rest."""
from __future__ import annotations

PLACEHOLDERS = ("Placeholder", "PlaceholderWithDefault", "PlaceholderV2")
ITERATOR_OUTPUTS = ("IteratorGetNext", "IteratorGetNextSync", "IteratorGetNextAsOptional")
# Batch-producing dataset ops → index of their batch_size input.
BATCH_DATASETS = {"BatchDataset": 1, "BatchDatasetV2": 1, "PaddedBatchDataset": 1, "PaddedBatchDatasetV2": 1,
                  "ParallelBatchDataset": 1}
MAP_AND_BATCH = ("MapAndBatchDataset", "ExperimentalMapAndBatchDataset")   # batch_size is input -3


def plain_name(key) -> str:
    name = getattr(key, "name", key)
    if not isinstance(name, str):
        raise TypeError(f"feed_shapes keys must be placeholder names, got {key!r}")
    return name[:-2] if name.endswith(":0") else name


def shape_arg(key, shape) -> tuple:
    try:
        dims = tuple(None if d is None or d == -1 else int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(f"feed_shapes[{key!r}] must be a sequence of ints (None or -1 for unknown), "
                         f"got {shape!r}") from None
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"feed_shapes[{key!r}] has a negative dimension: {shape!r}")
    return dims


def dims_of(shape_proto):
    if shape_proto.unknown_rank:
        return None
    return [None if d.size < 0 else d.size for d in shape_proto.dim]


def _set_dims(shape_proto, dims) -> None:
    shape_proto.Clear()
    for d in dims:
        shape_proto.dim.add(size=-1 if d is None else d)


def resolve_input_shapes(graph_def, feed_shapes: dict, batch, label: str):
    """A copy of ``graph_def`` with input shapes set (None when nothing changes)."""
    by_name = {n.name: n for n in graph_def.node}
    missing = [k for k in feed_shapes if k not in by_name]
    if missing:
        inputs = sorted(n.name for n in graph_def.node if n.op in PLACEHOLDERS)
        raise ValueError(f"feed_shapes names {', '.join(map(repr, missing))}, not nodes of {label}; its "
                         f"placeholders: {', '.join(inputs) or 'none'}")
    plan = {}                                   # node name → new dims (placeholders) or list of dims (iterators)
    for name, dims in feed_shapes.items():
        node = by_name[name]
        if node.op not in PLACEHOLDERS:
            raise ValueError(f"feed_shapes[{name!r}]: node {name!r} is a {node.op}, not a placeholder")
        old = dims_of(node.attr["shape"].shape) if "shape" in node.attr else None
        if old is not None and len(old) != len(dims):
            raise ValueError(f"feed_shapes[{name!r}] = {list(dims)} has rank {len(dims)}; placeholder {name!r} "
                             f"has shape {old}")
        plan[name] = list(dims)
    for node in graph_def.node:
        if node.op in ITERATOR_OUTPUTS and "output_shapes" in node.attr:
            shapes = [dims_of(s) for s in node.attr["output_shapes"].list.shape]
            size = _dataset_batch(node, by_name)
            if size is not None:
                shapes = [[size] + s[1:] if s and s[0] is None else s for s in shapes]
            plan[node.name] = shapes
        elif node.op in PLACEHOLDERS and node.name not in plan and "shape" in node.attr:
            plan[node.name] = dims_of(node.attr["shape"].shape)
    if batch is not None:
        _apply_batch(plan, by_name, batch)
    changed = {}
    for name, dims in plan.items():
        node = by_name[name]
        if node.op in ITERATOR_OUTPUTS:
            if dims != [dims_of(s) for s in node.attr["output_shapes"].list.shape]:
                changed[name] = dims
        elif dims is not None and ("shape" not in node.attr or dims != dims_of(node.attr["shape"].shape)):
            changed[name] = dims
    if not changed:
        return None
    edited = type(graph_def)()
    edited.CopyFrom(graph_def)
    for node in edited.node:
        if node.name in changed:
            if node.op in ITERATOR_OUTPUTS:
                for proto, dims in zip(node.attr["output_shapes"].list.shape, changed[node.name]):
                    if dims is not None:
                        _set_dims(proto, dims)
            else:
                _set_dims(node.attr["shape"].shape, changed[node.name])
    return edited


def _apply_batch(plan: dict, by_name: dict, batch: int) -> None:
    """Leading dims of inputs: unknown ones, and those equal to the most common known leading dim."""
    leads = []
    for name, dims in plan.items():
        for d in (dims if by_name[name].op in ITERATOR_OUTPUTS else [dims]):
            if d and len(d) >= 2 and d[0] is not None:
                leads.append(d[0])
    common = max(set(leads), key=leads.count) if leads else None

    def fix(d):
        if d and (d[0] is None or (common is not None and d[0] == common and len(d) >= 1)):
            return [batch] + list(d[1:])
        return d

    for name, dims in list(plan.items()):
        plan[name] = [fix(d) for d in dims] if by_name[name].op in ITERATOR_OUTPUTS else fix(dims)


def _dataset_batch(getnext, by_name: dict):
    """The batch size of the tf.data pipeline feeding iterator output node ``getnext`` (None if unknown)."""
    iterator = getnext.input[0].split(":")[0].lstrip("^") if getnext.input else None
    dataset = None
    for node in by_name.values():
        if node.op == "MakeIterator" and len(node.input) > 1 and node.input[1].split(":")[0] == iterator:
            dataset = node.input[0].split(":")[0]
            break
    seen = 0
    while dataset in by_name and seen < 64:
        node, seen = by_name[dataset], seen + 1
        index = BATCH_DATASETS.get(node.op)
        if index is None and node.op in MAP_AND_BATCH:
            index = len([i for i in node.input if not i.startswith("^")]) - 3
        if index is not None:
            return _const_int(by_name.get(node.input[index].split(":")[0]))
        if not node.input:
            return None
        dataset = node.input[0].split(":")[0]
    return None


def _const_int(node):
    if node is None or node.op != "Const":
        return None
    tensor = node.attr["value"].tensor
    values = list(tensor.int64_val) or list(tensor.int_val)
    return int(values[0]) if values else None


