"""AI CPU ops of upstream ``aicpu/npu_cpu_ops.cc`` (index arithmetic, caches, queues, feature mapping).

Image ops live in ``defs_aicpu_image``, the Embedding Service ops in ``defs_aicpu_embedding``.
Stateful ops keep their state on the host (``host_aicpu``) and run through ``py_func``.  Where
upstream gives an op no documented meaning we can reproduce (the OCR post-processing family), the
wrapper raises ``NotImplementedError`` naming the op when the graph is built.
"""
import numpy as np
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, array_ops_stack, bincount_ops, gen_random_ops, math_ops, script_ops
from tensorflow.python.ops import sort_ops

from npu_bridge._ops import host_aicpu
from npu_bridge._ops.registry import REQUIRED, register

EMBEDDING_MODES = ("mod", "order")


def _host_call(fn, inputs, out_types, name):
    return script_ops.py_func(fn, inputs, out_types, stateful=True, name=name)


# ------------------------------------------------------------------- EmbeddingRankId / LocalIndex
def _rank_and_local(addr_table, index, mode):
    """Server (row of ``addr_table``) and row-within-server of every index.

    ``addr_table`` rows are ``(rank_id, base_address, num_rows)``.  ``mode='mod'`` spreads indices
    round-robin (server ``i % R``, local row ``i // R``); ``mode='order'`` fills servers in order,
    each holding ``num_rows`` consecutive indices.
    """
    if mode not in EMBEDDING_MODES:
        raise ValueError(f"mode={mode!r}; legal values: {', '.join(EMBEDDING_MODES)}")
    table = math_ops.cast(ops.convert_to_tensor(addr_table, name="addr_table"), dtypes.int64)
    idx = math_ops.cast(array_ops.reshape(ops.convert_to_tensor(index, name="index"), [-1]), dtypes.int64)
    servers = array_ops.shape(table, out_type=dtypes.int64)[0]
    if mode == "mod":
        return table, idx, math_ops.floormod(idx, servers), math_ops.floordiv(idx, servers)
    ends = math_ops.cumsum(table[:, 2])
    server = math_ops.minimum(array_ops.searchsorted(ends, idx, side="right", out_type=dtypes.int64), servers - 1)
    starts = ends - table[:, 2]
    return table, idx, server, idx - array_ops.gather(starts, server)


@register("EmbeddingRankId", inputs=["addr_table", "index"], attrs={"row_memory": 320, "mode": "mod"})
def embedding_rank_id(addr_table, index, row_memory, mode):
    """uint64 [n, 3]: per index ``(rank_id, base_address + local_row*row_memory, local_row)``."""
    table, _, server, local = _rank_and_local(addr_table, index, mode)
    rows = array_ops.gather(table, server)
    out = array_ops_stack.stack([rows[:, 0], rows[:, 1] + local * row_memory, local], axis=1)
    return math_ops.cast(out, dtypes.uint64)


@register("EmbeddingLocalIndex", inputs=["addr_table", "index"], attrs={"row_memory": 320, "mode": "mod"})
def embedding_local_index(addr_table, index, row_memory, mode):
    """(local_idx sorted by server, nums per server, recover_idx: original position of each sorted entry)."""
    del row_memory  # the local row does not depend on the row size
    index_t = ops.convert_to_tensor(index, name="index")
    table, _, server, local = _rank_and_local(addr_table, index_t, mode)
    order = sort_ops.argsort(server, stable=True)
    servers = array_ops.shape(table)[0]
    nums = bincount_ops.bincount(math_ops.cast(server, dtypes.int32), minlength=servers, maxlength=servers,
                             dtype=dtypes.int64)
    shape = array_ops.shape(index_t)
    cast = lambda t: math_ops.cast(t, index_t.dtype)  # noqa: E731
    return (cast(array_ops.reshape(array_ops.gather(local, order), shape)), cast(nums),
            cast(array_ops.reshape(order, shape)))


# ------------------------------------------------------------------------ RandomChoiceWithMask
@register("RandomChoiceWithMask", inputs=["x"], attrs={"count": 0, "seed": 0, "seed2": 0}, stateful=True)
def random_choice_with_mask(x, count, seed, seed2):
    """Up to ``count`` random coordinates of true elements of ``x`` (int32 [count, rank]) and a mask
    telling which rows are real (rows past the number of true elements are zero, mask False).
    ``count=0`` returns every true element in random order."""
    if count < 0:
        raise ValueError(f"RandomChoiceWithMask: count must be >= 0, got {count}")
    xt = ops.convert_to_tensor(x, dtype=dtypes.bool, name="x")
    coords = gen_random_ops.random_shuffle(array_ops.where(xt), seed=seed, seed2=seed2)
    coords = math_ops.cast(coords, dtypes.int32)
    found = array_ops.shape(coords)[0]
    if count == 0:
        return coords, array_ops.ones([found], dtypes.bool)
    take = math_ops.minimum(found, count)
    y = array_ops.pad(coords[:take], [[0, count - take], [0, 0]])
    y.set_shape([count, xt.shape.rank])
    mask = math_ops.less(math_ops.range(count), take)
    return y, mask


# ----------------------------------------------------------------------- NonZeroWithValueShape
@register("NonZeroWithValueShape", inputs=["value", "index", "count"])
def non_zero_with_value_shape(value, index, count):
    """Trim ``NonZeroWithValue``'s padded outputs to ``count``: values[:count] and the row/column
    index halves of ``index`` ([2N], rows then columns) cut to [2·count]."""
    v = ops.convert_to_tensor(value, name="value")
    idx = ops.convert_to_tensor(index, dtype=dtypes.int32, name="index")
    n = array_ops.reshape(ops.convert_to_tensor(count, dtype=dtypes.int32, name="count"), [-1])[0]
    halves = array_ops.reshape(idx, [2, -1])[:, :n]
    return array_ops.reshape(v, [-1])[:n], array_ops.reshape(halves, [-1])


# ---------------------------------------------------------------------------------- LRU cache
_CACHE_DTYPES = (dtypes.uint32, dtypes.uint64, dtypes.int32, dtypes.int64)


@register("LruCache", inputs=[], stateful=True, attrs=[
    ("cache_size", REQUIRED), ("load_factor", 1.0), ("container", ""), ("shared_name", "LruCache"),
    ("dtype", REQUIRED)])
def lru_cache(cache_size, load_factor, container, shared_name, dtype):
    """Creates a host LRU cache of ``cache_size`` slots; returns its handle (a string scalar).

    ``load_factor`` sizes the device's hash index; it does not change which ids the cache holds.
    """
    del container
    if dtypes.as_dtype(dtype) not in _CACHE_DTYPES:
        raise ValueError(f"LruCache: dtype={dtype}; legal values: {', '.join(d.name for d in _CACHE_DTYPES)}")
    if float(load_factor) <= 0:
        raise ValueError(f"LruCache: load_factor must be > 0, got {load_factor}")
    handle = host_aicpu.create_cache(shared_name, int(cache_size))
    return array_ops.identity(ops.convert_to_tensor(handle, dtypes.string))


@register("CacheAdd", inputs=["cache", "ids"], stateful=True)
def cache_add(cache, ids):
    """(swap_in_id, swap_in_idx, swap_out_id, swap_out_idx) after touching ``ids`` in the cache."""
    ids_t = ops.convert_to_tensor(ids, name="ids")
    np_t = ids_t.dtype.as_numpy_dtype

    def run(handle, values):
        return [np.asarray(v, dtype=np_t) for v in host_aicpu.get_cache(handle).add(values)]

    outs = _host_call(run, [cache, ids_t], [ids_t.dtype] * 4, "CacheAdd")
    for t in outs:
        t.set_shape([None])
    return tuple(outs)


@register("CacheRemoteIndexToLocal", inputs=["cache", "ids"], stateful=True)
def cache_remote_index_to_local(cache, ids):
    """Slot of every id (-1 where the id is not cached); same shape as ``ids``."""
    ids_t = ops.convert_to_tensor(ids, name="ids")
    signed = dtypes.int64 if ids_t.dtype in (dtypes.int64, dtypes.uint64) else dtypes.int32

    def run(handle, values):
        return host_aicpu.get_cache(handle).local_index(values).astype(signed.as_numpy_dtype)

    out = _host_call(run, [cache, ids_t], signed, "CacheRemoteIndexToLocal")
    out.set_shape(ids_t.shape)
    return out if signed == ids_t.dtype else math_ops.cast(out, ids_t.dtype)


@register("CacheAllIndexToLocal", inputs=["cache"], attrs=[("dtype", REQUIRED)], stateful=True)
def cache_all_index_to_local(cache, dtype):
    """The cached ids ordered by slot."""
    dt = dtypes.as_dtype(dtype)

    def run(handle):
        return np.asarray(host_aicpu.get_cache(handle).all_ids_by_slot(), dtype=dt.as_numpy_dtype)

    out = _host_call(run, [cache], dt, "CacheAllIndexToLocal")
    out.set_shape([None])
    return out


# ------------------------------------------------------------------------- BatchEnqueue / Dequeue
@register("BatchEnqueue", inputs=["x", "queue_id"], stateful=True, attrs={
    "batch_size": 8, "queue_name": "", "queue_depth": 100, "pad_mode": "REPLICATE"})
def batch_enqueue(x, queue_id, batch_size, queue_name, queue_depth, pad_mode):
    """Pushes ``x`` on the host queue named ``queue_name`` (else ``queue_id``); returns the queue length."""
    if pad_mode not in host_aicpu.PAD_MODES:
        raise ValueError(f"BatchEnqueue: pad_mode={pad_mode!r}; legal values: {', '.join(host_aicpu.PAD_MODES)}")

    def run(value, qid):
        key = host_aicpu.queue_key(qid, queue_name)
        return np.int32(host_aicpu.enqueue(key, value, batch_size, queue_depth, pad_mode))

    inputs = [ops.convert_to_tensor(x, name="x"), ops.convert_to_tensor(queue_id, dtypes.uint32, name="queue_id")]
    out = _host_call(run, inputs, dtypes.int32, "BatchEnqueue")
    out.set_shape([])
    return out


@register("Dequeue", inputs=["queue_id"], stateful=True, attrs=[
    ("output_type", dtypes.uint8), ("output_shape", REQUIRED), ("queue_name", "")])
def dequeue(queue_id, output_type, output_shape, queue_name):
    """Pops one batch (``batch_size`` enqueued tensors, padded per ``pad_mode``) as ``output_shape``."""
    dt = dtypes.as_dtype(output_type)
    shape = [int(d) for d in output_shape]

    def run(qid):
        return host_aicpu.dequeue(host_aicpu.queue_key(qid, queue_name), dt.as_numpy_dtype, shape)

    out = _host_call(run, [ops.convert_to_tensor(queue_id, dtypes.uint32, name="queue_id")], dt, "Dequeue")
    out.set_shape(shape)
    return out


# ------------------------------------------------------------------------------ feature mapping
@register("HostFeatureMapping", inputs=["feature_id"], stateful=True,
          attrs={"threshold": 1, "table_name": "default_table_name"})
def host_feature_mapping(feature_id, threshold, table_name):
    """int64 offset per feature id from the host table ``table_name`` (new ids get the next offset)."""
    fid = ops.convert_to_tensor(feature_id, dtypes.int64, name="feature_id")
    out = _host_call(lambda v: host_aicpu.feature_map(table_name, v, threshold), [fid], dtypes.int64,
                     "HostFeatureMapping")
    out.set_shape(fid.shape)
    return out


@register("EmbeddingFeatureMapping", inputs=["feature_id"], stateful=True)
def embedding_feature_mapping(feature_id):
    """int32 offset per feature id from the device-side mapping table."""
    fid = ops.convert_to_tensor(feature_id, dtypes.int64, name="feature_id")
    out = _host_call(lambda v: host_aicpu.feature_map(host_aicpu.DEVICE_TABLE, v).astype(np.int32), [fid],
                     dtypes.int32, "EmbeddingFeatureMapping")
    out.set_shape(fid.shape)
    return out


@register("FeatureMappingExport", inputs=["path"], stateful=True, attrs=[("table_name_list", REQUIRED)])
def feature_mapping_export(path, table_name_list):
    """Writes ``<path>/<table>.bin`` for the listed host tables (all tables when the list is empty)."""
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in table_name_list]

    def run(p):
        host_aicpu.export_mappings(p.decode(), names)
        return np.int32(0)

    out = _host_call(run, [ops.convert_to_tensor(path, dtypes.string, name="path")], dtypes.int32,
                     "FeatureMappingExport")
    out.set_shape([])
    return out


@register("FeatureMappingImport", inputs=["path"], stateful=True)
def feature_mapping_import(path):
    """Reads every ``<table>.bin`` under ``path`` into the host tables."""
    def run(p):
        host_aicpu.import_mappings(p.decode())
        return np.int32(0)

    out = _host_call(run, [ops.convert_to_tensor(path, dtypes.string, name="path")], dtypes.int32,
                     "FeatureMappingImport")
    out.set_shape([])
    return out


# ------------------------------------------------------------------ OCR post-processing (no model)
def _not_emulated(op_type):
    def build(**_):
        raise NotImplementedError(
            f"{op_type} is not emulated by ascend-sim; it needs the Ascend AI CPU kernel "
            "(its algorithm is not documented)"
        )

    build.__doc__ = f"Not emulated: {op_type} needs the Ascend AI CPU kernel."
    return build


_OCR_OPS = {
    "OCRRecognitionPreHandle": (["imgs_data", "imgs_offset", "imgs_size", "langs", "langs_score"],
                                {"batch_size": 8, "data_format": "NHWC", "pad_mode": "REPLICATE"}),
    "OCRDetectionPreHandle": (["img"], {"data_format": "NHWC"}),
    "BatchDilatePolys": (["polys_data", "polys_offset", "polys_size", "score", "min_border", "min_area_thr",
                          "score_thr", "expand_scale"], {}),
    "OCRFindContours": (["img"], {"value_mode": 0}),
    "OCRDetectionPostHandle": (["img", "polys_data", "polys_offset", "polys_size"], {"data_format": "NHWC"}),
    "ResizeAndClipPolys": (["polys_data", "polys_offset", "polys_size", "h_scale", "w_scale", "img_h", "img_w"],
                           {}),
}
for _op_type, (_inputs, _attrs) in _OCR_OPS.items():
    register(_op_type, inputs=_inputs, attrs=_attrs, stateful=True)(_not_emulated(_op_type))
