"""tf.contrib.layers semantics (TF 1.15 definitions, checked against numpy)."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib

contrib.install()
layers = tf.contrib.layers


@pytest.fixture
def sess():
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        yield session


def test_l2_regularizer_is_scale_times_half_the_sum_of_squares(sess):
    w = np.array([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32)
    value = sess.run(layers.l2_regularizer(0.1)(tf.constant(w)))
    assert value == pytest.approx(0.1 * np.sum(w ** 2) / 2, rel=1e-6)
    # Keras' L2 (what tf.keras.regularizers.l2 computes) has no 1/2: the trap migrated code falls into.
    assert value == pytest.approx(0.5 * sess.run(tf.keras.regularizers.l2(0.1)(tf.constant(w))), rel=1e-6)


def test_l1_and_l1_l2_regularizers(sess):
    w = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    assert sess.run(layers.l1_regularizer(0.2)(tf.constant(w))) == pytest.approx(0.2 * 6.0, rel=1e-6)
    both = sess.run(layers.l1_l2_regularizer(0.2, 0.1)(tf.constant(w)))
    assert both == pytest.approx(0.2 * 6.0 + 0.1 * 14.0 / 2, rel=1e-6)


def test_regularizer_scale_checks():
    assert layers.l2_regularizer(0.0)(tf.constant([1.0])) is None
    with pytest.raises(ValueError, match="scale"):
        layers.l2_regularizer(-1.0)
    with pytest.raises(ValueError, match="scale"):
        layers.l1_regularizer(-0.1)


def test_apply_regularization_sums_and_collects(sess):
    a = tf.constant([1.0, 2.0])
    b = tf.constant([[3.0]])
    total = layers.apply_regularization(layers.l2_regularizer(1.0), [a, b])
    assert sess.run(total) == pytest.approx((1 + 4 + 9) / 2)
    assert total in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)


def test_fully_connected_weights_regularizer_and_variable_names(sess):
    x = tf.placeholder(tf.float32, [None, 4])
    layers.fully_connected(x, 3, weights_regularizer=layers.l2_regularizer(0.5))
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["fully_connected/biases", "fully_connected/weights"]
    sess.run(tf.global_variables_initializer())
    weights = sess.run(tf.global_variables("fully_connected/weights")[0])
    (reg,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert sess.run(reg) == pytest.approx(0.5 * np.sum(weights ** 2) / 2, rel=1e-5)


@pytest.mark.parametrize("uniform", [True, False])
def test_xavier_initializer_variance(sess, uniform):
    fan_in, fan_out = 300, 500
    w = sess.run(layers.xavier_initializer(uniform=uniform, seed=3)([fan_in, fan_out]))
    assert w.var() == pytest.approx(2.0 / (fan_in + fan_out), rel=0.05)
    assert abs(w.mean()) < 0.01
    if uniform:
        assert np.abs(w).max() <= np.sqrt(6.0 / (fan_in + fan_out))


def test_variance_scaling_initializer_fan_in_truncated_normal(sess):
    fan_in, fan_out = 400, 300
    w = sess.run(layers.variance_scaling_initializer(factor=2.0, seed=1)([fan_in, fan_out]))
    assert w.var() == pytest.approx(2.0 / fan_in, rel=0.05)
    assert np.abs(w).max() <= 2 * np.sqrt(1.3 * 2.0 / fan_in) + 1e-6  # truncated at two standard deviations


def test_batch_norm_training_normalises_and_registers_moving_average_updates(sess):
    rng = np.random.RandomState(0)
    data = (3.0 + 2.0 * rng.randn(64, 5)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 5])
    y = layers.batch_norm(x, decay=0.9, is_training=True)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    sess.run(tf.global_variables_initializer())
    out, _ = sess.run([y, updates], {x: data})
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.var(0), data.var(0) / (data.var(0) + 0.001), rtol=1e-4)
    moving_mean = sess.run(tf.global_variables("BatchNorm/moving_mean")[0])
    np.testing.assert_allclose(moving_mean, 0.1 * data.mean(0), rtol=1e-5)


def test_batch_norm_inference_uses_the_moving_statistics(sess):
    x = tf.placeholder(tf.float32, [None, 3])
    is_training = tf.placeholder(tf.bool, [])
    y = layers.batch_norm(x, decay=0.5, is_training=is_training, updates_collections=None, scale=True)
    sess.run(tf.global_variables_initializer())
    data = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]], dtype=np.float32)
    sess.run(y, {x: data, is_training: True})  # updates in place (updates_collections=None)
    moving_mean, moving_var = sess.run([tf.global_variables("BatchNorm/moving_mean")[0],
                                        tf.global_variables("BatchNorm/moving_variance")[0]])
    np.testing.assert_allclose(moving_mean, 0.5 * data.mean(0), rtol=1e-5)
    # the moving variance averages the unbiased batch variance (n/(n-1) correction) towards it from 1
    np.testing.assert_allclose(moving_var, 0.5 + 0.5 * data.var(0, ddof=1), rtol=1e-5)
    out = sess.run(y, {x: data, is_training: False})
    np.testing.assert_allclose(out, (data - moving_mean) / np.sqrt(moving_var + 0.001), rtol=1e-5)


def test_layer_norm_normalises_over_all_but_the_batch_axis(sess):
    data = np.random.RandomState(1).randn(4, 3, 5).astype(np.float32)
    y = layers.layer_norm(tf.constant(data))
    sess.run(tf.global_variables_initializer())
    mean = data.reshape(4, -1).mean(1)[:, None, None]
    var = data.reshape(4, -1).var(1)[:, None, None]
    np.testing.assert_allclose(sess.run(y), (data - mean) / np.sqrt(var + 1e-12), rtol=1e-4, atol=1e-5)
    assert sorted(v.op.name for v in tf.global_variables()) == ["LayerNorm/beta", "LayerNorm/gamma"]


def test_dropout_takes_keep_prob(sess):
    ones = tf.ones([200, 100])
    kept = sess.run(layers.dropout(ones, keep_prob=0.25, is_training=True, seed=2))
    assert set(np.unique(kept)) == {0.0, 4.0}
    assert (kept > 0).mean() == pytest.approx(0.25, abs=0.02)
    assert (sess.run(layers.dropout(ones, keep_prob=0.25, is_training=False)) == 1.0).all()


def test_conv_pool_flatten_shapes_and_names(sess):
    x = tf.placeholder(tf.float32, [2, 8, 8, 3])
    net = layers.conv2d(x, 4, [3, 3])
    net = layers.max_pool2d(net, [2, 2])
    net = layers.conv2d_transpose(net, 2, [3, 3], stride=2)
    net = layers.avg_pool2d(net, [2, 2])
    flat = layers.flatten(net)
    assert net.shape.as_list() == [2, 4, 4, 2] and flat.shape.as_list() == [2, 32]
    assert sorted(v.op.name for v in tf.trainable_variables()) == [
        "Conv/biases", "Conv/weights", "Conv2d_transpose/biases", "Conv2d_transpose/weights"]


def test_embed_sequence_is_a_model_variable_lookup(sess):
    ids = tf.constant([[1, 2, 1], [0, 3, 3]])
    emb = layers.embed_sequence(ids, vocab_size=4, embed_dim=2)
    emb_unique = layers.embed_sequence(ids, unique=True, scope="EmbedSequence", reuse=True)
    (table,) = tf.model_variables()
    assert table.op.name == "EmbedSequence/embeddings" and table.shape.as_list() == [4, 2]
    sess.run(tf.global_variables_initializer())
    values, unique_values, table_value = sess.run([emb, emb_unique, table])
    np.testing.assert_allclose(values, table_value[[[1, 2, 1], [0, 3, 3]]])
    np.testing.assert_allclose(unique_values, values)
    with pytest.raises(ValueError, match="vocab size and embedding dimension"):
        layers.embed_sequence(ids, vocab_size=4)


def test_optimize_loss_trains(sess):
    data = np.random.RandomState(0).randn(32, 3).astype(np.float32)
    x = tf.constant(data)
    w = tf.get_variable("w", [3, 1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - data @ np.array([[1.0], [-1.0], [2.0]], np.float32)))
    step = tf.train.get_or_create_global_step()
    train = layers.optimize_loss(loss, step, learning_rate=0.1, optimizer="SGD")
    sess.run(tf.global_variables_initializer())
    first = sess.run(loss)
    for _ in range(20):
        sess.run(train)
    assert sess.run(loss) < 0.5 * first and sess.run(step) == 20


def test_tf_slim_shims_only_add_missing_attributes():
    from tensorflow.python.framework import indexed_slices, ops, tensor

    from npu_bridge._tf1.contrib import _slim_compat

    _slim_compat.apply()
    assert ops.Tensor is tensor.Tensor and ops.IndexedSlices is indexed_slices.IndexedSlices
    for module_name, attr, source_name, source_attr in _slim_compat.MOVED:
        module = __import__(module_name, fromlist=["_"])
        source = __import__(source_name, fromlist=["_"])
        assert getattr(module, attr) is getattr(source, source_attr)
