"""Pass placement: units per op; unknown ops to the AI CPU (or the host in mix_compile_mode), strict errors."""
import pytest
import tensorflow.compat.v1 as tf

from ascend_sim.graph.context import LoweringError
from testsupport.lowering import before, context, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4, 8], name="x")
        y = tf.nn.relu(tf.matmul(x, tf.ones([8, 8]), name="mm"), name="r")
        tf.einsum("ij,jk->ik", y, tf.ones([8, 2]), name="ein")
        tf.add(tf.cast(x, tf.int64, name="i64"), 1, name="add64")
        tf.py_func(lambda a: a, [y], tf.float32, name="pyf")
    return g


FETCHES = ["ein/Einsum:0", "add64:0", "pyf:0"]


def _placed(**options):
    ir, ctx = before(_graph(), "placement", FETCHES, ctx=context(**options))
    assert all(n.unit is None for n in ir)
    return run_pass(ir, ctx, "placement"), ctx


def test_units_fallbacks_and_reports():
    ir, ctx = _placed()
    assert ir["mm"].unit == "aicore_cube" and ir["r"].unit == "aicore_vector" and ir["x"].unit == "host"
    assert ir["ein/Einsum"].unit == "aicpu" and ctx.unknown_ops == [("ein/Einsum", "Einsum")]
    assert ir["add64"].unit == "aicpu"                         # Add has no int64 AI Core kernel
    assert ir["pyf"].unit == "host" and ctx.host_nodes == ["pyf"]
    assert any("no Ascend op type" in w and "ein/Einsum (Einsum)" in w for w in ctx.warnings)
    assert any("fall back to the AI CPU" in w and "add64 (Add, int64)" in w for w in ctx.warnings)


def test_mix_compile_mode_keeps_unknown_ops_on_the_host():
    ir, ctx = _placed(mix_compile_mode=True)
    assert ir["ein/Einsum"].unit == "host" and "ein/Einsum" in ctx.host_nodes
    assert ctx.unknown_ops == [("ein/Einsum", "Einsum")]


def test_strict_mode_names_node_and_op_type():
    with pytest.raises(LoweringError, match=r"node 'ein/Einsum': TensorFlow op type 'Einsum'"):
        _placed(strict=True)
