"""Pass precision: dtypes per precision_mode with the Casts GE inserts (cube inputs fp16 only)."""
import json

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from ascend_sim.graph.context import LoweringError
from testsupport.lowering import before, by_op, context, run_pass

FETCHES = ["r:0", "s:0", "e:0"]


def _graph(const_weight=False):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4, 8], name="x")
        w = tf.constant(np.ones((8, 8), np.float32), name="w") if const_weight else tf.get_variable("w", [8, 8])
        r = tf.nn.relu(tf.matmul(x, w, name="mm"), name="r")
        tf.reduce_sum(r, axis=1, name="s")
        tf.exp(r, name="e")
    return g


def _lowered(mode=None, fetches=FETCHES, const_weight=False, **options):
    ctx = context(precision_mode=mode, **options)
    ir, ctx = before(_graph(const_weight), "precision", fetches, ctx=ctx)
    assert not by_op(ir, "Cast") and ir["mm"].outputs[0].dtype == "float32"        # before: all fp32
    return run_pass(ir, ctx, "precision"), ctx


def _dtype_in(ir, name, index=0):
    src = ir.nodes[name].inputs[index]
    return ir.output(src).dtype, ir[src[0]].op


def test_allow_fp32_to_fp16_casts_cube_operands_and_keeps_vector_ops_fp32():
    ir, _ = _lowered()                           # the training default on the 910
    assert [_dtype_in(ir, "mm", i) for i in (0, 1)] == [("float16", "Cast"), ("float16", "Cast")]
    assert ir["mm"].outputs[0].dtype == "float16"
    assert _dtype_in(ir, "r") == ("float32", "Cast") and ir["r"].outputs[0].dtype == "float32"
    assert ir["s"].outputs[0].dtype == "float32" and all(isinstance(f, tuple) for f in ir.fetches)
    assert all(c.name.startswith("trans_Cast_") and c.attrs["inserted_by"] == "precision" for c in by_op(ir, "Cast"))


def test_force_fp16_runs_vector_ops_in_fp16_and_casts_fetches_back():
    ir, _ = _lowered("force_fp16")
    assert ir["r"].outputs[0].dtype == "float16" and _dtype_in(ir, "r") == ("float16", "MatMulV2")
    assert ir["s"].outputs[0].dtype == "float16"
    restored = [ir[f[0]] for f in ir.fetches]
    assert all(n.op == "Cast" and n.outputs[0].dtype == "float32" for n in restored)


def test_must_keep_origin_dtype_inserts_nothing():
    ir, _ = _lowered("must_keep_origin_dtype")
    assert not by_op(ir, "Cast") and ir["mm"].outputs[0].dtype == "float32"


def test_cube_fp16in_fp32out_keeps_the_cube_output_fp32():
    for mode in ("cube_fp16in_fp32out", "force_fp32"):
        ir, _ = _lowered(mode)
        assert _dtype_in(ir, "mm", 0)[0] == "float16" and ir["mm"].outputs[0].dtype == "float32"
        assert _dtype_in(ir, "r") == ("float32", "MatMulV2")


def test_allow_mix_precision_uses_the_lists():
    ir, _ = _lowered("allow_mix_precision")
    assert ir["r"].outputs[0].dtype == "float16"              # gray: follows its fp16 input
    assert _dtype_in(ir, "s") == ("float32", "Cast")          # black: ReduceSumD
    assert ir["e"].outputs[0].dtype == "float32"              # black: Exp


def test_modify_mixlist_moves_ops_between_lists(tmp_path):
    path = tmp_path / "mixlist.json"
    path.write_text(json.dumps({"black-list": {"to-add": ["Relu"]}, "white-list": {"to-add": ["Exp"]}}))
    ir, _ = _lowered("allow_mix_precision", modify_mixlist=str(path))
    assert ir["r"].outputs[0].dtype == "float32" and ir["e"].outputs[0].dtype == "float16"


@pytest.mark.parametrize("content, message", [("not json", "cannot read it as JSON"),
                                              ('{"purple-list": {}}', "top-level keys")])
def test_bad_mixlist_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "mix.json"
    path.write_text(content)
    with pytest.raises(LoweringError, match=message):
        _lowered("allow_mix_precision", modify_mixlist=str(path))


def test_bf16_modes_on_a_910a_fall_back_to_fp16_with_a_warning():
    ir, ctx = _lowered("allow_fp32_to_bf16")
    assert ir["mm"].outputs[0].dtype == "float16"
    assert any("no bfloat16 cube" in w for w in ctx.warnings)


def test_constants_are_converted_at_compile_time():
    ir, _ = _lowered(const_weight=True)
    weight = ir[ir["mm"].inputs[1][0]]
    assert weight.op == "Const" and weight.outputs[0].dtype == "float16"
    assert len(by_op(ir, "Cast")) == 2                        # x → fp16, mm → fp32 for the ReLU
