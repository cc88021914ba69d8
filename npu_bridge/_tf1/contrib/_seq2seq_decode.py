"""``tf.contrib.seq2seq`` decoding: ``Decoder``/``BasicDecoder`` and ``dynamic_decode`` (TF 1.15
semantics; the helpers are in ``_seq2seq_helpers``; attention and beam search are not provided).

``dynamic_decode`` calls ``decoder.step`` in a ``while_loop`` until every batch entry is finished
(or ``maximum_iterations``), records each entry's length (the step at which it finished, counted
from 1), and with ``impute_finished`` zeroes outputs and freezes states of finished entries.
"""
import abc
import collections

import tensorflow.compat.v1 as tf
from tensorflow.python.framework import tensor_shape, tensor_util
from tensorflow.python.ops import rnn
from tensorflow.python.util import nest

from npu_bridge._tf1.contrib._seq2seq_helpers import Helper


def _transpose_batch_time(value):
    return rnn._transpose_batch_time(value)  # pylint: disable=protected-access


class Decoder(metaclass=abc.ABCMeta):
    """What ``dynamic_decode`` drives: ``initialize()`` then ``step(time, inputs, state)``."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    @abc.abstractmethod
    def initialize(self, name=None):
        """``(finished, initial_inputs, initial_state)``."""

    @abc.abstractmethod
    def step(self, time, inputs, state, name=None):
        """``(outputs, next_state, next_inputs, finished)``."""

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        return False


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
    pass


class BasicDecoder(Decoder):
    """Run ``cell`` (then ``output_layer``) each step; ``helper`` picks the sample and the next input."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if not callable(cell) or not hasattr(cell, "output_size"):
            raise TypeError(f"The parameter cell is not RNNCell: {cell!r}")
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not hasattr(output_layer, "compute_output_shape"):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        unknown_batch = nest.map_structure(lambda s: tensor_shape.TensorShape([None]).concatenate(s), size)
        layer_shape = self._output_layer.compute_output_shape(unknown_batch)
        return nest.map_structure(lambda s: s[1:], layer_shape)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(), sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with tf.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


def _zero_outputs(size, dtype, batch_size):
    batch = tf.reshape(tf.convert_to_tensor(batch_size, dtype=tf.int32), [1])

    def zeros(s, d):
        dims = tf.constant(tensor_shape.TensorShape(s).as_list(), dtype=tf.int32)
        return tf.zeros(tf.concat([batch, dims], 0), dtype=d)
    return nest.map_structure(zeros, size, dtype)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False, maximum_iterations=None,
                   parallel_iterations=32, swap_memory=False, scope=None):
    """Decode until every entry is finished; returns ``(final_outputs, final_state, final_sequence_lengths)``
    with outputs ``[batch, time, ...]`` (``[time, batch, ...]`` if ``output_time_major``)."""
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with tf.variable_scope(scope, "decoder") as varscope:
        if varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)
        if maximum_iterations is not None:
            maximum_iterations = tf.convert_to_tensor(maximum_iterations, dtype=tf.int32, name="maximum_iterations")
            if maximum_iterations.get_shape().ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = _zero_outputs(decoder.output_size, decoder.output_dtype, decoder.batch_size)
        if maximum_iterations is not None:
            initial_finished = tf.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_lengths = tf.zeros_like(initial_finished, dtype=tf.int32)
        batch = tensor_util.constant_value(tf.convert_to_tensor(decoder.batch_size, name="batch_size"))

        def make_ta(size, dtype):
            shape = None
            if isinstance(size, tensor_shape.TensorShape) and size.ndims != 0:
                shape = tensor_shape.TensorShape([batch]).concatenate(size)
            return tf.TensorArray(dtype=dtype, size=0, dynamic_size=True, element_shape=shape)

        initial_tas = nest.map_structure(make_ta, decoder.output_size, decoder.output_dtype)

        def condition(time, tas, state, inputs, finished, lengths):
            del time, tas, state, inputs, lengths
            return tf.logical_not(tf.reduce_all(finished))

        def body(time, tas, state, inputs, finished, lengths):
            outputs, decoder_state, next_inputs, decoder_finished = decoder.step(time, inputs, state)
            next_finished = decoder_finished if decoder.tracks_own_finished else tf.logical_or(
                decoder_finished, finished)
            next_lengths = tf.where(tf.logical_not(finished), tf.fill(tf.shape(lengths), time + 1), lengths)
            nest.assert_same_structure(state, decoder_state)
            nest.assert_same_structure(tas, outputs)
            nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                emit = nest.map_structure(lambda out, zero: tf.where(finished, zero, out), outputs, zero_outputs)

                def keep_finished(new, cur):
                    if isinstance(cur, tf.TensorArray):
                        return new
                    new.set_shape(cur.shape)
                    return new if new.shape.ndims == 0 else tf.where(finished, cur, new)

                next_state = nest.map_structure(keep_finished, decoder_state, state)
            else:
                emit, next_state = outputs, decoder_state
            tas = nest.map_structure(lambda ta, out: ta.write(time, out), tas, emit)
            return time + 1, tas, next_state, next_inputs, next_finished, next_lengths

        result = tf.while_loop(
            condition, body,
            loop_vars=(tf.constant(0, dtype=tf.int32), initial_tas, initial_state, initial_inputs, initial_finished,
                       initial_lengths),
            parallel_iterations=parallel_iterations, maximum_iterations=maximum_iterations, swap_memory=swap_memory)
        final_state, final_lengths = result[2], result[5]
        final_outputs = nest.map_structure(lambda ta: ta.stack(), result[1])
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths
