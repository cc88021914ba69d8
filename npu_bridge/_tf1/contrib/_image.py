"""``tf.contrib.image`` projective transforms (TF 1.15 semantics) on TF's ``ImageProjectiveTransformV2``
kernel (the kernel TF 1.15 used; its gradient with respect to the images is registered by TF 2.15).

A transform is 8 numbers ``[a0, a1, a2, b0, b1, b2, c0, c1]`` mapping each *output* point (x, y) to
the *input* point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1``;
points outside the input read 0.  Images are ``[H, W]``, ``[H, W, C]`` or ``[N, H, W, C]``.
"""
import functools

import tensorflow.compat.v1 as tf
from tensorflow.python.ops import gen_image_ops

_IMAGE_DTYPES = (tf.uint8, tf.int32, tf.int64, tf.float16, tf.float32, tf.float64)


def _as_batch(images):
    """``(images as [N, H, W, C], function restoring the caller's rank)``."""
    images = tf.convert_to_tensor(images, name="images")
    if images.dtype.base_dtype not in _IMAGE_DTYPES:
        raise TypeError(f"Invalid dtype {images.dtype}.")
    rank = images.get_shape().ndims
    if rank is None:
        raise TypeError("image_or_images rank must be statically known")
    if rank == 2:
        return images[None, :, :, None], lambda out: out[0, :, :, 0]
    if rank == 3:
        return images[None, :, :, :], lambda out: out[0, :, :, :]
    if rank == 4:
        return images, lambda out: out
    raise TypeError("Images should have rank between 2 and 4.")


def transform(images, transforms, interpolation="NEAREST", output_shape=None, name=None):
    """Apply projective ``transforms`` (``[8]`` for all images, or ``[N, 8]``); ``interpolation``
    is NEAREST or BILINEAR; ``output_shape`` ``[height, width]`` defaults to the input's."""
    with tf.name_scope(name, "transform"):
        batch, restore = _as_batch(images)
        transforms = tf.convert_to_tensor(transforms, name="transforms", dtype=tf.float32)
        if output_shape is None:
            output_shape = tf.shape(batch)[1:3]
        else:
            output_shape = tf.convert_to_tensor(output_shape, tf.int32, name="output_shape")
            if not output_shape.get_shape().is_compatible_with([2]):
                raise ValueError("output_shape must be a 1-D Tensor of 2 elements: new_height, new_width")
        rank = transforms.get_shape().ndims
        if rank is None:
            raise TypeError("transform_or_transforms rank must be statically known")
        if rank == 1:
            transforms = transforms[None]
        elif rank != 2:
            raise TypeError("Transforms should have rank 1 or 2.")
        output = gen_image_ops.image_projective_transform_v2(
            batch, output_shape=output_shape, transforms=transforms, interpolation=interpolation.upper())
        return restore(output)


def angles_to_projective_transforms(angles, image_height, image_width, name=None):
    """Transforms rotating images counter-clockwise by ``angles`` (radians) about their centre."""
    with tf.name_scope(name, "angles_to_projective_transforms"):
        angles = tf.convert_to_tensor(angles, name="angles", dtype=tf.float32)
        if angles.get_shape().ndims == 0:
            angles = angles[None]
        elif angles.get_shape().ndims != 1:
            raise TypeError("Angles should have rank 0 or 1.")
        cos, sin = tf.cos(angles), tf.sin(angles)
        x_offset = ((image_width - 1) - (cos * (image_width - 1) - sin * (image_height - 1))) / 2.0
        y_offset = ((image_height - 1) - (sin * (image_width - 1) + cos * (image_height - 1))) / 2.0
        count = tf.shape(angles)[0]
        return tf.concat([cos[:, None], -sin[:, None], x_offset[:, None], sin[:, None], cos[:, None],
                          y_offset[:, None], tf.zeros((count, 2), tf.float32)], axis=1)


def rotate(images, angles, interpolation="NEAREST", name=None):
    """Rotate counter-clockwise by ``angles`` (radians; a scalar or one per image)."""
    with tf.name_scope(name, "rotate"):
        batch, restore = _as_batch(images)
        height = tf.cast(tf.shape(batch)[1], tf.float32)[None]
        width = tf.cast(tf.shape(batch)[2], tf.float32)[None]
        return restore(transform(batch, angles_to_projective_transforms(angles, height, width),
                                 interpolation=interpolation))


def translations_to_projective_transforms(translations, name=None):
    """Transforms shifting images by ``translations`` ``[dx, dy]`` (or ``[N, 2]``)."""
    with tf.name_scope(name, "translations_to_projective_transforms"):
        translations = tf.convert_to_tensor(translations, name="translations", dtype=tf.float32)
        if translations.get_shape().ndims is None:
            raise TypeError("translation_or_translations rank must be statically known")
        if translations.get_shape().ndims == 1:
            translations = translations[None]
        elif translations.get_shape().ndims != 2:
            raise TypeError("Translations should have rank 1 or 2.")
        count = tf.shape(translations)[0]
        ones, zeros = tf.ones((count, 1), tf.float32), tf.zeros((count, 1), tf.float32)
        return tf.concat([ones, zeros, -translations[:, 0, None], zeros, ones, -translations[:, 1, None],
                          tf.zeros((count, 2), tf.float32)], axis=1)


def translate(images, translations, interpolation="NEAREST", name=None):
    """Shift images by ``translations`` ``[dx, dy]`` pixels (or one pair per image)."""
    with tf.name_scope(name, "translate"):
        return transform(images, translations_to_projective_transforms(translations), interpolation=interpolation)


def flat_transforms_to_matrices(transforms):
    """``[N, 8]`` transforms as ``[N, 3, 3]`` matrices (last entry 1)."""
    with tf.name_scope("flat_transforms_to_matrices"):
        transforms = tf.convert_to_tensor(transforms, name="transforms")
        if transforms.shape.ndims not in (1, 2):
            raise ValueError(f"Transforms should be 1D or 2D, got: {transforms}")
        flat = tf.reshape(transforms, tf.constant([-1, 8]))
        return tf.reshape(tf.concat([flat, tf.ones([tf.shape(flat)[0], 1])], axis=1), tf.constant([-1, 3, 3]))


def matrices_to_flat_transforms(transform_matrices):
    """``[N, 3, 3]`` matrices as ``[N, 8]`` transforms (normalised so the last entry is 1)."""
    with tf.name_scope("matrices_to_flat_transforms"):
        matrices = tf.convert_to_tensor(transform_matrices, name="transform_matrices")
        if matrices.shape.ndims not in (2, 3):
            raise ValueError(f"Matrices should be 2D or 3D, got: {matrices}")
        flat = tf.reshape(matrices, tf.constant([-1, 9]))
        return (flat / flat[:, 8:9])[:, :8]


def compose_transforms(*transforms):
    """One transform equal to applying the given ones right to left (``compose(a, b)`` = a after b)."""
    if not transforms:
        raise ValueError("compose_transforms needs at least one transform")
    with tf.name_scope("compose_transforms"):
        matrices = [flat_transforms_to_matrices(t) for t in transforms]
        return matrices_to_flat_transforms(functools.reduce(tf.matmul, matrices))
