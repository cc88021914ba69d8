"""Upstream ``npu_bridge.estimator.npu.npu_dynamic_rnn``: Keras-style layers over the NPU RNN ops.

``DynamicRNN`` (LSTM, ops DynamicRnn / DynamicRnnV2), ``DynamicGRUV2`` (op DynamicGruV2) and
``DynamicAUGRU`` (op DynamicAUGRU), built on ``tf.layers.Layer``.  The ops are emulated with
TensorFlow ops (see :mod:`npu_bridge._ops.defs_lstm` and :mod:`npu_bridge._ops.defs_gru`) and carry
their NPU gradients, so the layers train.  Variable names and initialisers are upstream's, so
checkpoints interchange.
"""
import math

import tensorflow.compat.v1 as tf
from tensorflow.python.framework import dtypes, tensor_shape
from tensorflow.python.ops import array_ops, init_ops

from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()
base_layer = tf.layers

DYNAMIC_RNN_UNIDIRECTION = "UNIDIRECTIONAL"
DYNAMIC_RNN_BIDIRECTION = "BIDIRECTIONAL"
DYNAMIC_RNN_REDIRECTIONAL = "REDIRECTIONAL"


def _dim(shape, index):
    return tensor_shape.dimension_value(tensor_shape.as_shape(shape)[index])


class _DynamicBasic(base_layer.Layer):
    """Attributes shared by the NPU RNN layers."""

    def __init__(self, hidden_size, dtype, direction=DYNAMIC_RNN_UNIDIRECTION, cell_depth=1, keep_prob=1.0,
                 cell_clip=-1.0, num_proj=0, time_major=True, activation="tanh", is_training=True):
        super().__init__()
        self._direction = direction
        self._cell_depth = cell_depth
        self._keep_prob = keep_prob
        self._cell_clip = cell_clip
        self._num_proj = num_proj
        self._time_major = time_major
        self._activation = activation
        self._is_training = is_training
        self._hidden_size = hidden_size
        self._dtype = dtypes.as_dtype(dtype)
        self._args = {
            "direction": direction, "cell_depth": cell_depth, "keep_prob": keep_prob, "cell_clip": cell_clip,
            "num_proj": num_proj, "time_major": time_major, "activation": activation, "is_training": is_training,
        }
        self._seq_length = None
        self._init_h = None

    direction = property(lambda self: self._direction, doc="UNIDIRECTIONAL or BIDIRECTIONAL.")
    cell_depth = property(lambda self: self._cell_depth)
    keep_prob = property(lambda self: self._keep_prob)
    cell_clip = property(lambda self: self._cell_clip)
    num_proj = property(lambda self: self._num_proj)
    time_major = property(lambda self: self._time_major)
    activation = property(lambda self: self._activation)
    is_training = property(lambda self: self._is_training)

    def check_direction(self):
        """Raise ValueError unless the direction is UNIDIRECTIONAL or BIDIRECTIONAL."""
        if self._direction not in (DYNAMIC_RNN_UNIDIRECTION, DYNAMIC_RNN_BIDIRECTION):
            raise ValueError(f"Invalid direction {self._direction!r}; expected {DYNAMIC_RNN_UNIDIRECTION!r} or "
                             f"{DYNAMIC_RNN_BIDIRECTION!r}")

    def _time_batch(self, input_shape):
        t_axis, b_axis = (0, 1) if self._time_major else (1, 0)
        return _dim(input_shape, t_axis), _dim(input_shape, b_axis)

    def _input_size(self, input_shape):
        size = _dim(input_shape, 2)
        if size is None:
            raise ValueError(f"{type(self).__name__}: the input size (dimension 2 of x) must be known, got {input_shape}")
        return size

    def build(self, input_shape):
        time_size, batch_size = self._time_batch(input_shape)
        # upstream's full-length seq_length variable (kept for checkpoint compatibility; the layers
        # use a full-length vector of the actual batch instead, see _full_length)
        self._seq_length = self.add_weight(
            "dynamicbase/seq_length", shape=[batch_size or 16], dtype=dtypes.int32,
            initializer=init_ops.constant_initializer(time_size or 1, dtype=dtypes.int32), trainable=False)
        super().build(input_shape)

    def _full_length(self, x):
        shape = array_ops.shape(x)
        steps, batch = (shape[0], shape[1]) if self._time_major else (shape[1], shape[0])
        return array_ops.fill(array_ops.reshape(batch, [1]), steps)

    def _batch(self, x):
        static = _dim(x.shape, 1 if self._time_major else 0)
        return static if static is not None else array_ops.shape(x)[1 if self._time_major else 0]

    def call(self, x, seq_length=None):  # pylint: disable=arguments-differ
        """Validate the direction and record the common op arguments."""
        self.check_direction()
        self._args["x"] = x
        self._args["seq_length"] = self._full_length(x) if seq_length is None else seq_length


class _DynamicGRUBase(_DynamicBasic):
    """DynamicGRUV2 / DynamicAUGRU: weights, gate order and reset_after."""

    _prefix = ""

    def __init__(self, hidden_size, dtype, direction=DYNAMIC_RNN_UNIDIRECTION, cell_depth=1, keep_prob=1.0,
                 cell_clip=-1.0, num_proj=0, time_major=True, activation="tanh", gate_order="zrh",
                 reset_after=True, is_training=True):
        super().__init__(hidden_size, dtype, direction=direction, cell_depth=cell_depth, keep_prob=keep_prob,
                         cell_clip=cell_clip, num_proj=num_proj, time_major=time_major, activation=activation,
                         is_training=is_training)
        self._gate_order = gate_order
        self._reset_after = reset_after
        self._args["gate_order"] = gate_order
        self._args["reset_after"] = reset_after
        self._weight_input = self._weight_hidden = self._bias_input = self._bias_hidden = None

    gate_order = property(lambda self: self._gate_order, doc="'zrh' or 'rzh'.")
    reset_after = property(lambda self: self._reset_after)

    def build(self, input_shape):
        input_size = self._input_size(input_shape)
        stdv = 1.0 / math.sqrt(self._hidden_size)
        init = init_ops.random_uniform_initializer(-stdv, stdv)
        three = 3 * self._hidden_size
        add = lambda name, shape: self.add_weight(f"{self._prefix}/{name}", shape=shape, dtype=self._dtype,  # noqa
                                                  initializer=init)
        self._weight_input = add("weight_input", [input_size, three])
        self._weight_hidden = add("weight_hidden", [self._hidden_size, three])
        self._bias_input = add("bias_input", [three])
        self._bias_hidden = add("bias_hidden", [three])
        super().build(input_shape)

    def _gru_args(self, x, seq_length, init_h):
        super().call(x, seq_length=seq_length)
        if init_h is None:
            init_h = array_ops.zeros(tf.stack([self._batch(x), self._hidden_size]), dtype=self._dtype)
        self._init_h = init_h
        self._args.update(init_h=init_h, weight_input=self._weight_input, weight_hidden=self._weight_hidden,
                          bias_input=self._bias_input, bias_hidden=self._bias_hidden)
        return dict(self._args)


class DynamicGRUV2(_DynamicGRUBase):
    """GRU over a whole sequence (op DynamicGruV2); call returns (y, output_h, update, reset, new, hidden_new)."""

    _prefix = "dynamicgruv2"

    def call(self, x, seq_length=None, init_h=None):  # pylint: disable=arguments-differ
        return gen_npu_ops.dynamic_gru_v2(**self._gru_args(x, seq_length, init_h))


class DynamicAUGRU(_DynamicGRUBase):
    """Attention-update GRU (op DynamicAUGRU); ``weight_att`` [T, B] scales the update gate."""

    _prefix = "dynamicaugru"

    def call(self, x, weight_att, seq_length=None, init_h=None):  # pylint: disable=arguments-differ
        args = self._gru_args(x, seq_length, init_h)
        args["weight_att"] = weight_att
        return gen_npu_ops.dynamic_augru(**args)


class DynamicRNN(_DynamicBasic):
    """LSTM over a whole sequence (ops DynamicRnn / DynamicRnnV2).

    ``call`` returns the 8 outputs (y, output_h, output_c, i, j, f, o, tanhc), each [T, B, H]; with
    ``direction=BIDIRECTIONAL`` a forward and a REDIRECTIONAL op run and each output is stacked
    along a new axis 0 ([2, T, B, H]).
    """

    def __init__(self, hidden_size, dtype, cell_type="LSTM", direction=DYNAMIC_RNN_UNIDIRECTION, cell_depth=1,
                 use_peephole=False, keep_prob=1.0, cell_clip=-1.0, num_proj=0, time_major=True, activation="tanh",
                 forget_bias=0.0, is_training=True):
        super().__init__(hidden_size, dtype, direction=direction, cell_depth=cell_depth, keep_prob=keep_prob,
                         cell_clip=cell_clip, num_proj=num_proj, time_major=time_major, activation=activation,
                         is_training=is_training)
        self._cell_type = cell_type
        self._use_peephole = use_peephole
        self._forget_bias = forget_bias
        self._args.update(cell_type=cell_type, use_peephole=use_peephole, forget_bias=forget_bias)
        self._rnn_w = self._rnn_b = self._init_c = None

    cell_type = property(lambda self: self._cell_type)
    use_peephole = property(lambda self: self._use_peephole)
    forget_bias = property(lambda self: self._forget_bias)

    def build(self, input_shape):
        input_size = self._input_size(input_shape)
        lead = [2] if self._direction == DYNAMIC_RNN_BIDIRECTION else []
        four = 4 * self._hidden_size
        self._rnn_w = self.add_weight(
            "dynamicrnn/w", shape=lead + [input_size + self._hidden_size, four], dtype=self._dtype,
            initializer=init_ops.glorot_uniform_initializer(seed=10, dtype=self._dtype))
        self._rnn_b = self.add_weight("dynamicrnn/b", shape=lead + [four], dtype=self._dtype,
                                      initializer=init_ops.zeros_initializer(dtype=self._dtype))
        super().build(input_shape)

    def _run(self, args, seq_length, direction):
        args = dict(args, direction=direction)
        if seq_length is None:
            args.pop("seq_length")
            return list(gen_npu_ops.dynamic_rnn_v2(**args))
        return list(gen_npu_ops.dynamic_rnn(**args))

    def call(self, x, seq_length=None, init_h=None, init_c=None, weight=None, bias=None):  # pylint: disable=arguments-differ
        super().call(x, seq_length=seq_length)
        zeros = array_ops.zeros(tf.stack([1, self._batch(x), self._hidden_size]), dtype=self._dtype)
        self._init_h = zeros if init_h is None else init_h
        self._init_c = zeros if init_c is None else init_c
        weight = self._rnn_w if weight is None else weight
        bias = self._rnn_b if bias is None else bias
        args = dict(self._args)
        if self._direction != DYNAMIC_RNN_BIDIRECTION:
            args.update(w=weight, b=bias, init_h=self._init_h, init_c=self._init_c)
            return self._run(args, seq_length, DYNAMIC_RNN_UNIDIRECTION)
        outputs = []
        for k, direction in enumerate((DYNAMIC_RNN_UNIDIRECTION, DYNAMIC_RNN_REDIRECTIONAL)):
            args.update(w=weight[k], b=bias[k], init_h=_direction_state(self._init_h, k),
                        init_c=_direction_state(self._init_c, k))
            outputs.append(self._run(args, seq_length, direction))
        return [tf.stack([fw, bw], axis=0) for fw, bw in zip(*outputs)]


def _direction_state(state, k):
    """The initial state of direction ``k``: ``state[k:k+1]`` when it holds one per direction ([2, B, H])."""
    state = tf.convert_to_tensor(state)
    if state.shape.rank == 3 and _dim(state.shape, 0) == 2:
        return state[k:k + 1]
    return state
