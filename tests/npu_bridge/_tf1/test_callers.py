"""Which code is TF 1.x code (sees the TF 1.15 API) and which is written for TensorFlow 2.15."""
import pytest

from npu_bridge._tf1 import callers


@pytest.mark.parametrize("name", [
    "__main__", "train", "models.bert.modeling", "tests.npu_bridge.test_x", "tensorflow.contrib.layers",
    "tensorflow.examples.tutorials.mnist.input_data", "tensorflowish", "kerasy", None, "",
])
def test_tf1_code(name):
    assert callers.module_wants_tf1(name)


@pytest.mark.parametrize("name", [
    "tensorflow", "tensorflow.python.ops.nn_ops", "tensorflow_estimator.python.estimator.estimator",
    "keras.src.engine.training", "tf_keras.src", "tensorboard.summary", "tf_slim.layers.layers",
    "tensorflow_hub", "tensorflow_probability.python", "importlib._bootstrap", "npu_bridge.estimator.npu_ops",
    "hccl.manage.api", "ascend_sim.cli",
])
def test_tf2_code(name):
    assert not callers.module_wants_tf1(name)


def test_env_var_adds_tf2_packages(monkeypatch):
    monkeypatch.setenv(callers.TF2_PACKAGES_ENV, " transformers , sonnet")
    callers.clear_cache()
    try:
        assert not callers.module_wants_tf1("transformers.modeling_tf_utils")
        assert not callers.module_wants_tf1("sonnet")
        assert callers.module_wants_tf1("my_model")
    finally:
        monkeypatch.delenv(callers.TF2_PACKAGES_ENV)
        callers.clear_cache()
    assert callers.module_wants_tf1("transformers.modeling_tf_utils")


def test_frame_decision_reads_the_frames_module_name():
    import sys

    assert callers.frame_wants_tf1(sys._getframe())
    namespace = {"__name__": "keras.fake", "callers": callers, "sys": sys}
    exec("answer = callers.frame_wants_tf1(sys._getframe())", namespace)
    assert namespace["answer"] is False
