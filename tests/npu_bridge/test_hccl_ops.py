"""npu_bridge.hccl.hccl_ops: upstream validation, single-rank semantics, multi-rank refusal."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.hccl import hccl_ops
from npu_bridge._ops.registry import ASCEND_OP_TYPE_ATTR


def _op_types(graph):
    return {n.attr[ASCEND_OP_TYPE_ATTR].s.decode() for n in graph.as_graph_def().node if ASCEND_OP_TYPE_ATTR in n.attr}


@pytest.mark.parametrize("reduction", ["sum", "min", "max", "prod"])
def test_allreduce_is_identity_on_one_rank_and_builds_hcom_all_reduce(reduction):
    value = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Graph().as_default() as g:
        out = hccl_ops.allreduce(tf.constant(value), reduction)
        assert out.shape.as_list() == [2, 3]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(out), value)
    assert "HcomAllReduce" in _op_types(g)


def test_allreduce_rejects_unknown_reduction():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="reduction must be one of"):
            hccl_ops.allreduce(tf.constant(1.0), "mean")


def test_allreduce_gradient_flows_through():
    with tf.Graph().as_default():
        x = tf.constant([1.0, 2.0])
        y = tf.reduce_sum(hccl_ops.allreduce(x * x, "sum"))
        (grad,) = tf.gradients(y, [x])
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(grad), [2.0, 4.0])


def test_allreduce_refuses_a_multi_rank_world(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "4")
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="needs RANK_SIZE=4 ranks"):
            hccl_ops.allreduce(tf.constant(1.0), "sum")


def test_broadcast_takes_a_list_and_returns_an_aligned_list():
    with tf.Graph().as_default() as g:
        a, b = tf.Variable([1.0, 2.0]), tf.Variable(3)
        out = hccl_ops.broadcast([a, b], 0)
        assert isinstance(out, list) and len(out) == 2
        assign = tf.assign(a, out[0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(assign), [1.0, 2.0])
            assert sess.run(out[1]) == 3
    assert "HcomBroadcast" in _op_types(g)


def test_broadcast_rejects_a_single_tensor_and_remote_roots():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="list"):
            hccl_ops.broadcast(tf.constant(1.0), 0)
        with pytest.raises(RuntimeError, match="needs RANK_SIZE=3 ranks"):
            hccl_ops.broadcast([tf.constant(1.0)], 2)
        with pytest.raises(ValueError, match="root_rank"):
            hccl_ops.broadcast([tf.constant(1.0)], -1)


def test_allgather_and_reduce_scatter_with_rank_size_one_are_identity():
    value = np.arange(8, dtype=np.float32).reshape(4, 2)
    with tf.Graph().as_default():
        t = tf.constant(value)
        gathered = hccl_ops.allgather(t, 1)
        scattered = hccl_ops.reduce_scatter(t, "sum", 1)
        reduced = hccl_ops.reduce(t, "max", 0)
        assert gathered.shape.as_list() == [4, 2] and scattered.shape.as_list() == [4, 2]
        with tf.Session() as sess:
            for out in sess.run([gathered, scattered, reduced]):
                np.testing.assert_array_equal(out, value)


def test_rank_size_arguments_greater_than_one_are_refused():
    with tf.Graph().as_default():
        t = tf.zeros([4, 2])
        with pytest.raises(RuntimeError, match="allgather needs RANK_SIZE=2 ranks"):
            hccl_ops.allgather(t, 2)
        with pytest.raises(RuntimeError, match="reduce_scatter needs RANK_SIZE=2 ranks"):
            hccl_ops.reduce_scatter(t, "sum", 2)


def test_reduce_scatter_checks_divisibility_and_arguments():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="divisible by rank_size"):
            hccl_ops.reduce_scatter(tf.zeros([3, 2]), "sum", 2)
        with pytest.raises(ValueError, match="rank_size must be a positive int"):
            hccl_ops.reduce_scatter(tf.zeros([3, 2]), "sum", 0)
        with pytest.raises(ValueError, match="reduction"):
            hccl_ops.reduce_scatter(tf.zeros([3, 2]), "avg", 1)


def test_all_to_all_v_on_one_rank_returns_own_slice():
    with tf.Graph().as_default():
        data = tf.constant([1.0, 2.0, 3.0, 4.0])
        out = hccl_ops.all_to_all_v(data, [3], [1], [3], [0])
        out_c = hccl_ops.all_to_all_v_c(data, [[2]], 0)
        with tf.Session() as sess:
            a, c = sess.run([out, out_c])
    np.testing.assert_array_equal(a, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(c, [1.0, 2.0])


def test_point_to_point_needs_a_peer():
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="send.*needs RANK_SIZE=2 ranks"):
            hccl_ops.send(tf.constant(1.0), 0, 1)
        with pytest.raises(RuntimeError, match="receive.*needs RANK_SIZE=4 ranks"):
            hccl_ops.receive([1], tf.float32, 0, 3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: hccl_ops.remote_read(tf.zeros([1, 3], tf.uint64), tf.float32),
        lambda: hccl_ops.remote_ref_read(tf.zeros([1, 3], tf.uint64), tf.zeros([4]), tf.zeros([1], tf.uint64)),
        lambda: hccl_ops.remote_write(tf.zeros([1, 3], tf.uint64), tf.zeros([4]), tf.float32),
        lambda: hccl_ops.remote_scatter_write(tf.zeros([1, 3], tf.uint64), tf.zeros([4]), tf.zeros([1], tf.uint64)),
        lambda: hccl_ops.gather_all_to_all_v(tf.zeros([2], tf.uint64), tf.zeros([1], tf.int64), tf.zeros([1], tf.int64),
                                             tf.zeros([1], tf.int64), tf.float32, 4),
    ],
    ids=["remote_read", "remote_ref_read", "remote_write", "remote_scatter_write", "gather_all_to_all_v"],
)
def test_rdma_ops_raise_a_clear_error_naming_the_function(call, request):
    name = request.node.callspec.id
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match=f"hccl_ops.{name} .*device"):
            call()


def test_gen_hccl_ops_is_the_generated_op_module():
    from npu_bridge.helper import helper

    assert hccl_ops.gen_hccl_ops is helper.get_gen_ops()
