"""Registry coverage: every TF op of the test training graphs maps to a registered Ascend op type or stays on
the host on purpose, and lowering them reports no unknown op (issue 4, Tests)."""
import collections

import pytest

from ascend_sim.graph import lower, tf_frontend, tf_op_map
from ascend_sim.graph.passes import prune
from ascend_sim.ops.registry import REGISTRY
from testsupport import tf_graphs
from testsupport.lowering import context


def _tf_ops(built) -> collections.Counter:
    ir = tf_frontend.load(built.graph, fetches=built.fetches)
    prune.run(ir, context())
    return collections.Counter(n.tf_op for n in ir)


def _check(built, program):
    ops = _tf_ops(built)
    assert sorted(t for t in ops if not tf_op_map.covered(t, REGISTRY)) == []
    assert program.unknown_ops == ()
    for task in program.tasks:
        types = task.fused_from or (task.op_type,)
        assert all(t in REGISTRY for t in types), task
    return ops


@pytest.mark.parametrize("builder", ["keras_mlp", "cnn_bn", "lstm", "bert_layer"])
def test_small_training_graphs_are_fully_covered(builder):
    built = getattr(tf_graphs, builder)()
    program = lower(built.graph, fetches=built.fetches)
    ops = _check(built, program)
    assert len(ops) >= 20                         # the graphs exercise a real variety of TF ops
    assert program.bp_point and program.fp_point


def test_cnn_bert_and_lstm_specifics():
    cnn = lower(*_args(tf_graphs.cnn_bn()))
    assert {"BNTrainingReduce", "BNTrainingUpdateGrad", "Conv2DBackpropFilterD"} <= _types(cnn)
    bert = lower(*_args(tf_graphs.bert_layer()))
    assert {"BatchMatMulV2", "SoftmaxV2", "ApplyAdamD", "RandomUniform", "TransData"} <= _types(bert)
    lstm = lower(*_args(tf_graphs.lstm()))
    assert {"TensorArrayV3", "StackPushV2", "Sigmoid"} <= _types(lstm)
    assert any("while loops" in w for w in lstm.warnings)


def _args(built):
    return built.graph, built.fetches


def _types(program) -> set:
    return {t.op_type for t in program.tasks} | {f for t in program.tasks for f in t.fused_from}


def test_resnet50_training_graph():
    built = tf_graphs.resnet50(batch=2)
    program = lower(built.graph, fetches=built.fetches)
    ops = _check(built, program)
    assert ops["Conv2D"] == 53 and ops["FusedBatchNormV3"] == 53 and ops["FusedBatchNormGradV3"] == 53
    types = collections.Counter(t for task in program.tasks for t in (task.fused_from or (task.op_type,)))
    assert types["BNTrainingReduce"] == types["BNTrainingUpdate"] == 53 and "FusedBatchNormV3" not in types
    assert types["Conv2D"] == types["Conv2DBackpropInputD"] == types["Conv2DBackpropFilterD"] == 53
    assert types["ApplyMomentumD"] == ops["ResourceApplyMomentum"] and types["TransData"] and types["Cast"]
    assert types["ReluV2"] and types["ReluGradV2"] and not types["AssignSub"]     # moving averages folded
    conv = next(t for t in program.tasks if t.op_type.startswith("FusionOp_Conv2D") or t.op_type == "Conv2D")
    assert conv.unit == "aicore_cube" and conv.instance.fused_from[0].inputs[1].format == "FRACTAL_Z"
    names = [t.name for t in program.tasks]
    assert names.index(program.fp_point) < names.index(program.bp_point)
    assert program.bp_point.startswith("gradients/")
    params = 25.6e6 * 4                                    # 25.6 M fp32 weights, plus momentum slots
    assert 2 * params < program.memory_peak_bytes < 32 << 30
