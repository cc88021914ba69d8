"""keras_to_npu.model_to_npu_estimator: a compiled Keras model becomes a trainable NPUEstimator."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu.keras_to_npu import model_to_npu_estimator
from npu_bridge.estimator.npu.npu_common import NPUBasics
from npu_bridge.estimator.npu.npu_config import NPURunConfig
from npu_bridge.estimator.npu.npu_estimator import NPUEstimator


@pytest.fixture(autouse=True)
def fresh_job(monkeypatch, tmp_path):
    NPUBasics._reset()
    monkeypatch.delenv("LOCAL_CHECKPOINT_DIR", raising=False)
    monkeypatch.delenv("RESTORE_FROM", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    NPUBasics._reset()


def _keras_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,), name="dense")])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    return model


def _input_fn():
    rng = np.random.RandomState(0)
    x = rng.randn(64, 3).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [2.0]], dtype="float32")
    return tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(16, drop_remainder=True)


def test_keras_model_trains_as_npu_estimator(tmp_path):
    model_dir = str(tmp_path / "keras_model")
    config = NPURunConfig(model_dir=model_dir, iterations_per_loop=1)
    estimator = model_to_npu_estimator(keras_model=_keras_model(), model_dir=model_dir, config=config)
    assert isinstance(estimator, NPUEstimator)
    assert estimator._warm_start_settings is not None, "the Keras weights are the warm start"
    pm = [c for c in estimator.config.session_config.graph_options.rewrite_options.custom_optimizers
          if c.name == "NpuOptimizer"][-1].parameter_map
    assert pm["iterations_per_loop"].i == 1
    estimator.train(_input_fn, steps=30)
    assert estimator.get_variable_value("global_step") == 30
    assert estimator.evaluate(_input_fn, steps=2)["loss"] < 0.5


def test_config_must_be_an_npu_run_config(tmp_path):
    with pytest.raises(ValueError, match="NPUConfigs"):
        model_to_npu_estimator(keras_model=_keras_model(), model_dir=str(tmp_path / "k"),
                               config=tf.estimator.RunConfig())
