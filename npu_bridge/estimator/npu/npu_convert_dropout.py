"""Upstream ``npu_bridge.estimator.npu.npu_convert_dropout``: Keras / tf.layers dropout on the NPU ops.

Importing this module (side effect, as upstream) replaces ``call`` of the Keras ``Dropout`` layer
with :func:`dropout_call`: without a noise shape the layer runs ``npu_ops.dropout`` (ops
DropOutGenMask / DropOutDoMask) with ``keep_prob = 1 - rate`` and the layer's seed; with a noise
shape (e.g. the SpatialDropout layers) it keeps TensorFlow's dropout.  Both under
``smart_cond(training, ...)``.

Patched classes: Keras 2.15's ``Dropout`` (``tf.keras.layers.Dropout``, ``keras.layers.Dropout``;
``tf.compat.v1.layers.Dropout`` / ``tf.layers.dropout`` subclass it) and, when importable,
TensorFlow's internal legacy copy ``tensorflow.python.keras.layers.core.Dropout`` (the class
upstream patched in TF 1.15).
"""
import logging
import numbers

from keras.src import backend
from keras.src.layers.regularization.dropout import Dropout
from keras.src.utils import control_flow_util as tf_utils
from tensorflow.python.ops import array_ops, nn

from npu_bridge.estimator import npu_ops

_log = logging.getLogger("npu_bridge")


def dropout_call(self, inputs, training=None):
    """``Dropout.call`` running the NPU dropout ops when the layer has no noise shape."""
    if isinstance(self.rate, numbers.Real) and self.rate == 0:
        return array_ops.identity(inputs)
    if training is None:
        training = _learning_phase(self)
    noise_shape = self._get_noise_shape(inputs)  # pylint: disable=protected-access
    if noise_shape is not None:
        def dropped_inputs():
            return nn.dropout(inputs, noise_shape=noise_shape, seed=self.seed, rate=self.rate)
    else:
        def dropped_inputs():
            return npu_ops.dropout(inputs, noise_shape=None, seed=self.seed, keep_prob=1 - self.rate)
    return tf_utils.smart_cond(training, dropped_inputs, lambda: array_ops.identity(inputs))


def _learning_phase(layer):
    """The learning phase of the Keras the layer belongs to (Keras 2.15 or TensorFlow's legacy copy)."""
    if type(layer).__module__.startswith("tensorflow.python.keras"):
        from tensorflow.python.keras import backend as legacy_backend

        return legacy_backend.learning_phase()
    return backend.learning_phase()


def _patch():
    Dropout.call = dropout_call
    try:
        from tensorflow.python.keras.layers import core as legacy_core
    except ImportError:  # pragma: no cover - TensorFlow without its internal Keras copy
        return
    legacy_core.Dropout.call = dropout_call


_patch()
