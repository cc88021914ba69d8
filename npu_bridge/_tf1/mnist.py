"""``tensorflow.examples.tutorials.mnist.input_data`` (TF 1.15), reading local files only.

``read_data_sets(train_dir, ...)`` reads the four standard MNIST IDX files (gzipped, or uncompressed
with the same names minus ``.gz``) from ``train_dir`` and returns ``Datasets(train, validation, test)``
of :class:`DataSet` (``images``, ``labels``, ``num_examples``, ``epochs_completed``, ``next_batch``),
with TF 1.15's conversions: float32 images scaled to [0, 1] and flattened to 784 columns, labels dense
``uint8`` or one-hot.  It never downloads: missing files raise ``FileNotFoundError`` naming them.

:func:`write_synthetic_mnist` (command: ``python -m npu_bridge._tf1.mnist --write DIR``) writes a
small synthetic dataset in the same format: seven-segment digits with random shifts, stroke intensity
and noise -- learnable, but not trivially.
"""
import argparse
import collections
import gzip
import logging
import os
import sys

import numpy as np
from tensorflow.python.framework import dtypes

_log = logging.getLogger("npu_bridge")

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
IMAGE_SIZE = 28
NUM_CLASSES = 10

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def _read_uint32(stream) -> int:
    raw = stream.read(4)
    if len(raw) != 4:
        raise ValueError(f"truncated MNIST header in {getattr(stream, 'name', stream)!r}")
    return int(np.frombuffer(raw, dtype=">u4")[0])


def _open_gzip(f):
    """``f`` is a binary file object holding gzip data (TF 1.15's extract_* contract) or raw IDX bytes."""
    head = f.read(2)
    f.seek(0)
    return gzip.GzipFile(fileobj=f) if head == b"\x1f\x8b" else f


def extract_images(f):
    """Images of an IDX3 file object as uint8 ``[num_images, rows, cols, 1]``; ValueError on a bad magic."""
    stream = _open_gzip(f)
    magic = _read_uint32(stream)
    if magic != IMAGES_MAGIC:
        raise ValueError(f"Invalid magic number {magic} in MNIST image file: {getattr(f, 'name', f)}")
    count, rows, cols = (_read_uint32(stream) for _ in range(3))
    data = np.frombuffer(stream.read(count * rows * cols), dtype=np.uint8)
    if data.size != count * rows * cols:
        raise ValueError(f"MNIST image file {getattr(f, 'name', f)} holds {data.size} bytes of pixels, "
                         f"its header announces {count}x{rows}x{cols}")
    return data.reshape(count, rows, cols, 1)


def dense_to_one_hot(labels_dense, num_classes):
    """Class indices ``[n]`` to one-hot float64 ``[n, num_classes]``."""
    labels_dense = np.asarray(labels_dense)
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.ravel()] = 1
    return one_hot


def extract_labels(f, one_hot=False, num_classes=10):
    """Labels of an IDX1 file object: uint8 ``[n]``, or one-hot ``[n, num_classes]``; ValueError on a bad magic."""
    stream = _open_gzip(f)
    magic = _read_uint32(stream)
    if magic != LABELS_MAGIC:
        raise ValueError(f"Invalid magic number {magic} in MNIST label file: {getattr(f, 'name', f)}")
    count = _read_uint32(stream)
    labels = np.frombuffer(stream.read(count), dtype=np.uint8)
    if labels.size != count:
        raise ValueError(f"MNIST label file {getattr(f, 'name', f)} holds {labels.size} labels, its header announces {count}")
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def _image_dtype(dtype):
    dtype = dtypes.as_dtype(dtype).base_dtype
    if dtype not in (dtypes.uint8, dtypes.float32):
        raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
    return dtype


def _numpy_seed(seed):
    """The shuffling seed TF 1.15 derives: the graph-level seed if ``seed`` is None, else the op seed."""
    from tensorflow.python.framework import random_seed

    seed1, seed2 = random_seed.get_seed(seed)
    chosen = seed1 if seed is None else seed2
    return None if chosen is None else int(chosen) % (2**32)


class DataSet:
    """One split: ``images``, ``labels``, ``num_examples``, ``epochs_completed``, ``next_batch``.

    Shuffling uses a generator private to the DataSet (TF 1.15 reseeded NumPy's global generator).
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True, seed=None):
        dtype = _image_dtype(dtype)
        self._rng = np.random.RandomState(_numpy_seed(seed))
        self.one_hot = one_hot
        if fake_data:
            self._num_examples = 10000
        else:
            images, labels = np.asarray(images), np.asarray(labels)
            if images.shape[0] != labels.shape[0]:
                raise ValueError(f"images.shape: {images.shape} labels.shape: {labels.shape}")
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(f"reshape=True needs images of shape [n, rows, cols, 1], got {images.shape}")
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == dtypes.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _shuffle(self):
        order = self._rng.permutation(self._num_examples)
        self._images = self._images[order]
        self._labels = self._labels[order]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next ``batch_size`` examples; an epoch boundary joins the old epoch's tail to the new one's head."""
        if fake_data:
            image = [1] * (IMAGE_SIZE * IMAGE_SIZE)
            label = [1] + [0] * (NUM_CLASSES - 1) if self.one_hot else 0
            return [image] * batch_size, [label] * batch_size
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch = start + batch_size
            return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]
        self._epochs_completed += 1
        tail_images, tail_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - (self._num_examples - start)
        head = slice(0, self._index_in_epoch)
        return (np.concatenate((tail_images, self._images[head]), axis=0),
                np.concatenate((tail_labels, self._labels[head]), axis=0))


def _find(train_dir, filename):
    """Path of ``filename`` (or of its uncompressed twin) in ``train_dir``, or None."""
    for name in (filename, filename[:-3] if filename.endswith(".gz") else None):
        if name and os.path.isfile(os.path.join(train_dir, name)):
            return os.path.join(train_dir, name)
    return None


def _read(path, extract, **kwargs):
    with open(path, "rb") as f:
        return extract(f, **kwargs)


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """TF 1.15's MNIST loader on local files: ``Datasets(train, validation, test)``.

    The first ``validation_size`` training examples form the validation split.  ``source_url`` is
    accepted and ignored: nothing is downloaded.
    """
    dtype = _image_dtype(dtype)
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    train_dir = os.fspath(train_dir)
    names = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
    paths = {name: _find(train_dir, name) for name in names}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        raise FileNotFoundError(
            f"MNIST files missing in {os.path.abspath(train_dir)!r}: {', '.join(missing)} (or the same names "
            f"without .gz). This runtime never downloads; copy the MNIST files there, or write a small "
            f"synthetic set with `python -m npu_bridge._tf1.mnist --write {train_dir}`"
        )
    train_images = _read(paths[TRAIN_IMAGES], extract_images)
    train_labels = _read(paths[TRAIN_LABELS], extract_labels, one_hot=one_hot)
    test_images = _read(paths[TEST_IMAGES], extract_images)
    test_labels = _read(paths[TEST_LABELS], extract_labels, one_hot=one_hot)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(
            f"Validation size should be between 0 and {len(train_images)}. Received: {validation_size}."
        )
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size], **options)
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir="MNIST-data"):
    return read_data_sets(train_dir)


# --------------------------------------------------------------------------- synthetic data

# Seven-segment glyph on the 28x28 canvas: segment -> (rows, cols) slices; thickness 3 px.
_SEGMENTS = {
    "a": (slice(4, 7), slice(8, 20)),
    "b": (slice(4, 15), slice(17, 20)),
    "c": (slice(13, 24), slice(17, 20)),
    "d": (slice(21, 24), slice(8, 20)),
    "e": (slice(13, 24), slice(8, 11)),
    "f": (slice(4, 15), slice(8, 11)),
    "g": (slice(13, 16), slice(8, 20)),
}
_DIGIT_SEGMENTS = ("abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg")
_MAX_SHIFT = 3


def _glyphs():
    glyphs = np.zeros((NUM_CLASSES, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    for digit, segments in enumerate(_DIGIT_SEGMENTS):
        for seg in segments:
            glyphs[digit][_SEGMENTS[seg]] = 1.0
    return glyphs


def synthetic_digits(num, seed=0):
    """``num`` synthetic digit images (uint8 ``[num, 28, 28]``) and labels (uint8 ``[num]``)."""
    if int(num) < 0:
        raise ValueError(f"num must be >= 0, got {num}")
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, NUM_CLASSES, size=num).astype(np.uint8)
    images = _glyphs()[labels] * rng.uniform(150.0, 255.0, size=(num, 1, 1)).astype(np.float32)
    shifts = rng.randint(-_MAX_SHIFT, _MAX_SHIFT + 1, size=(num, 2))
    for dy in range(-_MAX_SHIFT, _MAX_SHIFT + 1):
        for dx in range(-_MAX_SHIFT, _MAX_SHIFT + 1):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            if rows.size:
                images[rows] = np.roll(images[rows], (dy, dx), axis=(1, 2))
    images += rng.normal(0.0, 25.0, size=images.shape).astype(np.float32)
    return np.clip(images, 0, 255).astype(np.uint8), labels


def _write_idx(path, array, magic):
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(header)
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def write_synthetic_mnist(train_dir, train_size=6000, test_size=1000, seed=0):
    """Write the four MNIST ``.gz`` files of a synthetic set into ``train_dir``; returns their paths.

    The default ``train_size`` leaves 1000 training examples after ``read_data_sets``' default
    5000-example validation split.
    """
    for name, value in (("train_size", train_size), ("test_size", test_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    os.makedirs(train_dir, exist_ok=True)
    train_images, train_labels = synthetic_digits(train_size, seed=seed)
    test_images, test_labels = synthetic_digits(test_size, seed=seed + 1)
    written = []
    for name, array, magic in (
        (TRAIN_IMAGES, train_images, IMAGES_MAGIC),
        (TRAIN_LABELS, train_labels, LABELS_MAGIC),
        (TEST_IMAGES, test_images, IMAGES_MAGIC),
        (TEST_LABELS, test_labels, LABELS_MAGIC),
    ):
        path = os.path.join(train_dir, name)
        _write_idx(path, array, magic)
        written.append(path)
    _log.info("wrote a synthetic MNIST set (%d train, %d test) to %s", train_size, test_size, train_dir)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m npu_bridge._tf1.mnist",
        description="Write a small synthetic MNIST-format dataset (for read_data_sets demos and tests).",
    )
    parser.add_argument("--write", metavar="DIR", required=True, help="directory to write the four .gz files to")
    parser.add_argument("--train-size", type=int, default=6000)
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        paths = write_synthetic_mnist(args.write, args.train_size, args.test_size, args.seed)
    except ValueError as e:
        parser.error(str(e))
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
