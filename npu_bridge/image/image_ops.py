"""Decode-and-resize JPEG ops of upstream ``npu_bridge.image.image_ops``.

Upstream master no longer registers ``DecodeAndResizeJpeg`` / ``DecodeAndCropAndResizeJpeg`` (only
the 2021 tree does), so on master these functions fail when called.  ascend-sim keeps the 2021
behaviour: the JPEG is decoded to RGB (3 channels), optionally cropped, and resized bilinearly to
``size`` (half-pixel centres), giving a uint8 [new_height, new_width, 3] tensor.
"""
from npu_bridge.helper import helper

gen_npu_image_ops = helper.get_gen_ops()


def decode_and_resize_jpeg(image, size):
    """Decode the JPEG string ``image`` and resize it to ``size = [new_height, new_width]``: uint8 [h, w, 3]."""
    return gen_npu_image_ops.decode_and_resize_jpeg(image, size)


def decode_and_crop_and_resize_jpeg(image, crop_size, size):
    """Decode the JPEG, keep ``crop_size = [y_min, x_min, crop_height, crop_width]``, resize to ``size``."""
    return gen_npu_image_ops.decode_and_crop_and_resize_jpeg(image, crop_size, size)
