"""lower(): the whole pipeline on small graphs, options / hardware arguments, npu_bridge ops, files, strict."""
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator import npu_ops
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops
from ascend_sim import hw
from ascend_sim.graph import LoweringError, Program, lower, pipeline
from ascend_sim.ops.opspec import UNITS
from ascend_sim.ops.registry import REGISTRY, cost
from ascend_sim.options import NpuOptions


def _train_graph(npu=False, einsum=False):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 32], name="x")
        h = tf.layers.dense(x, 32, name="fc1")
        h = npu_ops.dropout(npu_unary_ops.gelu(h), keep_prob=0.9) if npu else tf.nn.relu(h)
        if einsum:
            h = tf.einsum("ij,jk->ik", h, tf.ones([32, 32]))
        loss = tf.reduce_mean(tf.layers.dense(h, 1, name="fc2"), name="loss")
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    return g, [train, loss]


def test_pipeline_names_every_pass_once_in_order():
    assert pipeline.PASS_NAMES[0] == "prune" and pipeline.PASS_NAMES[-1] == "split_points"
    assert len(set(pipeline.PASS_NAMES)) == len(pipeline.PASS_NAMES) == 12
    with pytest.raises(ValueError, match="passes: prune"):
        pipeline.run(None, None, until="nope")


def test_lower_returns_a_consistent_program():
    g, fetches = _train_graph()
    p = lower(g, fetches=fetches, feed_shapes={"x": [16, 32]})
    assert isinstance(p, Program) and p.hw_name == "Ascend910A" and not p.unknown_ops and not p.warnings
    spec = hw.load()
    for task in p.tasks:
        assert all(d < task.index for d in task.deps) and task.unit in UNITS
        assert task.op_type in REGISTRY or (task.fused_from and all(t in REGISTRY for t in task.fused_from))
        assert task.cost == cost(task.op_type, task.instance, spec)          # no spilled fusion here
    names = [t.name for t in p.tasks]
    assert p.fp_point in names and p.bp_point in names and names.index(p.fp_point) < names.index(p.bp_point)
    assert {t.phase for t in p.tasks} == {"FP", "BP", "OPT"}
    assert p.memory_peak_bytes >= 4 * (32 * 32 + 32 + 32 + 1) * 2      # weights and momentum slots


def test_options_hardware_and_batch_arguments():
    g, fetches = _train_graph()
    p = lower(g, fetches=fetches, batch=8, options={"precision_mode": "force_fp16"}, hw="Ascend910B")
    assert p.options == NpuOptions(precision_mode="force_fp16") and p.hw_name == "Ascend910B"
    assert max(t.cost.block_dim for t in p.tasks) <= hw.load("Ascend910B").chip.ai_core_count
    mm = next(t for t in p.tasks if "MatMulV2" in (t.op_type,) + t.fused_from)
    assert mm.instance.inputs[0].shape[0] == 8 or mm.instance.outputs[0].shape[0] == 8
    with pytest.raises(TypeError, match="options"):
        lower(g, fetches=fetches, options=3)


def test_dynamic_batch_is_flagged():
    g, fetches = _train_graph()
    assert any("dynamic shapes" in w for w in lower(g, fetches=fetches).warnings)


def test_npu_bridge_ops_lower_to_their_ascend_types():
    g, fetches = _train_graph(npu=True)
    p = lower(g, fetches=fetches, batch=4)
    types = {t.op_type for t in p.tasks} | {f for t in p.tasks for f in t.fused_from}
    assert {"Gelu", "GeluGrad", "DropOutGenMask", "DropOutDoMask"} <= types
    assert next(t for t in p.tasks if t.op_type == "DropOutGenMask").unit == "aicpu"
    assert not p.unknown_ops


def test_unknown_ops_are_reported_or_fatal_in_strict_mode(monkeypatch):
    g, fetches = _train_graph(einsum=True)
    p = lower(g, fetches=fetches, batch=4)
    assert {op for _, op in p.unknown_ops} == {"Einsum"} and len(p.unknown_ops) == 3     # forward + 2 grads
    assert next(t for t in p.tasks if t.op_type == "Einsum").cost.fallback
    monkeypatch.setenv("ASCEND_SIM_STRICT", "1")
    with pytest.raises(LoweringError, match="Einsum"):
        lower(g, fetches=fetches, batch=4)


def test_a_frozen_file_lowers_like_the_graph(tmp_path):
    g, fetches = _train_graph()
    path = tmp_path / "train.pb"
    path.write_bytes(g.as_graph_def().SerializeToString())
    from_file = lower(str(path), fetches=["Momentum", "loss:0"], batch=4)
    from_graph = lower(g, fetches=fetches, batch=4)
    assert [t.op_type for t in from_file.tasks] == [t.op_type for t in from_graph.tasks]
