"""Saver aware of weight-update sharding (upstream ``npu_bridge/estimator/npu/npu_saver.py``).

With ``NPUDistributedOptimizer(is_weight_update_sharding=True)`` only the owner rank of a
variable holds its latest value, so before saving, each recorded variable is broadcast from its
owner (``util.get_all_grad_item()``), one broadcast after the other.  Without sharding nothing is
recorded and ``NPUSaver`` behaves exactly like ``tf.train.Saver`` (standard V2 checkpoints).
"""
import logging

import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import saver_pb2
from tensorflow.python.training.saver import BulkSaverBuilder
from tensorflow.python.training.saver import Saver

from npu_bridge.estimator.npu import util

_log = logging.getLogger("npu_bridge.npu_saver")

_SHARDING_BROADCAST_FUSION = 2


def _saved_variables(names_to_saveables):
    values = names_to_saveables.values() if isinstance(names_to_saveables, dict) else names_to_saveables
    return list(values or [])


class NPUBulkSaverBuilder(BulkSaverBuilder):
    """BulkSaverBuilder whose save op first broadcasts sharded variables from their owner rank."""

    def _build_internal(self, names_to_saveables, *args, **kwargs):  # pylint: disable=arguments-differ
        self._npu_saved = _saved_variables(names_to_saveables)
        return super()._build_internal(names_to_saveables, *args, **kwargs)

    def _sharding_broadcasts(self):
        """Broadcast ops for the saved sharded variables; built once per save op (then [])."""
        saved = getattr(self, "_npu_saved", [])
        self._npu_saved = []
        saved_ids = {id(v) for v in saved}
        items = [item for item in util.get_all_grad_item() if item.root_rank_id >= 0 and id(item.var) in saved_ids]
        if not items:
            return []
        from npu_bridge.hccl import hccl_ops  # lazy: hccl_ops is a sibling package

        broadcasts = []
        with tf.name_scope("Save_Weight_Update_Sharding"):
            for item in items:
                with tf.control_dependencies(broadcasts):
                    out = hccl_ops.broadcast([item.var], item.root_rank_id, _SHARDING_BROADCAST_FUSION,
                                             item.root_rank_id)
                broadcasts.append(out[0].op)
        _log.debug("NPUSaver: broadcasting %d sharded variables before saving", len(broadcasts))
        return broadcasts

    def _AddSaveOps(self, filename_tensor, saveables):  # pylint: disable=invalid-name
        with tf.control_dependencies(self._sharding_broadcasts()):
            return super()._AddSaveOps(filename_tensor, saveables)

    def _AddShardedSaveOps(self, filename_tensor, per_device):  # pylint: disable=invalid-name
        with tf.control_dependencies(self._sharding_broadcasts()):
            return super()._AddShardedSaveOps(filename_tensor, per_device)


class NPUSaver(Saver):
    """``tf.train.Saver`` built with :class:`NPUBulkSaverBuilder` unless another builder is given."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False, saver_def=None,
                 builder=None, defer_build=False, allow_empty=False, write_version=saver_pb2.SaverDef.V2,
                 pad_step_number=False, save_relative_paths=False, filename=None):
        if builder is None and saver_def is None:
            builder = NPUBulkSaverBuilder(write_version)
        super().__init__(var_list=var_list, reshape=reshape, sharded=sharded, max_to_keep=max_to_keep,
                         keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours, name=name,
                         restore_sequentially=restore_sequentially, saver_def=saver_def, builder=builder,
                         defer_build=defer_build, allow_empty=allow_empty, write_version=write_version,
                         pad_step_number=pad_step_number, save_relative_paths=save_relative_paths,
                         filename=filename)
