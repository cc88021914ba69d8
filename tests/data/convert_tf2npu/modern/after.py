"""Current syntax around TensorFlow calls: walrus, match, f"{x=}", except*, positional-only parameters."""
from npu_bridge.npu_init import *
import tensorflow as tf


def build(x, /, rate: float = 0.1, *, training: bool = True) -> tf.Tensor:
    if (drop := rate * 2) > 0:
        x = npu_ops.dropout(x, keep_prob=1 - drop)
    print(f"{drop=} {x.shape=}")
    return x


def make_session(kind):
    match kind:
        case "interactive":
            return tf.InteractiveSession(config=npu_config_proto())
        case _:
            return tf.Session(config=npu_config_proto())


def guarded(ds):
    try:
        ds = tf.data.Dataset.range(10).batch(2, drop_remainder=True)
    except* ValueError as group:
        print(group)
    return [y for x in range(3) if (y := npu_ops.dropout(tf.ones([2]), keep_prob=1 - (0.5 - x / 10))) is not None]
