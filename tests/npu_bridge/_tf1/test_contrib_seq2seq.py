"""tf.contrib.seq2seq / legacy_seq2seq: losses against numpy, decoding against dynamic_rnn."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib

contrib.install()
seq2seq = tf.contrib.seq2seq
B, T, C = 3, 4, 5


@pytest.fixture
def sess():
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        tf.set_random_seed(1)
        yield session


def data(seed=0):
    rng = np.random.RandomState(seed)
    logits = rng.randn(B, T, C).astype(np.float32)
    targets = rng.randint(0, C, size=(B, T)).astype(np.int32)
    weights = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0.5, 1, 1, 0]], np.float32)
    return logits, targets, weights


def crossent(logits, targets):
    shifted = logits - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, targets[..., None], -1)[..., 0]


@pytest.mark.parametrize("flags, reduce", [
    (dict(), lambda l, w: (l * w).sum() / w.sum()),
    (dict(average_across_batch=False), lambda l, w: (l * w).sum(1) / w.sum(1)),
    (dict(average_across_timesteps=False), lambda l, w: (l * w).sum(0) / w.sum(0)),
    (dict(average_across_timesteps=False, average_across_batch=False), lambda l, w: l * w),
    (dict(average_across_timesteps=False, average_across_batch=False, sum_over_timesteps=True,
          sum_over_batch=True), lambda l, w: (l * w).sum() / np.count_nonzero(w)),
    (dict(average_across_timesteps=False, average_across_batch=False, sum_over_timesteps=True),
     lambda l, w: (l * w).sum(1) / np.count_nonzero(w, 1)),
])
def test_sequence_loss_reductions(sess, flags, reduce):
    logits, targets, weights = data()
    loss = seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights), **flags)
    np.testing.assert_allclose(sess.run(loss), reduce(crossent(logits, targets), weights), rtol=1e-5)


def test_sequence_loss_all_zero_weights_is_zero_and_custom_loss_function(sess):
    logits, targets, weights = data()
    zero = seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.zeros([B, T]))
    assert sess.run(zero) == 0.0
    calls = []

    def loss_fn(labels, logits):
        calls.append(labels.shape.as_list())
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits) * 2

    doubled = seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                    softmax_loss_function=loss_fn)
    plain = seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights))
    assert calls == [[B * T]]
    assert sess.run(doubled) == pytest.approx(2 * sess.run(plain), rel=1e-6)


@pytest.mark.parametrize("flags, message", [
    (dict(sum_over_timesteps=True), "average_across_timesteps and sum_over_timesteps"),
    (dict(average_across_timesteps=False, sum_over_timesteps=True), "average_across_batch and sum_over_timesteps"),
    (dict(average_across_batch=False, sum_over_batch=True), "sum_over_batch and average_across_timesteps"),
])
def test_sequence_loss_conflicting_flags(flags, message):
    logits, targets, weights = data()
    with pytest.raises(ValueError, match=message):
        seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights), **flags)
    with pytest.raises(ValueError, match="Logits must be a"):
        seq2seq.sequence_loss(tf.constant(logits[0]), tf.constant(targets), tf.constant(weights))


def test_legacy_sequence_losses(sess):
    logits, targets, weights = data(1)
    lists = [[tf.constant(a[:, t]) for t in range(T)] for a in (logits, targets, weights)]
    per_example = tf.contrib.legacy_seq2seq.sequence_loss_by_example(*lists)
    total = tf.contrib.legacy_seq2seq.sequence_loss(*lists)
    losses = crossent(logits, targets) * weights
    expected = losses.sum(1) / (weights.sum(1) + 1e-12)
    np.testing.assert_allclose(sess.run(per_example), expected, rtol=1e-5)
    assert sess.run(total) == pytest.approx(expected.sum() / B, rel=1e-5)
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the same"):
        tf.contrib.legacy_seq2seq.sequence_loss_by_example(lists[0], lists[1][:2], lists[2])


def test_tile_batch_and_hardmax(sess):
    t = tf.constant([[1, 2], [3, 4]])
    tiled = seq2seq.tile_batch({"a": t, "b": tf.constant([7, 8])}, 3)
    assert tiled["a"].shape.as_list() == [6, 2]
    np.testing.assert_array_equal(sess.run(tiled["b"]), [7, 7, 7, 8, 8, 8])
    np.testing.assert_array_equal(sess.run(seq2seq.hardmax(tf.constant([[0.1, 3.0, -1.0]]))), [[0, 1, 0]])


def test_training_helper_decoding_equals_dynamic_rnn_with_the_output_layer(sess):
    x = np.random.RandomState(2).randn(B, T, 3).astype(np.float32)
    lengths = np.array([4, 2, 3], np.int32)
    cell = tf.nn.rnn_cell.GRUCell(6)
    layer = tf.layers.Dense(C, name="proj")
    helper = seq2seq.TrainingHelper(tf.constant(x), tf.constant(lengths))
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer=layer)
    outputs, state, out_lengths = seq2seq.dynamic_decode(decoder, impute_finished=True)
    reference, ref_state = tf.nn.dynamic_rnn(cell, tf.constant(x), sequence_length=lengths, dtype=tf.float32)
    mask = tf.sequence_mask(lengths, T, dtype=tf.float32)[..., None]
    ref_logits = layer(reference) * mask
    sess.run(tf.global_variables_initializer())
    got, want, got_state, want_state, got_lengths, ids = sess.run(
        [outputs.rnn_output, ref_logits, state, ref_state, out_lengths, outputs.sample_id])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got_lengths, lengths)
    assert ids.shape == (B, T)
    assert isinstance(outputs, seq2seq.BasicDecoderOutput)


def test_greedy_decoding_stops_at_the_end_token(sess):
    embedding = tf.constant(np.random.RandomState(3).randn(C, 4).astype(np.float32))
    cell = tf.nn.rnn_cell.GRUCell(8)
    helper = seq2seq.GreedyEmbeddingHelper(embedding, start_tokens=tf.fill([B], 0), end_token=1)
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer=tf.layers.Dense(C))
    outputs, _, lengths = seq2seq.dynamic_decode(decoder, maximum_iterations=12, impute_finished=True,
                                                 output_time_major=True)
    sess.run(tf.global_variables_initializer())
    logits, ids, lens = sess.run([outputs.rnn_output, outputs.sample_id, lengths])
    assert logits.shape[1] == B and ids.shape[0] == logits.shape[0] <= 12
    for b in range(B):
        n = lens[b]
        np.testing.assert_array_equal(ids[:n, b], logits[:n, b].argmax(-1))
        ends = np.flatnonzero(ids[:n, b] == 1)
        assert (ends.size and ends[0] == n - 1) or (not ends.size and n == 12)
        assert (logits[n:, b] == 0).all()
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        seq2seq.GreedyEmbeddingHelper(embedding, start_tokens=0, end_token=1)


def test_custom_and_inference_helpers(sess):
    start = tf.zeros([B, 2])
    helper = seq2seq.InferenceHelper(sample_fn=lambda outputs: outputs, sample_shape=[2], sample_dtype=tf.float32,
                                     start_inputs=start, end_fn=lambda sample: tf.reduce_all(sample > 100.0, -1))
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32))
    outputs, _, lengths = seq2seq.dynamic_decode(decoder, maximum_iterations=3)
    sess.run(tf.global_variables_initializer())
    out, ids, lens = sess.run([outputs.rnn_output, outputs.sample_id, lengths])
    np.testing.assert_allclose(out, ids)  # the sample is the output itself
    np.testing.assert_array_equal(lens, [3, 3, 3])
    custom = seq2seq.CustomHelper(lambda: (tf.fill([B], False), start), lambda time, outputs, state: tf.zeros([B], tf.int32),
                                  lambda time, outputs, state, sample_ids: (tf.fill([B], True), start, state))
    with pytest.raises(ValueError, match="batch_size accessed before initialize"):
        custom.batch_size  # pylint: disable=pointless-statement
    assert sess.run(seq2seq.dynamic_decode(seq2seq.BasicDecoder(cell, custom, cell.zero_state(B, tf.float32)))[2]
                    ).tolist() == [1, 1, 1]


def test_legacy_rnn_decoder_reuses_the_cell_variables(sess):
    cell = tf.nn.rnn_cell.GRUCell(3)
    steps = [tf.ones([2, 4]) * k for k in range(3)]
    outputs, state = tf.contrib.legacy_seq2seq.rnn_decoder(steps, cell.zero_state(2, tf.float32), cell)
    assert len(outputs) == 3 and state.shape.as_list() == [2, 3]
    assert all(v.op.name.startswith("rnn_decoder/gru_cell/") for v in tf.global_variables())
    assert len(tf.global_variables()) == 4
