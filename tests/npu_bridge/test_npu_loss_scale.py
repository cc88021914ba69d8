"""Loss scaling: npu_loss_scale_manager + npu_loss_scale_optimizer (reference §1.11, §10.8.6)."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu import npu_plugin
from npu_bridge.estimator.npu.npu_loss_scale_manager import ExponentialUpdateLossScaleManager, FixedLossScaleManager
from npu_bridge.estimator.npu.npu_loss_scale_optimizer import NPULossScaleOptimizer
from npu_bridge.estimator.npu.npu_optimizer import NPUDistributedOptimizer
from npu_bridge._ops.registry import ASCEND_OP_TYPE_ATTR

GOOD = [[1.0, 1.0]]
OVERFLOW = [[np.inf, 1.0]]


def _op_types(graph):
    return {n.attr[ASCEND_OP_TYPE_ATTR].s.decode() for n in graph.as_graph_def().node if ASCEND_OP_TYPE_ATTR in n.attr}


class Model:
    """loss = sum(x @ w): the gradient of w is x's column sums, so feeding inf overflows it."""

    def __init__(self, manager, lr=0.1, is_distributed=False, scope=None):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, [None, 2])
            self.w = tf.Variable([[1.0], [2.0]], name="w")
            self.global_step = tf.train.get_or_create_global_step()
            loss = tf.reduce_sum(tf.matmul(self.x, self.w))
            self.manager = manager() if callable(manager) else manager
            self.opt = NPULossScaleOptimizer(tf.train.GradientDescentOptimizer(lr), self.manager, is_distributed)
            if scope:
                with tf.name_scope(scope):
                    self.train_op = self.opt.minimize(loss, global_step=self.global_step)
            else:
                self.train_op = self.opt.minimize(loss, global_step=self.global_step)
            self.sess = tf.Session(graph=self.graph)
            self.sess.run(tf.global_variables_initializer())

    def step(self, feed, finite_name="overflow_status_reduce_all:0"):
        _, finite = self.sess.run([self.train_op, finite_name], {self.x: feed})
        return bool(finite)

    def state(self):
        return self.sess.run([self.w, self.global_step, "loss_scale:0"])


def test_overflow_skips_update_and_global_step():
    m = Model(lambda: ExponentialUpdateLossScaleManager(1024.0, 1000))
    assert m.step(GOOD) is True
    w1, step1, _ = m.state()
    np.testing.assert_allclose(w1, [[0.9], [1.9]], rtol=1e-6)
    assert step1 == 1
    assert m.step(OVERFLOW) is False
    w2, step2, _ = m.state()
    np.testing.assert_array_equal(w2, w1)
    assert step2 == step1
    assert m.step(GOOD) is True
    assert m.state()[1] == 2


def test_scale_decreases_after_decr_every_n_overflows():
    m = Model(lambda: ExponentialUpdateLossScaleManager(1000.0, 1000, decr_every_n_nan_or_inf=2, decr_ratio=0.5))
    m.step(OVERFLOW)
    assert m.state()[2] == 1000.0  # first overflow is only counted
    m.step(OVERFLOW)
    assert m.state()[2] == 500.0
    m.step(OVERFLOW)
    assert m.state()[2] == 500.0  # counter was reset by the decrease
    m.step(OVERFLOW)
    assert m.state()[2] == 250.0


def test_scale_increases_after_incr_every_n_good_steps_and_overflow_resets_the_count():
    m = Model(lambda: ExponentialUpdateLossScaleManager(8.0, 3, decr_every_n_nan_or_inf=5, incr_ratio=4))
    m.step(GOOD)
    m.step(GOOD)
    assert m.state()[2] == 8.0
    m.step(OVERFLOW)  # counted bad step: good steps start again
    m.step(GOOD)
    m.step(GOOD)
    assert m.state()[2] == 8.0
    m.step(GOOD)
    assert m.state()[2] == 32.0


def test_scale_never_below_one():
    m = Model(lambda: ExponentialUpdateLossScaleManager(1.5, 1000, decr_every_n_nan_or_inf=1, decr_ratio=0.5))
    m.step(OVERFLOW)
    assert m.state()[2] == 1.0
    m.step(OVERFLOW)
    assert m.state()[2] == 1.0


def test_scale_increase_is_capped_below_3_4e38():
    # 1.7005e38 * 2 is still a finite float32 (contrib would increase), but NPU's rule needs scale < 3.4e38 / 2
    m = Model(lambda: ExponentialUpdateLossScaleManager(1.7005e38, 1, incr_ratio=2))
    m.step([[0.0, 0.0]])
    assert m.state()[2] == pytest.approx(1.7005e38, rel=1e-6)
    m2 = Model(lambda: ExponentialUpdateLossScaleManager(1.6e38, 1, incr_ratio=2))
    m2.step([[0.0, 0.0]])
    assert m2.state()[2] == pytest.approx(3.2e38, rel=1e-6)


def test_exponential_manager_variables_are_non_trainable_and_named():
    m = Model(lambda: ExponentialUpdateLossScaleManager(16.0, 10))
    with m.graph.as_default():
        names = {v.op.name for v in tf.global_variables()}
        trainable = {v.op.name for v in tf.trainable_variables()}
    assert {"loss_scale", "good_steps", "bad_steps"} <= names
    assert trainable == {"w"}
    scale = m.graph.get_tensor_by_name("loss_scale:0")
    assert scale.dtype.base_dtype == tf.float32


def test_fixed_manager():
    with pytest.raises(ValueError, match="loss_scale must be at least 1"):
        FixedLossScaleManager(0.5)
    with tf.Graph().as_default() as g:
        manager = FixedLossScaleManager(128)
        scale = manager.get_loss_scale()
        assert scale.name == "loss_scale:0" and scale.dtype == tf.float32
        assert manager.get_enable_overflow_check() is True
        assert FixedLossScaleManager(2, enable_overflow_check=False).get_enable_overflow_check() is False
        assert isinstance(manager.update_loss_scale(tf.constant(False)), tf.Operation)
        with tf.Session() as sess:
            assert sess.run(g.get_tensor_by_name("loss_scale:0")) == 128.0


def test_fixed_manager_with_overflow_check_skips_overflowing_steps():
    m = Model(lambda: FixedLossScaleManager(64))
    assert m.step(OVERFLOW) is False
    w, step, scale = m.state()
    np.testing.assert_array_equal(w, [[1.0], [2.0]])
    assert step == 0 and scale == 64.0
    assert m.step(GOOD) is True
    np.testing.assert_allclose(m.state()[0], [[0.9], [1.9]], rtol=1e-6)


def test_overflow_check_disabled_always_applies():
    m = Model(lambda: FixedLossScaleManager(64, enable_overflow_check=False))
    assert "NpuGetFloatStatusV2" not in _op_types(m.graph)
    assert m.step(OVERFLOW) is True
    w, step, _ = m.state()
    assert not np.all(np.isfinite(w))
    assert step == 1


def test_gradients_are_unscaled():
    with tf.Graph().as_default():
        x = tf.constant([[3.0, 5.0]])
        w = tf.Variable([[1.0], [2.0]])
        loss = tf.reduce_sum(tf.matmul(x, w))
        opt = NPULossScaleOptimizer(tf.train.GradientDescentOptimizer(0.1), FixedLossScaleManager(1024))
        (grad, var), = opt.compute_gradients(loss, var_list=[w])
        assert var is w
        ops_types = {op.type for op in tf.get_default_graph().get_operations()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(grad), [[3.0], [5.0]])
    assert "Reciprocal" in ops_types


def test_float_status_path_builds_the_status_ops_and_names():
    m = Model(lambda: ExponentialUpdateLossScaleManager(4.0, 10))
    types = _op_types(m.graph)
    assert {"NpuGetFloatStatusV2", "NpuClearFloatStatusV2"} <= types
    assert "HcomAllReduce" not in types
    finite = m.graph.get_tensor_by_name("overflow_status_reduce_all:0")
    assert finite.dtype == tf.bool


def test_overflow_status_name_inside_a_name_scope():
    m = Model(lambda: ExponentialUpdateLossScaleManager(4.0, 10), scope="apply_grads")
    assert m.step(GOOD, "apply_grads/overflow_status_reduce_all:0") is True
    assert m.step(OVERFLOW, "apply_grads/overflow_status_reduce_all:0") is False


def test_distributed_status_is_allreduced_on_one_rank():
    m = Model(lambda: ExponentialUpdateLossScaleManager(4.0, 10), is_distributed=True)
    assert "HcomAllReduce" in _op_types(m.graph)
    assert m.step(OVERFLOW) is False
    assert m.step(GOOD) is True


def test_distributed_status_refuses_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "2")
    with pytest.raises(RuntimeError, match="needs RANK_SIZE=2 ranks"):
        Model(lambda: ExponentialUpdateLossScaleManager(4.0, 10), is_distributed=True)


def test_inf_nan_mode_checks_gradients_directly():
    npu_plugin.set_device_sat_mode(1)
    try:
        m = Model(lambda: ExponentialUpdateLossScaleManager(4.0, 10))
    finally:
        npu_plugin.set_device_sat_mode(0)
    assert "NpuGetFloatStatusV2" not in _op_types(m.graph)
    assert m.step(OVERFLOW) is False
    assert m.state()[1] == 0
    assert m.step(GOOD) is True


def test_optimizer_delegation():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0])
        inner = tf.train.MomentumOptimizer(0.25, 0.9)
        opt = NPULossScaleOptimizer(inner, FixedLossScaleManager(8))
        assert isinstance(opt, tf.train.Optimizer)
        assert opt._learning_rate == 0.25  # forwarded through __getattr__
        assert opt._momentum == 0.9
        opt.minimize(tf.reduce_sum(w * w))
        assert opt.get_slot(w, "momentum") is inner.get_slot(w, "momentum") is not None
        assert opt.get_slot_names() == ["momentum"]
        with pytest.raises(AttributeError):
            opt.no_such_attribute  # pylint: disable=pointless-statement
    with pytest.raises(ValueError, match="opt must be an instance of tf.train.Optimizer"):
        NPULossScaleOptimizer(object(), FixedLossScaleManager(8))


def test_keras_compile_with_loss_scale_over_distributed_optimizer():
    x = np.random.RandomState(0).randn(64, 3).astype("float32")
    y = x @ np.array([[1.0], [2.0], [-1.0]], "float32")
    tf.keras.backend.clear_session()
    try:
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
        opt = NPULossScaleOptimizer(NPUDistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)),
                                    ExponentialUpdateLossScaleManager(2.0 ** 10, 4))
        model.compile(optimizer=opt, loss="mse")
        history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
        losses = history.history["loss"]
        assert losses[-1] < 0.5 * losses[0]
        graph = tf.keras.backend.get_session().graph
        assert graph.get_tensor_by_name("training/overflow_status_reduce_all:0").dtype == tf.bool
        # 16 good steps with incr_every_n_steps=4: the scale doubled four times
        assert tf.keras.backend.get_session().run("loss_scale:0") == 2.0 ** 14
    finally:
        tf.keras.backend.clear_session()
