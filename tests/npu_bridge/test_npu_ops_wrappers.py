"""npu_bridge.estimator.npu_ops: the non-dropout wrappers (system, LARS, Adam, LSTM cell, RNN grads, k-means, channels)."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.eager import context

from npu_bridge.estimator import npu_ops
from npu_bridge.helper import helper
from testsupport import rnn_twins


def _types(graph):
    return [op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
            if "_ascend_op_type" in op.node_def.attr]


def test_module_binds_the_generated_op_module_and_seed_constant():
    assert npu_ops.gen_npu_ops is helper.get_gen_ops()
    assert npu_ops.DEFAULT_GRAPH_SEED == 87654321


@pytest.mark.parametrize("fn,op_type", [(npu_ops.NPUInit, "NPUInit"), (npu_ops.initialize_system, "NPUInit"),
                                        (npu_ops.NPUShutdown, "NPUShutdown"),
                                        (npu_ops.shutdown_system, "NPUShutdown")])
def test_system_ops_build_tagged_operations(fn, op_type):
    with tf.Graph().as_default():
        op = fn(name="sys")
        assert isinstance(op, tf.Operation)
        assert op.get_attr("_ascend_op_type") == op_type.encode()
        with tf.Session() as sess:
            sess.run(op)


@pytest.mark.parametrize("call", [
    lambda: npu_ops.NPUInit(),
    lambda: npu_ops.LARSV2(np.ones(2, np.float32), np.ones(2, np.float32), 0.1, 0.1),
    lambda: npu_ops.basic_lstm_cell(*[np.ones((1, 1), np.float32)] * 5, 1.0, 1.0, True, "tanh"),
])
def test_eager_execution_is_refused(call):
    with context.eager_mode():
        with pytest.raises(RuntimeError, match="is not compatible with eager execution"):
            call()


def test_lars_wrappers_build_lars_ops():
    with tf.Graph().as_default() as graph:
        w, g = tf.ones([3]), tf.fill([3], 0.5)
        outs = npu_ops.LARS([w], [g], 0.1)
        single = npu_ops.LARSV2(w, g, tf.constant(0.1), tf.constant(0.01), use_clip=True)
        assert _types(graph) == ["LARS", "LarsV2"]
        with tf.Session() as sess:
            a, b = sess.run([outs[0], single])
    coeff = 0.001 * np.sqrt(3) / (0.5 * np.sqrt(3) + 0.1 * np.sqrt(3) + 1e-5)
    np.testing.assert_allclose(a, coeff * 0.6 * np.ones(3), rtol=1e-5)
    np.testing.assert_allclose(b, min(coeff / 0.01, 1.0) * 0.6 * np.ones(3), rtol=1e-5)


def test_adam_apply_one_assign_wrapper_updates_variables():
    with tf.Graph().as_default():
        v, m, var = tf.Variable([0.0]), tf.Variable([0.0]), tf.Variable([1.0])
        op = npu_ops.adam_apply_one_assign(tf.constant([2.0]), v, m, var, 0.5, 0.9, 0.1, 0.99, 0.01, 1e-8)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            got = sess.run([v, m, var])
    np.testing.assert_allclose(got[0], [0.04], rtol=1e-6)
    np.testing.assert_allclose(got[1], [0.2], rtol=1e-6)
    np.testing.assert_allclose(got[2], [1.0 - 0.5 * 0.2 / 0.2], rtol=1e-5)


def test_basic_lstm_cell_wrapper_and_public_grad_function():
    rng = np.random.RandomState(0)
    x, h, c = (rng.randn(2, n).astype(np.float32) for n in (3, 4, 4))
    w, b = (rng.randn(7, 16) * 0.3).astype(np.float32), np.zeros(16, np.float32)
    with tf.Graph().as_default():
        outs = npu_ops.basic_lstm_cell(x, h, c, w, b, 1.0, 1.0, True, "tanh")
        ht = outs[1]
        dht = tf.ones_like(ht)
        by_function = npu_ops.basic_lstm_cell_grad(ht.op, None, dht, None, None, None, None, None)
        by_autodiff = tf.gradients(ht, [outs[1].op.inputs[k] for k in range(7, 12)], grad_ys=dht)
        with tf.Session() as sess:
            got, (f_grads, a_grads) = sess.run(outs[1]), sess.run([by_function, by_autodiff])
    np.testing.assert_allclose(got, rnn_twins.lstm_cell(x, h, c, w, b, 1.0)[1], rtol=1e-5, atol=1e-6)
    assert [g.shape for g in f_grads] == [(2, 3), (2, 4), (2, 4), (7, 16), (16,)]
    for f, a in zip(f_grads, a_grads):
        np.testing.assert_allclose(f, a, rtol=1e-6)


def test_dynamic_rnn_grad_functions_take_the_op_and_return_input_gradients():
    rng = np.random.RandomState(1)
    gen = npu_ops.gen_npu_ops
    with tf.Graph().as_default():
        x = tf.constant(rng.randn(3, 2, 4).astype(np.float32))
        w, b = tf.constant(rng.randn(9, 20).astype(np.float32) * 0.3), tf.zeros([20])
        h0, c0 = tf.zeros([1, 2, 5]), tf.fill([1, 2, 5], 0.1)
        v2 = gen.dynamic_rnn_v2(x, w, b, h0, c0, "LSTM", "UNIDIRECTIONAL", "tanh")
        v1 = gen.dynamic_rnn(x, w, b, tf.constant([3, 2]), h0, c0, "LSTM", "UNIDIRECTIONAL", "tanh")
        dy = tf.ones_like(v2[0])
        g2 = npu_ops.dynamic_rnn_v2_grad(v2[0].op, dy, *[None] * 7)
        g1 = npu_ops.dynamic_rnn_grad(v1[0].op, dy, *[None] * 7)
        auto = tf.gradients(v2[0], [x, w, b, h0, c0], grad_ys=dy)
        assert len(g2) == 5 and len(g1) == 6 and g1[3] is None
        with tf.Session() as sess:
            got, want = sess.run([g2, auto])
    for a, b_ in zip(got, want):
        np.testing.assert_allclose(a, b_, rtol=1e-5)


def test_gru_grad_functions_take_the_op():
    gen = npu_ops.gen_npu_ops
    with tf.Graph().as_default():
        x, h0 = tf.ones([2, 1, 3]), tf.zeros([1, 2])
        wi, wh, bi, bh = tf.fill([3, 6], 0.1), tf.fill([2, 6], 0.1), tf.zeros([6]), tf.zeros([6])
        seq = tf.constant([2])
        gru = gen.dynamic_gru_v2(x, wi, wh, bi, bh, seq, h0, "UNIDIRECTIONAL", "tanh", "zrh")
        augru = gen.dynamic_augru(x, wi, wh, tf.fill([2, 1], 0.5), bi, bh, seq, h0, "UNIDIRECTIONAL", "tanh", "zrh")
        g = npu_ops.dynamic_gru_v2_grad(gru[0].op, tf.ones_like(gru[0]), *[None] * 5)
        a = npu_ops.dynamic_augru_grad(augru[0].op, tf.ones_like(augru[0]), *[None] * 6)
        assert len(g) == 7 and len(a) == 8
        assert g[0].shape.as_list() == [2, 1, 3] and a[3].shape.as_list() == [2, 1]


def test_grad_function_rejects_a_non_npu_op():
    with tf.Graph().as_default():
        t = tf.identity(tf.ones([1]))
        with pytest.raises(TypeError, match="not an emulated NPU op"):
            npu_ops.dynamic_rnn_grad(t.op, *[None] * 8)


def test_scatter_elements_wrapper():
    with tf.Graph().as_default():
        y = npu_ops.scatter_elements([[1.0, 2.0], [3.0, 4.0]], [[1, 0]], [[9.0, 8.0]], axis=0)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [[1.0, 8.0], [9.0, 4.0]])


@pytest.mark.parametrize("with_sum_x,op_type", [(True, "KMeansCentroids"), (False, "KMeansCentroidsV2")])
def test_k_means_centroids_picks_the_op_from_sum_square_x(with_sum_x, op_type):
    x = np.array([[0.0, 0.0], [10.0, 10.0], [0.2, 0.0]], np.float32)
    y = np.array([[0.0, 0.0], [10.0, 10.0]], np.float32)
    with tf.Graph().as_default() as graph:
        ssx = (x ** 2).sum(1, keepdims=True) if with_sum_x else None
        outs = npu_ops.k_means_centroids(x, y, (y ** 2).sum(1)[None], ssx, use_actual_distance=not with_sum_x)
        assert _types(graph) == [op_type]
        with tf.Session() as sess:
            seg_sum, count, total = sess.run(list(outs))
    np.testing.assert_allclose(count[:, 0], [2, 1])
    if with_sum_x:
        np.testing.assert_allclose(total, [0.04], rtol=1e-4)


def test_outfeed_wrappers_round_trip_and_stop_is_missing_as_on_master():
    with tf.Graph().as_default():
        enqueue = npu_ops.outfeed_enqueue_op("host_call", [tf.constant([1, 2])])
        (out,) = npu_ops.outfeed_dequeue_op("host_call", [tf.int32], [[2]])
        with tf.Session() as sess:
            sess.run(enqueue)
            np.testing.assert_array_equal(sess.run(out), [1, 2])
        with pytest.raises(AttributeError, match="stop_outfeed_dequeue_op"):
            npu_ops.stop_outfeed_dequeue_op("host_call")


def test_channel_get_next_builds_get_next():
    with tf.Graph().as_default() as graph:
        outs = npu_ops.channel_get_next("queue_0", [tf.float32], [[2]])
        assert _types(graph) == ["GetNext"]
        assert outs[0].shape.as_list() == [2]


def test_npu_onnx_graph_op_needs_the_device():
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="NpuOnnxGraphOp needs the Ascend device"):
            npu_ops.npu_onnx_graph_op([tf.ones([1])], [tf.float32], "model.onnx")
