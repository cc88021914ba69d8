"""``tf.contrib.crf``: linear-chain conditional random field (TF 1.15 semantics).

``inputs``/``potentials`` are unary scores ``[batch, time, num_tags]``, ``transition_params`` is
``[num_tags, num_tags]`` (score of tag i followed by tag j).  A sequence's score is the sum of its
unary scores and transitions up to its length; the log-partition function comes from the forward
algorithm; ``crf_decode`` (graph) and ``viterbi_decode`` (numpy) find the best tag sequence.
Sequences of length 0 score 0.  A max length of 1 skips the recurrences, as TF 1.15 did.
"""
import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import smart_cond, tensor_shape

_RNNCell = tf.nn.rnn_cell.RNNCell


def _is_single_step(tensor):
    return tf.equal(tensor_shape.dimension_value(tensor.shape[1]) or tf.shape(tensor)[1], 1)


def _zero_if_empty(values, sequence_lengths):
    return tf.where(tf.less_equal(sequence_lengths, 0), tf.zeros_like(values), values)


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """Sum over each sequence of the unary score of its tag at every step."""
    picked = tf.gather(inputs, tag_indices, batch_dims=2)  # inputs[b, t, tag_indices[b, t]]
    masks = tf.sequence_mask(sequence_lengths, maxlen=tf.shape(tag_indices)[1], dtype=tf.float32)
    return tf.reduce_sum(picked * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """Sum over each sequence of ``transition_params[tag[t-1], tag[t]]`` for 1 <= t < length."""
    num_tags = tensor_shape.dimension_value(transition_params.get_shape()[0])
    transitions = tf.shape(tag_indices)[1] - 1
    start = tf.slice(tag_indices, [0, 0], [-1, transitions])
    end = tf.slice(tag_indices, [0, 1], [-1, transitions])
    scores = tf.gather(tf.reshape(transition_params, [-1]), start * num_tags + end)
    masks = tf.sequence_mask(sequence_lengths, maxlen=tf.shape(tag_indices)[1], dtype=tf.float32)
    return tf.reduce_sum(scores * tf.slice(masks, [0, 1], [-1, -1]), 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """Unnormalised score of ``tag_indices`` ``[batch, time]``: unary + transition scores."""
    def single():
        batch = tf.shape(inputs, out_type=tag_indices.dtype)[0]
        rows = tf.reshape(tf.range(batch, dtype=tag_indices.dtype), [-1, 1])
        scores = tf.gather_nd(tf.squeeze(inputs, [1]), tf.concat([rows, tag_indices], axis=1))
        return _zero_if_empty(scores, sequence_lengths)

    def multi():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))

    return smart_cond.smart_cond(_is_single_step(inputs), single, multi)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """Log of the summed scores of every tag sequence allowed by ``tag_bitmap`` ``[batch, time, num_tags]``."""
    filtered = tf.where(tag_bitmap, inputs, tf.fill(tf.shape(inputs), float("-inf")))
    return smart_cond.smart_cond(
        _is_single_step(inputs), lambda: tf.reduce_logsumexp(tf.squeeze(filtered, [1]), axis=1),
        lambda: crf_log_norm(filtered, sequence_lengths, transition_params))


class _TransitionCell(_RNNCell):
    """An RNN cell over tag scores with a [num_tags, num_tags] transition matrix (state and output: num_tags)."""

    def __init__(self, transition_params):
        super().__init__()
        self._transition_params = tf.expand_dims(transition_params, 0)
        self._num_tags = tensor_shape.dimension_value(transition_params.shape[0])

    @property
    def state_size(self):
        return self._num_tags

    @property
    def output_size(self):
        return self._num_tags


class CrfForwardRnnCell(_TransitionCell):
    """One step of the forward algorithm: ``alpha_t = x_t + logsumexp_i(alpha_{t-1}[i] + T[i, :])``."""

    def __call__(self, inputs, state, scope=None):
        alphas = inputs + tf.reduce_logsumexp(tf.expand_dims(state, 2) + self._transition_params, [1])
        return alphas, alphas


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """Log-partition function of each sequence (forward algorithm over its length)."""
    first = tf.squeeze(tf.slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])

    def single():
        return _zero_if_empty(tf.reduce_logsumexp(first, [1]), sequence_lengths)

    def multi():
        rest = tf.slice(inputs, [0, 1, 0], [-1, -1, -1])
        steps = tf.maximum(tf.constant(0, dtype=sequence_lengths.dtype), sequence_lengths - 1)
        _, alphas = tf.nn.dynamic_rnn(CrfForwardRnnCell(transition_params), rest, sequence_length=steps,
                                      initial_state=first, dtype=tf.float32)
        return _zero_if_empty(tf.reduce_logsumexp(alphas, [1]), sequence_lengths)

    return smart_cond.smart_cond(_is_single_step(inputs), single, multi)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """``(log_likelihood [batch], transition_params)``; creates the variable ``transitions``
    ``[num_tags, num_tags]`` in the current variable scope when ``transition_params`` is None."""
    num_tags = tensor_shape.dimension_value(inputs.shape[2])
    if transition_params is None:
        transition_params = tf.get_variable("transitions", [num_tags, num_tags])
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    return scores - crf_log_norm(inputs, sequence_lengths, transition_params), transition_params


def viterbi_decode(score, transition_params):
    """Best tag sequence of one ``[time, num_tags]`` score matrix (numpy): ``(tags list, best score)``."""
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        candidates = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(candidates, 0)
        backpointers[t] = np.argmax(candidates, 0)
    best = [np.argmax(trellis[-1])]
    for pointers in reversed(backpointers[1:]):
        best.append(pointers[best[-1]])
    best.reverse()
    return best, np.max(trellis[-1])


class CrfDecodeForwardRnnCell(_TransitionCell):
    """Viterbi forward step: emits the back-pointers ``[batch, num_tags]`` (int32), carries the best scores."""

    def __call__(self, inputs, state, scope=None):
        scores = tf.expand_dims(state, 2) + self._transition_params
        return tf.cast(tf.argmax(scores, 1), tf.int32), inputs + tf.reduce_max(scores, [1])


class CrfDecodeBackwardRnnCell(_RNNCell):
    """Viterbi backward step: follows the back-pointers from the current tag ``[batch, 1]``."""

    def __init__(self, num_tags):
        super().__init__()
        self._num_tags = num_tags

    @property
    def state_size(self):
        return 1

    @property
    def output_size(self):
        return 1

    def __call__(self, inputs, state, scope=None):
        state = tf.squeeze(state, axis=[1])
        indices = tf.stack([tf.range(tf.shape(inputs)[0]), state], axis=1)
        tags = tf.expand_dims(tf.gather_nd(inputs, indices), axis=-1)
        return tags, tags


def crf_decode(potentials, transition_params, sequence_length):
    """Viterbi decoding in the graph: ``(decode_tags [batch, time] int32, best_score [batch])``."""
    def single():
        squeezed = tf.squeeze(potentials, [1])
        tags = tf.expand_dims(tf.argmax(squeezed, axis=1), 1)
        return tf.cast(tags, tf.int32), tf.reduce_max(squeezed, axis=1)

    def multi():
        num_tags = tensor_shape.dimension_value(potentials.shape[2])
        first = tf.squeeze(tf.slice(potentials, [0, 0, 0], [-1, 1, -1]), axis=[1])
        rest = tf.slice(potentials, [0, 1, 0], [-1, -1, -1])
        steps = tf.maximum(tf.constant(0, dtype=sequence_length.dtype), sequence_length - 1)
        backpointers, last_score = tf.nn.dynamic_rnn(CrfDecodeForwardRnnCell(transition_params), rest,
                                                     sequence_length=steps, initial_state=first, dtype=tf.int32)
        backpointers = tf.reverse_sequence(backpointers, steps, seq_axis=1)
        last_tag = tf.expand_dims(tf.cast(tf.argmax(last_score, axis=1), tf.int32), axis=-1)
        tags, _ = tf.nn.dynamic_rnn(CrfDecodeBackwardRnnCell(num_tags), backpointers, sequence_length=steps,
                                    initial_state=last_tag, dtype=tf.int32)
        tags = tf.concat([last_tag, tf.squeeze(tags, axis=[2])], axis=1)
        return tf.reverse_sequence(tags, sequence_length, seq_axis=1), tf.reduce_max(last_score, axis=1)

    return smart_cond.smart_cond(_is_single_step(potentials), single, multi)
