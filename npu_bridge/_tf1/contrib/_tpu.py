"""``tf.contrib.tpu.CrossShardOptimizer`` on one shard.

TF 1.15's optimizer scales the loss by 1/num_shards (MEAN reduction) and sums every gradient across
the TPU shards with ``cross_replica_sum``, a TPU-only op.  Migrated scripts run it with
``use_tpu=False`` (one shard), where that sum is the gradient itself: this subclass keeps TF's
constructor checks and ``compute_gradients`` and applies the gradients unchanged.
"""
from tensorflow.python.tpu import tpu_function, tpu_optimizer


class CrossShardOptimizer(tpu_optimizer.CrossShardOptimizer):
    """TF's ``CrossShardOptimizer`` whose cross-shard sum is the identity on the one shard there is."""

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        num_shards = tpu_function.get_tpu_context().number_of_shards
        if num_shards not in (None, 1):
            raise RuntimeError(f"CrossShardOptimizer: {num_shards} shards need multi-device emulation, which is "
                               "not available yet; ascend-sim runs one shard (use_tpu=False)")
        return self._opt.apply_gradients(grads_and_vars, global_step, name)
