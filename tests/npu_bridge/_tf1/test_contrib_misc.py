"""tf.contrib.data / framework / metrics / tpu / distribute and friends (TF 1.15 semantics)."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib

contrib.install()
cdata = tf.contrib.data
framework = tf.contrib.framework


@pytest.fixture
def sess():
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        yield session


def drain(sess, dataset):
    element = tf.data.make_one_shot_iterator(dataset).get_next()
    out = []
    while True:
        try:
            out.append(sess.run(element))
        except tf.errors.OutOfRangeError:
            return out


def test_batch_and_drop_remainder_variants(sess):
    assert [b.tolist() for b in drain(sess, tf.data.Dataset.range(7).apply(cdata.batch_and_drop_remainder(3)))] == [
        [0, 1, 2], [3, 4, 5]]
    ragged = tf.data.Dataset.range(1, 6).map(lambda n: tf.fill([n], n))
    batches = drain(sess, ragged.apply(cdata.padded_batch_and_drop_remainder(2, [None])))
    assert [b.tolist() for b in batches] == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]


def test_sliding_window_batch(sess):
    windows = drain(sess, tf.data.Dataset.range(7).apply(cdata.sliding_window_batch(3, window_shift=2)))
    assert [w.tolist() for w in windows] == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    strided = drain(sess, tf.data.Dataset.range(6).apply(cdata.sliding_window_batch(2, stride=3, window_stride=2)))
    assert [w.tolist() for w in strided] == [[0, 2], [3, 5]]
    pairs = tf.data.Dataset.from_tensor_slices((np.arange(4), np.arange(4) * 10))
    first = drain(sess, pairs.apply(cdata.sliding_window_batch(2)))[0]
    assert [part.tolist() for part in first] == [[0, 1], [0, 10]]
    with pytest.raises(ValueError, match="Cannot specify both `stride` and `window_shift`"):
        cdata.sliding_window_batch(2, stride=1, window_shift=1)


def test_assert_element_shape(sess):
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((4, 3), np.float32)).batch(2)
    checked = dataset.apply(cdata.assert_element_shape(tf.TensorShape([2, 3])))
    assert tf.data.get_output_shapes(checked).as_list() == [2, 3]
    assert len(drain(sess, checked)) == 2
    with pytest.raises(ValueError, match="must be equal"):  # statically incompatible
        dataset.apply(cdata.assert_element_shape(tf.TensorShape([2, 4])))
    ragged = tf.data.Dataset.from_tensor_slices(np.zeros((3, 3), np.float32)).batch(2)  # batches of 2, then 1
    checked = ragged.apply(cdata.assert_element_shape(tf.TensorShape([2, 3])))
    element = tf.data.make_one_shot_iterator(checked).get_next()
    assert sess.run(element).shape == (2, 3)
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(element)


def test_data_names_are_tf_data_experimental_and_sloppy_interleave_reads_everything(sess):
    assert cdata.map_and_batch is tf.data.experimental.map_and_batch
    assert cdata.parallel_interleave is tf.data.experimental.parallel_interleave
    files = tf.data.Dataset.range(3)
    values = drain(sess, files.apply(cdata.sloppy_interleave(lambda i: tf.data.Dataset.range(i * 10, i * 10 + 2), 2)))
    assert sorted(values) == [0, 1, 10, 11, 20, 21]


def test_framework_arg_scope_and_variables(sess, tmp_path):
    x = tf.ones([1, 4, 4, 2])
    with framework.arg_scope([tf.contrib.layers.conv2d], num_outputs=3, kernel_size=1,
                             weights_initializer=tf.ones_initializer()):
        y = tf.contrib.layers.conv2d(x, scope="c1", activation_fn=None)
    assert framework.has_arg_scope(tf.contrib.layers.conv2d)
    step = framework.get_or_create_global_step()
    restore = framework.get_variables_to_restore(exclude=["c1/biases"])
    assert sorted(v.op.name for v in restore) == ["c1/weights", "global_step"]
    sess.run(tf.global_variables_initializer())
    assert sess.run(y)[0, 0, 0].tolist() == [2.0, 2.0, 2.0] and sess.run(step) == 0
    path = tf.train.Saver().save(sess, str(tmp_path / "ckpt"))
    sess.run(tf.global_variables("c1/weights")[0].assign(tf.zeros([1, 1, 2, 3])))
    framework.assign_from_checkpoint_fn(path, restore)(sess)
    assert sess.run(tf.global_variables("c1/weights")[0]).sum() == 6.0
    assert dict(framework.list_variables(path))["c1/weights"] == [1, 1, 2, 3]


def test_framework_tensor_helpers(sess):
    assert sess.run(framework.reduce_sum_n([tf.constant([1.0, 2.0]), tf.constant([[3.0]])])) == 6.0
    with pytest.raises(ValueError, match="No tensors provided"):
        framework.reduce_sum_n([])
    predictions, labels = framework.remove_squeezable_dimensions(tf.zeros([4, 1]), tf.zeros([4]))
    assert predictions.shape.as_list() == [4] and labels.shape.as_list() == [4]
    with pytest.raises(ValueError, match="Expected integer type"):
        framework.assert_scalar_int(tf.constant(1.0))
    framework.assert_scalar_int(tf.constant(3))
    p1 = tf.placeholder(tf.float32, name="p1")
    assert framework.get_placeholders(tf.get_default_graph()) == [p1]


def test_with_shape_static_and_dynamic(sess):
    t = tf.zeros([2, 3])
    assert framework.with_shape([2, 3], t) is t
    with pytest.raises(ValueError, match="Invalid shape for tensor"):
        framework.with_shape([3, 2], t)
    p = tf.placeholder(tf.float32, [None, 3])
    checked = framework.with_shape([2, 3], p)
    assert checked.shape.as_list() == [2, 3]
    sess.run(checked, {p: np.zeros((2, 3))})
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(checked, {p: np.zeros((1, 3))})
    same = framework.with_same_shape(tf.zeros([1, 3]), p)
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(same, {p: np.zeros((2, 3))})


def test_zero_initializer(sess):
    var = tf.get_variable("v", initializer=tf.ones([2, 2]))
    sess.run(var.initializer)
    sess.run(framework.zero_initializer(var))
    assert (sess.run(var) == 0).all()


def test_framework_nest_has_the_tf1_names():
    assert framework.nest.is_sequence([1]) and not framework.nest.is_sequence(1)
    assert framework.nest.flatten({"a": (1, 2)}) == [1, 2]


def test_metrics_streaming_accuracy_and_mean(sess):
    acc, update = tf.contrib.metrics.streaming_accuracy(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]))
    mean, mean_update = tf.contrib.metrics.streaming_mean(tf.constant([1.0, 5.0]))
    sess.run(tf.local_variables_initializer())
    sess.run([update, mean_update])
    assert sess.run(acc) == pytest.approx(2 / 3) and sess.run(mean) == 3.0


def test_losses_module_is_tf_slim_losses(sess):
    loss = tf.contrib.losses.mean_squared_error(tf.constant([1.0, 3.0]), tf.constant([0.0, 0.0]))
    assert sess.run(loss) == 5.0
    assert callable(tf.contrib.losses.metric_learning.triplet_semihard_loss)


def test_tpu_names_are_tf_estimator_tpu_and_the_cluster_resolver():
    for name in ("InputPipelineConfig", "RunConfig", "TPUConfig", "TPUEstimator", "TPUEstimatorSpec"):
        assert getattr(tf.contrib.tpu, name) is getattr(tf.estimator.tpu, name)
    assert tf.contrib.cluster_resolver.TPUClusterResolver is tf.distribute.cluster_resolver.TPUClusterResolver
    assert tf.contrib.cluster_resolver.UnionClusterResolver is tf.distribute.cluster_resolver.UnionResolver


def test_contrib_mirrored_strategy_arguments():
    strategy = tf.contrib.distribute.MirroredStrategy(num_gpus=0)
    assert strategy.num_replicas_in_sync == 1
    assert [d.split("/")[-1] for d in strategy.extended.worker_devices] == ["device:CPU:0"]
    with pytest.raises(ValueError, match="at most one of `devices` and `num_gpus`"):
        tf.contrib.distribute.MirroredStrategy(devices=["/cpu:0"], num_gpus=1)


def test_lookup_and_summary_and_util(sess):
    table = tf.contrib.lookup.index_table_from_tensor(tf.constant(["a", "b"]), default_value=-1)
    sess.run(tf.tables_initializer())
    assert sess.run(table.lookup(tf.constant(["b", "z"]))).tolist() == [1, -1]
    assert tf.contrib.util.constant_value(tf.constant(4)) == 4
    assert callable(tf.contrib.summary.create_file_writer)
    stateless = tf.contrib.stateless.stateless_random_uniform([3], seed=[1, 2])
    assert (sess.run(stateless) == sess.run(stateless)).all()
