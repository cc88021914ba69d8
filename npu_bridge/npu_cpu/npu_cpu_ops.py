"""Python wrappers of upstream's AI CPU ops (``npu_bridge.npu_cpu.npu_cpu_ops``, master).

Each function builds the emulated op of the same name (see ``npu_bridge/_ops/defs_aicpu*.py`` for
what each computes).  The OCR post-processing ops raise ``NotImplementedError`` when built: their
algorithms need the Ascend AI CPU kernels.
"""
import json  # noqa: F401  (upstream module namespace)

import tensorflow.compat.v1 as tf  # noqa: F401  (upstream module namespace)
from tensorflow.core.framework import attr_value_pb2  # noqa: F401  (upstream module namespace)
from tensorflow.python.framework import ops
from tensorflow.python.util import compat  # noqa: F401  (upstream module namespace)

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()


def embeddingrankid(addr_tensor, index, row_memory=320, mode='mod'):
    """Server and in-server row of every index: uint64 [n, 3] = (rank_id, row address, local row)."""
    return gen_npu_cpu_ops.embedding_rank_id(addr_table=addr_tensor, index=index, row_memory=row_memory, mode=mode)


def embedding_local_index(addr_tensor, index, row_memory=320, mode='mod'):
    """(local_idx sorted by server, nums per server, recover_idx)."""
    return gen_npu_cpu_ops.embedding_local_index(addr_table=addr_tensor, index=index, row_memory=row_memory,
                                                 mode=mode)


def randomchoicewithmask(x, count, seed=0, seed2=0):
    """(y int32 [count, rank(x)], mask bool [count]): random coordinates of true elements of ``x``."""
    return gen_npu_cpu_ops.random_choice_with_mask(x=x, count=count, seed=seed, seed2=seed2)


def dense_image_warp(image, flow, name=None):
    """``image`` warped by the per-pixel ``flow`` (bilinear, ``tfa.image.dense_image_warp`` semantics)."""
    return gen_npu_cpu_ops.dense_image_warp(image=image, flow=flow, name=name)


def dense_image_warp_grad(op, grad):
    """Gradient of a ``DenseImageWarp`` op: [grad_image, grad_flow] (op.inputs = image, flow)."""
    from npu_bridge._ops.composite import OpView

    view = OpView.of(op)
    image, flow = view.inputs[0], view.inputs[1]
    grad_image, grad_flow = gen_npu_cpu_ops.dense_image_warp_grad(grad, image, flow)
    return [grad_image, grad_flow]


try:  # upstream registers it for its native op type; the emulated op carries its own gradient
    ops.RegisterGradient("DenseImageWarp")(dense_image_warp_grad)
except KeyError:  # already registered (module imported twice under another name)
    pass


def batch_enqueue(x, queue_id=0, batch_size=8, queue_name="", queue_depth=100, pad_mode="REPLICATE"):
    """Pushes ``x`` on a host queue; returns the number of tensors queued."""
    return gen_npu_cpu_ops.batch_enqueue(x=x, queue_id=queue_id, batch_size=batch_size, queue_name=queue_name,
                                         queue_depth=queue_depth, pad_mode=pad_mode)


def ocr_recognition_pre_handle(imgs_data, imgs_offset, imgs_size, langs, langs_score,
                               batch_size=8, data_format="NHWC", pad_mode="REPLICATE"):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.ocr_recognition_pre_handle(
        imgs_data=imgs_data, imgs_offset=imgs_offset, imgs_size=imgs_size, langs=langs, langs_score=langs_score,
        batch_size=batch_size, data_format=data_format, pad_mode=pad_mode)


def ocr_detection_pre_handle(img, data_format="NHWC"):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.ocr_detection_pre_handle(img=img, data_format=data_format)


def ocr_identify_pre_handle(imgs_data, imgs_offset, imgs_size, size, data_format="NHWC"):
    """Cuts each image out of the flat ``imgs_data`` and resizes it to ``size``: uint8 [N, h, w, 3]."""
    return gen_npu_cpu_ops.ocr_identify_pre_handle(imgs_data=imgs_data, imgs_offset=imgs_offset,
                                                   imgs_size=imgs_size, size=size, data_format=data_format)


def batch_dilate_polys(polys_data, polys_offset, polys_size, score, min_border, min_area_thr, score_thr,
                       expand_scale):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.batch_dilate_polys(
        polys_data=polys_data, polys_offset=polys_offset, polys_size=polys_size, score=score, min_border=min_border,
        min_area_thr=min_area_thr, score_thr=score_thr, expand_scale=expand_scale)


def ocr_find_contours(img, value_mode=0):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.ocr_find_contours(img=img, value_mode=value_mode)


def dequeue(queue_id, output_type, output_shape, queue_name=""):
    """Pops one batch from the host queue as ``output_type`` / ``output_shape``."""
    return gen_npu_cpu_ops.dequeue(queue_id=queue_id, output_type=output_type, output_shape=output_shape,
                                   queue_name=queue_name)


def ocr_detection_post_handle(img, polys_data, polys_offset, polys_size, data_format="NHWC"):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.ocr_detection_post_handle(img=img, polys_data=polys_data, polys_offset=polys_offset,
                                                     polys_size=polys_size, data_format=data_format)


def warp_affine_v2(x, matrix, dst_size, interploation="INTEL_BILINEAR", border_type="BORDER_CONSTANT",
                   border_value=0):
    """HWC image warped by the forward 2×3 affine ``matrix`` into ``dst_size = [height, width]``.

    ``interploation`` keeps upstream's spelling; it is the op's ``interpolation`` attribute.
    """
    return gen_npu_cpu_ops.warp_affine_v2(x=x, matrix=matrix, dst_size=dst_size, interpolation=interploation,
                                          border_type=border_type, border_value=border_value)


def resize_v2(x, dst_size, interploation="INTEL_BILINEAR"):
    """HWC image resized to ``dst_size = [height, width]``."""
    return gen_npu_cpu_ops.resize_v2(x=x, dst_size=dst_size, interpolation=interploation)


def resize_and_clip_polys(polys_data, polys_offset, polys_size, h_scale, w_scale, img_h, img_w):
    """Not emulated (needs the Ascend AI CPU kernel): raises NotImplementedError."""
    return gen_npu_cpu_ops.resize_and_clip_polys(polys_data=polys_data, polys_offset=polys_offset,
                                                 polys_size=polys_size, h_scale=h_scale, w_scale=w_scale,
                                                 img_h=img_h, img_w=img_w)


def non_zero_with_value_shape(value, index, count):
    """``NonZeroWithValue``'s padded outputs cut to ``count``: (values, row/col indices)."""
    return gen_npu_cpu_ops.non_zero_with_value_shape(value=value, index=index, count=count)


def host_feature_mapping(feature_id, threshold=1, table_name="default_table_name"):
    """int64 offset of every feature id in the host mapping table ``table_name``."""
    return gen_npu_cpu_ops.host_feature_mapping(feature_id=feature_id, threshold=threshold, table_name=table_name)


def device_feature_mapping(feature_id):
    """int32 offset of every feature id in the device-side mapping table."""
    return gen_npu_cpu_ops.embedding_feature_mapping(feature_id=feature_id)


def host_feature_mapping_export(path, table_name_list):
    """Writes ``<path>/<table>.bin`` for each listed host mapping table (all when the list is empty)."""
    return gen_npu_cpu_ops.feature_mapping_export(path=path, table_name_list=table_name_list)


def host_feature_mapping_import(path):
    """Reads the mapping tables written by ``host_feature_mapping_export`` back from ``path``."""
    return gen_npu_cpu_ops.feature_mapping_import(path=path)
