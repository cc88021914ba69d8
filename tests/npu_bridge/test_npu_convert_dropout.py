"""npu_bridge.estimator.npu.npu_convert_dropout: importing it routes Keras / tf.layers dropout to npu_ops.dropout."""
import importlib
import inspect

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from keras.src.layers.regularization.dropout import Dropout as KerasDropout
from tensorflow.python.keras.layers import core as legacy_core


@pytest.fixture(scope="module")
def convert():
    """Import (re-run) the patch; put the original ``call`` methods back afterwards."""
    originals = (KerasDropout.call, legacy_core.Dropout.call)
    module = importlib.import_module("npu_bridge.estimator.npu.npu_convert_dropout")
    module = importlib.reload(module)
    yield module
    KerasDropout.call, legacy_core.Dropout.call = originals


def _types(graph):
    return [op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr]


def test_import_patches_keras_and_legacy_dropout(convert):
    assert tf.keras.layers.Dropout.call is convert.dropout_call
    assert tf.compat.v1.keras.layers.Dropout.call is convert.dropout_call
    assert legacy_core.Dropout.call is convert.dropout_call
    assert list(inspect.signature(convert.dropout_call).parameters) == ["self", "inputs", "training"]


def test_keras_dropout_in_a_v1_graph_builds_npu_dropout_ops(convert):
    with tf.Graph().as_default() as graph:
        y = tf.keras.layers.Dropout(0.25)(tf.ones([20000]), training=True)
        assert _types(graph) == ["DropOutGenMask", "DropOutDoMask"]
        with tf.Session() as sess:
            out = sess.run(y)
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=1e-6)


def test_training_false_is_the_identity_without_npu_ops(convert):
    with tf.Graph().as_default() as graph:
        x = tf.ones([8])
        y = tf.keras.layers.Dropout(0.5)(x, training=False)
        assert _types(graph) == []
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), np.ones(8))


def test_learning_phase_selects_at_run_time(convert):
    with tf.Graph().as_default() as graph:
        y = tf.keras.layers.Dropout(0.5)(tf.ones([4096]))
        phase = tf.keras.backend.learning_phase()
        assert "DropOutDoMask" in _types(graph)
        with tf.Session() as sess:
            assert (sess.run(y) == 1).all()
            dropped = sess.run(y, {phase: True})
    assert 0 < (dropped == 0).sum() < dropped.size


def test_tf_layers_dropout_respects_training(convert):
    with tf.Graph().as_default() as graph:
        x = tf.ones([4096])
        off = tf.layers.dropout(x, 0.5)  # training defaults to False
        on = tf.layers.dropout(x, 0.5, training=True)
        assert _types(graph) == ["DropOutGenMask", "DropOutDoMask"]
        with tf.Session() as sess:
            a, b = sess.run([off, on])
    assert (a == 1).all()
    assert 0 < (b == 0).sum() < b.size


def test_noise_shape_keeps_tensorflow_dropout(convert):
    with tf.Graph().as_default() as graph:
        y = tf.keras.layers.SpatialDropout1D(0.5)(tf.ones([2, 5, 3]), training=True)
        tf.keras.layers.Dropout(0.5, noise_shape=[2, 1, 3])(tf.ones([2, 5, 3]), training=True)
        assert _types(graph) == []
        with tf.Session() as sess:
            out = sess.run(y)
    assert ((out == 0).all(axis=1) | (out != 0).all(axis=1)).all()


def test_layer_seed_makes_the_mask_reproducible(convert):
    def mask():
        with tf.Graph().as_default():
            tf.set_random_seed(4)
            y = tf.keras.layers.Dropout(0.5, seed=9)(tf.ones([512]), training=True)
            with tf.Session() as sess:
                return sess.run(y) != 0

    np.testing.assert_array_equal(mask(), mask())


def test_legacy_tensorflow_keras_dropout_is_routed_too(convert):
    with tf.Graph().as_default() as graph:
        legacy_core.Dropout(0.5)(tf.ones([64]), training=True)
        assert _types(graph) == ["DropOutGenMask", "DropOutDoMask"]


def test_keras_model_fit_trains_with_npu_dropout(convert):
    rng = np.random.RandomState(0)
    x = rng.randn(256, 8).astype(np.float32)
    y = (x.sum(1, keepdims=True) > 0).astype(np.float32)
    with tf.Graph().as_default() as graph:
        model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                                     tf.keras.layers.Dropout(0.2), tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy")
        history = model.fit(x, y, epochs=8, batch_size=32, verbose=0)
        assert "DropOutDoMask" in _types(graph)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
