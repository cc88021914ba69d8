"""Current syntax around TensorFlow calls: walrus, match, f"{x=}", except*, positional-only parameters."""
import tensorflow as tf


def build(x, /, rate: float = 0.1, *, training: bool = True) -> tf.Tensor:
    if (drop := rate * 2) > 0:
        x = tf.nn.dropout(x, rate=drop)
    print(f"{drop=} {x.shape=}")
    return x


def make_session(kind):
    match kind:
        case "interactive":
            return tf.InteractiveSession()
        case _:
            return tf.Session()


def guarded(ds):
    try:
        ds = tf.data.Dataset.range(10).batch(2)
    except* ValueError as group:
        print(group)
    return [y for x in range(3) if (y := tf.nn.dropout(tf.ones([2]), rate=0.5 - x / 10)) is not None]
