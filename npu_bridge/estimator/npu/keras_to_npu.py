"""Keras model -> NPUEstimator (upstream ``npu_bridge/estimator/npu/keras_to_npu.py``).

TensorFlow's ``model_to_estimator`` builds the model_fn and the warm start from the Keras
weights (with a plain ``RunConfig(model_dir=model_dir)``); the NPUEstimator then reuses both with
the caller's ``NPURunConfig``.
"""
import logging

from tensorflow_estimator.python.estimator import keras_lib
from tensorflow_estimator.python.estimator import run_config

from npu_bridge.estimator.npu.npu_estimator import NPUEstimator

_log = logging.getLogger("npu_bridge.keras_to_npu")


def model_to_npu_estimator(keras_model=None, keras_model_path=None, custom_objects=None, model_dir=None,
                           checkpoint_format="saver", config=None, job_start_file=""):
    """NPUEstimator for a compiled Keras model (or a saved one at ``keras_model_path``).

    ``config`` must be an ``NPURunConfig`` (NPUEstimator raises ValueError otherwise).
    """
    estimator = keras_lib.model_to_estimator(
        keras_model=keras_model,
        keras_model_path=keras_model_path,
        custom_objects=custom_objects,
        model_dir=model_dir,
        config=run_config.RunConfig(model_dir=model_dir),
        checkpoint_format=checkpoint_format,
    )
    _log.debug("model_to_npu_estimator: Keras model_fn built, warm start %s", estimator._warm_start_settings)  # pylint: disable=protected-access
    return NPUEstimator(
        model_fn=estimator._model_fn,  # pylint: disable=protected-access
        model_dir=model_dir,
        config=config,
        job_start_file=job_start_file,
        warm_start_from=estimator._warm_start_settings,  # pylint: disable=protected-access
    )
