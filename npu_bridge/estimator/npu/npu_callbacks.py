"""Keras callback that broadcasts variables from a root rank (upstream ``npu_callbacks``).

Replaces Horovod's ``BroadcastGlobalVariablesCallback``.  On one rank there is nothing to
broadcast: the callback does nothing, as upstream does when the rank size is 1.  With more ranks
the broadcast would need other ranks and raises (not emulated).
"""
import os  # noqa: F401  (upstream module namespace)

import keras
import tensorflow.compat.v1 as _tf1
from tensorflow.python.framework import ops
from tensorflow.python.ops import control_flow_ops, state_ops

from npu_bridge import _distribution
from npu_bridge.hccl import hccl_ops

backend = _tf1.keras.backend  # the Keras backend whose session Keras v1 (graph-mode) models use


def broadcast_global_variables(root_rank):
    """One op assigning every Keras-initialised global variable its value on ``root_rank``."""
    assigns = []
    for var in ops.get_default_graph().get_collection(ops.GraphKeys.GLOBAL_VARIABLES):
        if not getattr(var, "_keras_initialized", False):
            continue
        received = hccl_ops.broadcast([var], root_rank)
        assigns.append(state_ops.assign(var, received[0]))
    return control_flow_ops.group(*assigns)


class BroadcastGlobalVariablesCallbackImpl:
    """Run the broadcast once, at the first batch, when the rank size is greater than 1."""

    def __init__(self, root_rank, *args):
        super().__init__(*args)
        self.root_rank = root_rank
        self.broadcast_done = False

    def on_batch_begin(self, batch, logs=None):  # pylint: disable=unused-argument
        if self.broadcast_done:
            return
        if _distribution.rank_size() > 1:
            _distribution.require_single_rank("NPUBroadcastGlobalVariablesCallback (variable broadcast)")
            backend.get_session().run(broadcast_global_variables(self.root_rank))
        self.broadcast_done = True


class NPUBroadcastGlobalVariablesCallback(BroadcastGlobalVariablesCallbackImpl, keras.callbacks.Callback):
    """Keras callback: broadcast the model's variables from ``root_rank`` before the first batch."""

    def __init__(self, root_rank):
        super().__init__(root_rank)
