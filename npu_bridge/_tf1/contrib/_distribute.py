"""``tf.contrib.distribute.MirroredStrategy`` with its TF 1.15 constructor."""
from tensorflow.python.distribute import mirrored_strategy


class MirroredStrategy(mirrored_strategy.MirroredStrategyV1):
    """TF's (v1) ``MirroredStrategy`` accepting contrib's arguments.

    ``num_gpus``/``num_gpus_per_worker`` name the devices as the first N GPUs (the CPU when 0);
    ``cross_tower_ops`` is the old name of ``cross_device_ops``; ``auto_shard_dataset`` only mattered
    with several workers, which a single-host run does not have, and is accepted and ignored.
    """

    def __init__(self, devices=None, num_gpus=None, num_gpus_per_worker=None, cross_device_ops=None,
                 auto_shard_dataset=False, cross_tower_ops=None):
        del auto_shard_dataset
        if cross_tower_ops is not None:
            if cross_device_ops is not None:
                raise ValueError("Pass only one of cross_device_ops and cross_tower_ops (its old name)")
            cross_device_ops = cross_tower_ops
        gpus = num_gpus if num_gpus is not None else num_gpus_per_worker
        if num_gpus is not None and num_gpus_per_worker is not None:
            raise ValueError("Only one of num_gpus and num_gpus_per_worker can be specified")
        if gpus is not None:
            if devices is not None:
                raise ValueError("Must specify at most one of `devices` and `num_gpus`.")
            devices = [f"/device:GPU:{i}" for i in range(gpus)] if gpus > 0 else ["/device:CPU:0"]
        super().__init__(devices=devices, cross_device_ops=cross_device_ops)
