"""tf.contrib.opt (LazyAdam, decoupled weight decay, moving averages) and tf.contrib.tpu.CrossShardOptimizer
against numpy twins."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib
from testsupport.graph_edges import ancestors

contrib.install()
opt = tf.contrib.opt

LR, B1, B2, EPS = 0.1, 0.9, 0.999, 1e-8


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def gather_loss(var, indices, coeffs):
    """sum_k coeffs[k] * sum(var[indices[k]]): an IndexedSlices gradient with values coeffs[k] per row."""
    rows = tf.gather(var, indices)
    return tf.reduce_sum(rows * tf.constant(coeffs, dtype=tf.float32)[:, None])


def lazy_adam_twin(var, m, v, t, indices, coeffs):
    grad = {}
    for i, c in zip(indices, coeffs):
        grad[i] = grad.get(i, 0.0) + c  # repeated indices are summed
    lr = LR * np.sqrt(1 - B2 ** t) / (1 - B1 ** t)
    for i, g in grad.items():
        m[i] = B1 * m[i] + (1 - B1) * g
        v[i] = B2 * v[i] + (1 - B2) * g * g
        var[i] -= lr * m[i] / (np.sqrt(v[i]) + EPS)


@pytest.mark.parametrize("use_resource", [False, True])
def test_lazy_adam_updates_only_the_gathered_rows(graph, use_resource):
    init = np.arange(10, dtype=np.float32).reshape(5, 2)
    var = tf.get_variable("emb", initializer=init, use_resource=use_resource)
    steps = [([0, 2, 0], [1.0, -2.0, 0.5]), ([1], [3.0]), ([2, 4], [-1.0, 1.0])]
    feeds = [(tf.constant(i), c) for i, c in steps]
    optimizer = opt.LazyAdamOptimizer(LR, B1, B2, EPS)
    trains = [optimizer.minimize(gather_loss(var, i, c)) for i, c in feeds]
    expected, m, v = init.astype(np.float64).copy(), np.zeros_like(init, np.float64), np.zeros_like(init, np.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t, (train, (indices, coeffs)) in enumerate(zip(trains, steps), start=1):
            before = sess.run(var)
            sess.run(train)
            lazy_adam_twin(expected, m, v, t, indices, coeffs)
            after = sess.run(var)
            untouched = sorted(set(range(5)) - set(indices))
            np.testing.assert_array_equal(after[untouched], before[untouched])
            np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(optimizer.get_slot(var, "m")), m, rtol=1e-5, atol=1e-7)


def test_plain_adam_would_move_rows_without_gradient(graph):
    """The difference LazyAdam exists for: one Adam optimizer keeps applying row 0's decayed moments
    when a later step only has a gradient for row 1; LazyAdam leaves row 0 alone."""
    results = {}
    for name, optimizer in (("lazy", opt.LazyAdamOptimizer(LR)), ("plain", tf.train.AdamOptimizer(LR))):
        var = tf.get_variable(name, initializer=np.ones((3, 1), np.float32))
        steps = [optimizer.minimize(gather_loss(var, tf.constant([k]), [1.0])) for k in (0, 1)]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(steps[0])
            row0 = sess.run(var)[0, 0]
            sess.run(steps[1])
            results[name] = (row0, sess.run(var)[0, 0])
    assert results["lazy"][1] == results["lazy"][0]
    assert results["plain"][1] < results["plain"][0]


def adam_twin(var, m, v, t, g):
    m[:] = B1 * m + (1 - B1) * g
    v[:] = B2 * v + (1 - B2) * g * g
    return var - LR * np.sqrt(1 - B2 ** t) / (1 - B1 ** t) * m / (np.sqrt(v) + EPS)


def test_adamw_decays_before_the_adam_update(graph):
    wd = 0.05
    init = np.array([1.0, -2.0, 3.0], np.float32)
    var = tf.get_variable("w", initializer=init)
    loss = tf.reduce_sum(tf.square(var))
    train = opt.AdamWOptimizer(wd, learning_rate=LR).minimize(loss)
    expected, m, v = init.astype(np.float64), np.zeros(3), np.zeros(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in (1, 2, 3):
            grad = 2 * expected  # the gradient is taken before the decay
            expected = adam_twin(expected * (1 - wd), m, v, t, grad)
            sess.run(train)
            np.testing.assert_allclose(sess.run(var), expected, rtol=1e-5)


def test_the_decay_waits_for_the_gradient(graph):
    # Without this edge the decay may run before the forward pass reads the variable, and the gradient then
    # sees the decayed weights (a race that made the test above fail now and then under load).
    var = tf.get_variable("w", initializer=np.array([1.0, -2.0], np.float32))
    loss = tf.reduce_sum(tf.square(var))
    grads_and_vars = opt.AdamWOptimizer(0.05, learning_rate=LR).compute_gradients(loss)
    opt.AdamWOptimizer(0.05, learning_rate=LR).apply_gradients(grads_and_vars)
    grad_op = grads_and_vars[0][0].op
    decays = [op for op in graph.get_operations() if op.type in ("AssignSubVariableOp", "AssignSub")]
    assert decays and all(grad_op in ancestors(op) for op in decays)


def test_decay_var_list_limits_the_decay_also_through_minimize(graph):
    a = tf.get_variable("a", initializer=np.array([2.0], np.float32))
    b = tf.get_variable("b", initializer=np.array([2.0], np.float32))
    loss = 0.0 * tf.reduce_sum(a + b)  # zero gradients: only the decay moves the variables
    sgdw = opt.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)
    train = sgdw(0.25, learning_rate=1.0).minimize(loss, decay_var_list=[a])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(a)[0] == pytest.approx(1.5) and sess.run(b)[0] == pytest.approx(2.0)


def test_momentumw_and_extended_optimizer_positional_arguments(graph):
    var = tf.get_variable("w", initializer=np.array([1.0, 2.0], np.float32))
    grad = tf.constant([0.5, -1.0])
    train = opt.MomentumWOptimizer(0.1, 0.5, 0.9).apply_gradients([(grad, var)])
    sgdw = opt.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)
    var2 = tf.get_variable("w2", initializer=np.array([1.0, 2.0], np.float32))
    train2 = sgdw(0.1, 0.5).apply_gradients([(grad, var2)])
    assert sgdw.__name__ == "GradientDescentOptimizerWithDecoupledWeightDecay"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([train, train2])
        expected = np.array([1.0, 2.0]) * 0.9 - 0.5 * np.array([0.5, -1.0])
        np.testing.assert_allclose(sess.run(var), expected, rtol=1e-6)
        np.testing.assert_allclose(sess.run(var2), expected, rtol=1e-6)


@pytest.mark.parametrize("use_resource", [False, True])
@pytest.mark.parametrize("base", ["GradientDescentOptimizer", "AdamOptimizer"])
def test_sparse_weight_decay_touches_only_the_gathered_rows_once(graph, use_resource, base):
    init = np.ones((3, 1), np.float32)
    var = tf.get_variable("emb", initializer=init, use_resource=use_resource)
    extended = opt.extend_with_decoupled_weight_decay(getattr(tf.train, base))
    loss = gather_loss(var, tf.constant([1, 1]), [0.5, 0.5])  # a repeated row is decayed once
    train = extended(weight_decay=0.5, learning_rate=0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        value = sess.run(var)[:, 0]
    step = 0.1 * 1.0 if base == "GradientDescentOptimizer" else adam_twin(0.0, np.zeros(1), np.zeros(1), 1, 1.0)[0] * -1
    np.testing.assert_allclose(value, [1.0, 0.5 - step, 1.0], rtol=1e-5)


def test_moving_average_optimizer_and_swapping_saver(tmp_path):
    with tf.Graph().as_default():
        var = tf.get_variable("w", initializer=np.array([1.0], np.float32))
        optimizer = opt.MovingAverageOptimizer(tf.train.GradientDescentOptimizer(1.0), average_decay=0.5)
        with pytest.raises(RuntimeError, match="Must call apply_gradients or minimize"):
            optimizer.swapping_saver()
        train = optimizer.minimize(tf.reduce_sum(var))  # gradient 1: var decreases by 1 each step
        saver = optimizer.swapping_saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            average = 1.0
            for step in range(1, 4):
                sess.run(train)
                average = 0.5 * average + 0.5 * (1.0 - step)  # updated after the step (sequential_update)
            assert sess.run(var)[0] == pytest.approx(-2.0)
            ema = [v for v in tf.global_variables() if v.op.name == "w/ExponentialMovingAverage"][0]
            assert sess.run(ema)[0] == pytest.approx(average)
            path = saver.save(sess, str(tmp_path / "model"))
    with tf.Graph().as_default():
        restored = tf.get_variable("w", shape=[1])
        with tf.Session() as sess:
            tf.train.Saver([restored]).restore(sess, path)
            assert sess.run(restored)[0] == pytest.approx(average)  # the average, under the variable's name


def test_cross_shard_optimizer_passes_gradients_through_on_one_shard(graph):
    var = tf.get_variable("w", initializer=np.array([1.0, 2.0], np.float32))
    loss = tf.reduce_sum(tf.square(var))
    cross = tf.contrib.tpu.CrossShardOptimizer(tf.train.GradientDescentOptimizer(0.1))
    grads = cross.compute_gradients(loss)
    train = cross.apply_gradients(grads, global_step=tf.train.get_or_create_global_step())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(var), [1.0 - 0.2, 2.0 - 0.4], rtol=1e-6)
        assert sess.run(tf.train.get_global_step()) == 1
    with pytest.raises(ValueError, match="reduction"):
        tf.contrib.tpu.CrossShardOptimizer(tf.train.GradientDescentOptimizer(0.1), reduction="none")


def test_mixed_precision_names_are_the_shared_contrib_stand_ins():
    from npu_bridge.estimator.npu import _contrib_mixed_precision as mp

    assert tf.contrib.mixed_precision.LossScaleOptimizer is mp.LossScaleOptimizer
    assert tf.contrib.mixed_precision.ExponentialUpdateLossScaleManager is mp.ExponentialUpdateLossScaleManager
    with pytest.raises(ValueError, match="loss_scale must be at least 1"):
        tf.contrib.mixed_precision.FixedLossScaleManager(0.5)
