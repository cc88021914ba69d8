"""npu_bridge.estimator.npu.npu_optimizer: distributed wrappers (one rank), NPUOptimizer, allreduce helpers."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu import npu_optimizer
from npu_bridge.estimator.npu.npu_loss_scale_manager import ExponentialUpdateLossScaleManager, FixedLossScaleManager
from npu_bridge.estimator.npu.npu_optimizer import (
    KerasDistributeOptimizer,
    NPUDistributedOptimizer,
    NPUOptimizer,
    npu_allreduce,
    npu_distributed_optimizer_wrapper,
)
from npu_bridge._ops.registry import ASCEND_OP_TYPE_ATTR


def _op_types(graph):
    return {n.attr[ASCEND_OP_TYPE_ATTR].s.decode() for n in graph.as_graph_def().node if ASCEND_OP_TYPE_ATTR in n.attr}


def _quadratic():
    w = tf.Variable([1.0, -2.0], name="w")
    return w, tf.reduce_sum(w * w)


def test_gen_npu_ops_is_the_generated_op_module():
    from npu_bridge.helper import helper

    assert npu_optimizer.gen_npu_ops is helper.get_gen_ops()


# --- NPUDistributedOptimizer -------------------------------------------------------------------

def test_distributed_optimizer_is_a_pass_through_on_one_rank():
    with tf.Graph().as_default() as g:
        w, loss = _quadratic()
        inner = tf.train.GradientDescentOptimizer(0.25)
        opt = NPUDistributedOptimizer(inner)
        assert isinstance(opt, tf.train.Optimizer)
        assert opt.get_name() == "DistributedGradientDescentOptimizer"
        grads = opt.compute_gradients(loss)
        plain = inner.compute_gradients(loss)
        assert [v for _, v in grads] == [v for _, v in plain]
        train = opt.apply_gradients(grads)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            np.testing.assert_allclose(sess.run(w), [0.5, -1.0])
    assert not any(t.startswith("Hcom") for t in _op_types(g))


def test_distributed_optimizer_delegates_slots_and_minimize():
    with tf.Graph().as_default():
        w, loss = _quadratic()
        inner = tf.train.AdamOptimizer(0.1)
        opt = NPUDistributedOptimizer(inner, is_weight_update_sharding=True, name="dist")
        assert opt.get_name() == "dist"
        step = tf.train.get_or_create_global_step()
        train = opt.minimize(loss, global_step=step)
        assert opt.get_slot(w, "m") is inner.get_slot(w, "m") is not None
        assert sorted(opt.get_slot_names()) == ["m", "v"]
        assert opt.variables() == inner.variables()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(loss)
            for _ in range(5):
                sess.run(train)
            assert sess.run(loss) < before and sess.run(step) == 5


def test_distributed_optimizer_refuses_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "8")
    with tf.Graph().as_default():
        _, loss = _quadratic()
        opt = NPUDistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))
        with pytest.raises(RuntimeError, match="NPUDistributedOptimizer.*needs RANK_SIZE=8 ranks"):
            opt.compute_gradients(loss)


# --- allreduce / reduce / npu_allreduce ---------------------------------------------------------

def test_allreduce_dense_and_sparse():
    with tf.Graph().as_default() as g:
        dense = npu_optimizer.allreduce(tf.constant([2.0, 4.0]))
        emb = tf.Variable(np.ones([4, 2], np.float32))
        (sparse_grad,) = tf.gradients(tf.reduce_sum(tf.gather(emb, [1, 3])), [emb])
        sparse = npu_optimizer.allreduce(sparse_grad, average=False)
        assert isinstance(sparse, tf.IndexedSlices)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(dense), [2.0, 4.0])
            np.testing.assert_array_equal(sess.run(sparse.indices), [1, 3])
    types = _op_types(g)
    assert {"HcomAllReduce", "HcomAllGather"} <= types


def test_allreduce_refuses_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "2")
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="needs RANK_SIZE=2 ranks"):
            npu_optimizer.allreduce(tf.constant(1.0))


def test_reduce_needs_device_id(monkeypatch):
    with tf.Graph().as_default() as g:
        monkeypatch.setenv("DEVICE_ID", "0")
        out = npu_optimizer.reduce(tf.constant([3.0]), 0)
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(out), [3.0])
        assert "HcomReduce" in _op_types(g)
        monkeypatch.delenv("DEVICE_ID")
        with pytest.raises(ValueError, match="DEVICE_ID"):
            npu_optimizer.reduce(tf.constant([3.0]), 0)
        monkeypatch.setenv("DEVICE_ID", "-1")
        with pytest.raises(ValueError, match="DEVICE_ID"):
            npu_optimizer.reduce(tf.constant([3.0]), 0)


def test_npu_allreduce_always_inserts_hcom_all_reduce():
    with tf.Graph().as_default() as g:
        single = npu_allreduce(tf.constant([1.0, 3.0]))
        assert isinstance(single, tf.Tensor)
        many = npu_allreduce((tf.constant([2.0]), tf.constant([5.0])), reduction="max")
        assert isinstance(many, list) and len(many) == 2
        assert npu_allreduce([None]) == [None]
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(single), [1.0, 3.0])
            np.testing.assert_allclose(sess.run(many), [[2.0], [5.0]])
        reduce_nodes = [n for n in g.as_graph_def().node if n.attr[ASCEND_OP_TYPE_ATTR].s == b"HcomAllReduce"]
        assert len(reduce_nodes) == 3
        with pytest.raises(ValueError, match="reduction"):
            npu_allreduce(tf.constant(1.0), reduction="avg")


def test_npu_allreduce_refuses_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "4")
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="npu_allreduce needs RANK_SIZE=4 ranks"):
            npu_allreduce(tf.constant(1.0))


# --- npu_distributed_optimizer_wrapper -----------------------------------------------------------

def test_wrapper_mutates_and_returns_the_same_optimizer():
    with tf.Graph().as_default():
        w, loss = _quadratic()
        opt = tf.train.GradientDescentOptimizer(0.25)
        original = opt.compute_gradients
        assert npu_distributed_optimizer_wrapper(opt) is opt
        assert opt.compute_gradients is not original
        train = opt.minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            np.testing.assert_allclose(sess.run(w), [0.5, -1.0])


def test_wrapper_turns_a_string_into_a_keras_optimizer():
    opt = npu_distributed_optimizer_wrapper("sgd")
    assert isinstance(opt, tf.keras.optimizers.legacy.SGD)
    assert opt.get_gradients.__name__ == "get_gradients"


def test_wrapper_refuses_multi_rank_at_wrap_time(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "2")
    with pytest.raises(RuntimeError, match="npu_distributed_optimizer_wrapper.*needs RANK_SIZE=2 ranks"):
        npu_distributed_optimizer_wrapper(tf.train.GradientDescentOptimizer(0.1))


# --- NPUOptimizer ------------------------------------------------------------------------------

def test_npu_optimizer_loss_scale_needs_a_manager():
    with pytest.raises(ValueError, match="loss_scale_manager"):
        NPUOptimizer(tf.train.GradientDescentOptimizer(0.1), is_loss_scale=True)


def _npu_optimizer_model(manager=None, **kwargs):
    graph = tf.Graph()
    with graph.as_default():
        if manager is not None:
            kwargs["loss_scale_manager"] = manager()
        x = tf.placeholder(tf.float32, [2])
        w = tf.Variable([1.0, 2.0])
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_sum(x * w)
        opt = NPUOptimizer(tf.train.GradientDescentOptimizer(0.5), **kwargs)
        train = opt.minimize(loss, global_step=step)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    return graph, opt, sess, x, w, step, train


def test_npu_optimizer_without_loss_scale_delegates():
    graph, opt, sess, x, w, step, train = _npu_optimizer_model()
    assert opt.get_name() == "NPUOptimizerGradientDescentOptimizer"
    sess.run(train, {x: [1.0, 1.0]})
    np.testing.assert_allclose(sess.run(w), [0.5, 1.5])
    assert "NpuGetFloatStatusV2" not in _op_types(graph)


@pytest.mark.parametrize("tailing", [False, True])
def test_npu_optimizer_loss_scale_skips_overflow(tailing):
    graph, _, sess, x, w, step, train = _npu_optimizer_model(
        manager=lambda: ExponentialUpdateLossScaleManager(64.0, 100, decr_every_n_nan_or_inf=1),
        is_loss_scale=True, is_distributed=True, is_tailing_optimization=tailing,
    )
    assert {"NpuGetFloatStatusV2", "HcomAllReduce"} <= _op_types(graph)
    _, finite = sess.run([train, "overflow_status_reduce_all:0"], {x: [np.inf, 1.0]})
    assert not finite
    np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
    assert sess.run(step) == 0 and sess.run("loss_scale:0") == pytest.approx(51.2)
    _, finite = sess.run([train, "overflow_status_reduce_all:0"], {x: [1.0, 1.0]})
    assert finite
    np.testing.assert_allclose(sess.run(w), [0.5, 1.5])
    assert sess.run(step) == 1


def test_npu_optimizer_fixed_scale():
    _, opt, sess, x, w, _, train = _npu_optimizer_model(manager=lambda: FixedLossScaleManager(8), is_loss_scale=True)
    sess.run(train, {x: [2.0, 2.0]})
    np.testing.assert_allclose(sess.run(w), [0.0, 1.0])
    assert opt.variables() == []


# --- KerasDistributeOptimizer --------------------------------------------------------------------

def test_keras_distribute_optimizer_in_keras_v1_compile():
    x = np.random.RandomState(1).randn(64, 3).astype("float32")
    y = x @ np.array([[0.5], [-1.0], [2.0]], "float32")
    tf.keras.backend.clear_session()
    try:
        inner = tf.keras.optimizers.legacy.SGD(0.1)
        opt = KerasDistributeOptimizer(inner)
        assert isinstance(opt, tf.keras.optimizers.legacy.Optimizer)
        assert opt._name == "NpuKerasOptimizer"
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
        model.compile(optimizer=opt, loss="mse")
        assert model.optimizer is opt
        losses = model.fit(x, y, epochs=4, batch_size=16, verbose=0).history["loss"]
        assert losses[-1] < 0.5 * losses[0]
        session = tf.keras.backend.get_session()
        assert session.run(opt.iterations) == 16  # the wrapped optimizer's step count
        assert session.run(opt.lr) == pytest.approx(0.1)  # hyperparameters read from the wrapped optimizer
        assert opt.get_config()["optimizer"] is inner
    finally:
        tf.keras.backend.clear_session()


def test_keras_distribute_optimizer_refuses_multi_rank_gradients(monkeypatch):
    tf.keras.backend.clear_session()
    try:
        opt = KerasDistributeOptimizer(tf.keras.optimizers.legacy.SGD(0.1))
        w = tf.Variable([1.0])
        monkeypatch.setenv("RANK_SIZE", "2")
        with pytest.raises(RuntimeError, match="KerasDistributeOptimizer.get_gradients.*needs RANK_SIZE=2"):
            opt.get_updates(tf.reduce_sum(w * w), [w])
    finally:
        tf.keras.backend.clear_session()
