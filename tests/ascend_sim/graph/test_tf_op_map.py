"""The TF → Ascend op table: every target is a registered Ascend op type, the reference §3 mappings hold,
const→attr D variants need their constants, deliberate host ops are recognised."""
import pytest

from ascend_sim.graph import tf_op_map
from ascend_sim.graph.expand import EXPANDERS
from ascend_sim.graph.tf_op_map import NPU_RENAMES, TF_TO_ASCEND, ascend_type, covered, rule_for
from ascend_sim.ops.registry import REGISTRY


def test_every_target_is_a_registered_ascend_op_type():
    targets = {t for r in TF_TO_ASCEND.values() for t in (r.ascend, r.d_variant) if t}
    targets |= set(NPU_RENAMES.values())
    assert sorted(t for t in targets if t not in REGISTRY) == []


def test_every_expander_named_in_the_table_exists():
    assert {r.expand for r in TF_TO_ASCEND.values() if r.expand} <= set(EXPANDERS)


@pytest.mark.parametrize("tf_op, ascend", [
    ("MatMul", "MatMulV2"), ("BatchMatMul", "BatchMatMulV2"), ("BatchMatMulV2", "BatchMatMulV2"),
    ("AddV2", "Add"), ("Softmax", "SoftmaxV2"), ("LogSoftmax", "LogSoftmaxV2"),
    ("ResourceApplyAdam", "ApplyAdamD"), ("ApplyMomentum", "ApplyMomentumD"),
    ("ResourceApplyKerasMomentum", "ApplyKerasMomentumD"), ("DepthwiseConv2dNative", "DepthwiseConv2D"),
    ("Relu6", "Relu6"), ("BiasAddGrad", "BiasAddGrad"), ("Cast", "Cast"), ("Conv2D", "Conv2D"),
])
def test_reference_renames(tf_op, ascend):
    assert ascend_type(tf_op) == ascend


@pytest.mark.parametrize("tf_op, const_inputs, plain, d_type", [
    ("Sum", (1,), "ReduceSum", "ReduceSumD"), ("Mean", (1,), "ReduceMean", "ReduceMeanD"),
    ("Transpose", (1,), "Transpose", "TransposeD"), ("Slice", (1, 2), "Slice", "SliceD"),
    ("Conv2DBackpropInput", (0,), "Conv2DBackpropInput", "Conv2DBackpropInputD"),
    ("Conv2DBackpropFilter", (1,), "Conv2DBackpropFilter", "Conv2DBackpropFilterD"),
    ("ArgMax", (1,), "ArgMaxV2", "ArgMaxD"), ("Fill", (0,), "Fill", "FillD"),
])
def test_const2attr_d_variants_need_every_named_input_constant(tf_op, const_inputs, plain, d_type):
    assert rule_for(tf_op).const_inputs == const_inputs
    assert ascend_type(tf_op, lambda i: True) == d_type
    assert ascend_type(tf_op, lambda i: False) == plain
    if len(const_inputs) > 1:
        assert ascend_type(tf_op, lambda i: i == const_inputs[0]) == plain


@pytest.mark.parametrize("tf_op", ["SaveV2", "RestoreV2", "MergeSummary", "ScalarSummary", "PyFunc",
                                   "EagerPyFunc", "IteratorV2", "MakeIterator", "TensorSliceDataset",
                                   "MapAndBatchDataset", "ParallelInterleaveDatasetV4", "WriteScalarSummary"])
def test_deliberately_host_side(tf_op):
    rule = rule_for(tf_op)
    assert rule is not None and rule.host
    assert covered(tf_op, REGISTRY)


def test_bn_relu_and_iterator_are_context_rewrites():
    for tf_op in ("FusedBatchNorm", "FusedBatchNormV3", "FusedBatchNormGradV3", "Relu", "IteratorGetNext"):
        assert rule_for(tf_op).expand


def test_unmapped_types_fall_back_to_their_own_name():
    assert rule_for("Sigmoid") is None and ascend_type("Sigmoid") == "Sigmoid" and covered("Sigmoid", REGISTRY)
    assert ascend_type("DynamicRnn") == "DynamicRNN" and ascend_type("FusedLayerNorm") == "LayerNorm"
    assert not covered("Einsum", REGISTRY)          # no Ascend op: the lowering reports it
    assert not covered("MatMul", {"MatMul"})        # its target must be registered


def test_table_is_data():
    assert isinstance(tf_op_map.CONST2ATTR, dict) and isinstance(tf_op_map.RENAMES, dict)
    assert all(r.ascend or r.expand or r.host for r in TF_TO_ASCEND.values())
