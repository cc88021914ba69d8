"""Data-parallel ("small") embedding tables of ``ESWorker``: ordinary variables on every worker.

``data_parallel_embedding`` (or ``get_embedding_variable(..., embedding_type="data_parallel")``)
declares a table; ``init_table`` merges tables per the map policy and creates one variable
``ES<n>`` per merged table; ``embeddings_lookup(ids)`` takes [batch, Σ multihot_lens] ids and
returns one [batch, multihot_lens_k, dim] embedding per declared table.
"""
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops

from npu_bridge.embedding.embedding_table_map_policy import AutoMergeTableMapPolicy, NoneTableMapPolicy


def check_initializer_dtype(initializer):
    if initializer is None:
        raise ValueError("Initializer can not be None.")
    if not callable(initializer):
        init_dtype = ops.convert_to_tensor(initializer).dtype.base_dtype
        if init_dtype != tf.float32:
            raise ValueError("Initializer type '%s' and explict dtype tf.float32 don't match." % init_dtype)


class DataParallelTables:
    """Mixin of ``ESWorker``: small tables held as ordinary (replicated) variables."""

    def data_parallel_embedding(self, max_vocabulary_size, embedding_dim, multihot_lens, allow_merge=True,
                                initializer=tf.random_uniform_initializer(minval=-0.01, maxval=0.01, seed=1234)):
        """Declare a small table of ``max_vocabulary_size`` × ``embedding_dim`` read ``multihot_lens`` ids at a time."""
        if max_vocabulary_size is None or embedding_dim is None or multihot_lens is None:
            raise ValueError("max_vocabulary_size or embedding_dim or multihot_lens can not be None.")
        if not all(isinstance(v, int) for v in (max_vocabulary_size, embedding_dim, multihot_lens)) or \
                not isinstance(allow_merge, bool):
            raise TypeError("max_vocabulary_size, embedding_dim, multihot_lens must be int, allow_merge must be bool.")
        if max_vocabulary_size <= 0 or embedding_dim <= 0 or multihot_lens <= 0:
            raise ValueError("max_vocabulary_size, embedding_dim, multihot_lens must be greater than zero.")
        check_initializer_dtype(initializer)
        info = dict(max_vocabulary_size=max_vocabulary_size, embedding_dim=embedding_dim, multihot_lens=multihot_lens,
                    allow_merge=allow_merge, initializer=initializer)
        self.user_defined_table_infos.append(info)
        return info

    def init_table(self, table_map_policy=AutoMergeTableMapPolicy()):
        """Create the variables of the declared small tables (merged per ``table_map_policy``)."""
        if not isinstance(table_map_policy, (NoneTableMapPolicy, AutoMergeTableMapPolicy)):
            raise TypeError("table_map_policy should be NoneTableMapPolicy or AutoMergeTableMapPolicy.")
        if not self.user_defined_table_infos:
            raise ValueError("small table has not been created.")
        policy = type(table_map_policy)(assign_groups=list(table_map_policy.assign_groups))
        self.table_map_policy = policy
        self.table_create_infos = policy.map_table_infos(self.user_defined_table_infos)
        self.total_embedding_count = 0
        self.total_variable_table = []
        for info in self.table_create_infos:
            self.total_variable_table.append(tf.get_variable(
                'ES' + str(self.total_embedding_count), shape=[info['max_vocabulary_size'], info['embedding_dim']],
                initializer=info['initializer'], dtype=tf.float32))
            self._npu_table_to_embedding_dim[self.total_embedding_count] = info['embedding_dim']
            self.total_embedding_count += 1
        self.user_defined_table_infos = []
        self._small_table_name_list = []

    def embeddings_lookup(self, ids_list):
        """[batch, Σ multihot_lens] int64 ids → one embedding tensor per declared small table."""
        return self._small_lookup(ids_list, "ids_list")

    def embeddings_look_up(self, tf_indices):
        """Old name of ``embeddings_lookup``."""
        return self._small_lookup(tf_indices, "tf_indices")

    def _small_lookup(self, ids, arg):
        if self.total_embedding_count == 0 or self.total_embedding_count != len(self.table_create_infos):
            raise ValueError("Must init_table() first!")
        if ids is None:
            raise ValueError(f"{arg} can not be None.")
        if ids.dtype != tf.int64:
            raise TypeError(f"dtype of {arg} must be tf.int64.")
        policy = self.table_map_policy
        if ids.get_shape().as_list()[1] != sum(policy.in_slot_size_group):
            raise ValueError(f"size of {arg} is not the same as all small tables.")
        per_slot = tf.split(ids, policy.in_slot_size_group, axis=1)
        groups = [[] for _ in range(self.total_embedding_count)]
        for sid, slot_ids in enumerate(per_slot):
            groups[policy.slot_to_table[sid]].append(slot_ids)
        outputs = [None] * len(policy.in_slot_size_group)
        for tid, group in enumerate(groups):
            table_ids = tf.concat(group, axis=1) if len(group) > 1 else group[0]
            emb = tf.nn.embedding_lookup(self.total_variable_table[tid], table_ids)
            for out, sid in zip(tf.split(emb, policy.table_to_output_slots[tid], axis=1), policy.table_to_slot[tid]):
                outputs[sid] = out
        return outputs
