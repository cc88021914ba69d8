"""tf.contrib.crf against brute-force enumeration; tf.contrib.image transforms against numpy."""
import itertools
import math

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib

contrib.install()
crf = tf.contrib.crf
B, T, K = 3, 4, 3


@pytest.fixture
def sess():
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        yield session


def problem(seed=0):
    rng = np.random.RandomState(seed)
    return (rng.randn(B, T, K).astype(np.float32), rng.randn(K, K).astype(np.float32),
            np.array([4, 2, 1], np.int32), rng.randint(0, K, size=(B, T)).astype(np.int32))


def score(unary, trans, tags, n):
    return sum(unary[t, tags[t]] for t in range(n)) + sum(trans[tags[t - 1], tags[t]] for t in range(1, n))


def brute(unary, trans, n):
    """(log partition, best tags, best score) by enumerating every tag sequence of length n."""
    scores = {tags: score(unary, trans, tags, n) for tags in itertools.product(range(K), repeat=n)}
    best = max(scores, key=scores.get)
    log_z = math.log(sum(math.exp(s) for s in scores.values()))
    return log_z, list(best), scores[best]


def test_log_likelihood_matches_enumeration(sess):
    unary, trans, lengths, tags = problem()
    ll, trans_out = crf.crf_log_likelihood(tf.constant(unary), tf.constant(tags), tf.constant(lengths),
                                           tf.constant(trans))
    seq_scores = crf.crf_sequence_score(tf.constant(unary), tf.constant(tags), tf.constant(lengths),
                                        tf.constant(trans))
    got, got_scores = sess.run([ll, seq_scores])
    for b in range(B):
        log_z = brute(unary[b], trans, lengths[b])[0]
        expected_score = score(unary[b], trans, tags[b], lengths[b])
        assert got_scores[b] == pytest.approx(expected_score, rel=1e-5, abs=1e-5)
        assert got[b] == pytest.approx(expected_score - log_z, rel=1e-5, abs=1e-5)


def test_log_likelihood_creates_transitions_and_trains(sess):
    unary, _, lengths, tags = problem(1)
    inputs = tf.Variable(unary)
    ll, transitions = crf.crf_log_likelihood(inputs, tf.constant(tags), tf.constant(lengths))
    assert transitions.op.name == "transitions" and transitions.shape.as_list() == [K, K]
    train = tf.train.GradientDescentOptimizer(0.5).minimize(-tf.reduce_mean(ll))
    sess.run(tf.global_variables_initializer())
    before = sess.run(tf.reduce_mean(ll))
    for _ in range(20):
        sess.run(train)
    assert sess.run(tf.reduce_mean(ll)) > before


def test_decode_matches_enumeration_and_viterbi(sess):
    unary, trans, lengths, _ = problem(2)
    tags, best = sess.run(crf.crf_decode(tf.constant(unary), tf.constant(trans), tf.constant(lengths)))
    for b in range(B):
        n = lengths[b]
        _, expected_tags, expected_score = brute(unary[b], trans, n)
        assert tags[b, :n].tolist() == expected_tags and best[b] == pytest.approx(expected_score, rel=1e-5)
        viterbi, viterbi_score = crf.viterbi_decode(unary[b, :n], trans)
        assert list(map(int, viterbi)) == expected_tags and viterbi_score == pytest.approx(expected_score, rel=1e-5)


def test_single_step_sequences_and_zero_lengths(sess):
    unary, trans, _, tags = problem(3)
    one = unary[:, :1]
    lengths = np.array([1, 0, 1], np.int32)
    ll, _ = crf.crf_log_likelihood(tf.constant(one), tf.constant(tags[:, :1]), tf.constant(lengths),
                                   tf.constant(trans))
    decoded, best = crf.crf_decode(tf.constant(one), tf.constant(trans), tf.constant(lengths))
    got, got_tags, got_best = sess.run([ll, decoded, best])
    shifted = one[:, 0] - one[:, 0].max(1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    assert got[0] == pytest.approx(log_softmax[0, tags[0, 0]], rel=1e-5) and got[1] == 0.0
    assert got_tags[:, 0].tolist() == one[:, 0].argmax(1).tolist()
    np.testing.assert_allclose(got_best, one[:, 0].max(1))


def test_multitag_score_sums_the_allowed_sequences(sess):
    unary, trans, lengths, _ = problem(4)
    bitmap = np.zeros((B, T, K), bool)
    bitmap[..., 0] = True
    bitmap[:, 1, 1] = True  # two choices at step 1, one elsewhere
    got = sess.run(crf.crf_multitag_sequence_score(tf.constant(unary), tf.constant(bitmap), tf.constant(lengths),
                                                   tf.constant(trans)))
    for b in range(B):
        n = lengths[b]
        allowed = [s for s in itertools.product(range(K), repeat=n) if all(bitmap[b, t, s[t]] for t in range(n))]
        expected = math.log(sum(math.exp(score(unary[b], trans, s, n)) for s in allowed))
        assert got[b] == pytest.approx(expected, rel=1e-5)


def test_rotate_quarter_turn_is_rot90(sess):
    image = np.arange(25, dtype=np.float32).reshape(5, 5)
    rotated = sess.run(tf.contrib.image.rotate(tf.constant(image), math.pi / 2))
    np.testing.assert_array_equal(rotated, np.rot90(image))
    batch = np.stack([image[..., None], image[..., None]])
    out = sess.run(tf.contrib.image.rotate(tf.constant(batch), [0.0, math.pi]))
    np.testing.assert_array_equal(out[0, ..., 0], image)
    np.testing.assert_array_equal(out[1, ..., 0], image[::-1, ::-1])


def test_translate_fills_with_zeros_and_compose(sess):
    image = np.arange(12, dtype=np.float32).reshape(3, 4, 1)
    shifted = sess.run(tf.contrib.image.translate(tf.constant(image), [1.0, 0.0]))[..., 0]
    expected = np.zeros((3, 4), np.float32)
    expected[:, 1:] = image[:, :3, 0]
    np.testing.assert_array_equal(shifted, expected)
    to_proj = tf.contrib.image.translations_to_projective_transforms
    composed = tf.contrib.image.compose_transforms(to_proj([1.0, 2.0]), to_proj([0.5, -1.0]))
    np.testing.assert_allclose(sess.run(composed), sess.run(to_proj([1.5, 1.0])), atol=1e-6)


def test_transform_gradient_flows_to_the_images(sess):
    image = tf.Variable(np.ones((1, 4, 4, 1), np.float32))
    out = tf.contrib.image.transform(image, [1, 0, 0.5, 0, 1, 0, 0, 0], interpolation="BILINEAR")
    (grad,) = tf.gradients(tf.reduce_sum(out), [image])
    sess.run(tf.global_variables_initializer())
    assert np.abs(sess.run(grad)).sum() > 0
    with pytest.raises(TypeError, match="Images should have rank between 2 and 4"):
        tf.contrib.image.transform(tf.zeros([2]), [1, 0, 0, 0, 1, 0, 0, 0])
