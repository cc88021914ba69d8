"""Image ops of upstream ``aicpu/npu_cpu_ops.cc`` (and the 2021-only JPEG ops), computed with TF ops.

* ``DenseImageWarp``: ``y[b, i, j] = image`` sampled bilinearly at ``(i - flow[b,i,j,0], j - flow[b,i,j,1])``
  with edge clamping (the ``tfa.image.dense_image_warp`` definition); its gradient op is
  ``DenseImageWarpGrad`` (vector-Jacobian product of the same math).
* ``DeformableOffsets``: the sampling half of a deformable convolution (below); followed by a
  VALID conv with stride = kernel size it gives the deformable convolution.
* ``WarpAffineV2`` / ``ResizeV2``: OpenCV-style affine warp and resize of an HWC image.
* ``DecodeImageV3``, ``DecodeAndResizeJpeg``, ``DecodeAndCropAndResizeJpeg``, ``OCRIdentifyPreHandle``.
"""
from tensorflow.python.eager import backprop, context
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, array_ops_stack, gen_image_ops, gradients_impl, image_ops, map_fn, math_ops

from npu_bridge._ops.registry import REQUIRED, register

DATA_FORMATS = ("NHWC", "NCHW")
_INTERPOLATIONS = {"INTEL_BILINEAR": "BILINEAR", "BILINEAR": "BILINEAR", "INTEL_NEAREST": "NEAREST",
                   "NEAREST": "NEAREST"}
_BORDERS = {"BORDER_CONSTANT": "CONSTANT", "BORDER_REPLICATE": "NEAREST", "BORDER_REFLECT": "REFLECT",
            "BORDER_WRAP": "WRAP"}


def _choice(op_type, attr, value, legal):
    if value not in legal:
        raise ValueError(f"{op_type}: {attr}={value!r}; legal values: {', '.join(legal)}")
    return legal[value] if isinstance(legal, dict) else value


def _vjp(fn, xs, dy):
    """Gradients of ``fn(*xs)`` w.r.t. ``xs`` for output cotangent ``dy`` (graph or eager)."""
    if context.executing_eagerly():
        with backprop.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            y = fn(*xs)
        return tape.gradient(y, xs, output_gradients=dy)
    return gradients_impl.gradients(fn(*xs), xs, grad_ys=dy)


# --------------------------------------------------------------------------------- DenseImageWarp
def _warp(image, flow):
    img = math_ops.cast(image, dtypes.float32)
    flw = math_ops.cast(flow, dtypes.float32)
    shape = array_ops.shape(img)
    b, h, w, c = shape[0], shape[1], shape[2], shape[3]
    gy, gx = array_ops.meshgrid(math_ops.range(h), math_ops.range(w), indexing="ij")
    grid = math_ops.cast(array_ops_stack.stack([gy, gx], axis=-1), dtypes.float32)
    query = array_ops.reshape(grid[None] - flw, [b, -1, 2])

    def corner_and_alpha(q, size):
        floor = math_ops.minimum(math_ops.maximum(math_ops.floor(q), 0.0), math_ops.cast(size - 2, dtypes.float32))
        alpha = math_ops.minimum(math_ops.maximum(q - floor, 0.0), 1.0)
        return math_ops.cast(floor, dtypes.int32), alpha[..., None]

    y0, ay = corner_and_alpha(query[..., 0], h)
    x0, ax = corner_and_alpha(query[..., 1], w)
    flat = array_ops.reshape(img, [-1, c])
    base = (math_ops.range(b) * h * w)[:, None]

    def pick(yy, xx):
        return array_ops.gather(flat, base + yy * w + xx)

    top = pick(y0, x0) + ax * (pick(y0, x0 + 1) - pick(y0, x0))
    bottom = pick(y0 + 1, x0) + ax * (pick(y0 + 1, x0 + 1) - pick(y0 + 1, x0))
    out = array_ops.reshape(top + ay * (bottom - top), shape)
    return math_ops.cast(out, image.dtype)


def _dense_image_warp_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return list(gen_ops.dense_image_warp_grad(grads[0], inputs[0], inputs[1]))


@register("DenseImageWarp", inputs=["image", "flow"], grad=_dense_image_warp_grad)
def dense_image_warp(image, flow):
    """image [B,H,W,C] (H, W ≥ 2) warped by flow [B,H,W,2] (dy, dx), bilinear with edge clamping."""
    image = ops.convert_to_tensor(image, name="image")
    return _warp(image, ops.convert_to_tensor(flow, name="flow"))


@register("DenseImageWarpGrad", inputs=["grad", "image", "flow"])
def dense_image_warp_grad(grad, image, flow):
    """(grad_image, grad_flow) of DenseImageWarp for the output gradient ``grad``."""
    image = ops.convert_to_tensor(image, name="image")
    flow = ops.convert_to_tensor(flow, name="flow")
    g_img, g_flow = _vjp(_warp, [image, flow], ops.convert_to_tensor(grad, dtype=image.dtype, name="grad"))
    return g_img, g_flow


# ------------------------------------------------------------------------------ DeformableOffsets
def _pair(values, data_format, attr):
    vals = [int(v) for v in values]
    if len(vals) != 4:
        raise ValueError(f"DeformableOffsets: {attr} must have 4 values in {data_format} order, got {vals}")
    return vals[data_format.index("H")], vals[data_format.index("W")]


def _deformable_sample(x, offsets, strides, pads, ksize, dilations, data_format, deformable_groups, modulated):
    """Samples ``x`` at the deformed kernel taps; returns [N, OH*KH, OW*KW, C] (NHWC).

    ``offsets`` [N, OH, OW, 3·G·KH·KW] holds G·KH·KW x-offsets, then as many y-offsets, then the
    masks (each block ordered group, kernel row, kernel column).  Tap (i, j) of output pixel
    (oh, ow) reads ``x`` at ``y = oh·sh - pad_top + i·dh + dy``, ``x = ow·sw - pad_left + j·dw + dx``
    bilinearly; neighbours outside the image read 0.
    """
    _choice("DeformableOffsets", "data_format", data_format, DATA_FORMATS)
    if data_format == "NCHW":
        x, offsets = array_ops.transpose(x, [0, 2, 3, 1]), array_ops.transpose(offsets, [0, 2, 3, 1])
    sh, sw = _pair(strides, data_format, "strides")
    dh, dw = _pair(dilations, data_format, "dilations")
    if len(pads) != 4 or len(ksize) != 2:
        raise ValueError(f"DeformableOffsets: pads needs 4 values (top, bottom, left, right) and ksize 2, "
                         f"got pads={list(pads)} ksize={list(ksize)}")
    kh, kw, g = int(ksize[0]), int(ksize[1]), int(deformable_groups)
    xf = math_ops.cast(x, dtypes.float32)
    off = math_ops.cast(offsets, dtypes.float32)
    n, h, w, c = (array_ops.shape(xf)[i] for i in range(4))
    oh, ow = array_ops.shape(off)[1], array_ops.shape(off)[2]
    k = g * kh * kw
    parts = array_ops.reshape(off[..., : (3 if modulated else 2) * k], [n, oh, ow, 3 if modulated else 2, g, kh, kw])
    base_y = math_ops.cast(math_ops.range(oh) * sh - int(pads[0]), dtypes.float32)[:, None] + \
        math_ops.cast(math_ops.range(kh) * dh, dtypes.float32)[None, :]            # [OH, KH]
    base_x = math_ops.cast(math_ops.range(ow) * sw - int(pads[2]), dtypes.float32)[:, None] + \
        math_ops.cast(math_ops.range(kw) * dw, dtypes.float32)[None, :]            # [OW, KW]
    ys = base_y[:, None, None, :, None] + parts[:, :, :, 1]                       # [N, OH, OW, G, KH, KW]
    xs = base_x[None, :, None, None, :] + parts[:, :, :, 0]
    # one sampling problem per (batch, group): [N*G, P] points, P = OH*KH*OW*KW
    perm = [0, 3, 1, 4, 2, 5]
    ys = array_ops.reshape(array_ops.transpose(ys, perm), [n * g, -1])
    xs = array_ops.reshape(array_ops.transpose(xs, perm), [n * g, -1])
    cg = c // g
    planes = array_ops.reshape(array_ops.transpose(array_ops.reshape(xf, [n, h, w, g, cg]), [0, 3, 1, 2, 4]),
                               [-1, cg])
    base = (math_ops.range(n * g) * h * w)[:, None]
    y0, x0 = math_ops.floor(ys), math_ops.floor(xs)
    sampled = 0.0
    for dy_, wy in ((0, (y0 + 1.0) - ys), (1, ys - y0)):
        for dx_, wx in ((0, (x0 + 1.0) - xs), (1, xs - x0)):
            yy = math_ops.cast(y0, dtypes.int32) + dy_
            xx = math_ops.cast(x0, dtypes.int32) + dx_
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            idx = base + math_ops.minimum(math_ops.maximum(yy, 0), h - 1) * w + \
                math_ops.minimum(math_ops.maximum(xx, 0), w - 1)
            weight = wy * wx * math_ops.cast(inside, dtypes.float32)
            sampled = sampled + array_ops.gather(planes, idx) * weight[..., None]
    out = array_ops.reshape(sampled, [n, g, oh, kh, ow, kw, cg])
    if modulated:
        mask = array_ops.transpose(parts[:, :, :, 2], perm)                          # [N, G, OH, KH, OW, KW]
        out = out * mask[..., None]
    out = array_ops.reshape(array_ops.transpose(out, [0, 2, 3, 4, 5, 1, 6]), [n, oh * kh, ow * kw, c])
    out = math_ops.cast(out, x.dtype)
    return array_ops.transpose(out, [0, 3, 1, 2]) if data_format == "NCHW" else out


_DEFORMABLE_ATTRS = [("strides", REQUIRED), ("pads", REQUIRED), ("ksize", REQUIRED), ("dilations", [1, 1, 1, 1]),
                     ("data_format", "NHWC"), ("deformable_groups", 1), ("modulated", True)]


def deformable_offsets_grad_view(view, grad):
    """[grad_x, grad_offsets] of a DeformableOffsets instance (``view``: an ``OpView``), via DeformableOffsetsGrad."""
    from npu_bridge._ops import gen_ops

    attrs = {name: view.get_attr(name) for name, _ in _DEFORMABLE_ATTRS}
    return list(gen_ops.deformable_offsets_grad(grad, view.inputs[0], view.inputs[1], **attrs))


def _deformable_offsets_grad(inputs, outputs, grads):
    from npu_bridge._ops.composite import OpView

    return deformable_offsets_grad_view(OpView.of(outputs[0].op), grads[0])


@register("DeformableOffsets", inputs=["x", "offsets"], attrs=_DEFORMABLE_ATTRS, grad=_deformable_offsets_grad)
def deformable_offsets(x, offsets, **attrs):
    """Deformed kernel-tap samples of ``x``: [N, OH·KH, OW·KW, C] (NHWC), masked when ``modulated``."""
    x = ops.convert_to_tensor(x, name="x")
    return _deformable_sample(x, ops.convert_to_tensor(offsets, dtype=x.dtype, name="offsets"), **attrs)


@register("DeformableOffsetsGrad", inputs=["grad", "x", "offsets"], attrs=_DEFORMABLE_ATTRS)
def deformable_offsets_grad(grad, x, offsets, **attrs):
    """(grad_x, grad_offsets) of DeformableOffsets for the output gradient ``grad``."""
    x = ops.convert_to_tensor(x, name="x")
    offsets = ops.convert_to_tensor(offsets, dtype=x.dtype, name="offsets")
    gx, goff = _vjp(lambda a, b: _deformable_sample(a, b, **attrs), [x, offsets],
                    ops.convert_to_tensor(grad, dtype=x.dtype, name="grad"))
    return gx, goff


# ------------------------------------------------------------------------- WarpAffineV2 / ResizeV2
def _as_image_result(y, dtype):
    if dtype == dtypes.uint8:
        return math_ops.cast(math_ops.round(math_ops.minimum(math_ops.maximum(y, 0.0), 255.0)), dtypes.uint8)
    return math_ops.cast(y, dtype)


@register("WarpAffineV2", inputs=["x", "matrix", "dst_size"], attrs=[
    ("interpolation", REQUIRED), ("border_type", REQUIRED), ("border_value", 0)])
def warp_affine_v2(x, matrix, dst_size, interpolation, border_type, border_value):
    """HWC image warped by the 2×3 forward affine ``matrix`` (OpenCV ``warpAffine``) into
    ``dst_size = [height, width]``."""
    mode = _choice("WarpAffineV2", "interpolation", interpolation, _INTERPOLATIONS)
    fill = _choice("WarpAffineV2", "border_type", border_type, _BORDERS)
    x = ops.convert_to_tensor(x, name="x")
    m = array_ops.reshape(math_ops.cast(matrix, dtypes.float32), [6])
    det = m[0] * m[4] - m[1] * m[3]
    inv = array_ops_stack.stack([m[4], -m[1], m[1] * m[5] - m[2] * m[4], -m[3], m[0], m[2] * m[3] - m[0] * m[5]]) / det
    transform = array_ops.concat([inv, [0.0, 0.0]], axis=0)[None]
    y = gen_image_ops.image_projective_transform_v3(
        images=math_ops.cast(x, dtypes.float32)[None], transforms=transform,
        output_shape=math_ops.cast(array_ops.reshape(dst_size, [2]), dtypes.int32),
        fill_value=float(border_value), interpolation=mode, fill_mode=fill)
    return _as_image_result(y[0], x.dtype)


@register("ResizeV2", inputs=["x", "dst_size"], attrs=[("interpolation", REQUIRED)])
def resize_v2(x, dst_size, interpolation):
    """HWC image resized to ``dst_size = [height, width]`` (half-pixel centres, like OpenCV)."""
    mode = _choice("ResizeV2", "interpolation", interpolation, _INTERPOLATIONS).lower()
    x = ops.convert_to_tensor(x, name="x")
    size = math_ops.cast(array_ops.reshape(dst_size, [2]), dtypes.int32)
    y = image_ops.resize_images_v2(math_ops.cast(x, dtypes.float32), size, method=mode)
    return _as_image_result(y, x.dtype)


# ------------------------------------------------------------------------------------- decoding
@register("DecodeImageV3", inputs=["contents"], attrs={"channels": 0, "dtype": dtypes.uint8, "expand_animations": True})
def decode_image_v3(contents, channels, dtype, expand_animations):
    """Decodes BMP/GIF/JPEG/PNG like ``tf.io.decode_image`` (float32 scaled to [0, 1])."""
    if channels < 0:
        raise ValueError(f"DecodeImageV3: channels must be non-negative, got {channels}")
    if dtypes.as_dtype(dtype) not in (dtypes.uint8, dtypes.uint16, dtypes.float32):
        raise ValueError(f"DecodeImageV3: dtype={dtypes.as_dtype(dtype).name}; legal values: uint8, uint16, float32")
    return image_ops.decode_image(contents, channels=channels, dtype=dtypes.as_dtype(dtype),
                                  expand_animations=expand_animations)


def _resize_uint8(image, size):
    size = math_ops.cast(array_ops.reshape(size, [2]), dtypes.int32)
    return _as_image_result(image_ops.resize_images_v2(math_ops.cast(image, dtypes.float32), size), dtypes.uint8)


@register("DecodeAndResizeJpeg", inputs=["contents", "resize"])
def decode_and_resize_jpeg(contents, resize):
    """uint8 [h, w, 3]: the JPEG decoded to RGB and resized bilinearly to ``resize = [h, w]``."""
    return _resize_uint8(image_ops.decode_jpeg(contents, channels=3), resize)


@register("DecodeAndCropAndResizeJpeg", inputs=["contents", "crop_size", "resize"])
def decode_and_crop_and_resize_jpeg(contents, crop_size, resize):
    """uint8 [h, w, 3]: the window ``crop_size = [y, x, height, width]`` of the JPEG, resized to ``resize``."""
    window = math_ops.cast(array_ops.reshape(crop_size, [4]), dtypes.int32)
    return _resize_uint8(image_ops.decode_and_crop_jpeg(contents, window, channels=3), resize)


@register("OCRIdentifyPreHandle", inputs=["imgs_data", "imgs_offset", "imgs_size"],
          attrs=[("size", REQUIRED), ("data_format", "NHWC")])
def ocr_identify_pre_handle(imgs_data, imgs_offset, imgs_size, size, data_format):
    """Cuts image k (``imgs_size[k]`` in ``data_format`` order, 3 channels) out of the flat uint8
    ``imgs_data`` at ``imgs_offset[k]`` and resizes it bilinearly to ``size``; [N, h, w, 3] or [N, 3, h, w]."""
    _choice("OCRIdentifyPreHandle", "data_format", data_format, DATA_FORMATS)
    if len(size) != 2:
        raise ValueError(f"OCRIdentifyPreHandle: size must hold 2 values [height, width], got {list(size)}")
    data = ops.convert_to_tensor(imgs_data, dtypes.uint8, name="imgs_data")
    offsets = ops.convert_to_tensor(imgs_offset, dtypes.int32, name="imgs_offset")
    shapes = ops.convert_to_tensor(imgs_size, dtypes.int32, name="imgs_size")

    def one(k):
        shp = shapes[k]
        img = array_ops.reshape(data[offsets[k]: offsets[k] + math_ops.reduce_prod(shp)], shp)
        if data_format == "NCHW":
            img = array_ops.transpose(img, [1, 2, 0])
        out = _resize_uint8(img, [int(size[0]), int(size[1])])
        out.set_shape([int(size[0]), int(size[1]), 3])
        return array_ops.transpose(out, [2, 0, 1]) if data_format == "NCHW" else out

    return map_fn.map_fn(one, math_ops.range(array_ops.shape(offsets)[0]), fn_output_signature=dtypes.uint8)
