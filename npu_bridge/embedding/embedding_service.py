"""Embedding Service worker (upstream ``npu_bridge.embedding.embedding_service``, ``EmbeddingService``).

On an Ascend cluster, big ("PS") embedding tables live on parameter-server processes described
by the JSON file named in ``ESCLUSTER_CONFIG_PATH`` (``psNum``, ``psCluster[].id``); workers look
rows up by id (creating missing rows with the table's initializer) and push sparse updates.
ascend-sim plays every PS in this process (``npu_bridge/_ops/host_embedding.py``): the same calls
build the same ops and train real tables on one host.  The config file is still required and
validated, as upstream.  Small tables (``embedding_type="data_parallel"``) are ordinary variables.
"""
import contextlib
import json
import math
import os
import re
import typing

import tensorflow.compat.v1 as tf
from tensorflow.core.framework import attr_value_pb2
from tensorflow.python.framework import ops
from tensorflow.python.framework import random_seed  # noqa: F401  (upstream module namespace)

from npu_bridge.embedding import embedding_optimizer
from npu_bridge.embedding._es_data_parallel import DataParallelTables, check_initializer_dtype
from npu_bridge.embedding._es_io import TableIO
from npu_bridge.embedding.embedding_resource import NpuEmbeddingResource
from npu_bridge.embedding.embedding_table_map_policy import AutoMergeTableMapPolicy, NoneTableMapPolicy  # noqa: F401
from npu_bridge.npu_cpu.npu_cpu_ops import gen_npu_cpu_ops
from npu_bridge.npu_cpu.npu_cpu_ops import host_feature_mapping_export, host_feature_mapping_import  # noqa: F401

_INT32_MAX_VALUE = 2147483647
_MAX_PS_NUM = 15
_MAX_PS_TABLES = 10
_ILLEGAL = re.compile(r'[@!#$%^&*()<>?/\\|}{~:]')
_INIT_MODES = ("random_uniform", "truncated_normal", "constant")
# optimizer class -> (PS optimizer_mode, optimizer slots per row)
_PS_OPTIMIZERS = ((embedding_optimizer.AdagradOptimizer, "adagrad", 1), (embedding_optimizer.AdamOptimizer, "adam", 2),
                  (embedding_optimizer.AdamWOptimizer, "adamw", 2), (embedding_optimizer.SgdOptimizer, "sgd", 0),
                  (embedding_optimizer.RmspropOptimizer, "rmsprop", 2))


@contextlib.contextmanager
def specified_ps_engine_scope():
    """Ops built inside run on the PS engine (``_process_node_engine_id = "PS"``), not the NPU."""
    attrs = {"_process_node_engine_id": attr_value_pb2.AttrValue(s=tf.compat.as_bytes("PS"))}
    with ops.get_default_graph()._attr_scope(attrs):  # pylint: disable=protected-access
        yield


class EmbeddingVariableOption:
    """Options of a PS table (only ``filter_option`` is acted on)."""

    def __init__(self, filter_option=None, evict_option=None, storage_option=None, feature_freezing_option=None,
                 communication_option=None):
        self.filter_option = filter_option
        self.evict_option = evict_option
        self.storage_option = storage_option
        self.feature_freezing_option = feature_freezing_option
        self.communication_option = communication_option


class CounterFilter:
    """Admit an id into a table only after ``filter_freq`` lookups; until then it reads the row of
    ``default_key`` (``default_key_or_value=True``) or ``default_value``."""

    def __init__(self, filter_freq, default_key_or_value, default_key=None, default_value=None):
        self.filter_freq = filter_freq
        self.default_key = default_key
        self.default_value = default_value
        self.default_key_or_value = default_key_or_value


class EsInitializer:
    """Initializer of PS table rows: random_uniform(min, max), truncated_normal(mu, sigma) kept in
    [min, max], or constant(constant_value)."""

    def __init__(self, initializer_mode, min=-0.01, max=0.01,  # pylint: disable=redefined-builtin
                 constant_value=1.0, mu=0.0, sigma=1.0, seed=0):
        self.initializer_mode = initializer_mode
        self.min = min
        self.max = max
        self.constant_value = constant_value
        self.mu = mu
        self.sigma = sigma
        self.seed = seed


def _check_initializer_args(initializer_mode, min, max, constant_value, mu, sigma):  # pylint: disable=redefined-builtin
    if initializer_mode is None:
        raise ValueError("initializer_mode can not be None.")
    if initializer_mode not in _INIT_MODES:
        raise ValueError(f"initializer_mode={initializer_mode!r}; legal values: {', '.join(_INIT_MODES)}")
    numeric = (float, int)
    if initializer_mode == 'random_uniform' and not (isinstance(min, numeric) and isinstance(max, numeric)):
        raise ValueError("If initializer is random_uniform, min and max can not be None, must be int or float.")
    if initializer_mode == 'truncated_normal' and not all(isinstance(v, numeric) for v in (min, max, mu, sigma)):
        raise ValueError("If initializer is truncated_normal, min, max, mu and sigma can not be None, "
                         "and they must be int or float.")
    if initializer_mode == 'constant' and not isinstance(constant_value, numeric):
        raise ValueError("If initializer is constant, constant_value can not be None, must be float or int.")
    if min > max:
        raise ValueError("Initializer min value can not be larger than max value.")


def es_initializer(initializer_mode, min=-2.0, max=2.0,  # pylint: disable=redefined-builtin
                   constant_value=0.0, mu=0.0, sigma=1.0, seed=0):
    """Validated ``EsInitializer``."""
    _check_initializer_args(initializer_mode, min, max, constant_value, mu, sigma)
    return EsInitializer(initializer_mode=initializer_mode, min=min, max=max, constant_value=constant_value, mu=mu,
                         sigma=sigma, seed=seed)


def check_common_init_params(name, init_vocabulary_size, embedding_dim, embedding_type, mask_zero):
    """Validate the arguments every table needs."""
    if name is None or init_vocabulary_size is None or embedding_dim is None:
        raise ValueError("table name, init_vocabulary_size and embedding_dim can not be None.")
    if not isinstance(name, str):
        raise TypeError("embedding table name must be string.")
    if _ILLEGAL.search(name) is not None:
        raise ValueError(f"table name {name!r} contains illegal character.")
    if not isinstance(init_vocabulary_size, int) or not isinstance(embedding_dim, int):
        raise ValueError("init_vocabulary_size and embedding_dim must be int.")
    if init_vocabulary_size < 0:
        raise ValueError("init_vocabulary_size can not be smaller than zero.")
    if embedding_dim <= 0:
        raise ValueError("embedding_dim must be greater than zero.")
    if embedding_type not in ("PS", "data_parallel"):
        raise TypeError(f"embedding_type must be PS or data_parallel, got {embedding_type!r}")
    if not isinstance(mask_zero, bool):
        raise TypeError("mask_zero must be bool.")


def _es_init_from(initializer):
    """EsInitializer for an EsInitializer or a tf.compat.v1 uniform / truncated-normal / constant initializer."""
    if initializer is None or isinstance(initializer, EsInitializer):
        return initializer
    if getattr(initializer, "dtype", tf.float32) != tf.float32:
        raise TypeError(f"initializer dtype error: PS tables are float32, got {initializer.dtype}")
    if isinstance(initializer, tf.initializers.truncated_normal):
        return EsInitializer("truncated_normal", min=initializer.mean - 2 * initializer.stddev,
                             max=initializer.mean + 2 * initializer.stddev, mu=initializer.mean,
                             sigma=initializer.stddev, seed=initializer.seed or 0)
    if isinstance(initializer, tf.initializers.random_uniform):
        return EsInitializer("random_uniform", min=initializer.minval, max=initializer.maxval,
                             seed=initializer.seed or 0)
    if isinstance(initializer, tf.initializers.constant):
        return EsInitializer("constant", constant_value=float(initializer.value))
    raise TypeError("initializer must be EsInitializer or tensorflow initializer, and only support "
                    "random_uniform, truncated_normal and constant value.")


def _tf_init_from(initializer):
    """A TensorFlow initializer for a data-parallel table from an EsInitializer (else unchanged)."""
    if not isinstance(initializer, EsInitializer):
        return initializer
    if initializer.initializer_mode == "random_uniform":
        return tf.random_uniform_initializer(minval=initializer.min, maxval=initializer.max, seed=initializer.seed)
    if initializer.initializer_mode == "truncated_normal":
        return tf.truncated_normal_initializer(mean=initializer.mu, stddev=initializer.sigma, seed=initializer.seed)
    return tf.constant_initializer(value=initializer.constant_value)


def _ps_mode(optimizer):
    for cls, mode, slots in _PS_OPTIMIZERS:
        if isinstance(optimizer, cls):
            params = {"adagrad": lambda: [float(optimizer.initial_accumulator_value)],
                      "rmsprop": lambda: [float(optimizer.ms), float(optimizer.mom)]}.get(mode, lambda: [0.0])()
            return mode, slots, params
    raise ValueError("optimizer should be embedding_optimizer AdamOptimizer, AdagradOptimizer, AdamWOptimizer, "
                     f"SgdOptimizer or RmspropOptimizer, got {type(optimizer).__name__}")


def _read_cluster_config():
    path = os.environ.get("ESCLUSTER_CONFIG_PATH")
    if path is None:
        raise ValueError("EsClusterConfig env is null: set ESCLUSTER_CONFIG_PATH to the Embedding Service "
                         "cluster config JSON (keys psNum, psCluster[].id)")
    with open(path, encoding='utf-8') as f:
        conf = json.load(f)
    try:
        ps_num, ps_ids = int(conf["psNum"]), [int(ps["id"]) for ps in conf["psCluster"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cluster config needs psNum and psCluster[].id ({exc!r})") from None
    if ps_num > _MAX_PS_NUM:
        raise ValueError(f"PS num can not exceed {_MAX_PS_NUM}, please check config params (psNum={ps_num}).")
    return json.dumps(conf), ps_num, ps_ids


class ESWorker(TableIO, DataParallelTables):
    """Embedding Service worker: creates PS / data-parallel tables, looks rows up, applies updates."""

    def __init__(self):
        self._es_cluster_conf, self._ps_num, self._ps_ids = _read_cluster_config()
        self._init_partition_maps, self._init_embedding_hash_maps = {}, {}
        self._table_to_embedding_dim, self._table_to_max_num, self._table_to_optimizer = {}, {}, {}
        self._table_to_slot_var_num, self._table_to_counter_filter, self._table_id_to_initializer = {}, {}, {}
        self._ps_table_id_to_optimizer_mode, self._ps_table_id_to_optimizer_params = {}, {}
        self._table_name_to_id, self._table_id_to_name = {}, {}
        self._ps_table_id_list, self._ps_table_name_list, self._small_table_name_list = [], [], []
        self._train_mode, self._init_table_flag = True, False
        self._lookups = []  # (table_id, ids, rows) recorded for embedding_update
        self.user_defined_table_infos, self.table_create_infos, self.total_variable_table = [], [], []
        self.table_map_policy, self.total_embedding_count = None, 0
        self._npu_table_to_embedding_dim = {}

    def initializer(self, table_id, initializer_mode, min=-2.0, max=2.0,  # pylint: disable=redefined-builtin
                    constant_value=0.0, mu=0.0, sigma=1.0):
        """Set the row initializer of PS table ``table_id`` (before ``embedding_init``)."""
        if table_id is None or not isinstance(table_id, int) or not 0 <= table_id < _INT32_MAX_VALUE:
            raise ValueError("table_id value is false, must be [0, 2147483647) and int type, please check.")
        _check_initializer_args(initializer_mode, min, max, constant_value, mu, sigma)
        self._table_id_to_initializer[table_id] = EsInitializer(initializer_mode, min=min, max=max,
                                                                constant_value=constant_value, mu=mu, sigma=sigma)

    def embedding_variable_option(self, filter_option=None, evict_option=None, storage_option=None,
                                  feature_freezing_option=None, communication_option=None):
        """Table options; ``filter_option`` (a ``CounterFilter``) is required."""
        if filter_option is None:
            raise ValueError("Now filter_option can't be None.")
        if not isinstance(filter_option, CounterFilter):
            raise TypeError("If filter_option isn't None, it must be CounterFilter type.")
        return EmbeddingVariableOption(filter_option, evict_option, storage_option, feature_freezing_option,
                                       communication_option)

    def counter_filter(self, filter_freq, default_key=None, default_value=None):
        """A ``CounterFilter``: exactly one of ``default_key`` (int) / ``default_value`` (number)."""
        if not isinstance(filter_freq, int):
            raise TypeError("filter_freq must be int, please check.")
        if filter_freq < 0:
            raise ValueError("filter_freq must can not be smaller than 0.")
        if (default_key is None) == (default_value is None):
            raise ValueError("exactly one of default_key and default_value must be set.")
        if default_key is None and not isinstance(default_value, (int, float)):
            raise TypeError("When default_value is not None, it must be float or int, please check.")
        if default_value is None and not isinstance(default_key, int):
            raise TypeError("When default_key is not None, it must be int, please check.")
        return CounterFilter(filter_freq, default_key_or_value=default_key is not None, default_key=default_key,
                             default_value=default_value)

    # --------------------------------------------------------------------------- creation
    def get_embedding_variable(self, name, init_vocabulary_size, embedding_dim, key_dtype=tf.int64,
                               value_dtype=tf.float32, partitioner=None,
                               initializer=tf.random_uniform_initializer(minval=-0.01, maxval=0.01, seed=1234),
                               embedding_type="PS", ev_option=None, max_feature_count=None, multihot_lens=None,
                               optimizer=None, allow_merge=True, mask_zero=False):
        """Create table ``name``: a PS table (returns its init op) or a data-parallel one (returns its info)."""
        del partitioner  # PS tables are partitioned by the service
        check_common_init_params(name, init_vocabulary_size, embedding_dim, embedding_type, mask_zero)
        if embedding_type == "data_parallel":
            if name in self._small_table_name_list:
                raise ValueError(f"small table {name!r} has been initialized.")
            if key_dtype is not tf.int64 or value_dtype is not tf.float32:
                raise TypeError("key_dtype only support tf.int64, value_dtype only support tf.float32 now.")
            if not isinstance(multihot_lens, int):
                raise TypeError("multihot_lens must be int for a data_parallel table.")
            check_initializer_dtype(initializer)
            self._small_table_name_list.append(name)
            return self.data_parallel_embedding(init_vocabulary_size, embedding_dim, multihot_lens, allow_merge,
                                                _tf_init_from(initializer))
        if name in self._table_name_to_id:
            raise ValueError(f"table {name!r} has been initialized.")
        if max_feature_count is None or not isinstance(max_feature_count, int) or max_feature_count <= 0:
            raise ValueError("For ps table, max_feature_count must be an int greater than zero.")
        if init_vocabulary_size >= _INT32_MAX_VALUE:
            raise ValueError("init_vocabulary_size exceeds int32 max value.")
        table_id = len(self._table_name_to_id)
        self._table_name_to_id[name] = table_id
        return self._create_ps_table(table_id, name, init_vocabulary_size, embedding_dim, max_feature_count,
                                     optimizer, _es_init_from(initializer), ev_option, mask_zero)

    def embedding_init(self, vocabulary_size, table_id, max_batch_size, embedding_dim, optimizer=None,
                       initializer=None, ev_option=None):
        """Old API: create PS table ``table_id``; ``initializer`` is a mode name (min/max from ``initializer()``)."""
        if not all(isinstance(v, int) for v in (vocabulary_size, table_id, max_batch_size, embedding_dim)):
            raise ValueError("vocabulary_size, table_id, max_batch_size and embedding_dim must be int.")
        if vocabulary_size < 0 or table_id < 0 or vocabulary_size >= _INT32_MAX_VALUE or table_id >= _INT32_MAX_VALUE:
            raise ValueError("vocabulary_size and table_id must be in [0, 2147483647).")
        if embedding_dim <= 0 or max_batch_size <= 0:
            raise ValueError("embedding_dim and max_batch_size must be greater than zero.")
        if table_id in self._ps_table_id_list:
            raise ValueError(f"table {table_id} has already initialized.")
        init = self._table_id_to_initializer.get(table_id)
        if init is None and initializer is not None:
            _check_initializer_args(initializer, -2.0, 2.0, 0.0, 0.0, 1.0)
            init = EsInitializer(initializer, min=-2.0, max=2.0, constant_value=0.0)
        return self._create_ps_table(table_id, str(table_id), vocabulary_size, embedding_dim, max_batch_size,
                                     optimizer, init, ev_option, False)

    def _create_ps_table(self, table_id, name, vocabulary_size, dim, max_num, optimizer, init, ev_option, mask_zero):
        if ev_option is not None and not isinstance(ev_option, EmbeddingVariableOption):
            raise TypeError("ev_option must be EmbeddingVariableOption type.")
        if len(self._ps_table_id_list) >= _MAX_PS_TABLES:
            raise ValueError(f"Now only {_MAX_PS_TABLES} PS embedding tables can be init.")
        mode, slots, params = ("", 0, [0.1]) if optimizer is None else _ps_mode(optimizer)
        if optimizer is None:
            self._train_mode = False
        else:
            optimizer.embedding_dims, optimizer.max_nums, optimizer.mask_zero = dim, max_num, mask_zero
            optimizer.es_cluster_configs = self._es_cluster_conf
            self._table_to_optimizer[table_id] = optimizer
        self._table_id_to_name[table_id] = name
        self._ps_table_id_list.append(table_id)
        self._ps_table_name_list.append(name)
        self._table_to_embedding_dim[table_id], self._table_to_max_num[table_id] = dim, max_num
        self._table_to_slot_var_num[table_id] = slots
        self._ps_table_id_to_optimizer_mode[table_id], self._ps_table_id_to_optimizer_params[table_id] = mode, params
        # without an initializer (continued training) rows are expected from a restore; new ids read zeros
        self._table_id_to_initializer[table_id] = init or EsInitializer("constant", constant_value=0.0)
        if ev_option is not None and ev_option.filter_option is not None:
            self._table_to_counter_filter[table_id] = ev_option.filter_option
        with specified_ps_engine_scope():
            partition = gen_npu_cpu_ops.init_partition_map(ps_num=ops.convert_to_tensor(self._ps_num),
                                                           ps_ids=ops.convert_to_tensor(self._ps_ids))
            with tf.control_dependencies([partition]):
                hashmap = gen_npu_cpu_ops.init_embedding_hashmap(
                    ops.convert_to_tensor(table_id), bucket_size=math.ceil(vocabulary_size / self._ps_num),
                    value_total_len=dim * (slots + 1), embedding_dim=dim, filter_mode=self._filter_mode(table_id),
                    optimizer_mode=mode, optimizer_params=params, **self._init_attrs(table_id))
        self._init_partition_maps[table_id], self._init_embedding_hash_maps[table_id] = partition, hashmap
        self._init_table_flag = True
        return tf.group([partition, hashmap])

    def _filter_mode(self, table_id):
        return "counter" if table_id in self._table_to_counter_filter else "no_filter"

    def _init_attrs(self, table_id):
        i = self._table_id_to_initializer[table_id]
        return dict(initializer_mode=i.initializer_mode, constant_value=float(i.constant_value), min=float(i.min),
                    max=float(i.max), mu=float(i.mu), sigma=float(i.sigma), seed=int(i.seed), seed2=int(i.seed))

    # ----------------------------------------------------------------------- lookup / update
    def embedding_lookup(self, name: str, ids: typing.Any, key_num_input=None, unique_indices=None):
        """Rows of ``ids`` (int64, any shape) in PS table ``name``: float32 ids.shape + [dim]."""
        if name is None or ids is None:
            raise ValueError("table name or ids must be specified.")
        if not isinstance(name, str):
            raise TypeError("embedding table name must be string.")
        if name not in self._table_name_to_id:
            raise ValueError(f"ps table {name!r} has not yet initialized; tables: {self._ps_table_name_list}")
        return self._lookup(self._table_name_to_id[name], ids, key_num_input, unique_indices)

    def embedding_lookup_v1(self, table_id: int, input_ids: typing.Any):
        """Old API: rows of ``input_ids`` in PS table ``table_id``."""
        if table_id is None or input_ids is None:
            raise ValueError("table_id or input_ids must be specified.")
        if not isinstance(table_id, int) or table_id not in self._ps_table_id_list:
            raise ValueError(f"table {table_id!r} has not yet initialized; tables: {self._ps_table_id_list}")
        return self._lookup(table_id, input_ids, None, None)

    def _lookup(self, table_id, ids, key_num_input, unique_indices):
        if ids.dtype != tf.int64:
            raise ValueError("dtype of ids must be tf.int64.")
        if not self._init_table_flag:
            raise ValueError("embedding table must init first!")
        dim = self._table_to_embedding_dim[table_id]
        flat = tf.reshape(ids, [-1])
        with specified_ps_engine_scope():
            if not self._train_mode:
                rows = gen_npu_cpu_ops.embedding_table_find(ops.convert_to_tensor(table_id), flat, embedding_dim=dim,
                                                            default_value=-1.0)
            else:
                flt = self._table_to_counter_filter.get(table_id)
                attrs = dict(embedding_dim=dim, value_total_len=dim * (self._table_to_slot_var_num[table_id] + 1),
                             filter_mode=self._filter_mode(table_id),
                             optimizer_mode=self._ps_table_id_to_optimizer_mode[table_id],
                             optimizer_params=self._ps_table_id_to_optimizer_params[table_id],
                             **self._init_attrs(table_id))
                if flt is not None:
                    attrs.update(filter_freq=flt.filter_freq, default_key_or_value=bool(flt.default_key_or_value),
                                 default_key=int(flt.default_key or 0), default_value=float(flt.default_value or 0.0))
                if key_num_input is not None and unique_indices is not None:
                    rows = gen_npu_cpu_ops.fused_remote_lookup_with_unique(
                        ops.convert_to_tensor(table_id), flat, key_num_input, unique_indices, **attrs)
                else:
                    rows = gen_npu_cpu_ops.embedding_table_find_and_init(ops.convert_to_tensor(table_id), flat, **attrs)
        self._lookups.append((table_id, flat, rows))
        return tf.reshape(rows, tf.concat([tf.shape(ids), [dim]], 0))

    def embedding_update(self, loss):
        """Apply each looked-up table's optimizer to the gradient of ``loss`` w.r.t. its lookups."""
        if loss is None or isinstance(loss, str):
            raise ValueError("loss can not be None or str.")
        if not self._init_table_flag:
            raise ValueError("embedding must init first!")
        lookups, self._lookups = self._lookups, []
        return self._update(loss, [r for _, _, r in lookups], [t for t, _, _ in lookups], [i for _, i, _ in lookups])

    def embedding_update_v1(self, loss, params, table_ids, input_ids_list):
        """Old API: explicit lists of lookup results, table ids and ids."""
        if loss is None or params is None or table_ids is None or input_ids_list is None:
            raise ValueError("loss or params or table_ids or input_ids_list is None.")
        if any(isinstance(v, str) for v in (loss, params, table_ids, input_ids_list)):
            raise ValueError("loss, params, table_ids and input_ids_list can not be str.")
        if not self._init_table_flag:
            raise ValueError("embedding must init first!")
        if not isinstance(params, (list, tuple)):
            params, table_ids, input_ids_list = [params], [table_ids], [input_ids_list]
        if not len(params) == len(table_ids) == len(input_ids_list):
            raise ValueError("The length of params, table_ids, input_ids_list should be equal.")
        return self._update(loss, list(params), list(table_ids), list(input_ids_list))

    def _update(self, loss, params, table_ids, ids_list):
        for table_id in table_ids:
            if table_id not in self._table_to_optimizer:
                raise ValueError(f"table {table_id} has no optimizer (created without one) or is not initialized.")
        grads = tf.gradients(loss, params)
        update_ops = []
        with specified_ps_engine_scope():
            for grad, param, table_id, ids in zip(grads, params, table_ids, ids_list):
                if grad is None:
                    continue
                dim = self._table_to_embedding_dim[table_id]
                with tf.control_dependencies([param]):  # the step's lookup (which creates the rows) runs first
                    values = tf.reshape(grad, [-1, dim])
                slices = tf.IndexedSlices(values, tf.reshape(ids, [-1]))
                opt = self._table_to_optimizer[table_id]
                update_ops.append(opt.apply_gradients([(slices, NpuEmbeddingResource(table_id))]))
        return update_ops
