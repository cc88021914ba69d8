"""``tf.contrib.rnn`` cells that TF 2.15 does not export, with TF 1.15's math and variable names.

* ``LSTMBlockCell``: the fused-kernel LSTM cell; same gates (i, j, f, o), ``forget_bias``, clipping
  and peepholes as ``LSTMCell`` and the same variables (``kernel``, ``bias``, ``w_*_diag``), so it
  is ``LSTMCell`` with LSTMBlockCell's arguments.
* ``LSTMBlockFusedCell``: a whole time-major sequence in TF's ``BlockLSTM`` kernel (the kernel TF
  1.15 used, still in TF 2.15 with its gradient).
* ``GRUBlockCell`` / ``GRUBlockCellV2``: ``GRUCell``'s math; variables ``w_ru``/``b_ru``/``w_c``/
  ``b_c`` (V1) or ``gates/...``/``candidate/...`` (V2).
* ``LayerNormBasicLSTMCell``: basic LSTM with layer normalisation of each gate and the cell state,
  and optional recurrent dropout of the candidate (Ba et al. 2016; Semeniuta et al. 2016).
* ``InputProjectionWrapper``, ``OutputProjectionWrapper``, ``EmbeddingWrapper``.
"""
import logging
import math

import tensorflow.compat.v1 as tf
from tensorflow.python.framework import tensor_shape
from tensorflow.python.ops import gen_rnn_ops

_log = logging.getLogger("npu_bridge")
_cells = tf.nn.rnn_cell


class LSTMBlockCell(_cells.LSTMCell):
    """LSTM cell with TF 1.15 ``LSTMBlockCell``'s arguments (``cell_clip=None``: no clipping)."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, dtype=None, reuse=None,
                 name="lstm_cell"):
        super().__init__(num_units, use_peepholes=use_peephole, cell_clip=cell_clip, forget_bias=forget_bias,
                         state_is_tuple=True, reuse=reuse, name=name, dtype=dtype)


class GRUBlockCell(_cells.GRUCell):
    """GRU cell with TF 1.15 ``GRUBlockCell``'s arguments and variable names (``w_ru``, ``b_ru``, ``w_c``, ``b_c``)."""

    _NAMES = ("w_ru", "b_ru", "w_c", "b_c")

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        if num_units is None:
            if cell_size is None:
                raise ValueError("Require num_units to be set")
            _log.warning("GRUBlockCell: cell_size is deprecated, use num_units instead")
            num_units = cell_size
        super().__init__(num_units, reuse=reuse, name=name)

    def build(self, inputs_shape):
        input_size = tensor_shape.dimension_value(tensor_shape.TensorShape(inputs_shape)[-1])
        if input_size is None:
            raise ValueError("Expecting input_size to be set.")
        units = self._num_units
        gate_kernel, gate_bias, candidate_kernel, candidate_bias = self._NAMES
        self._gate_kernel = self.add_weight(gate_kernel, shape=[input_size + units, 2 * units])
        self._gate_bias = self.add_weight(gate_bias, shape=[2 * units], initializer=tf.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight(candidate_kernel, shape=[input_size + units, units])
        self._candidate_bias = self.add_weight(candidate_bias, shape=[units], initializer=tf.constant_initializer(0.0))
        self.built = True


class GRUBlockCellV2(GRUBlockCell):
    """``GRUBlockCell`` with ``GRUCell``'s variable names (``gates/kernel`` ... ``candidate/bias``)."""

    _NAMES = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")


class LSTMBlockFusedCell(tf.layers.Layer):
    """Run a whole ``[time, batch, input]`` sequence through TF's ``BlockLSTM`` kernel.

    ``cell(inputs, initial_state=None, dtype=None, sequence_length=None)`` returns
    ``(outputs [time, batch, num_units], LSTMStateTuple(c, h))``; with ``sequence_length`` the outputs
    past each length are zero and the final state is the one at that length.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, reuse=None, dtype=None,
                 name="lstm_fused_cell"):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else -1
        self._use_peephole = use_peephole
        self.input_spec = tf.layers.InputSpec(ndim=3)

    @property
    def num_units(self):
        return self._num_units

    def build(self, input_shape):
        input_size = tensor_shape.dimension_value(tensor_shape.TensorShape(input_shape)[2])
        units = self._num_units
        self._kernel = self.add_weight("kernel", [input_size + units, units * 4])
        self._bias = self.add_weight("bias", [units * 4], initializer=tf.constant_initializer(0.0))
        if self._use_peephole:
            self._w_i_diag = self.add_weight("w_i_diag", [units])
            self._w_f_diag = self.add_weight("w_f_diag", [units])
            self._w_o_diag = self.add_weight("w_o_diag", [units])
        self.built = True

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        is_list = isinstance(inputs, list)
        if is_list:
            inputs = tf.stack(inputs)
        shape = inputs.get_shape().with_rank(3)
        if not tensor_shape.dimension_value(shape[2]):
            raise ValueError(f"Expecting inputs_shape[2] to be set: {shape}")
        time_len = tensor_shape.dimension_value(shape[0])
        time_len = time_len if time_len is not None else tf.shape(inputs)[0]
        batch_size = tensor_shape.dimension_value(shape[1])
        batch_size = batch_size if batch_size is not None else tf.shape(inputs)[1]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            zeros = tf.zeros(tf.stack([batch_size, self._num_units]), dtype=dtype)
            initial_state = (zeros, zeros)
        elif len(initial_state) != 2:
            raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
        dtype = dtype or initial_state[0].dtype
        c0, h0 = initial_state
        if self._use_peephole:
            wci, wcf, wco = self._w_i_diag, self._w_f_diag, self._w_o_diag
        else:
            wci = wcf = wco = tf.zeros([self._num_units], dtype=dtype)
        if sequence_length is None:
            max_len = tf.cast(time_len, tf.int64)
        else:
            sequence_length = tf.convert_to_tensor(sequence_length)
            max_len = tf.cast(tf.reduce_max(sequence_length), tf.int64)
        _, states, _, _, _, _, outputs = gen_rnn_ops.block_lstm(
            seq_len_max=max_len, x=inputs, cs_prev=c0, h_prev=h0, w=self._kernel, wci=wci, wcf=wcf, wco=wco,
            b=self._bias, forget_bias=self._forget_bias, cell_clip=self._cell_clip, use_peephole=self._use_peephole)
        if sequence_length is None:
            final_c, final_h = states[-1], outputs[-1]
        else:
            mask = tf.transpose(tf.sequence_mask(sequence_length, time_len, dtype=dtype), [1, 0])
            outputs *= tf.expand_dims(mask, -1)
            # Index t = length in [initial state, step 1, ..., step T].
            where = tf.stack([tf.cast(sequence_length, tf.int32), tf.range(batch_size)], axis=1)
            final_c = tf.gather_nd(tf.concat([c0[None], states], 0), where)
            final_h = tf.gather_nd(tf.concat([h0[None], outputs], 0), where)
        if is_list:
            outputs = tf.unstack(outputs)
        return outputs, _cells.LSTMStateTuple(final_c, final_h)


class LayerNormBasicLSTMCell(_cells.RNNCell):
    """Basic LSTM with layer normalisation of the four gates (scopes ``input``, ``transform``,
    ``forget``, ``output``) and of the new cell state (``state``), each with ``gamma``/``beta``
    initialised to ``norm_gain``/``norm_shift``; the gate projection ``kernel`` has no bias when
    normalising.  ``dropout_keep_prob`` < 1 (or a tensor) drops the candidate ``g`` (recurrent dropout)."""

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=tf.tanh, layer_norm=True,
                 norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        if input_size is not None:
            _log.warning("%s: The input_size parameter is deprecated.", self)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._reuse = reuse

    @property
    def state_size(self):
        return _cells.LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def _norm(self, inputs, scope, dtype):
        from tf_slim.layers import layers as slim_layers

        shape = inputs.get_shape()[-1:]
        with tf.variable_scope(scope):
            tf.get_variable("gamma", shape=shape, initializer=tf.constant_initializer(self._norm_gain), dtype=dtype)
            tf.get_variable("beta", shape=shape, initializer=tf.constant_initializer(self._norm_shift), dtype=dtype)
        return slim_layers.layer_norm(inputs, reuse=True, scope=scope)

    def _linear(self, args):
        out_size = 4 * self._num_units
        kernel = tf.get_variable("kernel", [args.get_shape()[-1], out_size], dtype=args.dtype)
        out = tf.matmul(args, kernel)
        if not self._layer_norm:
            out = tf.nn.bias_add(out, tf.get_variable("bias", [out_size], dtype=args.dtype))
        return out

    def call(self, inputs, state):
        c, h = state
        args = tf.concat([inputs, h], 1)
        dtype = args.dtype
        i, j, f, o = tf.split(self._linear(args), 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(gate, scope, dtype) for gate, scope in
                          zip((i, j, f, o), ("input", "transform", "forget", "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = tf.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, _cells.LSTMStateTuple(new_c, new_h)


class _ProjectionWrapperBase(_cells.RNNCell):
    def __init__(self, cell, num_proj, activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        if not callable(cell) or not hasattr(cell, "state_size"):
            raise TypeError(f"The parameter cell is not RNNCell: {cell!r}")
        self._cell = cell
        self._num_proj = num_proj
        self._activation = activation

    @property
    def state_size(self):
        return self._cell.state_size

    def zero_state(self, batch_size, dtype):
        with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)

    def _project(self, value):
        kernel = tf.get_variable("kernel", [value.get_shape()[-1], self._num_proj], dtype=value.dtype)
        bias = tf.get_variable("bias", [self._num_proj], dtype=value.dtype, initializer=tf.zeros_initializer())
        projected = tf.nn.bias_add(tf.matmul(value, kernel), bias)
        return self._activation(projected) if self._activation else projected


class InputProjectionWrapper(_ProjectionWrapperBase):
    """Project the inputs to ``num_proj`` (``kernel``/``bias``, optional activation) before ``cell``."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        if input_size is not None:
            _log.warning("%s: The input_size parameter is deprecated.", type(self).__name__)
        super().__init__(cell, num_proj, activation, reuse)

    @property
    def output_size(self):
        return self._cell.output_size

    def call(self, inputs, state):
        return self._cell(self._project(inputs), state)


class OutputProjectionWrapper(_ProjectionWrapperBase):
    """Project ``cell``'s output to ``output_size`` (``kernel``/``bias``, optional activation)."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        super().__init__(cell, output_size, activation, reuse)

    @property
    def output_size(self):
        return self._num_proj

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        return self._project(output), new_state


class EmbeddingWrapper(_cells.RNNCell):
    """Embed integer inputs (``embedding`` variable ``[embedding_classes, embedding_size]``, uniform
    ±√3 by default) before ``cell``."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(_reuse=reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._cell = cell
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)

    def call(self, inputs, state):
        initializer = self._initializer or tf.get_variable_scope().initializer
        if initializer is None:
            initializer = tf.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
        dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
        embedding = tf.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                    initializer=initializer, dtype=dtype)
        embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
        return self._cell(embedded, state)
