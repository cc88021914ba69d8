"""tensorflow.examples.tutorials.mnist: input_data on local IDX files, the synthetic writer, the tutorial model."""
import gzip
import io
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from npu_bridge._tf1 import mnist
from testsupport.scripts import ROOT

SMALL = dict(train_size=60, test_size=20, seed=3)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("mnist")
    mnist.write_synthetic_mnist(str(path), **SMALL)
    return path


def idx_bytes(array, magic):
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def test_module_is_importable_under_tensorflows_name():
    from tensorflow.examples.tutorials.mnist import input_data
    from tensorflow.examples.tutorials.mnist import mnist as tutorial_model
    import tensorflow.examples.tutorials.mnist.input_data as again

    assert input_data is mnist and again is mnist
    assert tutorial_model.IMAGE_PIXELS == 784 and tutorial_model.NUM_CLASSES == 10
    assert input_data.__spec__.name == "npu_bridge._tf1.mnist"  # the alias left the module's own spec alone


def test_writer_and_reader_round_trip(data_dir):
    images, labels = mnist.synthetic_digits(SMALL["train_size"], seed=SMALL["seed"])
    data = mnist.read_data_sets(str(data_dir), validation_size=10, dtype=tf.uint8, reshape=False)
    assert data.validation.images.shape == (10, 28, 28, 1) and data.train.images.shape == (50, 28, 28, 1)
    np.testing.assert_array_equal(np.concatenate([data.validation.images, data.train.images])[..., 0], images)
    np.testing.assert_array_equal(np.concatenate([data.validation.labels, data.train.labels]), labels)
    assert data.test.num_examples == SMALL["test_size"]


def test_default_conversions_float_scaled_flattened_and_one_hot(data_dir):
    raw = mnist.read_data_sets(str(data_dir), validation_size=0, dtype=tf.uint8, reshape=False)
    data = mnist.read_data_sets(str(data_dir), one_hot=True, validation_size=0)
    assert data.train.images.dtype == np.float32 and data.train.images.shape == (60, 784)
    np.testing.assert_allclose(data.train.images, raw.train.images.reshape(60, 784) / 255.0, rtol=1e-6)
    assert data.train.labels.shape == (60, 10)
    np.testing.assert_array_equal(data.train.labels.argmax(1), raw.train.labels)
    np.testing.assert_array_equal(data.train.labels.sum(1), np.ones(60))


def test_next_batch_epoch_boundary_joins_tail_and_head(data_dir):
    data = mnist.read_data_sets(str(data_dir), validation_size=0, seed=5)
    train = data.train
    labels_before = train.labels.copy()
    seen = [train.next_batch(25) for _ in range(2)]
    assert train.epochs_completed == 0
    images, labels = train.next_batch(25)  # 10 left in epoch 0, 15 from the reshuffled epoch 1
    assert train.epochs_completed == 1 and images.shape == (25, 784) and labels.shape == (25,)
    epoch0 = np.concatenate([seen[0][1], seen[1][1], labels[:10]])
    assert sorted(epoch0) == sorted(labels_before)  # the first epoch visits every example once
    np.testing.assert_array_equal(labels[10:], train.labels[:15])


def test_next_batch_without_shuffle_keeps_file_order(data_dir):
    data = mnist.read_data_sets(str(data_dir), validation_size=0)
    order = data.train.labels.copy()
    _, labels = data.train.next_batch(7, shuffle=False)
    np.testing.assert_array_equal(labels, order[:7])


def test_shuffling_is_seeded_and_leaves_numpys_global_generator_alone(data_dir):
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    a = mnist.read_data_sets(str(data_dir), validation_size=0, seed=9).train.next_batch(30)[1]
    assert np.random.rand() == expected
    b = mnist.read_data_sets(str(data_dir), validation_size=0, seed=9).train.next_batch(30)[1]
    np.testing.assert_array_equal(a, b)


def test_fake_data():
    data = mnist.read_data_sets("/nonexistent", fake_data=True, one_hot=True)
    images, labels = data.train.next_batch(3, fake_data=True)
    assert data.train.num_examples == 10000
    assert len(images) == 3 and len(images[0]) == 784 and labels[0] == [1] + [0] * 9


def test_missing_files_are_named_and_nothing_is_downloaded(tmp_path):
    (tmp_path / mnist.TRAIN_IMAGES).write_bytes(b"")
    with pytest.raises(FileNotFoundError) as err:
        mnist.read_data_sets(str(tmp_path))
    message = str(err.value)
    for name in (mnist.TRAIN_LABELS, mnist.TEST_IMAGES, mnist.TEST_LABELS):
        assert name in message
    assert mnist.TRAIN_IMAGES + "," not in message and "--write" in message


def test_uncompressed_files_are_read_too(tmp_path):
    images, labels = mnist.synthetic_digits(12, seed=0)
    for name, payload in ((mnist.TRAIN_IMAGES, idx_bytes(images, 2051)), (mnist.TRAIN_LABELS, idx_bytes(labels, 2049)),
                          (mnist.TEST_IMAGES, idx_bytes(images[:4], 2051)), (mnist.TEST_LABELS, idx_bytes(labels[:4], 2049))):
        (tmp_path / name[:-3]).write_bytes(payload)
    data = mnist.read_data_sets(str(tmp_path), validation_size=2, dtype=tf.uint8, reshape=False)
    np.testing.assert_array_equal(data.train.images[..., 0], images[2:])


def test_bad_magic_and_validation_size_errors(data_dir, tmp_path):
    with pytest.raises(ValueError, match="Invalid magic number 2049 in MNIST image file"):
        mnist.extract_images(io.BytesIO(gzip.compress(idx_bytes(np.zeros(3, np.uint8), 2049))))
    with pytest.raises(ValueError, match="Invalid magic number 2051 in MNIST label file"):
        mnist.extract_labels(io.BytesIO(idx_bytes(np.zeros((1, 2, 2), np.uint8), 2051)))
    with pytest.raises(ValueError, match="Validation size should be between 0 and 60. Received: 61."):
        mnist.read_data_sets(str(data_dir), validation_size=61)
    with pytest.raises(TypeError, match="Invalid image dtype"):
        mnist.read_data_sets(str(data_dir), dtype=tf.int32)


def test_dense_to_one_hot():
    np.testing.assert_array_equal(mnist.dense_to_one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_synthetic_digits_are_learnable_by_a_linear_classifier():
    images, labels = mnist.synthetic_digits(1000, seed=1)
    assert images.dtype == np.uint8 and images.shape == (1000, 28, 28) and set(labels) == set(range(10))
    x = np.c_[images.reshape(1000, -1) / 255.0, np.ones(1000)]
    y = np.eye(10)[labels]
    w = np.linalg.solve(x[:700].T @ x[:700] + np.eye(785), x[:700].T @ y[:700])  # ridge regression
    assert ((x[700:] @ w).argmax(1) == labels[700:]).mean() > 0.6  # chance is 0.1
    same_class = images[labels == 8][:2]
    assert not np.array_equal(same_class[0], same_class[1])  # shifts and noise: not one fixed image per class


def test_writer_validates_sizes(tmp_path):
    with pytest.raises(ValueError, match="train_size must be a positive integer"):
        mnist.write_synthetic_mnist(str(tmp_path), train_size=0)


def test_command_writes_the_four_files(tmp_path):
    target = tmp_path / "MNIST_data"
    proc = subprocess.run(
        [sys.executable, "-m", "npu_bridge._tf1.mnist", "--write", str(target), "--train-size", "30",
         "--test-size", "10"],
        cwd=str(ROOT), capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, mnist.TEST_IMAGES, mnist.TEST_LABELS])
    data = mnist.read_data_sets(str(target), validation_size=5)
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) == (25, 5, 10)


def test_tutorial_model_builds_the_tf_1_15_graph():
    from tensorflow.examples.tutorials.mnist import mnist as model

    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, model.IMAGE_PIXELS])
        labels = tf.placeholder(tf.int32, [None])
        logits = model.inference(images, 8, 4)
        train_op = model.training(model.loss(logits, labels), 0.1)
        correct = model.evaluation(logits, labels)
        names = sorted(v.name for v in tf.trainable_variables())
        assert names == sorted(f"{s}/{v}:0" for s in ("hidden1", "hidden2", "softmax_linear")
                               for v in ("weights", "biases"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {images: np.zeros((5, 784), np.float32), labels: np.zeros(5, np.int32)}
            sess.run(train_op, feed)
            count = sess.run(correct, feed)
            assert 0 <= count <= 5 and sess.run(tf.train.get_global_step()) == 1
