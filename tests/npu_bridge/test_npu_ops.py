"""npu_bridge.estimator.npu_ops.dropout: upstream's checks, seeds, mask semantics and gradient (reference §4.1)."""
import math

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.eager import context

from npu_bridge.estimator import npu_ops

N = 100_000


def _types(graph):
    return [op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr]


# the seeded TensorFlow generator inside DropOutGenMask: the kernel path draws its Philox key from a
# RandomUniformInt, the portable path (ASCEND_SIM_PORTABLE_OPS=1) its bits from a RandomUniform
_RANDOM_OPS = ("RandomUniformInt", "RandomUniform")


def _random_seeds(graph):
    """(seed, seed2) of the random op inside the DropOutGenMask composite."""
    ops = [op for op in graph.get_operations() if op.type in _RANDOM_OPS]
    assert len(ops) == 1
    return ops[0].get_attr("seed"), ops[0].get_attr("seed2")


def test_eager_execution_is_refused_with_upstream_text():
    with context.eager_mode():
        with pytest.raises(RuntimeError, match=r"^npu_ops\.dropout\(\) is not compatible with eager execution\.$"):
            npu_ops.dropout(np.ones(4, np.float32), 0.5)


def test_non_floating_x_raises_value_error():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="x must be a floating point tensor.*int32"):
            npu_ops.dropout(tf.constant([1, 2], tf.int32), 0.5)


@pytest.mark.parametrize("keep_prob", [0, 0.0, -0.5, 1.5, 2])
def test_python_keep_prob_outside_unit_interval_raises_value_error(keep_prob):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"keep_prob must be .*\(0, 1\]"):
            npu_ops.dropout(tf.ones([4]), keep_prob)


def test_python_float_one_returns_x_itself_and_builds_no_op():
    with tf.Graph().as_default() as graph:
        x = tf.ones([4])
        assert npu_ops.dropout(x, 1.0) is x
        assert _types(graph) == []


def test_int_one_does_not_short_circuit():
    with tf.Graph().as_default() as graph:
        x = tf.ones([4])
        y = npu_ops.dropout(x, 1)
        assert y is not x
        assert _types(graph) == ["DropOutGenMask", "DropOutDoMask"]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), np.ones(4))


@pytest.mark.parametrize("keep_prob", [0.1, 0.5, 0.9])
def test_keep_rate_within_binomial_bounds_and_kept_values_scaled(keep_prob):
    with tf.Graph().as_default():
        x = tf.fill([N], 2.0)
        y = npu_ops.dropout(x, keep_prob)
        with tf.Session() as sess:
            out = sess.run(y)
    kept = out != 0
    bound = 5 * math.sqrt(N * keep_prob * (1 - keep_prob))
    assert abs(kept.sum() - N * keep_prob) < bound
    np.testing.assert_allclose(out[kept], 2.0 / keep_prob, rtol=1e-6)


def test_gradient_reuses_the_forward_mask():
    rng = np.random.RandomState(0)
    upstream = rng.rand(1000).astype(np.float32) + 0.5
    with tf.Graph().as_default() as graph:
        x = tf.constant(rng.randn(1000).astype(np.float32))
        y = npu_ops.dropout(x, 0.6)
        (dx,) = tf.gradients(tf.reduce_sum(y * upstream), [x])
        assert _types(graph).count("DropOutDoMask") == 2  # forward + its gradient
        assert _types(graph).count("DropOutGenMask") == 1  # the gradient reuses the mask
        with tf.Session() as sess:
            out, grad = sess.run([y, dx])
    mask = out != 0
    assert 0 < mask.sum() < 1000
    np.testing.assert_allclose(grad, mask * upstream / np.float32(0.6), rtol=1e-6)


def _masks(graph_seed, op_seed, runs=1):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        y = npu_ops.dropout(tf.ones([4096]), 0.5, seed=op_seed)
        with tf.Session() as sess:
            return [sess.run(y) != 0 for _ in range(runs)]


def test_same_graph_and_op_seed_give_the_same_mask_in_two_sessions():
    first = _masks(3, 7)[0]
    second = _masks(3, 7)[0]
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, _masks(3, 8)[0])


def test_unseeded_dropout_differs_between_runs():
    a, b = _masks(None, None, runs=2)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize(
    "graph_seed,op_seed,expected",
    [
        (None, None, (0, 0)),  # nondeterministic: the wrapper's defaults
        (None, 5, (npu_ops.DEFAULT_GRAPH_SEED, 5)),  # only an op seed
        (0, 0, (0, 2 ** 31 - 1)),  # (0, 0) is avoided
        (11, 5, (11, 5)),
    ],
)
def test_seeds_follow_tf_get_seed(graph_seed, op_seed, expected):
    with tf.Graph().as_default() as graph:
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        npu_ops.dropout(tf.ones([8]), 0.5, seed=op_seed)
        assert _random_seeds(graph) == expected


def _op_seeds_with_graph_seed_only():
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(11)
        npu_ops.dropout(tf.ones([8]), 0.5)
        npu_ops.dropout(tf.ones([8]), 0.5)
        return [(op.get_attr("seed"), op.get_attr("seed2"))
                for op in graph.get_operations() if op.type in _RANDOM_OPS]


def test_graph_seed_without_op_seed_derives_distinct_reproducible_op_seeds():
    # TF's get_seed: the graph seed plus a per-graph op seed (TF 2.15 counts ops; TF 1.15 used graph._last_id)
    seeds = _op_seeds_with_graph_seed_only()
    assert [s[0] for s in seeds] == [11, 11]
    assert seeds[0][1] != seeds[1][1]
    assert seeds == _op_seeds_with_graph_seed_only()


def test_keep_prob_placeholder_fed_one_is_identity_and_fed_half_drops():
    values = np.arange(1, 2049, dtype=np.float32)
    with tf.Graph().as_default():
        keep = tf.placeholder(tf.float32, [])
        y = npu_ops.dropout(tf.constant(values), keep)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {keep: 1.0}), values)
            half = sess.run(y, {keep: 0.5})
    assert 0 < (half == 0).sum() < values.size
    np.testing.assert_allclose(half[half != 0], 2 * values[half != 0])


def test_float16_input_keeps_dtype_and_scales():
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.ones([4096], tf.float16), 0.5)
        assert y.dtype == tf.float16
        with tf.Session() as sess:
            out = sess.run(y)
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0 < (out == 0).sum() < out.size


def test_output_keeps_static_shape_of_x():
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.placeholder(tf.float32, [None, 3, 5]), 0.5)
        assert y.shape.as_list() == [None, 3, 5]


def test_noise_shape_equal_to_x_shape():
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.ones([64, 32]), 0.5, noise_shape=[64, 32])
        with tf.Session() as sess:
            out = sess.run(y)
    assert 0 < (out == 0).sum() < out.size


def test_smaller_noise_shape_is_broadcast_over_x():
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.ones([256, 16]), 0.5, noise_shape=[256, 1])
        with tf.Session() as sess:
            out = sess.run(y)
    rows_kept = (out != 0).all(axis=1)
    rows_dropped = (out == 0).all(axis=1)
    assert (rows_kept | rows_dropped).all()
    assert 0 < rows_kept.sum() < 256


def test_noise_shape_with_unknown_dimension_is_filled_from_x():
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.ones([128, 8]), 0.5, noise_shape=[None, 1])
        with tf.Session() as sess:
            out = sess.run(y)
    assert ((out != 0).all(axis=1) | (out == 0).all(axis=1)).all()


def test_same_name_is_passed_to_both_ops():
    with tf.Graph().as_default() as graph:
        y = npu_ops.dropout(tf.ones([8]), 0.5, name="drop")
        mask_op = graph.get_operation_by_name("drop")
        assert mask_op.get_attr("_ascend_op_type") == b"DropOutGenMask"
        assert y.op.name == "drop_1"
        assert y.op.get_attr("_ascend_op_type") == b"DropOutDoMask"


def test_mask_is_upstream_sized_bit_mask():
    with tf.Graph().as_default() as graph:
        npu_ops.dropout(tf.ones([1000]), 0.5)
        mask = graph.get_operation_by_name("DropOutGenMask").outputs[0]
        assert mask.dtype == tf.uint8
        assert mask.shape.as_list() == [math.ceil(1000 / 128) * 16]
