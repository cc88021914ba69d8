"""TF 1.15 meanings that TF 2.15 changed, as TF 1.x code (plain ``import tensorflow as tf``) sees them.

* ``tf.nn.dropout(x, 0.9)`` keeps 90 % (keep_prob), not 10 % (rate);
* ``tf.layers.dense`` creates variables through the variable store: TF 1.15 checkpoint names, scope
  prefixes and ``reuse`` -- Keras layers do not take part in variable-scope reuse;
* the global step: ``get_or_create_global_step`` (int64, collection, not trainable), ``minimize``
  increments it, ``get_global_step`` also finds a legacy ``Variable(name="global_step")``;
* tensor ``==`` is object identity (tensors are hashable), shapes hold ``Dimension`` objects.
"""
import numpy as np
import pytest
import tensorflow as tf

N = 20000


@pytest.fixture()
def graph():
    with tf.Graph().as_default() as g:
        yield g


def kept_fraction_and_scale(values):
    nonzero = values[values != 0]
    return nonzero.size / values.size, float(nonzero.mean())


def test_dropout_second_argument_is_keep_prob(graph):
    x = tf.ones([N])
    with tf.Session() as sess:
        positional, keyword, rate = sess.run([
            tf.nn.dropout(x, 0.9, seed=1), tf.nn.dropout(x, keep_prob=0.9, seed=2), tf.nn.dropout(x, rate=0.9, seed=3)])
    for values in (positional, keyword):
        fraction, scale = kept_fraction_and_scale(values)
        assert abs(fraction - 0.9) < 0.02 and scale == pytest.approx(1 / 0.9, rel=1e-5)
    fraction, scale = kept_fraction_and_scale(rate)
    assert abs(fraction - 0.1) < 0.02 and scale == pytest.approx(10.0, rel=1e-5)


def test_dropout_keep_prob_placeholder_fed_one_is_identity(graph):
    keep = tf.placeholder(tf.float32, [])
    x = tf.random_normal([1000], seed=4)
    out = tf.nn.dropout(x, keep)
    with tf.Session() as sess:
        a, b = sess.run([x, out], {keep: 1.0})
    np.testing.assert_array_equal(a, b)


def test_dropout_rejects_keep_prob_and_rate_together(graph):
    with pytest.raises(ValueError, match="keep_prob"):
        tf.nn.dropout(tf.ones([3]), keep_prob=0.5, rate=0.5)


def test_layers_dense_names_match_tf_1_15_checkpoints(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.dense(x, 4)
    tf.layers.dense(x, 4)
    with tf.variable_scope("tower"):
        tf.layers.dense(x, 2, name="logits")
    tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3)
    tf.layers.batch_normalization(tf.zeros([2, 3]))
    names = [v.name for v in tf.global_variables()]
    assert names == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0",
        "tower/logits/kernel:0", "tower/logits/bias:0", "conv2d/kernel:0", "conv2d/bias:0",
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
    ]


def test_layers_dense_reuses_through_variable_scope_keras_dense_does_not(graph):
    x = tf.placeholder(tf.float32, [None, 3])

    def tf_layers_model(inputs):
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(inputs, 4, name="fc")

    def keras_model(inputs):
        with tf.variable_scope("keras_shared", reuse=tf.AUTO_REUSE):
            return tf.keras.layers.Dense(4, name="fc")(inputs)

    a, b = tf_layers_model(x), tf_layers_model(x)
    keras_model(x)
    keras_model(x)
    layer_vars = [v.name for v in tf.trainable_variables() if v.name.startswith("shared/")]
    keras_vars = [v for v in tf.trainable_variables() if "fc" in v.name and not v.name.startswith("shared/")]
    assert layer_vars == ["shared/fc/kernel:0", "shared/fc/bias:0"]
    assert len(keras_vars) == 4  # two Dense layers, two variables each: no reuse
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: np.ones((2, 3), np.float32)}
        np.testing.assert_array_equal(*sess.run([a, b], feed))


def test_layers_dense_with_reuse_true_requires_existing_variables(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="does not exist"):
        tf.layers.dense(x, 2, name="absent", reuse=True)


def test_global_step_created_collected_and_incremented(graph):
    gs = tf.train.get_or_create_global_step()
    assert gs.name == "global_step:0" and gs.dtype.base_dtype == tf.int64
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs] and gs not in tf.trainable_variables()
    assert tf.train.get_or_create_global_step() is gs and tf.train.get_global_step() is gs
    w = tf.Variable(1.0)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w), global_step=gs)
    lr = tf.train.exponential_decay(1.0, gs, decay_steps=2, decay_rate=0.5, staircase=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train_op)
        assert sess.run(gs) == 5
        assert sess.run(lr) == pytest.approx(0.25)


def test_get_global_step_finds_a_legacy_global_step_variable(graph):
    assert tf.train.get_global_step() is None
    tf.Variable(0, trainable=False, name="global_step")
    assert tf.train.get_global_step().name == "global_step:0"


def test_tensor_equality_is_identity_and_tensors_are_hashable(graph):
    t = tf.constant(1)
    assert (t == 1) is False and (t == t) is True
    assert {t: "key"}[t] == "key"
    assert isinstance(tf.zeros([2, 3]).shape[0], tf.Dimension)
    assert tf.zeros([2, 3]).shape[1].value == 3


def test_v1_variables_are_ref_variables_and_control_flow_is_v1(graph):
    v = tf.Variable(1.0)
    assert not tf.resource_variables_enabled() and not tf.control_flow_v2_enabled()
    assert type(v).__name__ == "RefVariable" and v.dtype.base_dtype == tf.float32 and v.dtype != tf.float32
