"""NPUSaver: a tf.train.Saver that broadcasts weight-update-sharded variables before saving."""
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.training.saver import BulkSaverBuilder

from npu_bridge.estimator.npu import util
from npu_bridge.estimator.npu.npu_saver import NPUBulkSaverBuilder, NPUSaver
from testsupport.graph_edges import ancestors


@pytest.fixture(autouse=True)
def no_sharding_records():
    util.add_grads_and_vars([], 0)
    yield
    util.add_grads_and_vars([], 0)


def _broadcasts(graph):
    return [op for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr and op.get_attr("_ascend_op_type") == b"HcomBroadcast"]


def test_save_and_restore_round_trip(tmp_path):
    with tf.Graph().as_default() as graph:
        v = tf.Variable([1.0, 2.0], name="v")
        saver = NPUSaver(max_to_keep=2)
        assert isinstance(saver, tf.train.Saver) and isinstance(saver._builder, NPUBulkSaverBuilder)
        assert not _broadcasts(graph), "without sharding no broadcast is added"
        with tf.Session() as sess:
            sess.run(v.initializer)
            path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=3)
            sess.run(v.assign([0.0, 0.0]))
            saver.restore(sess, path)
            assert list(sess.run(v)) == [1.0, 2.0]
    assert path.endswith("model.ckpt-3")
    assert tf.train.list_variables(path) == [("v", [2])]


@pytest.mark.parametrize("sharded", [False, True])
def test_sharded_variables_are_broadcast_before_the_save_op(tmp_path, sharded):
    with tf.Graph().as_default() as graph:
        w1 = tf.Variable(tf.zeros([4]), name="w1")
        w2 = tf.Variable(tf.zeros([2]), name="w2")
        util.add_grads_and_vars([(tf.ones([4]), w1), (tf.ones([2]), w2)], 1)
        saver = NPUSaver(sharded=sharded)
        broadcasts = _broadcasts(graph)
        assert len(broadcasts) == 2, "one broadcast per recorded variable, built once"
        assert all(op.name.startswith("save/Save_Weight_Update_Sharding/") for op in broadcasts)
        save_op = graph.get_tensor_by_name(saver.saver_def.save_tensor_name).op
        assert set(broadcasts) <= ancestors(save_op), "the save op must run after the broadcasts"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, str(tmp_path / "model.ckpt"))
        assert sorted(name for name, _ in tf.train.list_variables(path)) == ["w1", "w2"]


def test_explicit_builder_is_respected():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        builder = BulkSaverBuilder()
        assert NPUSaver(builder=builder)._builder is builder


def test_records_of_another_graph_are_ignored():
    with tf.Graph().as_default():
        old = tf.Variable(tf.zeros([2]), name="w")
        util.add_grads_and_vars([(tf.ones([2]), old)], 1)
    with tf.Graph().as_default() as graph:
        tf.Variable(tf.zeros([2]), name="w")  # same name, different variable
        NPUSaver()
        assert not _broadcasts(graph)
