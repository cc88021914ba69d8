"""The kernel-backed Gelu and dropout ops train models inside NPUEstimator and Keras (v1 graph) models."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator import npu_ops
from npu_bridge.estimator.npu.npu_common import NPUBasics
from npu_bridge.estimator.npu.npu_config import NPURunConfig
from npu_bridge.estimator.npu.npu_estimator import NPUEstimator, NPUEstimatorSpec
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops


def _data(n=256):
    rng = np.random.RandomState(0)
    x = rng.uniform(-2, 2, (n, 4)).astype(np.float32)
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    return x, y


@pytest.fixture
def clean_job(monkeypatch, tmp_path):
    NPUBasics._reset()
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.chdir(tmp_path)
    yield
    NPUBasics._reset()


def _model_fn(features, labels, mode):
    hidden = npu_unary_ops.gelu(tf.layers.dense(features["x"], 32, name="h"))
    if mode == tf.estimator.ModeKeys.TRAIN:
        hidden = npu_ops.dropout(hidden, 0.9)
    pred = tf.layers.dense(hidden, 1, name="out")
    loss = tf.losses.mean_squared_error(labels, pred)
    train_op = None
    if mode == tf.estimator.ModeKeys.TRAIN:
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss, tf.train.get_or_create_global_step())
    return NPUEstimatorSpec(mode, loss=loss, train_op=train_op)


def _input_fn(repeat):
    x, y = _data()
    ds = tf.data.Dataset.from_tensor_slices(({"x": x}, y))
    return (ds.repeat() if repeat else ds).batch(32)


def test_npu_estimator_trains_with_kernel_gelu_and_dropout(clean_job, tmp_path):
    estimator = NPUEstimator(model_fn=_model_fn, config=NPURunConfig(model_dir=str(tmp_path / "m")))
    estimator.train(lambda: _input_fn(True), steps=1)
    before = estimator.evaluate(lambda: _input_fn(False))["loss"]
    estimator.train(lambda: _input_fn(True), steps=150)
    after = estimator.evaluate(lambda: _input_fn(False))["loss"]
    assert after < 0.5 * before, (before, after)


def test_keras_graph_model_trains_with_kernel_gelu_and_dropout():
    x, y = _data()
    with tf.Graph().as_default():
        inputs = tf.keras.Input((4,))
        h = tf.keras.layers.Dense(32)(inputs)
        h = tf.keras.layers.Lambda(lambda t: npu_ops.dropout(npu_unary_ops.gelu(t), 0.9))(h)
        model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(h))
        model.compile(tf.keras.optimizers.Adam(0.01), "mse")
        history = model.fit(x, y, batch_size=32, epochs=8, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0], history
