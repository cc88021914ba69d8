"""``tf.contrib.data`` transformations that ``tf.data.experimental`` does not carry (TF 1.15 semantics).

Each returns a function ``Dataset -> Dataset`` for ``dataset.apply(...)``.
"""
import tensorflow.compat.v1 as tf
from tensorflow.python.util import nest


def batch_and_drop_remainder(batch_size):
    """Batches of exactly ``batch_size`` elements; a final smaller batch is dropped."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """``padded_batch`` of exactly ``batch_size`` elements; a final smaller batch is dropped."""
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes=padded_shapes,
                                                padding_values=padding_values, drop_remainder=True)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """``parallel_interleave`` that may return elements out of order (``sloppy=True``)."""
    return tf.data.experimental.parallel_interleave(map_func, cycle_length, block_length=block_length, sloppy=True)


def sliding_window_batch(window_size, stride=None, window_shift=None, window_stride=1):
    """Batches of ``window_size`` consecutive elements (every ``window_stride``-th), one window every
    ``window_shift`` elements (``stride`` is its old name; default 1); incomplete windows at the end
    are dropped."""
    if stride is not None and window_shift is not None:
        raise ValueError("Cannot specify both `stride` and `window_shift`")
    shift = window_shift if window_shift is not None else (stride if stride is not None else 1)

    def apply(dataset):
        windows = dataset.window(window_size, shift=shift, stride=window_stride, drop_remainder=True)

        def batch_window(*components):
            nested = components[0] if len(components) == 1 else components
            batched = nest.map_structure(lambda window: window.batch(window_size, drop_remainder=True), nested)
            return tf.data.Dataset.zip(batched) if nest.is_nested(batched) else batched

        return windows.flat_map(batch_window)

    return apply


def assert_element_shape(expected_shapes):
    """Check every element against ``expected_shapes`` (same structure as the elements; ``None`` parts
    unchecked) and give the dataset the merged static shapes; a mismatch fails when the element is read."""
    def apply(dataset):
        def check(*components):
            element = components[0] if len(components) == 1 else components
            flat_shapes = nest.flatten_up_to(element, expected_shapes)
            checked = [tf.ensure_shape(t, shape) if shape is not None else t
                       for t, shape in zip(nest.flatten(element), flat_shapes)]
            return nest.pack_sequence_as(element, checked)

        return dataset.map(check)

    return apply
