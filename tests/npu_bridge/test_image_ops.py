"""npu_bridge.image.image_ops: JPEG decode + (crop +) resize, against TensorFlow's own decoding."""
import numpy as np
import tensorflow.compat.v1 as tf

from npu_bridge.image import image_ops


def _jpeg(height, width):
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.stack([xx * 255 // max(width - 1, 1), yy * 255 // max(height - 1, 1), (xx + yy) % 256], -1)
    with tf.Graph().as_default(), tf.Session() as sess:
        return sess.run(tf.image.encode_jpeg(img.astype(np.uint8), quality=100))


def test_decode_and_resize_jpeg_matches_decode_then_bilinear_resize():
    data = _jpeg(24, 32)
    with tf.Graph().as_default(), tf.Session() as sess:
        got = image_ops.decode_and_resize_jpeg(tf.constant(data), tf.constant([12, 8]))
        decoded = tf.cast(tf.image.decode_jpeg(data, channels=3), tf.float32)
        want = tf.cast(tf.round(tf.compat.v2.image.resize(decoded, [12, 8])), tf.uint8)
        got_v, want_v = sess.run([got, want])
    assert got_v.shape == (12, 8, 3) and got_v.dtype == np.uint8
    np.testing.assert_array_equal(got_v, want_v)


def test_decode_and_crop_and_resize_jpeg_crops_the_window_first():
    data = _jpeg(24, 32)
    with tf.Graph().as_default(), tf.Session() as sess:
        same_size = image_ops.decode_and_crop_and_resize_jpeg(tf.constant(data), [4, 6, 10, 12], [10, 12])
        halved = image_ops.decode_and_crop_and_resize_jpeg(tf.constant(data), [4, 6, 10, 12], [5, 6])
        decoded = tf.image.decode_jpeg(data, channels=3)
        got, small, full = sess.run([same_size, halved, decoded])
    window = full[4:14, 6:18].astype(np.int32)
    # partial JPEG decoding may differ from full decoding by a few levels near block edges (measured: up to 5)
    np.testing.assert_allclose(got, window, atol=6)
    pooled = window.reshape(5, 2, 6, 2, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(small, pooled, atol=6)


def test_image_ops_expose_the_generated_module():
    from npu_bridge.helper import helper

    assert image_ops.gen_npu_image_ops is helper.get_gen_ops()
