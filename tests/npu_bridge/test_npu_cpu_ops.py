"""npu_bridge.npu_cpu.npu_cpu_ops: every wrapper builds its emulated op and computes the right values."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.npu_cpu import npu_cpu_ops as cpu


def _run(build):
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as sess:
        return sess.run(build())


def _op_types(graph):
    return {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr}


# --------------------------------------------------------------------------- embedding rank / index
ADDR = np.array([[0, 1000, 4], [1, 5000, 4], [2, 9000, 4]], dtype=np.uint64)


def test_embeddingrankid_mod_mode_round_robin():
    index = np.array([0, 1, 2, 3, 7, 11], dtype=np.int64)
    out = _run(lambda: cpu.embeddingrankid(tf.constant(ADDR), tf.constant(index), row_memory=320))
    server, local = index % 3, index // 3
    want = np.stack([ADDR[server, 0], ADDR[server, 1] + local * 320, local], axis=1)
    np.testing.assert_array_equal(out, want)
    assert out.dtype == np.uint64


def test_embeddingrankid_order_mode_fills_servers_in_order():
    index = np.array([0, 3, 4, 9, 11], dtype=np.int32)
    out = _run(lambda: cpu.embeddingrankid(tf.constant(ADDR), tf.constant(index), row_memory=8, mode="order"))
    server, local = index // 4, index % 4
    np.testing.assert_array_equal(out[:, 0], ADDR[server, 0])
    np.testing.assert_array_equal(out[:, 1], ADDR[server, 1] + local * 8)


def test_embeddingrankid_rejects_unknown_mode():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="mode='hash'.*mod, order"):
        cpu.embeddingrankid(tf.constant(ADDR), tf.constant([1]), mode="hash")


def test_embedding_local_index_sorts_by_server():
    index = np.array([5, 0, 4, 3, 1], dtype=np.int64)
    local, nums, recover = _run(lambda: cpu.embedding_local_index(tf.constant(ADDR), tf.constant(index)))
    server = index % 3
    order = np.argsort(server, kind="stable")
    np.testing.assert_array_equal(recover, order)
    np.testing.assert_array_equal(local, (index // 3)[order])
    np.testing.assert_array_equal(nums, np.bincount(server, minlength=3))


# ------------------------------------------------------------------------------ RandomChoiceWithMask
def test_randomchoicewithmask_picks_true_coordinates_and_masks_padding():
    x = np.zeros((4, 5), dtype=bool)
    true_coords = {(0, 1), (2, 3), (3, 0)}
    for r, c in true_coords:
        x[r, c] = True
    y, mask = _run(lambda: cpu.randomchoicewithmask(tf.constant(x), count=5, seed=1, seed2=2))
    assert y.shape == (5, 2) and mask.shape == (5,)
    assert mask.tolist() == [True, True, True, False, False]
    assert {tuple(r) for r in y[:3]} == true_coords
    np.testing.assert_array_equal(y[3:], 0)


def test_randomchoicewithmask_count_limits_rows():
    x = np.ones((3, 3), dtype=bool)
    y, mask = _run(lambda: cpu.randomchoicewithmask(tf.constant(x), count=4, seed=3))
    assert mask.all() and len({tuple(r) for r in y}) == 4


# ----------------------------------------------------------------------------------- DenseImageWarp
def test_dense_image_warp_zero_flow_is_identity():
    img = np.random.RandomState(0).rand(2, 5, 6, 3).astype(np.float32)
    out = _run(lambda: cpu.dense_image_warp(tf.constant(img), tf.zeros([2, 5, 6, 2])))
    np.testing.assert_allclose(out, img, atol=1e-6)


def test_dense_image_warp_integer_flow_shifts_image():
    img = np.arange(2 * 5 * 6 * 1, dtype=np.float32).reshape(2, 5, 6, 1)
    flow = np.zeros((2, 5, 6, 2), np.float32)
    flow[..., 1] = 1.0  # sample one column to the left
    out = _run(lambda: cpu.dense_image_warp(tf.constant(img), tf.constant(flow)))
    np.testing.assert_allclose(out[:, :, 1:], img[:, :, :-1], atol=1e-5)


def test_dense_image_warp_fractional_flow_interpolates():
    img = np.random.RandomState(1).rand(1, 4, 4, 2).astype(np.float32)
    flow = np.full((1, 4, 4, 2), 0.5, np.float32)
    out = _run(lambda: cpu.dense_image_warp(tf.constant(img), tf.constant(flow)))
    # interior pixel (2, 2) samples (1.5, 1.5): the mean of the four neighbours
    np.testing.assert_allclose(out[0, 2, 2], img[0, 1:3, 1:3].mean(axis=(0, 1)), atol=1e-6)


def test_dense_image_warp_gradient_uses_grad_op_and_matches_finite_difference():
    rs = np.random.RandomState(2)
    img = rs.rand(1, 4, 5, 2).astype(np.float64).astype(np.float32)
    flow = (rs.rand(1, 4, 5, 2) * 0.6 + 0.2).astype(np.float32)
    with tf.Graph().as_default() as g, tf.Session() as sess:
        f = tf.placeholder(tf.float32, flow.shape)
        y = tf.reduce_sum(cpu.dense_image_warp(tf.constant(img), f) ** 2)
        (gflow,) = tf.gradients(y, [f])
        assert "DenseImageWarpGrad" in _op_types(g)
        grad = sess.run(gflow, {f: flow})
        eps = 1e-2
        plus, minus = flow.copy(), flow.copy()
        plus[0, 1, 2, 1] += eps
        minus[0, 1, 2, 1] -= eps
        numeric = (sess.run(y, {f: plus}) - sess.run(y, {f: minus})) / (2 * eps)
    np.testing.assert_allclose(grad[0, 1, 2, 1], numeric, rtol=2e-2, atol=1e-3)


# ------------------------------------------------------------------------------ WarpAffine / Resize
def test_warp_affine_v2_identity_and_translation():
    img = np.random.RandomState(3).randint(0, 255, (6, 7, 3)).astype(np.uint8)
    ident = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    shift = np.array([[1, 0, 2], [0, 1, 1]], np.float32)  # x += 2, y += 1
    out_id, out_shift = _run(lambda: [cpu.warp_affine_v2(tf.constant(img), tf.constant(ident), tf.constant([6, 7])),
                                      cpu.warp_affine_v2(tf.constant(img), tf.constant(shift), tf.constant([6, 7]),
                                                         border_value=9)])
    np.testing.assert_array_equal(out_id, img)
    np.testing.assert_array_equal(out_shift[1:, 2:], img[:-1, :-2])
    assert (out_shift[0] == 9).all() and (out_shift[:, :2] == 9).all()


def test_warp_affine_v2_rejects_unknown_border_type():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="border_type='BORDER_FOO'.*BORDER_CONSTANT"):
        cpu.warp_affine_v2(tf.zeros([2, 2, 1]), tf.zeros([2, 3]), [2, 2], border_type="BORDER_FOO")


def test_resize_v2_bilinear_uses_half_pixel_centres():
    img = np.array([[[0.0], [1.0]]], np.float32)  # 1x2 image
    out = _run(lambda: cpu.resize_v2(tf.constant(img), tf.constant([3, 4])))
    assert out.shape == (3, 4, 1)
    np.testing.assert_allclose(out[:, :, 0], np.tile([0.0, 0.25, 0.75, 1.0], (3, 1)), atol=1e-6)


def test_resize_v2_uint8_rounds_and_keeps_dtype():
    img = np.array([[[0], [255]]], np.uint8)
    out = _run(lambda: cpu.resize_v2(tf.constant(img), [1, 4], interploation="INTEL_NEAREST"))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, :, 0], [0, 0, 255, 255])


# ---------------------------------------------------------------------------- NonZeroWithValueShape
def test_non_zero_with_value_shape_trims_to_count():
    value = np.array([7.0, 8.0, 9.0, 0.0, 0.0], np.float32)
    index = np.array([0, 1, 2, 0, 0, 3, 4, 1, 0, 0], np.int32)  # rows then columns
    out_value, out_index = _run(lambda: cpu.non_zero_with_value_shape(value, index, tf.constant([3])))
    np.testing.assert_array_equal(out_value, [7, 8, 9])
    np.testing.assert_array_equal(out_index, [0, 1, 2, 3, 4, 1])


# -------------------------------------------------------------------------------------- queues
def test_batch_enqueue_then_dequeue_pads_with_replicate():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [2])
        enq = cpu.batch_enqueue(x, queue_id=0, batch_size=3, queue_name="test_q_replicate")
        deq = cpu.dequeue(0, tf.float32, [3, 2], queue_name="test_q_replicate")
        assert sess.run(enq, {x: [1, 2]}) == 1
        assert sess.run(enq, {x: [3, 4]}) == 2
        np.testing.assert_array_equal(sess.run(deq), [[1, 2], [3, 4], [3, 4]])
        with pytest.raises(tf.errors.InvalidArgumentError, match="empty"):
            sess.run(deq)


def test_batch_enqueue_zero_pad_and_queue_id_key():
    with tf.Graph().as_default(), tf.Session() as sess:
        sess.run(cpu.batch_enqueue(tf.constant([5], tf.int32), queue_id=77, batch_size=2, pad_mode="ZERO"))
        np.testing.assert_array_equal(sess.run(cpu.dequeue(77, tf.int32, [2, 1])), [[5], [0]])


# --------------------------------------------------------------------------------- feature mapping
def test_host_feature_mapping_assigns_offsets_in_first_seen_order_and_round_trips(tmp_path):
    with tf.Graph().as_default(), tf.Session() as sess:
        ids = tf.placeholder(tf.int64, [None])
        mapped = cpu.host_feature_mapping(ids, table_name="t_fm_roundtrip")
        np.testing.assert_array_equal(sess.run(mapped, {ids: [30, 10, 30, 20]}), [0, 1, 0, 2])
        np.testing.assert_array_equal(sess.run(mapped, {ids: [20, 40]}), [2, 3])
        sess.run(cpu.host_feature_mapping_export(str(tmp_path), ["t_fm_roundtrip"]))
    lines = (tmp_path / "t_fm_roundtrip.bin").read_text().splitlines()
    assert "feature_id: 30 | counts: 2 | offset_id: 0" in lines and len(lines) == 4
    from npu_bridge._ops import host_aicpu

    del host_aicpu.HOST_TABLES["t_fm_roundtrip"]
    with tf.Graph().as_default(), tf.Session() as sess:
        sess.run(cpu.host_feature_mapping_import(str(tmp_path)))
        ids = tf.constant([40, 50], tf.int64)
        np.testing.assert_array_equal(sess.run(cpu.host_feature_mapping(ids, table_name="t_fm_roundtrip")), [3, 4])


def test_device_feature_mapping_is_int32():
    out = _run(lambda: cpu.device_feature_mapping(tf.constant([123456789, 123456789], tf.int64)))
    assert out.dtype == np.int32 and out[0] == out[1]


# ------------------------------------------------------------------------------------------ OCR
def test_ocr_identify_pre_handle_cuts_and_resizes():
    rs = np.random.RandomState(5)
    a = rs.randint(0, 255, (4, 6, 3)).astype(np.uint8)
    b = rs.randint(0, 255, (2, 2, 3)).astype(np.uint8)
    data = np.concatenate([a.ravel(), b.ravel()])
    out = _run(lambda: cpu.ocr_identify_pre_handle(data, [0, a.size], [[4, 6, 3], [2, 2, 3]], size=[4, 6]))
    assert out.shape == (2, 4, 6, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0], a)


@pytest.mark.parametrize("call,op", [
    (lambda: cpu.ocr_detection_pre_handle(tf.zeros([4, 4, 3], tf.uint8)), "OCRDetectionPreHandle"),
    (lambda: cpu.ocr_find_contours(tf.zeros([4, 4], tf.uint8)), "OCRFindContours"),
    (lambda: cpu.resize_and_clip_polys(*([tf.zeros([3], tf.int32)] * 3), 1.0, 1.0, 4, 4), "ResizeAndClipPolys"),
])
def test_undocumented_ocr_ops_say_they_are_not_emulated(call, op):
    with tf.Graph().as_default(), pytest.raises(NotImplementedError, match=f"{op} is not emulated.*AI CPU kernel"):
        call()
