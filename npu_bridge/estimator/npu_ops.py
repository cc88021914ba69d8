"""NPU op wrappers (upstream ``npu_bridge.estimator.npu_ops``): dropout, system ops, fused optimizers, RNN grads.

Every wrapper builds the emulated custom op of the same name (see :mod:`npu_bridge._ops`), so the
graph holds ``DropOutGenMask`` / ``DropOutDoMask`` / ... nodes tagged with their Ascend op type.
Importing this module registers nothing further: the gradients of ``DropOutDoMask``,
``BasicLSTMCell``, ``DynamicGruV2``, ``DynamicAUGRU`` and ``DynamicRnn(V2)`` are part of the emulated
ops; the ``*_grad(op, ...)`` functions below compute the same gradients for an op instance, as
upstream's registered gradient functions do.
"""
import logging
import numbers

from tensorflow.python.eager import context
from tensorflow.python.framework import ops, random_seed, tensor_shape
from tensorflow.python.ops import array_ops, nn_ops

from npu_bridge._ops import defs_dropout, defs_gru, defs_lstm
from npu_bridge._ops.composite import OpView
from npu_bridge.helper import helper

gen_npu_ops = helper.get_gen_ops()

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1
_log = logging.getLogger("npu_bridge")


def _refuse_eager(api):
    if context.executing_eagerly():
        raise RuntimeError(f"{api}() is not compatible with eager execution.")


def NPUInit(name=None):  # pylint: disable=invalid-name
    """The ``NPUInit`` op (opens the device; an emulated no-op)."""
    _refuse_eager("tf.NPUInit")
    return gen_npu_ops.npu_init(name=name)


def NPUShutdown(name=None):  # pylint: disable=invalid-name
    """The ``NPUShutdown`` op (closes the device; an emulated no-op)."""
    _refuse_eager("tf.NPUShutdown")
    return gen_npu_ops.npu_shutdown(name=name)


def initialize_system(name=None):
    """Same as :func:`NPUInit`."""
    return NPUInit(name)


def shutdown_system(name=None):
    """Same as :func:`NPUShutdown`."""
    return NPUShutdown(name)


def LARS(inputs_w, inputs_g, weight_decay, hyperpara=0.001, epsilon=0.00001, name=None):  # pylint: disable=invalid-name
    """LARS-scaled gradients, one per (weight, gradient) pair of the two lists."""
    _refuse_eager("tf.LARS")
    return gen_npu_ops.lars(inputs_w=inputs_w, inputs_g=inputs_g, weight_decay=weight_decay, hyperpara=hyperpara,
                            epsilon=epsilon, name=name)


def LARSV2(input_weight, input_grad, weight_decay, learning_rate, hyperpara=0.001, epsilon=0.00001,  # pylint: disable=invalid-name
           use_clip=False, name=None):
    """LARS-scaled gradient of one weight (``use_clip`` bounds the trust ratio by the learning rate)."""
    _refuse_eager("tf.LARSV2")
    return gen_npu_ops.lars_v2(input_weight=input_weight, input_grad=input_grad, weight_decay=weight_decay,
                               learning_rate=learning_rate, hyperpara=hyperpara, epsilon=epsilon, use_clip=use_clip,
                               name=name)


def outfeed_dequeue_op(channel_name, output_types, output_shapes, name=None):
    """The next element of outfeed channel ``channel_name`` (a list of tensors)."""
    return gen_npu_ops.outfeed_dequeue_op(channel_name=channel_name, output_types=output_types,
                                          output_shapes=output_shapes, name=name)


def outfeed_enqueue_op(channel_name, inputs, name=None):
    """Push the tensors ``inputs`` into outfeed channel ``channel_name``."""
    return gen_npu_ops.outfeed_enqueue_op(inputs=inputs, channel_name=channel_name, name=name)


def stop_outfeed_dequeue_op(channel_name, name=None):
    """Upstream master calls the op ``StopOutfeedDequeueOp``, which master no longer registers: it raises
    AttributeError (kept: no script can depend on it working)."""
    return gen_npu_ops.stop_outfeed_dequeue_op(channel_name, name)


def check_dropout_args(api, x, keep_prob):
    """Upstream's dropout argument checks; returns ``x`` as a tensor."""
    x = ops.convert_to_tensor(x, name="x")
    if not x.dtype.is_floating:
        raise ValueError(f"{api}: x must be a floating point tensor (float16 or float32); got a {x.dtype.name} tensor")
    if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
        raise ValueError(f"{api}: keep_prob must be a scalar tensor or a number in the range (0, 1], got {keep_prob!r}")
    return x


def _covers_x(x, noise_shape):
    """True when ``noise_shape`` statically equals x's (fully known) shape."""
    if noise_shape is None:
        return True
    try:
        shape = tensor_shape.as_shape(noise_shape)
    except (TypeError, ValueError):
        return False
    return shape.is_fully_defined() and x.shape.is_fully_defined() and shape.as_list() == x.shape.as_list()


def npu_dropout(x, keep_prob, noise_shape, seed, name, gen_mask, do_mask, bit_mask=True, gen_extra=()):
    """Dropout with a mask op and an apply op (shared by dropout, dropout_v3 and dropout_v4)."""
    seed, seed2 = random_seed.get_seed(seed)
    given_shape = noise_shape
    noise_shape = nn_ops._get_noise_shape(x, noise_shape)  # pylint: disable=protected-access
    mask = gen_mask(noise_shape, keep_prob, 0 if seed is None else seed, 0 if seed2 is None else seed2,
                    *gen_extra, name)
    if bit_mask and not _covers_x(x, given_shape):
        # The device applies a bit-mask element-wise over the flattened x; a smaller noise_shape would
        # read past the mask.  Broadcast the keep decisions over x first (tf.nn.dropout's semantics).
        keep = defs_dropout.unpack_mask(mask, noise_shape)
        mask = defs_dropout.pack_mask(array_ops.broadcast_to(keep, array_ops.shape(x)))
    return do_mask(x, mask, keep_prob, name)


def dropout(x, keep_prob, noise_shape=None, seed=None, name=None):
    """Inverted dropout keeping each element with probability ``keep_prob`` (kept values scaled by 1/keep_prob).

    Builds ``DropOutGenMask`` (seeded with ``tf.random.get_seed(seed)``) and ``DropOutDoMask``; a Python
    float ``keep_prob`` of exactly 1.0 returns ``x`` itself.
    """
    _refuse_eager("npu_ops.dropout")
    x = check_dropout_args("npu_ops.dropout", x, keep_prob)
    if isinstance(keep_prob, float) and keep_prob == 1.0:
        return x
    return npu_dropout(x, keep_prob, noise_shape, seed, name, gen_npu_ops.drop_out_gen_mask,
                       gen_npu_ops.drop_out_do_mask)


def basic_lstm_cell(x, h, c, w, b, keep_prob, forget_bias, state_is_tuple, activation, name=None):
    """One LSTM step: (ct, ht, it, jt, ft, ot, tanhct)."""
    _refuse_eager("tf.basic_lstm_cell")
    x, h, c, w, b = (ops.convert_to_tensor(t, name=n) for t, n in zip((x, h, c, w, b), "xhcwb"))
    return gen_npu_ops.basic_lstm_cell(x, h, c, w, b, keep_prob, forget_bias, state_is_tuple, activation, name)


def basic_lstm_cell_grad(op, dct, dht, dit, djt, dft, dot, dtanhct):
    """Gradients [dx, dh, dc, dw, db] of a BasicLSTMCell op (its three NPU grad ops)."""
    return defs_lstm.basic_lstm_cell_grad_view(OpView.of(op), [dct, dht, dit, djt, dft, dot, dtanhct])


def adam_apply_one_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x, add2_y, name=None):
    """Fused Adam step; assigns v (input1), m (input2) and var (input3), which must be variables."""
    _refuse_eager("tf.adam_apply_one_assign")
    return gen_npu_ops.adam_apply_one_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x,
                                             add2_y, name)


def adam_apply_one_with_decay_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x, mul3_x, mul4_x,
                                     add2_y, name=None):
    """Fused Adam step with weight decay ``mul4_x``; assigns input1..input3."""
    _refuse_eager("tf.adam_apply_one_with_decay_assign")
    return gen_npu_ops.adam_apply_one_with_decay_assign(input0, input1, input2, input3, input4, mul0_x, mul1_x, mul2_x,
                                                        mul3_x, mul4_x, add2_y, name)


def dynamic_gru_v2_grad(op, dy, doutput_h, dupdate, dreset, dnew, dhidden_new):
    """Gradients of a DynamicGruV2 op for its 7 inputs (via DynamicGruV2Grad)."""
    return defs_gru.dynamic_gru_grad_view(OpView.of(op), [dy, doutput_h, dupdate, dreset, dnew, dhidden_new])


def dynamic_augru_grad(op, dy, doutput_h, dupdate, dupdate_att, dreset, dnew, dhidden_new):
    """Gradients of a DynamicAUGRU op for its 8 inputs (via DynamicAUGRUGrad)."""
    grads = [dy, doutput_h, dupdate, dupdate_att, dreset, dnew, dhidden_new]
    return defs_gru.dynamic_gru_grad_view(OpView.of(op), grads)


def dynamic_rnn_grad(op, dy, dh, dc, di, dj, df, do, dtanhc):
    """Gradients of a DynamicRnn op for its 6 inputs (via DynamicRnnGrad)."""
    return defs_lstm.dynamic_rnn_grad_view(OpView.of(op), [dy, dh, dc, di, dj, df, do, dtanhc])


def dynamic_rnn_v2_grad(op, dy, dh, dc, di, dj, df, do, dtanhc):
    """Gradients of a DynamicRnnV2 op for its 5 inputs (via DynamicRnnGrad)."""
    return defs_lstm.dynamic_rnn_grad_view(OpView.of(op), [dy, dh, dc, di, dj, df, do, dtanhc])


def scatter_elements(data, indices, updates, axis=0, name=None):
    """``data`` with ``updates`` written at ``indices`` along ``axis`` (ONNX ScatterElements)."""
    data = ops.convert_to_tensor(data, name="data")
    indices = ops.convert_to_tensor(indices, name="indices")
    updates = ops.convert_to_tensor(updates, name="updates")
    return gen_npu_ops.scatter_elements(data, indices, updates, axis, name)


def k_means_centroids(x, y, sum_square_y, sum_square_x, use_actual_distance=False, name=None):
    """(segment_sum, segment_count, kmean_total_sum) of one k-means assignment step.

    As upstream, ``use_actual_distance`` follows ``sum_square_x``: given → KMeansCentroids with True,
    None → KMeansCentroidsV2 with False.
    """
    _refuse_eager("tf.k_means_centroids")
    x = ops.convert_to_tensor(x, name="x")
    y = ops.convert_to_tensor(y, name="y")
    sum_square_y = ops.convert_to_tensor(sum_square_y, name="sum_square_y")
    if sum_square_x is not None:
        sum_square_x = ops.convert_to_tensor(sum_square_x, name="sum_square_x")
        return gen_npu_ops.k_means_centroids(x, y, sum_square_y, sum_square_x, True, name)
    return gen_npu_ops.k_means_centroids_v2(x, y, sum_square_y, False, name)


def npu_onnx_graph_op(inputs, tout, model_path, name=None):
    """Run an ONNX model on the device (not emulated: raises NotImplementedError)."""
    return gen_npu_ops.npu_onnx_graph_op(inputs, tout, model_path, name)


def channel_get_next(channel_name, output_types, output_shapes):
    """The next element of data channel ``channel_name`` (the device side of a host queue)."""
    return gen_npu_ops.get_next(output_types=output_types, output_shapes=output_shapes, channel_name=channel_name)
