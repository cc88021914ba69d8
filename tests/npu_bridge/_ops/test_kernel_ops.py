"""npu_bridge's Gelu/DropOut ops on the ascend_sim numba kernels (kernel_ops): one kernel node per op, the
portable composite fallback (ASCEND_SIM_PORTABLE_OPS=1), gradients, runtime checks, seeds per step and
session, buffer safety, numba imported only when a kernel runs, Estimator and Keras graphs."""
import subprocess
import sys

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.eager import context

from ascend_sim import kernels
from npu_bridge._ops import gen_ops
from npu_bridge._ops.kernel_ops import PORTABLE_ENV
from npu_bridge.estimator import npu_ops
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops
from testsupport import kernel_twins as twin
from testsupport.scripts import ROOT, UPSTREAM_ENV

PYFUNCS = {"PyFunc", "PyFuncStateless", "EagerPyFunc"}


@pytest.fixture(params=["kernel", "portable"])
def mode(request, monkeypatch):
    if request.param == "portable":
        monkeypatch.setenv(PORTABLE_ENV, "1")
    else:
        monkeypatch.delenv(PORTABLE_ENV, raising=False)
    return request.param


def _composite_types(graph, op_type):
    node = [op for op in graph.get_operations() if op.node_def.attr["_ascend_op_type"].s == op_type.encode()]
    assert len(node) == 1
    instance = node[0].node_def.attr["_ascend_composite"].s
    return [op.type for op in graph.get_operations() if op.node_def.attr["_ascend_composite"].s == instance]


BUILDERS = {
    "Gelu": lambda x: gen_ops.gelu(x),
    "GeluGrad": lambda x: gen_ops.gelu_grad(x, x, x),
    "FastGelu": lambda x: gen_ops.fast_gelu(x),
    "FastGeluGrad": lambda x: gen_ops.fast_gelu_grad(x, x),
    "DropOutGenMask": lambda x: gen_ops.drop_out_gen_mask(tf.shape(x), 0.5),
    "DropOutDoMask": lambda x: gen_ops.drop_out_do_mask(x, tf.zeros([16], tf.uint8), 0.5),
}


@pytest.mark.parametrize("op_type", sorted(BUILDERS))
def test_each_op_is_one_kernel_node_or_only_standard_ops(op_type, mode):
    with tf.Graph().as_default() as graph:
        BUILDERS[op_type](tf.ones([4, 8]))
        kinds = _composite_types(graph, op_type)
        assert sum(k in PYFUNCS for k in kinds) == (1 if mode == "kernel" else 0)
        if mode == "portable":
            assert not PYFUNCS & {op.type for op in graph.get_operations()}


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_values_and_gradients_in_both_modes(dtype, mode):
    x_val = np.linspace(-8, 8, 801).astype(dtype)
    dy_val = np.random.RandomState(0).uniform(-2, 2, 801).astype(dtype)
    with tf.Graph().as_default():
        x = tf.constant(x_val)
        y, fy = npu_unary_ops.gelu(x), gen_ops.fast_gelu(x)
        (dx,) = tf.gradients(y, [x], grad_ys=[tf.constant(dy_val)])
        (fdx,) = tf.gradients(fy, [x], grad_ys=[tf.constant(dy_val)])
        with tf.Session() as sess:
            got = sess.run([y, dx, fy, fdx])
    assert all(g.dtype == dtype for g in got)
    if mode == "kernel":
        twin.assert_within(got[0], twin.gelu(x_val), x_val, "gelu", dtype)
        twin.assert_within(got[1], twin.gelu_grad(dy_val, x_val), x_val, "grad", dtype, dy=dy_val)
        twin.assert_within(got[2], twin.fast_gelu(x_val), x_val, "gelu", dtype, fast=True)
        twin.assert_within(got[3], twin.fast_gelu_grad(dy_val, x_val), x_val, "grad", dtype, fast=True, dy=dy_val)
    else:  # TensorFlow's own float arithmetic: its tanh cancels in the negative tail
        tol = {np.float16: 1e-2, np.float32: 2e-5, np.float64: 1e-12}[dtype]
        for g, want in zip(got, [twin.gelu(x_val), twin.gelu_grad(dy_val, x_val), twin.fast_gelu(x_val),
                                 twin.fast_gelu_grad(dy_val, x_val)]):
            np.testing.assert_allclose(g.astype(np.float64), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("op", ["gelu", "fast_gelu"])
def test_compute_gradient(op):
    x_val = np.linspace(-5, 5, 37)
    for dtype, delta, bound in [(tf.float64, 1e-6, 1e-8), (tf.float32, 1e-3, 2e-3)]:
        with tf.Graph().as_default():
            x = tf.constant(x_val, dtype)
            y = getattr(gen_ops, op)(x)
            with tf.Session():
                err = tf.test.compute_gradient_error(x, [37], y, [37], x_init_value=x_val.astype(dtype.as_numpy_dtype),
                                                     delta=delta)
        assert err < bound, (op, dtype, err)


def test_dropout_gradient_check_and_mask_reuse():
    x_val = np.random.RandomState(1).randn(64)
    with tf.Graph().as_default() as graph:
        x = tf.constant(x_val, tf.float32)
        y = npu_ops.dropout(x, 0.7, seed=3)
        mask = graph.get_operation_by_name("DropOutGenMask").outputs[0]
        (dx,) = tf.gradients(tf.reduce_sum(y * 2.0), [x])
        with tf.Session() as sess:
            y_val, m_val, dx_val = sess.run([y, mask, dx])
    keep = kernels.unpack_mask(m_val, [64])
    np.testing.assert_array_equal(y_val != 0, keep)  # the fetched mask is the one applied
    np.testing.assert_allclose(dx_val, np.where(keep, 2.0 / np.float32(0.7), 0.0), rtol=1e-6)


def _mask_runs(seed, runs=3):
    with tf.Graph().as_default():
        y = npu_ops.dropout(tf.ones([2048]), 0.5, seed=seed)
        with tf.Session() as sess:
            return [sess.run(y) != 0 for _ in range(runs)]


def test_seeded_masks_change_every_step_and_repeat_in_a_new_session(mode):
    tf.set_random_seed(None)
    first, second = _mask_runs(seed=42), _mask_runs(seed=42)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))  # same sequence per session (TF semantics)
    assert not np.array_equal(first[0], first[1]) and not np.array_equal(first[1], first[2])
    assert not np.array_equal(_mask_runs(seed=None, runs=1)[0], _mask_runs(seed=None, runs=1)[0])


def test_keep_prob_outside_the_range_at_run_time_names_it():
    with tf.Graph().as_default():
        keep = tf.placeholder(tf.float32, [])
        y = npu_ops.dropout(tf.ones([16]), keep)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {keep: 1.0}), np.ones(16))
            for bad in (0.0, 1.5, float("nan")):
                with pytest.raises(tf.errors.InvalidArgumentError, match=r"prob must be in the range \(0, 1\]"):
                    sess.run(y, {keep: bad})


def test_build_time_errors_name_the_argument():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match=r"Gelu: features must be float16, float32, float64; got a int32 tensor"):
            npu_unary_ops.gelu(tf.constant([1, 2]))
        x = tf.ones([4])
        with pytest.raises(ValueError, match=r"GeluGrad: gradients must have the shape of features"):
            npu_unary_ops.gelu_grad(tf.ones([5]), x, x)
        with pytest.raises(TypeError, match=r"GeluGrad: activations must have the dtype of features \(float32\)"):
            npu_unary_ops.gelu_grad(x, x, tf.ones([4], tf.float64))
        with pytest.raises(TypeError, match=r"DropOutDoMask: mask must be a uint8 bit-mask, got int32"):
            gen_ops.drop_out_do_mask(x, tf.zeros([16], tf.int32), 0.5)
        with pytest.raises(ValueError, match=r"DropOutDoMask: mask has 16 bytes, too few for the 1000 elements"):
            gen_ops.drop_out_do_mask(tf.ones([1000]), tf.zeros([16], tf.uint8), 0.5)
        with pytest.raises(TypeError, match=r"DropOutGenMaskV4: dtype must be bool or uint8"):
            gen_ops.drop_out_gen_mask_v4([4], 0.5, dtype=tf.float32)


def test_static_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        assert npu_unary_ops.gelu(x).shape.as_list() == [None, 3]
        assert gen_ops.gelu_grad(tf.placeholder(tf.float32, [2, None]), x, x).shape.as_list() == [2, 3]
        assert gen_ops.drop_out_gen_mask(tf.shape(x), 0.5).shape.as_list() == [None]
        assert gen_ops.drop_out_gen_mask([1000], 0.5).shape.as_list() == [128]
        assert gen_ops.drop_out_gen_mask_v4([3, 5], 0.5).shape.as_list() == [3, 5]
        assert npu_ops.dropout(x, 0.5).shape.as_list() == [None, 3]


def test_fetched_results_survive_later_runs():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1 << 18])  # 1 MiB outputs: pooled buffers
        y = npu_unary_ops.gelu(x)
        with tf.Session() as sess:
            first = sess.run(y, {x: np.full(1 << 18, 2.0, np.float32)})
            kept = first.copy()
            second = sess.run(y, {x: np.full(1 << 18, -2.0, np.float32)})
    assert np.array_equal(first, kept) and not np.shares_memory(first, second)


def test_eager_calls_run_the_kernels():
    with context.eager_mode():
        y = gen_ops.gelu(tf.constant([0.0, 1.0, -1.0]))
        np.testing.assert_allclose(y.numpy(), twin.gelu([0.0, 1.0, -1.0]), rtol=3e-7)
        mask = gen_ops.drop_out_gen_mask([100], 0.5, seed=1, seed2=2)
        assert mask.shape == (128 // 8,) and mask.dtype == tf.uint8


LAZY = """
import sys
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
assert "numba" not in sys.modules, "importing npu_bridge imported numba"
x = tf.constant([[1.0, -1.0]])
ops = [npu_unary_ops.gelu(x), npu_ops.dropout(x, 0.5)]
assert "numba" not in sys.modules, "building the ops imported numba"
with tf.Session() as sess:
    sess.run(ops)
from ascend_sim.kernels import _gelu
print("COMPILED", len(_gelu._k_gelu_f32.signatures), len(_gelu._k_gelu_f64.signatures))
"""


def test_numba_is_imported_and_kernels_compiled_only_when_an_op_runs():
    env = dict(UPSTREAM_ENV, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "COMPILED 1 0" in out.stdout  # only the float32 GeLU that ran


def test_portable_graph_exports_and_reloads_as_a_saved_model(tmp_path, monkeypatch):
    monkeypatch.setenv(PORTABLE_ENV, "1")
    x_val = np.linspace(-3, 3, 12).astype(np.float32).reshape(3, 4)
    export = str(tmp_path / "model")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        keep = tf.placeholder_with_default(1.0, [], name="keep")
        y = npu_ops.dropout(npu_unary_ops.gelu(x), keep)
        with tf.Session() as sess:
            want = sess.run(y, {x: x_val})
            tf.saved_model.simple_save(sess, export, inputs={"x": x}, outputs={"y": y})
    with tf.Graph().as_default() as graph:
        with tf.Session() as sess:
            meta = tf.saved_model.loader.load(sess, ["serve"], export)
            assert not PYFUNCS & {n.op for n in meta.graph_def.node}
            sig = meta.signature_def["serving_default"]
            got = sess.run(graph.get_tensor_by_name(sig.outputs["y"].name), {sig.inputs["x"].name: x_val})
    np.testing.assert_allclose(got, want, rtol=1e-6)
