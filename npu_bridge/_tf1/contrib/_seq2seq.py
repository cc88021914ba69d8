"""``tf.contrib.seq2seq`` losses and helpers, and ``tf.contrib.legacy_seq2seq`` basics (TF 1.15 semantics)."""
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import tensor_shape
from tensorflow.python.util import nest


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  sum_over_timesteps=False, sum_over_batch=False, softmax_loss_function=None, name=None):
    """Weighted cross-entropy of ``logits [batch, time, classes]`` against ``targets [batch, time]``.

    ``weights [batch, time]`` multiply each step's loss.  Averaging divides by the sum of the weights
    over the reduced axes; summing (``sum_over_*``) divides by the number of non-zero weights; with
    neither, that axis is kept.  Both axes reduced gives a scalar, one gives a vector.
    """
    if len(logits.get_shape()) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.get_shape()) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.get_shape()) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")
    if average_across_batch and sum_over_timesteps:
        raise ValueError("average_across_batch and sum_over_timesteps cannot be set to True at same time "
                         "because of ambiguous order.")
    if sum_over_batch and average_across_timesteps:
        raise ValueError("sum_over_batch and average_across_timesteps cannot be set to True at same time "
                         "because of ambiguous order.")
    with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = tf.shape(logits)[2]
        flat_logits = tf.reshape(logits, [-1, num_classes])
        flat_targets = tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=flat_targets, logits=flat_logits)
        else:
            crossent = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        crossent *= tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return tf.div_no_nan(tf.reduce_sum(crossent), tf.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = tf.cast(tf.count_nonzero(weights), crossent.dtype)
            return tf.div_no_nan(tf.reduce_sum(crossent), count)
        crossent = tf.reshape(crossent, tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return tf.div_no_nan(tf.reduce_sum(crossent, axis=axis), tf.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = tf.cast(tf.count_nonzero(weights, axis=axis), crossent.dtype)
            return tf.div_no_nan(tf.reduce_sum(crossent, axis=axis), count)
        return crossent


def _tile_one(t, multiplier):
    t = tf.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    dynamic = tf.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    tiled = tf.tile(tf.expand_dims(t, 1), tiling)
    tiled = tf.reshape(tiled, tf.concat(([dynamic[0] * multiplier], dynamic[1:]), 0))
    batch = tensor_shape.dimension_value(t.shape[0])
    tiled.set_shape(tensor_shape.TensorShape([batch * multiplier if batch is not None else None])
                    .concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Repeat every batch entry of each tensor in ``t`` ``multiplier`` times, consecutively
    (``[a, b]`` → ``[a, a, b, b]``), as beam search expects."""
    flat = nest.flatten(t)
    with tf.name_scope(name, "tile_batch", flat + [multiplier]):
        return nest.map_structure(lambda one: _tile_one(one, multiplier), t)


def hardmax(logits, name=None):
    """One-hot of the arg-max along the last axis, in ``logits``' dtype."""
    with tf.name_scope(name, "Hardmax", [logits]):
        logits = tf.convert_to_tensor(logits, name="logits")
        depth = tensor_shape.dimension_value(logits.get_shape()[-1])
        if depth is None:
            depth = tf.shape(logits)[-1]
        return tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True, softmax_loss_function=None,
                             name=None):
    """legacy_seq2seq: per-example weighted cross-entropy summed over lists of per-step tensors
    (divided by the summed weights + 1e-12 when ``average_across_timesteps``)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        terms = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(target, [-1]),
                                                                          logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            terms.append(crossent * weight)
        log_perps = tf.add_n(terms)
        if average_across_timesteps:
            log_perps /= tf.add_n(weights) + 1e-12
    return log_perps


def legacy_sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                         softmax_loss_function=None, name=None):
    """legacy_seq2seq.sequence_loss: the sum of ``sequence_loss_by_example``, divided by the batch
    size when ``average_across_batch``."""
    with tf.name_scope(name, "sequence_loss", logits + targets + weights):
        cost = tf.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)
        return cost


legacy_sequence_loss.__name__ = "sequence_loss"


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """legacy_seq2seq: run ``cell`` over the list ``decoder_inputs`` from ``initial_state`` (scope
    ``rnn_decoder``); with ``loop_function``, steps after the first take ``loop_function(prev, i)``."""
    with tf.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with tf.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                tf.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state
