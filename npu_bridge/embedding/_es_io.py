"""Save / restore of PS embedding tables for ``ESWorker`` (upstream's ``save_*`` / ``restore_*``).

* ``*_embedding(s)``: the embeddings only; ``*_checkpoint(s)``: embeddings, optimizer slots and
  the optimizer's step counter; ``*_incremental_embedding(s)``: rows changed since the last save.
* ``name``-based methods address tables created by ``get_embedding_variable``; ``*_v1`` methods
  take the ``table_id`` of ``embedding_init``.  Saving requires ``RANK_ID=0``, as upstream.
Each returns a ``tf.group`` to run.  Files: ``<path>/<table>.{embedding,checkpoint}.npz``.
"""
import os
import re

import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops

from npu_bridge.npu_cpu.npu_cpu_ops import gen_npu_cpu_ops

_ILLEGAL = re.compile(r'[@!#$%^&*()<>?/\\|}{~:]')


class TableIO:
    """Mixin of ``ESWorker``: export / import of its PS tables."""

    # ------------------------------------------------------------------------------- checks
    def _check_path(self, path):
        if path is None:
            raise ValueError("embedding table path can not be None.")
        if path[-1] == '/':
            raise ValueError(f"path format is wrong, please check: {path!r} must not end with '/'.")
        if not self._init_table_flag:
            raise ValueError("Not any table has been initialized.")

    def _ids_for_name(self, name, path):
        if path is None or name is None:
            raise ValueError("table name, embedding table path can not be None.")
        if not isinstance(name, str):
            raise TypeError("embedding table name must be string.")
        if _ILLEGAL.search(name) is not None:
            raise ValueError(f"table name {name!r} contains illegal character.")
        self._check_path(path)
        if name not in self._ps_table_name_list:
            raise ValueError(f"table {name!r} has not yet initialized; tables: {self._ps_table_name_list}")
        return [self._table_name_to_id[name]]

    def _ids_for_v1(self, table_id, path):
        if path is None or table_id is None:
            raise ValueError("table_id, embedding table path can not be None.")
        self._check_path(path)
        if table_id not in self._ps_table_id_list:
            raise ValueError(f"table {table_id} has not yet initialized; tables: {self._ps_table_id_list}")
        return [table_id]

    @staticmethod
    def _require_rank0():
        rank = os.environ.get("RANK_ID")
        if rank != "0":
            raise ValueError(f"Device must be rank_id 0 to save embedding tables (RANK_ID={rank!r}).")

    # ----------------------------------------------------------------------------- builders
    def _io(self, path, table_ids, save, only_var, mode="all", filtered=False):
        from npu_bridge.embedding.embedding_service import specified_ps_engine_scope

        if save:
            self._require_rank0()
        if not isinstance(filtered, bool):
            raise TypeError("save_filtered_features must be bool.")
        names = [self._table_id_to_name[t] for t in table_ids]
        dims = [self._table_to_embedding_dim[t] for t in table_ids]
        lens = dims if only_var else [d * (self._table_to_slot_var_num.get(t, 0) + 1) for t, d in zip(table_ids, dims)]
        with specified_ps_engine_scope():
            file_path = ops.convert_to_tensor(path, name="file_path")
            ps_id = ops.convert_to_tensor(-1, name="ps_id")
            ids = ops.convert_to_tensor(table_ids, name="table_id")
            if save:
                main = gen_npu_cpu_ops.embedding_table_export(
                    file_path, ps_id, ids, embedding_dim=dims, value_total_len=lens, export_mode=mode,
                    only_var_flag=only_var, file_type="bin", table_name=names, filter_export_flag=filtered)
            else:
                main = gen_npu_cpu_ops.embedding_table_import(
                    file_path, ps_id, ids, embedding_dim=dims, value_total_len=lens, only_var_flag=only_var,
                    file_type="bin", table_name=names)
            if only_var:
                return tf.group([main])
            with tf.control_dependencies([main]):
                compute = (gen_npu_cpu_ops.embedding_compute_var_export if save else
                           gen_npu_cpu_ops.embedding_compute_var_import)(file_path, ps_id, ids, table_name=names)
                return tf.group([compute])

    # ----------------------------------------------------------------------- by table name
    def save_embedding(self, name: str, path: str):
        """Save the embeddings of table ``name``."""
        return self._io(path, self._ids_for_name(name, path), True, True)

    def save_embeddings(self, path: str):
        """Save the embeddings of every PS table."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), True, True)

    def restore_embedding(self, name: str, path: str):
        """Restore the embeddings of table ``name``."""
        return self._io(path, self._ids_for_name(name, path), False, True)

    def restore_embeddings(self, path: str):
        """Restore the embeddings of every PS table."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), False, True)

    def save_checkpoint(self, name: str, path: str, save_filtered_features=False):
        """Save embeddings + optimizer state of table ``name`` (and the counter filter's pending ids)."""
        return self._io(path, self._ids_for_name(name, path), True, False, filtered=save_filtered_features)

    def save_checkpoints(self, path: str, save_filtered_features=False):
        """Save embeddings + optimizer state of every PS table."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), True, False, filtered=save_filtered_features)

    def restore_checkpoint(self, name: str, path: str):
        """Restore embeddings + optimizer state of table ``name``."""
        return self._io(path, self._ids_for_name(name, path), False, False)

    def restore_checkpoints(self, path: str):
        """Restore embeddings + optimizer state of every PS table."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), False, False)

    def save_incremental_embedding(self, name: str, path: str):
        """Save the rows of table ``name`` changed since its last save."""
        return self._io(path, self._ids_for_name(name, path), True, True, mode="new")

    def save_incremental_embeddings(self, path: str):
        """Save the rows of every PS table changed since the last save."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), True, True, mode="new")

    def restore_incremental_embedding(self, name: str, path: str):
        """Apply an incremental save of table ``name``."""
        return self._io(path, self._ids_for_name(name, path), False, True)

    def restore_incremental_embeddings(self, path: str):
        """Apply an incremental save of every PS table."""
        self._check_path(path)
        return self._io(path, list(self._ps_table_id_list), False, True)

    # ------------------------------------------------------------------------ by table id
    def save_embedding_v1(self, path: str, table_id: int):
        """Save the embeddings of table ``table_id``."""
        return self._io(path, self._ids_for_v1(table_id, path), True, True)

    def restore_embedding_v1(self, path: str, table_id: int):
        """Restore the embeddings of table ``table_id``."""
        return self._io(path, self._ids_for_v1(table_id, path), False, True)

    def save_checkpoint_v1(self, path: str, table_id: int):
        """Save embeddings + optimizer state of table ``table_id``."""
        return self._io(path, self._ids_for_v1(table_id, path), True, False)

    def restore_checkpoint_v1(self, path: str, table_id: int):
        """Restore embeddings + optimizer state of table ``table_id``."""
        return self._io(path, self._ids_for_v1(table_id, path), False, False)

    def save_incremental_embedding_v1(self, path: str, table_id: int):
        """Save the rows of table ``table_id`` changed since its last save."""
        return self._io(path, self._ids_for_v1(table_id, path), True, True, mode="new")

    def restore_incremental_embedding_v1(self, path: str, table_id: int):
        """Apply an incremental save of table ``table_id``."""
        return self._io(path, self._ids_for_v1(table_id, path), False, True)
