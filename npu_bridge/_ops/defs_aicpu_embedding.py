"""Embedding Service ops of upstream ``aicpu/npu_cpu_ops.cc``, backed by ``host_embedding``.

The table handle (upstream a ``resource`` from ``TableToResource``) is the int32 table id.
Every op runs on the host through ``py_func``; see ``host_embedding`` for the table model.
"""
import numpy as np
from tensorflow.python.eager import context
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, math_ops, script_ops

from npu_bridge._ops import host_embedding as host
from npu_bridge._ops.registry import REQUIRED, register

_INIT_ATTRS = [("initializer_mode", ""), ("constant_value", 0.0), ("min", -2.0), ("max", 2.0), ("mu", 0.0),
               ("sigma", 1.0), ("seed", 0), ("seed2", 0)]
_FILTER_ATTRS = [("filter_mode", "no_filter"), ("filter_freq", 0), ("default_key_or_value", False),
                 ("default_key", 0), ("default_value", 0.0)]
_OPT_ATTRS = [("optimizer_mode", ""), ("optimizer_params", [0.1])]


def _py(fn, inputs, tout, name):
    return script_ops.py_func(fn, inputs, tout, stateful=True, name=name)


def _done(fn, inputs, name):
    """Runs ``fn`` on the host for its side effect; the op's value is an int32 0 to depend on."""
    def run(*args):
        fn(*args)
        return np.int32(0)

    out = _py(run, inputs, dtypes.int32, name)
    return None if context.executing_eagerly() else out.op


def _spec(embedding_dim, value_total_len, **attrs):
    def val(key, default):
        v = attrs.get(key, default)
        return default if v is None else v

    return host.TableSpec(
        embedding_dim=int(embedding_dim), value_total_len=int(value_total_len or embedding_dim),
        initializer_mode=val("initializer_mode", "") or "random_uniform",
        constant_value=float(val("constant_value", 0.0)), min=float(val("min", -2.0)), max=float(val("max", 2.0)),
        mu=float(val("mu", 0.0)), sigma=float(val("sigma", 1.0)), seed=int(val("seed", 0)),
        filter_mode=val("filter_mode", "no_filter"), filter_freq=int(val("filter_freq", 0) or 0),
        default_key_or_value=bool(val("default_key_or_value", False)), default_key=int(val("default_key", 0) or 0),
        default_value=float(val("default_value", 0.0)), optimizer_mode=val("optimizer_mode", "") or "",
        optimizer_params=tuple(float(p) for p in val("optimizer_params", [0.1])))


def _ids(t, name):
    return ops.convert_to_tensor(t, dtypes.int32, name=name)


@register("InitPartitionMap", inputs=["ps_num", "ps_ids"], attrs={"partition_num": 65537}, stateful=True)
def init_partition_map(ps_num, ps_ids, partition_num):
    """Key → PS partition map.  One host plays every PS, so there is nothing to build."""
    return _done(lambda n, ids: None, [_ids(ps_num, "ps_num"), _ids(ps_ids, "ps_ids")], "InitPartitionMap")


@register("InitEmbeddingHashmap", inputs=["table_id"], stateful=True, attrs=[
    ("bucket_size", 0), ("value_total_len", 0), ("dtype", dtypes.float32), ("embedding_dim", 0)]
    + _INIT_ATTRS + [("filter_mode", "no_filter")] + _OPT_ATTRS)
def init_embedding_hashmap(table_id, bucket_size, value_total_len, dtype, embedding_dim, **attrs):
    """(Re)creates the host table ``table_id`` (empty; rows are created on first lookup)."""
    del bucket_size, dtype
    spec = _spec(embedding_dim, value_total_len, **attrs)
    return _done(lambda tid: host.init_table(int(tid), spec), [_ids(table_id, "table_id")], "InitEmbeddingHashmap")


@register("TableToResource", inputs=["table_id"])
def table_to_resource(table_id):
    """The table handle: the table id itself."""
    return array_ops.identity(_ids(table_id, "table_id"))


def _find(table_id, keys, embedding_dim, insert, spec, default_value, name):
    keys_t = ops.convert_to_tensor(keys, dtypes.int64, name="keys")

    def run(tid, k):
        return host.get_table(int(tid), spec).lookup(k, insert, default_value)

    out = _py(run, [_ids(table_id, "table_id"), keys_t], dtypes.float32, name)
    out.set_shape([keys_t.shape.num_elements(), int(embedding_dim)])
    return out


@register("EmbeddingTableFind", inputs=["table_id", "keys"], attrs={"embedding_dim": 0, "default_value": -1.0},
          stateful=True)
def embedding_table_find(table_id, keys, embedding_dim, default_value):
    """float32 [n, embedding_dim]: the rows of ``keys``; keys not in the table read ``default_value``."""
    return _find(table_id, keys, embedding_dim, False, None, float(default_value), "EmbeddingTableFind")


@register("EmbeddingTableFindAndInit", inputs=["table_id", "keys"], stateful=True, attrs=[
    ("embedding_dim", 0), ("value_total_len", 0)] + [("initializer_mode", "random_uniform")] + _INIT_ATTRS[1:]
    + _FILTER_ATTRS + _OPT_ATTRS)
def embedding_table_find_and_init(table_id, keys, embedding_dim, value_total_len, **attrs):
    """Rows of ``keys``, creating missing ones with the initializer (subject to the counter filter)."""
    spec = _spec(embedding_dim, value_total_len, **attrs)
    return _find(table_id, keys, embedding_dim, True, spec, 0.0, "EmbeddingTableFindAndInit")


@register("FusedRemoteLookupWithUnique", inputs=["table_id", "keys", "key_num_input", "unique_indices"],
          stateful=True, attrs=[("embedding_dim", 0), ("value_total_len", 0), ("initializer_mode", "random_uniform")]
          + _INIT_ATTRS[1:] + _FILTER_ATTRS + _OPT_ATTRS)
def fused_remote_lookup_with_unique(table_id, keys, key_num_input, unique_indices, embedding_dim, value_total_len,
                                    **attrs):
    """FindAndInit of the first ``key_num_input`` unique keys, gathered back by ``unique_indices``."""
    n = array_ops.reshape(ops.convert_to_tensor(key_num_input, dtypes.int64), [-1])[0]
    uniq = ops.convert_to_tensor(keys, dtypes.int64)[:n]
    rows = embedding_table_find_and_init(table_id, uniq, embedding_dim, value_total_len, **attrs)
    return array_ops.gather(rows, ops.convert_to_tensor(unique_indices, dtypes.int32))


def _apply(name, var_handle, grad, keys, make_update, scalars, mask_zero=False):
    grad_t = ops.convert_to_tensor(grad, name="grad")
    keys_t = ops.convert_to_tensor(keys, dtypes.int64, name="keys")
    handle = _ids(var_handle, "var_handle")
    scalar_ts = [math_ops.cast(s, dtypes.float32) for s in scalars]

    def run(tid, g, k, *vals):
        table = host.get_table(int(tid))
        table.apply(k, g, make_update(table, *[float(v) for v in vals]), mask_zero)
        return np.int32(tid)

    out = _py(run, [handle, grad_t, keys_t] + scalar_ts, dtypes.int32, name)
    out.set_shape(handle.shape)
    return out


@register("EmbeddingApplyAdam", inputs=["var_handle", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                                        "epsilon", "grad", "keys", "global_step"], attrs={"embedding_dim": 0},
          stateful=True)
def embedding_apply_adam(var_handle, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad, keys, global_step,
                         embedding_dim):
    """Adam on the rows of ``keys``: m, v slots; var -= lr·√(1-β2^t)/(1-β1^t)·m/(√v+ε)."""
    del global_step, embedding_dim
    return _apply("EmbeddingApplyAdam", var_handle, grad, keys,
                  lambda t, b1p, b2p, a, b1, b2, e: host.adam_update(a, b1, b2, e, b1p, b2p),
                  [beta1_power, beta2_power, lr, beta1, beta2, epsilon])


@register("EmbeddingApplyAdamW", stateful=True, inputs=[
    "var_handle", "beta1_power", "beta2_power", "lr", "weight_decay", "beta1", "beta2", "epsilon", "grad", "keys",
    "max_grad_norm"], attrs=[("amsgrad", REQUIRED), ("maximize", REQUIRED), ("embedding_dim", 0)])
def embedding_apply_adam_w(var_handle, beta1_power, beta2_power, lr, weight_decay, beta1, beta2, epsilon, grad, keys,
                           max_grad_norm, amsgrad, maximize, embedding_dim):
    """AdamW (decoupled weight decay, optional AMSGrad / maximize) on the rows of ``keys``."""
    del max_grad_norm, embedding_dim
    return _apply("EmbeddingApplyAdamW", var_handle, grad, keys,
                  lambda t, b1p, b2p, a, wd, b1, b2, e: host.adamw_update(t, a, wd, b1, b2, e, b1p, b2p,
                                                                          bool(amsgrad), bool(maximize)),
                  [beta1_power, beta2_power, lr, weight_decay, beta1, beta2, epsilon])


@register("EmbeddingApplyAdaGrad", inputs=["var_handle", "lr", "grad", "keys", "global_step"],
          attrs={"embedding_dim": 0}, stateful=True)
def embedding_apply_ada_grad(var_handle, lr, grad, keys, global_step, embedding_dim):
    """Adagrad on the rows of ``keys``: accum += g²; var -= lr·g/√accum."""
    del global_step, embedding_dim
    return _apply("EmbeddingApplyAdaGrad", var_handle, grad, keys, lambda t, a: host.adagrad_update(a), [lr])


@register("EmbeddingApplySgd", inputs=["var_handle", "lr", "grad", "keys"],
          attrs={"mask_zero": False, "embedding_dim": 0}, stateful=True)
def embedding_apply_sgd(var_handle, lr, grad, keys, mask_zero, embedding_dim):
    """SGD on the rows of ``keys`` (key 0 left alone when ``mask_zero``)."""
    del embedding_dim
    return _apply("EmbeddingApplySgd", var_handle, grad, keys, lambda t, a: host.sgd_update(a), [lr],
                  mask_zero=bool(mask_zero))


@register("EmbeddingApplyRmsprop", inputs=["var_handle", "lr", "rho", "momentum", "epsilon", "grad", "keys"],
          attrs={"mask_zero": False, "embedding_dim": 0}, stateful=True)
def embedding_apply_rmsprop(var_handle, lr, rho, momentum, epsilon, grad, keys, mask_zero, embedding_dim):
    """RMSprop (TF ``ApplyRMSProp`` form) on the rows of ``keys``."""
    del embedding_dim
    return _apply("EmbeddingApplyRmsprop", var_handle, grad, keys,
                  lambda t, a, r, m, e: host.rmsprop_update(a, r, m, e), [lr, rho, momentum, epsilon],
                  mask_zero=bool(mask_zero))


@register("ExponentialDecayLR", inputs=["var_handle", "lr", "decay_rate", "decay_steps"],
          attrs={"staircase": False}, stateful=True)
def exponential_decay_lr(var_handle, lr, decay_rate, decay_steps, staircase):
    """lr·decay_rate^(t/decay_steps), t = updates the table has had (floored exponent when staircase)."""
    lr_t = ops.convert_to_tensor(lr, name="lr")

    def run(tid, rate, steps):
        p = host.get_table(int(tid)).step / float(steps)
        return np.float32(float(rate) ** (np.floor(p) if staircase else p))

    factor = _py(run, [_ids(var_handle, "var_handle"), math_ops.cast(decay_rate, dtypes.float32),
                       math_ops.cast(decay_steps, dtypes.float32)], dtypes.float32, "ExponentialDecayLR")
    factor.set_shape([])
    return lr_t * math_ops.cast(factor, lr_t.dtype)


def _names(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


@register("EmbeddingTableExport", inputs=["file_path", "ps_id", "table_id"], stateful=True, attrs=[
    ("embedding_dim", REQUIRED), ("value_total_len", REQUIRED), ("export_mode", "all"), ("only_var_flag", False),
    ("file_type", "bin"), ("table_name", REQUIRED), ("filter_export_flag", False)])
def embedding_table_export(file_path, ps_id, table_id, embedding_dim, value_total_len, export_mode, only_var_flag,
                           file_type, table_name, filter_export_flag):
    """Writes the listed tables under ``file_path`` (``export_mode`` 'all' rows or the 'new' ones)."""
    del embedding_dim, value_total_len, file_type
    names = _names(table_name)
    return _done(lambda p, _ps, tids: host.export_tables(p.decode(), tids.reshape(-1).tolist(), names,
                                                         bool(only_var_flag), export_mode, bool(filter_export_flag)),
                 [ops.convert_to_tensor(file_path, dtypes.string), _ids(ps_id, "ps_id"), _ids(table_id, "table_id")],
                 "EmbeddingTableExport")


@register("EmbeddingTableImport", inputs=["file_path", "ps_id", "table_id"], stateful=True, attrs=[
    ("embedding_dim", REQUIRED), ("value_total_len", REQUIRED), ("only_var_flag", False), ("file_type", "bin"),
    ("table_name", REQUIRED)])
def embedding_table_import(file_path, ps_id, table_id, embedding_dim, value_total_len, only_var_flag, file_type,
                           table_name):
    """Reads the listed tables back from ``file_path``."""
    del embedding_dim, value_total_len, file_type
    names = _names(table_name)
    return _done(lambda p, _ps, tids: host.import_tables(p.decode(), tids.reshape(-1).tolist(), names,
                                                         bool(only_var_flag)),
                 [ops.convert_to_tensor(file_path, dtypes.string), _ids(ps_id, "ps_id"), _ids(table_id, "table_id")],
                 "EmbeddingTableImport")


@register("EmbeddingComputeVarExport", inputs=["file_path", "ps_id", "table_id"], stateful=True,
          attrs=[("table_name", REQUIRED)])
def embedding_compute_var_export(file_path, ps_id, table_id, table_name):
    """Writes the tables' optimizer step counters."""
    names = _names(table_name)
    return _done(lambda p, _ps, tids: host.export_compute_vars(p.decode(), tids.reshape(-1).tolist(), names),
                 [ops.convert_to_tensor(file_path, dtypes.string), _ids(ps_id, "ps_id"), _ids(table_id, "table_id")],
                 "EmbeddingComputeVarExport")


@register("EmbeddingComputeVarImport", inputs=["file_path", "ps_id", "table_id"], stateful=True,
          attrs=[("table_name", REQUIRED)])
def embedding_compute_var_import(file_path, ps_id, table_id, table_name):
    """Reads the tables' optimizer step counters back."""
    names = _names(table_name)
    return _done(lambda p, _ps, tids: host.import_compute_vars(p.decode(), tids.reshape(-1).tolist(), names),
                 [ops.convert_to_tensor(file_path, dtypes.string), _ids(ps_id, "ps_id"), _ids(table_id, "table_id")],
                 "EmbeddingComputeVarImport")
