"""npu_bridge.experimental: NPU map datasets, file_constant, getshape, decode_image."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.experimental import dataset_ops, file_constant, get_shape, image


def _drain(dataset):
    with tf.Graph().as_default(), tf.Session() as sess:
        nxt = tf.data.make_one_shot_iterator(dataset()).get_next()
        out = []
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out


# ------------------------------------------------------------------------------------- datasets
def test_map_yields_mapped_elements_in_order():
    out = _drain(lambda: tf.data.Dataset.range(6).apply(
        dataset_ops.map(lambda x: x * x + 1, num_parallel_npu=3, deterministic=True)))
    assert out == [x * x + 1 for x in range(6)]


def test_map_and_batch_yields_batches_of_mapped_dict_elements():
    def parse(x):
        return {"x": tf.cast(x, tf.float32) / 2.0, "y": x % 2}

    out = _drain(lambda: tf.data.Dataset.range(7).apply(dataset_ops.map_and_batch(parse, batch_size=3)))
    assert [b["y"].tolist() for b in out] == [[0, 1, 0], [1, 0, 1], [0]]
    np.testing.assert_allclose(out[1]["x"], [1.5, 2.0, 2.5])


def test_map_and_batch_drop_remainder_gives_static_batch_dimension():
    with tf.Graph().as_default() as graph:
        ds = tf.data.Dataset.range(7).apply(dataset_ops.map_and_batch(lambda x: x + 1, 2, drop_remainder=True))
        assert ds.output_shapes.as_list() == [2]
        types = {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
                 if "_ascend_op_type" in op.node_def.attr}
        assert "NpuMapAndBatchDataset" in types
    out = _drain(lambda: tf.data.Dataset.range(7).apply(dataset_ops.map_and_batch(lambda x: x + 1, 2, drop_remainder=True)))
    assert [b.tolist() for b in out] == [[1, 2], [3, 4], [5, 6]]


def test_map_datasets_are_unary_datasets():
    with tf.Graph().as_default():
        base = tf.data.Dataset.range(3)
        ds = dataset_ops.MapDataset(base, lambda x: x, num_parallel_npu=2)
        assert isinstance(ds, dataset_ops.NpuUnaryDataset)
        assert ds.check_output_device("batch") is True
        assert [b for b in ds._inputs()] == [base]  # pylint: disable=protected-access


def test_npu_output_refuses_host_transformations():
    with tf.Graph().as_default():
        ds = dataset_ops.MapDataset(tf.data.Dataset.range(3), lambda x: x, 2, output_device="npu")
        assert ds.check_output_device("prefetch") is False
        with pytest.raises(ValueError, match=r"MapDataset.prefetch\(\).*output_device is 'npu'"):
            ds.prefetch(1)


def test_invalid_output_device_and_conflicting_parallelism():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="output_device: gpu , available value: cpu or npu"):
            dataset_ops.MapDataset(tf.data.Dataset.range(3), lambda x: x, 2, output_device="gpu")
    with pytest.raises(ValueError, match="only one of `num_parallel_batches` and `num_parallel_calls`"):
        dataset_ops.map_and_batch(lambda x: x, 2, num_parallel_batches=1, num_parallel_calls=2)


# -------------------------------------------------------------------------------- file_constant
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.uint32, np.uint8, np.bool_])
def test_file_constant_reads_the_binary_file(tmp_path, dtype):
    values = (np.arange(12) % 3 == 0) if dtype is np.bool_ else (np.arange(12) * 7 % 11).astype(dtype)
    path = tmp_path / "weights.bin"
    values.astype(dtype).tofile(path)
    with tf.Graph().as_default(), tf.Session() as sess:
        const = file_constant.file_constant([3, 4], tf.as_dtype(dtype), file_path=str(path))
        assert const.shape.as_list() == [3, 4] and const.dtype == tf.as_dtype(dtype)
        np.testing.assert_array_equal(sess.run(const), values.reshape(3, 4))


def test_file_constant_errors_name_the_file(tmp_path):
    missing = tmp_path / "nope.bin"
    short = tmp_path / "short.bin"
    np.zeros(3, np.float32).tofile(short)
    with tf.Graph().as_default():
        with pytest.raises(FileNotFoundError, match="nope.bin"):
            file_constant.file_constant([2], tf.float32, file_path=str(missing))
        with pytest.raises(ValueError, match="short.bin.*12 bytes.*needs 16"):
            file_constant.file_constant([4], tf.float32, file_path=str(short))
        with pytest.raises(ValueError, match="file_id='w0'.*file_path"):
            file_constant.file_constant([4], tf.float32, file_id="w0")


# ------------------------------------------------------------------------------------ getshape
def test_getshape_is_the_dynamic_int32_shape():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 3, None])
        shape = get_shape.getshape(x)
        assert shape.dtype == tf.int32
        assert sess.run(shape, {x: np.zeros((2, 3, 5))}).tolist() == [2, 3, 5]


# --------------------------------------------------------------------------------- decode_image
def test_decode_image_png_and_float_scaling():
    img = np.random.RandomState(0).randint(0, 256, (5, 4, 3)).astype(np.uint8)
    with tf.Graph().as_default(), tf.Session() as sess:
        png = sess.run(tf.image.encode_png(img))
        as_uint8 = image.decode_image(png)
        as_float = image.decode_image(png, channels=3, dtype=tf.float32, expand_animations=False)
        assert as_float.shape.as_list() == [None, None, 3]
        got8, gotf = sess.run([as_uint8, as_float])
    np.testing.assert_array_equal(got8, img)
    np.testing.assert_allclose(gotf, img / 255.0, atol=1e-6)


def test_decode_image_rejects_unsupported_dtype():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="dtype=int32; legal values: uint8, uint16, float32"):
        image.decode_image(tf.constant(b""), dtype=tf.int32)
