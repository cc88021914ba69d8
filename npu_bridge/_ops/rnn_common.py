"""Shared pieces of the emulated recurrent ops (DynamicRnn, DynamicGruV2, DynamicAUGRU).

Layout rules (upstream's op definitions): ``x`` is ``[T, B, I]`` when ``time_major`` (else
``[B, T, I]``); states ``init_h`` / ``init_c`` are ``[1, B, H]`` (``[B, H]`` is accepted too);
every per-step output is ``[T, B, H]``.  ``direction="REDIRECTIONAL"`` processes each sequence
back to front (within its ``seq_length``) and returns outputs in input order.

Sequence masking (``seq_length[b]``): at a step ``t >= seq_length[b]`` the states are carried
over unchanged; gate outputs keep the values computed at that step.
"""
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, array_ops_stack, math_ops

from npu_bridge._ops.composite import as_text

UNIDIRECTIONAL = "UNIDIRECTIONAL"
BIDIRECTIONAL = "BIDIRECTIONAL"
REDIRECTIONAL = "REDIRECTIONAL"
_DIRECTIONS = (UNIDIRECTIONAL, REDIRECTIONAL)


def check_attrs(op_type, direction, cell_depth=1, keep_prob=1.0, num_proj=0, activation="tanh"):
    """Validate the attributes every emulated RNN op shares; returns True for REDIRECTIONAL."""
    direction = as_text(direction)
    if direction == BIDIRECTIONAL:
        raise ValueError(
            f"{op_type}: direction {BIDIRECTIONAL!r} is not an op-level direction; build one op with "
            f"{UNIDIRECTIONAL!r} and one with {REDIRECTIONAL!r} (as npu_dynamic_rnn.DynamicRNN does)"
        )
    if direction not in _DIRECTIONS:
        raise ValueError(f"{op_type}: direction must be one of {list(_DIRECTIONS)}, got {direction!r}")
    if int(cell_depth) != 1:
        raise NotImplementedError(f"{op_type}: cell_depth={cell_depth} is not emulated; legal value: 1")
    if float(keep_prob) != 1.0:
        raise NotImplementedError(
            f"{op_type}: keep_prob={keep_prob} (in-cell dropout) is not emulated; legal value: 1.0"
        )
    if int(num_proj) != 0:
        raise NotImplementedError(f"{op_type}: num_proj={num_proj} (projection) is not emulated; legal value: 0")
    if as_text(activation) != "tanh":
        raise NotImplementedError(f"{op_type}: activation={as_text(activation)!r} is not emulated; legal value: 'tanh'")
    return direction == REDIRECTIONAL


def check_float(op_type, x):
    if x.dtype.base_dtype not in (dtypes.float16, dtypes.float32):
        raise TypeError(f"{op_type}: x must be float16 or float32, got {x.dtype.name}")


def time_major(t, is_time_major):
    """``t`` as ``[T, B, ...]``."""
    t = ops.convert_to_tensor(t)
    if is_time_major:
        return t
    perm = [1, 0] + list(range(2, t.shape.rank))
    return array_ops.transpose(t, perm)


def state_2d(state, dtype):
    """An initial state given as ``[1, B, H]`` or ``[B, H]``, as ``[B, H]``."""
    state = ops.convert_to_tensor(state, dtype=dtype)
    if state.shape.rank == 2:
        return state
    return array_ops.reshape(state, array_ops.shape(state)[-2:])


def step_mask(seq_length, x_tm, dtype):
    """``[T, B, 1]`` of 1 where a step is inside its sequence, else 0 (all ones without lengths)."""
    shape = array_ops.shape(x_tm)
    if seq_length is None:
        return array_ops.ones(array_ops_stack.stack([shape[0], shape[1], 1]), dtype=dtype)
    lengths = math_ops.cast(ops.convert_to_tensor(seq_length), dtypes.int32)
    mask = array_ops.sequence_mask(lengths, maxlen=shape[0], dtype=dtype)  # [B, T]
    return array_ops.expand_dims(array_ops.transpose(mask, [1, 0]), -1)


def reverse_time(t, seq_length):
    """Reverse the time axis 0 of ``[T, B, ...]`` (each sequence within its length when given)."""
    if seq_length is None:
        return array_ops.reverse(t, [0])
    lengths = math_ops.cast(ops.convert_to_tensor(seq_length), dtypes.int64)
    return array_ops.reverse_sequence(t, lengths, seq_axis=0, batch_axis=1)


def to_processing_order(tensors, is_time_major, reverse, seq_length):
    """Time-major, and reversed for REDIRECTIONAL."""
    out = [time_major(t, is_time_major) for t in tensors]
    if reverse:
        out = [reverse_time(t, seq_length) for t in out]
    return out


def to_caller_order(tensors, is_time_major, reverse, seq_length):
    """Undo :func:`to_processing_order`."""
    out = list(tensors)
    if reverse:
        out = [reverse_time(t, seq_length) for t in out]
    return [time_major(t, is_time_major) for t in out]


def previous(seq, init):
    """The state before each step: ``[init, seq[0], ..., seq[T-2]]``."""
    return array_ops.concat([array_ops.expand_dims(init, 0), seq[:-1]], axis=0)


def per_step(grad, like_seq):
    """A gradient for a ``[T, B, H]`` state output, given per step or (upstream) for the last step only."""
    grad = ops.convert_to_tensor(grad, dtype=like_seq.dtype)
    if grad.shape.rank == 3:
        return grad
    grad = array_ops.reshape(grad, array_ops.shape(like_seq)[1:])
    zeros = array_ops.zeros_like(like_seq[:-1])
    return array_ops.concat([zeros, array_ops.expand_dims(grad, 0)], axis=0)
