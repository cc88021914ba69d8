"""One-device distribution strategy for NPU scripts (upstream ``npu_strategy``).

The migration tool replaces ``MirroredStrategy()``, ``MultiWorkerMirroredStrategy()`` and
``distribution_utils.get_distribution_strategy()`` with ``NPUStrategy()``: a one-device strategy
(on ``/cpu:0`` by default) whose replica count is the rank size and whose datasets are sharded by
rank.  ascend-sim emulates one rank, so constructing it with ``RANK_SIZE`` > 1 raises.
"""
import os  # noqa: F401  (upstream module namespace)

from hccl.manage.api import get_rank_id, get_rank_size
from tensorflow.python.distribute import distribute_lib, one_device_strategy

from npu_bridge import _distribution


class NPUExtended(one_device_strategy.OneDeviceExtended):
    """``OneDeviceExtended`` with the rank size as replica count and rank-sharded datasets."""

    def __init__(self, container_strategy, device):
        _distribution.require_single_rank("NPUStrategy")
        super().__init__(container_strategy, device)

    @property
    def _num_replicas_in_sync(self):
        return _distribution.rank_size()

    def _experimental_distribute_dataset(self, dataset, options=None):  # pylint: disable=unused-argument
        return dataset.shard(get_rank_size(), get_rank_id())


class NPUStrategy(distribute_lib.StrategyV1):
    """A one-device ``tf.distribute`` strategy (TF 1.x API) on ``device``."""

    def __init__(self, device="/cpu:0"):
        super().__init__(NPUExtended(self, device))
