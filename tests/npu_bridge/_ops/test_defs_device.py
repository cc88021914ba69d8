"""npu_bridge._ops.defs_device / channels: outfeed and GetNext channels; device-only ops are refused."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._ops import channels, defs_device
from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def test_outfeed_enqueue_then_dequeue_in_order_with_static_shapes():
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int32, [])
        enqueue = gen.outfeed_enqueue_op([tf.cast(step, tf.float32) * tf.ones([2]), step], channel_name="metrics")
        assert isinstance(enqueue, tf.Operation)
        assert enqueue.get_attr("_ascend_op_type") == b"OutfeedEnqueueOp"
        values, steps = gen.outfeed_dequeue_op("metrics", [tf.float32, tf.int32], [[2], []])
        assert values.shape.as_list() == [2] and steps.shape.as_list() == []
        with tf.Session() as sess:
            for k in range(3):
                sess.run(enqueue, {step: k})
            got = [sess.run([values, steps]) for _ in range(3)]
    assert [int(s) for _, s in got] == [0, 1, 2]
    np.testing.assert_array_equal(got[2][0], [2.0, 2.0])


def test_closed_outfeed_channel_raises_out_of_range_when_drained():
    with tf.Graph().as_default():
        enqueue = gen.outfeed_enqueue_op([tf.constant(1.0)], "log")
        close = channels.close_channel(channels.OUTFEED, "log", [tf.float32])
        (value,) = gen.outfeed_dequeue_op("log", [tf.float32], [[]])
        with tf.Session() as sess:
            sess.run(enqueue)
            sess.run(close)
            assert sess.run(value) == 1.0
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(value)


def test_channels_are_separate_by_name_and_kind():
    assert channels.shared_name("outfeed", "a") != channels.shared_name("outfeed", "b")
    assert channels.shared_name("outfeed", "a") != channels.shared_name("data", "a")
    with pytest.raises(ValueError, match=r"channel kind must be one of \['outfeed', 'data'\]"):
        channels.shared_name("infeed", "a")


def test_get_next_reads_what_the_host_pushed_into_the_data_channel():
    with tf.Graph().as_default():
        host = channels.channel_queue(channels.DATA, "train_queue", [tf.float32, tf.int64])
        push = host.enqueue([tf.ones([4, 3]), tf.constant([1, 2, 3, 4], tf.int64)])
        features, labels = gen.get_next([tf.float32, tf.int64], [[4, 3], [4]], "train_queue")
        assert features.shape.as_list() == [4, 3]
        with tf.Session() as sess:
            sess.run(push)
            f, lab = sess.run([features, labels])
    assert f.shape == (4, 3)
    np.testing.assert_array_equal(lab, [1, 2, 3, 4])


def test_dequeue_needs_one_shape_per_type():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="one shape per output type"):
            gen.outfeed_dequeue_op("x", [tf.float32, tf.int32], [[]])


def test_log_time_stamp_is_a_tagged_no_op():
    with tf.Graph().as_default():
        op = gen.log_time_stamp("step_begin", True)
        assert op.get_attr("_ascend_op_type") == b"LogTimeStamp"
        with tf.Session() as sess:
            sess.run(op)


@pytest.mark.parametrize("op_type", sorted(defs_device.NOT_EMULATED))
def test_device_only_ops_raise_not_implemented_naming_the_op(op_type):
    from npu_bridge._ops import registry

    opdef = registry.lookup(op_type)
    args = {name: tf.zeros([1]) for name in opdef.inputs}
    args.update({name: [1] for name, _ in opdef.attrs})
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match=f"^{op_type} needs the Ascend device; not emulated"):
            getattr(gen, opdef.python_name())(**args)
