"""npu_bridge.estimator.npu.npu_strategy: a one-device strategy usable by scope() and Estimator."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu.npu_strategy import NPUExtended, NPUStrategy


def test_strategy_is_one_device_on_cpu():
    strategy = NPUStrategy()
    assert isinstance(strategy, tf.distribute.Strategy)
    assert isinstance(strategy.extended, NPUExtended)
    assert strategy.num_replicas_in_sync == 1
    (device,) = strategy.extended.worker_devices
    assert device.endswith("/device:CPU:0")


def test_scope_places_variables_and_reports_the_strategy():
    strategy = NPUStrategy()
    with tf.Graph().as_default():
        with strategy.scope():
            assert tf.distribute.get_strategy() is strategy
            v = tf.Variable(1.0)
        assert "CPU:0" in v.device


def test_distribute_dataset_shards_by_rank():
    strategy = NPUStrategy()
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(6)
        sharded = strategy.extended._experimental_distribute_dataset(ds)  # pylint: disable=protected-access
        values = []
        it = tf.data.make_one_shot_iterator(sharded).get_next()
        with tf.Session() as sess:
            for _ in range(6):
                values.append(sess.run(it))
    assert values == list(range(6))


def test_strategy_refuses_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "8")
    with pytest.raises(RuntimeError, match="NPUStrategy needs RANK_SIZE=8 ranks"):
        NPUStrategy()


def test_estimator_trains_with_train_distribute(tmp_path):
    def input_fn():
        x = np.random.RandomState(0).randn(64, 2).astype("float32")
        y = (x @ np.array([[1.0], [-1.0]], "float32")).astype("float32")
        return tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(8, drop_remainder=True)

    def model_fn(features, labels, mode):
        pred = tf.layers.dense(features["x"], 1)
        loss = tf.losses.mean_squared_error(labels, pred)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    config = tf.estimator.RunConfig(model_dir=str(tmp_path), train_distribute=NPUStrategy(), save_summary_steps=0,
                                    log_step_count_steps=1000)
    estimator = tf.estimator.Estimator(model_fn, config=config)
    estimator.train(input_fn, steps=20)
    assert estimator.get_variable_value("global_step") == 20
