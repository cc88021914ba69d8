"""``tf.contrib.rnn.stack_bidirectional_rnn`` / ``stack_bidirectional_dynamic_rnn`` (TF 1.15 semantics).

Layer ``i`` runs a bidirectional RNN (scope ``<scope or stack_bidirectional_rnn>/cell_<i>``) on the
previous layer's forward and backward outputs concatenated; the result is the last layer's
concatenated outputs and the tuples of every layer's final forward and backward states.
"""
import tensorflow.compat.v1 as tf


def _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for direction, states in (("fw", initial_states_fw), ("bw", initial_states_bw)):
        if states is not None and (not isinstance(states, list) or len(states) != len(cells_fw)):
            raise ValueError(f"initial_states_{direction} must be a list of state tensors (one per layer).")


def _layers(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
        state_fw = initial_states_fw[i] if initial_states_fw else None
        state_bw = initial_states_bw[i] if initial_states_bw else None
        yield i, cell_fw, cell_bw, state_fw, state_bw


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None, initial_states_bw=None,
                            dtype=None, sequence_length=None, scope=None):
    """Stacked ``static_bidirectional_rnn`` over a list of ``[batch, input]`` tensors.

    Returns ``(outputs list, states_fw tuple, states_bw tuple)``.
    """
    _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with tf.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, cell_fw, cell_bw, state_fw, state_bw in _layers(cells_fw, cells_bw, initial_states_fw,
                                                               initial_states_bw):
            with tf.variable_scope(f"cell_{i}") as cell_scope:
                layer, final_fw, final_bw = tf.nn.static_bidirectional_rnn(
                    cell_fw, cell_bw, layer, initial_state_fw=state_fw, initial_state_bw=state_bw,
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(final_fw)
            states_bw.append(final_bw)
    return layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None, initial_states_bw=None,
                                    dtype=None, sequence_length=None, parallel_iterations=None, time_major=False,
                                    scope=None, swap_memory=False):
    """Stacked ``bidirectional_dynamic_rnn``; returns ``(outputs [.., 2*units], states_fw, states_bw)``."""
    _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with tf.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, cell_fw, cell_bw, state_fw, state_bw in _layers(cells_fw, cells_bw, initial_states_fw,
                                                               initial_states_bw):
            with tf.variable_scope(f"cell_{i}"):
                outputs, (final_fw, final_bw) = tf.nn.bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, layer, initial_state_fw=state_fw, initial_state_bw=state_bw,
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations, dtype=dtype,
                    swap_memory=swap_memory, time_major=time_major)
                layer = tf.concat(outputs, 2)
            states_fw.append(final_fw)
            states_bw.append(final_bw)
    return layer, tuple(states_fw), tuple(states_bw)
