"""npu_bridge.estimator.npu.npu_callbacks: the broadcast callback on one rank and its refusal on more."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu import npu_callbacks
from npu_bridge.estimator.npu.npu_callbacks import NPUBroadcastGlobalVariablesCallback
from npu_bridge._ops.registry import ASCEND_OP_TYPE_ATTR


@pytest.fixture
def keras_session():
    tf.keras.backend.clear_session()
    yield
    tf.keras.backend.clear_session()


def _data():
    x = np.random.RandomState(2).randn(32, 2).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_callback_is_a_keras_callback_and_runs_in_fit(keras_session):
    callback = NPUBroadcastGlobalVariablesCallback(0)
    assert isinstance(callback, tf.keras.callbacks.Callback)
    assert callback.root_rank == 0 and callback.broadcast_done is False
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=tf.keras.optimizers.legacy.SGD(0.05), loss="mse")
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[callback])
    assert callback.broadcast_done is True
    graph = tf.keras.backend.get_session().graph
    assert not any(n.attr[ASCEND_OP_TYPE_ATTR].s == b"HcomBroadcast" for n in graph.as_graph_def().node)


def test_callback_refuses_multi_rank(keras_session, monkeypatch):
    callback = NPUBroadcastGlobalVariablesCallback(0)
    monkeypatch.setenv("RANK_SIZE", "2")
    with pytest.raises(RuntimeError, match="NPUBroadcastGlobalVariablesCallback.*needs RANK_SIZE=2 ranks"):
        callback.on_batch_begin(0)
    assert callback.broadcast_done is False


def test_broadcast_global_variables_assigns_keras_initialised_variables(keras_session):
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(2,))])
    session = tf.keras.backend.get_session()  # initialises (and marks) the Keras variables
    kernel = model.layers[0].kernel
    before = session.run(kernel)
    op = npu_callbacks.broadcast_global_variables(0)
    assert isinstance(op, tf.Operation)
    broadcasts = [n for n in session.graph.as_graph_def().node if n.attr[ASCEND_OP_TYPE_ATTR].s == b"HcomBroadcast"]
    assert len(broadcasts) == 2  # kernel and bias
    session.run(op)
    np.testing.assert_array_equal(session.run(kernel), before)
