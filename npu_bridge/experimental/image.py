"""``decode_image`` through the AI CPU op ``DecodeImageV3`` (upstream ``npu_bridge.experimental.image``)."""
from tensorflow.python.framework import dtypes
from tensorflow.python.framework import ops  # noqa: F401  (upstream module namespace)

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()


def decode_image(contents, channels=0, dtype=dtypes.uint8, expand_animations=True):
    """Decode a BMP, GIF, JPEG or PNG string like ``tf.io.decode_image``.

    ``channels=0`` keeps the image's own channel count; ``dtype`` uint8, uint16 or float32 (float32
    scales to [0, 1]); with ``expand_animations`` a GIF gives [frames, h, w, c], else [h, w, c].
    """
    return gen_npu_cpu_ops.decode_image_v3(contents=contents, channels=channels, dtype=dtype,
                                           expand_animations=expand_animations)
