"""npu_bridge._ops.defs_hccl: the raw Hcom* op wrappers compute a one-rank world."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def test_raw_collectives_are_identity_with_rank_size_one():
    value = np.arange(4, dtype=np.float32)
    with tf.Graph().as_default():
        t = tf.constant(value)
        outs = [
            gen.hcom_all_reduce(t, "sum", "hccl_world_group", 1, -1),
            gen.hcom_all_gather(t, "hccl_world_group", 1),
            gen.hcom_reduce(t, "max", "hccl_world_group", 0),
            gen.hcom_reduce_scatter(t, "sum", "hccl_world_group", 1),
        ]
        with tf.Session() as sess:
            for out in sess.run(outs):
                np.testing.assert_array_equal(out, value)


@pytest.mark.parametrize("op", ["gather", "scatter"])
def test_raw_rank_size_above_one_is_refused(op):
    with tf.Graph().as_default():
        t = tf.zeros([4])
        with pytest.raises(RuntimeError, match="needs RANK_SIZE=2 ranks"):
            if op == "gather":
                gen.hcom_all_gather(t, "hccl_world_group", 2)
            else:
                gen.hcom_reduce_scatter(t, "sum", "hccl_world_group", 2)


def test_raw_reduction_is_validated():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="reduction must be one of"):
            gen.hcom_all_reduce(tf.zeros([2]), "mean", "hccl_world_group", 1, -1)


def test_point_to_point_ops_need_a_peer():
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="peer"):
            gen.hcom_send(tf.zeros([2]), "hccl_world_group", 0, 1)
