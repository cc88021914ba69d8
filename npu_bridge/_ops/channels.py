"""Named host/device channels (outfeed, GetNext) as shared TensorFlow queues.

On the device, ``OutfeedEnqueueOp`` pushes tensors into a named channel that the host drains with
``OutfeedDequeueOp`` (NPUEstimatorSpec ``host_call``, ``NPULogOutfeedSessionHook``), and ``GetNext``
reads what the host pushed into a data channel.  Here a channel is an unbounded ``FIFOQueue``
whose ``shared_name`` is derived from the channel name: every node that names the channel, in one
session, uses the same queue.  Dequeue blocks until data arrives; :func:`close_channel` makes a
blocked or later dequeue raise ``OutOfRangeError`` once the queue is empty.
"""
from tensorflow.python.framework import dtypes, tensor_shape
from tensorflow.python.ops import data_flow_ops

from npu_bridge._ops.composite import as_text

OUTFEED = "outfeed"
DATA = "data"
_KINDS = (OUTFEED, DATA)


def shared_name(kind, channel_name) -> str:
    """The queue's ``shared_name`` for channel ``channel_name`` of ``kind`` ('outfeed' or 'data')."""
    if kind not in _KINDS:
        raise ValueError(f"channel kind must be one of {list(_KINDS)}, got {kind!r}")
    name = as_text(channel_name)
    if not name:
        raise ValueError("channel_name must be a non-empty string")
    return f"ascend_sim/{kind}/{name}"


def channel_queue(kind, channel_name, types, name="channel"):
    """The shared unbounded queue of one channel carrying components of ``types``."""
    types = [dtypes.as_dtype(t) for t in types]
    if not types:
        raise ValueError(f"channel {as_text(channel_name)!r}: at least one component type is required")
    return data_flow_ops.FIFOQueue(capacity=-1, dtypes=types, shared_name=shared_name(kind, channel_name), name=name)


def dequeue(kind, channel_name, types, shapes):
    """One element of the channel, with ``shapes`` set on the components."""
    types = list(types)
    shapes = list(shapes)
    if len(shapes) != len(types):
        raise ValueError(
            f"output_shapes must have one shape per output type ({len(shapes)} shapes vs {len(types)} types)"
        )
    values = channel_queue(kind, channel_name, types).dequeue()
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    for value, shape in zip(values, shapes):
        value.set_shape(tensor_shape.as_shape(shape))
    return values


def close_channel(kind, channel_name, types, cancel_pending_enqueues=False):
    """An op that closes the channel: dequeues then raise ``OutOfRangeError`` once it is drained."""
    return channel_queue(kind, channel_name, types, name="close_channel").close(cancel_pending_enqueues)
