"""The op registry: coverage of the reference's TF→Ascend mapping, lookup errors, placement, fallbacks."""
import dataclasses

import pytest

from ascend_sim import hw
from ascend_sim.ops import registry
from ascend_sim.ops.cost import CostError
from ascend_sim.ops.desc import OpInstance, TensorDesc as T
from ascend_sim.ops.opspec import UNITS, OpSpec, SpecError, specs

HW = hw.load()

# Every Ascend (GE/TBE) op type named in shared/reference/ascend910.md §3 (mapping table §3.2, const2attr
# list §3.3, named fusions §3.2/§3.4, AI CPU and GELOCAL ops §3.5) and §2.2 (TransData, ConfusionTransposeD).
REFERENCE_SECTION_3 = """
MatMulV2 BatchMatMulV2 Conv2D Conv2DBackpropInput Conv2DBackpropInputD Conv2DBackpropFilter Conv2DBackpropFilterD
DepthwiseConv2D DepthwiseConv2DBackpropInput DepthwiseConv2DBackpropFilter DepthwiseConv2DBackpropInputD
DepthwiseConv2DBackpropFilterD Conv3D Conv3DBackpropInput Conv3DBackpropFilter BiasAdd BiasAddGrad
BatchNorm BNTrainingReduce BNTrainingUpdate BatchNormGrad BNTrainingReduceGrad BNTrainingUpdateGrad BNInfer BNInferGrad
LayerNorm LayerNormGrad LayerNormXBackpropV2 LayerNormBetaGammaBackpropV2 LayerNormXBackprop LayerNormBetaGammaBackprop
Relu ReluGrad Relu6 Relu6Grad Elu EluGrad LeakyRelu LeakyReluGrad Sigmoid SigmoidGrad Tanh TanhGrad Softplus Softsign
Selu PRelu ReluV2 ReluGradV2 FusedBN2ReluConvBN1 Gelu GeluGrad FastGelu FastGeluGrad
SoftmaxV2 LogSoftmaxV2 SoftmaxGrad LogSoftmaxGrad SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits
GatherV2 ConfusionSoftmaxGrad SoftmaxGradExt
ApplyAdam ApplyAdamD ApplyMomentum ApplyMomentumD ApplyKerasMomentumD ApplyRMSPropD ApplyAdagradD ApplyFtrlD
FusedMulApplyMomentum FusedMulApplyMomentumExtern FusedMulApplyKerasMomentum FusedMulAddN FusedMulAddNL2loss
FusedMulAdd FusedMulAddAdd ConfusionMulGrad AdamApplyOne AdamApplyOneWithDecay LambNextMV LambNextMVWithDecay
LambNextRight LambUpdateWithLr LambUpdateWithLrV2 ClipByNormNoDivSum SquareSumV1 AdamApplyOneAssign
AdamApplyOneWithDecayAssign
DropOutGenMask DropOutGenMaskV3 DropOutDoMask DropOutDoMaskV3 DropOutDoMaskV3D
ReduceSum ReduceSumD ReduceMean ReduceMeanD ReduceMax ReduceMaxD ReduceMin ReduceMinD ReduceProd ReduceProdD
ReduceAll ReduceAllD ReduceAny ReduceAnyD Transpose TransposeD ArgMaxV2 ArgMaxD Slice SliceD StridedSliceAssign
StridedSliceAssignD Fill FillD BroadcastTo BroadcastToD ResizeBilinearV2 ResizeBilinearV2D ResizeNearestNeighborV2
ResizeNearestNeighborV2D Cumsum CumsumD ReverseV2 ReverseV2D UnsortedSegmentSum UnsortedSegmentSumD
UnsortedSegmentMin UnsortedSegmentMinD UnsortedSegmentMax UnsortedSegmentMaxD UnsortedSegmentProd UnsortedSegmentProdD
SpaceToBatchND SpaceToBatchNDD BatchToSpaceND BatchToSpaceNDD Add Mul Sub RealDiv Cast L2Loss AddN MaxPool
MaxPoolWithArgmax MaxPoolGradWithArgmax HcomAllReduce HcomAllGather HcomBroadcast HcomReduceScatter
ApplyRMSPropD ApplyAdaMaxD ApplyAdadeltaD ApplyAdagradDAD ApplyCenteredRMSPropD SparseApplyProximalAdagradD
ApplyAddSignD ApplyPowerSignD ApplyProximalAdagradD SparseApplyRMSPropD ApplyAdagradV2D ArgMinD CropAndResizeD
ScatterNdD Conv3DBackpropFilterD Conv3DBackpropInputD Conv2DTransposeD Conv3DTransposeD HistogramFixedWidthD InTopKD
InplaceAddD InplaceSubD InplaceUpdateD MaxPoolExt2 CumprodD SparseApplyAdagradV2D SparseApplyFtrlD SparseApplyFtrlV2D
ClipBoxesD RpnProposalsD ApplyFtrlV2D ApplyKerasMomentumD SparseApplyAdadeltaD ApplyAdamWithAmsgradD EuclideanNormD
CumulativeLogsumexpD FillV2D ExpandD FusedDbnDw TransData ConfusionTransposeD
GetNext DynamicGetNext DynamicGetNextV2 GetNextFromQueue FIFOQueue Stage MapStage RandomUniform RandomStandardNormal
TruncatedNormal RandomUniformInt RandomShuffle RandomGamma Multinomial Unique UniqueWithCounts DynamicPartition
DynamicStitch NonMaxSuppression NonMaxSuppressionV2 NonMaxSuppressionV3 NonMaxSuppressionV4 NonMaxSuppressionV5
ListDiff CTCLoss Cholesky MatrixInverse MatrixSolve Qr Svd FFT Assert Print PrintV3 CheckNumerics IsFinite IsInf
IsNan InvertPermutation BroadcastGradientArgs DataFormatVecPermute ResizeBicubic ResizeArea ScaleAndTranslate
MirrorPadGrad If While Case PartitionedCall Shape VariableShape SoftMax
""".split()
# Wildcard rows of the reference (§3.2 Horovod*, §3.5): each prefix must have registered members on that unit.
REFERENCE_WILDCARDS = {
    "QueueDequeue": "aicpu", "Stateless": "aicpu", "Stateful": "aicpu", "TensorArray": "aicpu",
    "TensorList": "aicpu", "Stack": "aicpu", "LookupTable": "aicpu", "HashTable": "aicpu", "Decode": "aicpu",
    "String": "aicpu", "Regex": "aicpu", "Horovod": "hccl", "Sparse": "aicpu",
}
# Registered members of those prefixes that deliberately run elsewhere (their reference rows say so).
WILDCARD_EXCEPTIONS = {"StatelessIf", "StatelessWhile", "StatelessCase", "StatefulPartitionedCall",
                       "SparseSoftmaxCrossEntropyWithLogits"}
# Named in §3 but deliberately not registered (also listed in docs/cost_model.md, "Op registry").
SKIPPED = {"SoftMax": "spelling in a fusion-pass comment for the softmax the pass emits (SoftmaxV2, registered)"}


def test_every_op_type_of_the_reference_mapping_is_registered_or_skipped_with_a_reason():
    missing = {t for t in REFERENCE_SECTION_3 if t not in registry.REGISTRY}
    assert missing == set(SKIPPED)


def test_wildcard_rows_of_the_reference_have_registered_members_on_their_unit():
    for prefix, unit in REFERENCE_WILDCARDS.items():
        members = [t for t in registry.registered_op_types() if t.startswith(prefix)]
        assert len(members) >= 2, prefix
        wrong = [t for t in members if registry.REGISTRY[t].unit != unit and t not in WILDCARD_EXCEPTIONS
                 and not (prefix == "Sparse" and t.startswith("SparseApply") and registry.REGISTRY[t].family
                          == "optimizer")]
        assert wrong == [], prefix


def test_reference_placements_ai_cpu_hccl_cube_and_host():
    unit = lambda t: registry.lookup(t).unit   # noqa: E731
    assert {unit(t) for t in ("DropOutGenMask", "DropOutGenMaskV3", "GetNext", "Unique", "RandomUniform")} == {"aicpu"}
    assert unit("DropOutDoMask") == unit("DropOutDoMaskV3") == "aicore_vector"
    assert {unit(t) for t in ("MatMulV2", "Conv2D", "Conv2DBackpropFilterD", "FusedBN2ReluConvBN1")} == {"aicore_cube"}
    assert {unit(t) for t in ("HcomAllReduce", "HcomAllGather")} == {"hccl"}
    assert {unit(t) for t in ("If", "While", "Reshape", "Const")} == {"host"}
    assert registry.lookup("TransData").task_type == "AI_CORE" and registry.lookup("GetNext").task_type == "AI_CPU"


def test_every_spec_is_well_formed():
    for op_type, spec in registry.REGISTRY.items():
        assert spec.op_type == op_type and spec.unit in UNITS and spec.family and spec.kind
        if spec.unit in ("aicore_cube", "aicore_vector"):
            assert spec.dtypes and spec.formats, op_type
    cube_dtypes = {registry.lookup(t).dtypes for t in registry.registered_op_types("cube")}
    assert cube_dtypes == {("float16", "int8")}          # no fp32 / bf16 cube input on the 910


def test_registered_op_types_is_sorted_and_filters_by_family():
    every = registry.registered_op_types()
    assert list(every) == sorted(every) and len(every) == len(registry.REGISTRY)
    cube = registry.registered_op_types("cube")
    assert "MatMulV2" in cube and "Add" not in cube and set(cube) < set(every)


def test_lookup_error_suggests_close_matches_and_lists_every_known_type():
    with pytest.raises(KeyError) as info:
        registry.lookup("MatMulV3")
    message = str(info.value)
    assert "unknown Ascend op type 'MatMulV3'" in message and "did you mean 'MatMulV2'" in message
    assert f"known op types ({len(registry.REGISTRY)})" in message
    assert all(t in message for t in ("Add", "TransData", "ZerosLike", "HcomAllReduce"))


def test_an_unknown_op_gets_a_flagged_ai_cpu_estimate_never_a_crash():
    node = OpInstance("MyCustomOp", (T((1000, 10)),), (T((1000, 10)),))
    c = registry.cost("MyCustomOp", node, HW)
    assert c.fallback and "MyCustomOp" in c.fallback_reason
    per_elem_us = HW.overheads.aicpu_ns_per_elem / 1e3
    assert c.offcore_us == pytest.approx(20000 * per_elem_us) and c.bound == "offcore"
    assert registry.unit_of("MyCustomOp") == registry.FALLBACK_UNIT == "aicpu"
    bigger = registry.cost("MyCustomOp", OpInstance("MyCustomOp", (T((4000, 10)),), (T((4000, 10)),)), HW)
    assert bigger.duration_us(HW) > c.duration_us(HW)
    with pytest.raises(KeyError, match="unknown Ascend op type 'MyCustomOp'"):
        registry.cost("MyCustomOp", node, HW, strict=True)
    assert registry.cost("NoTensorsAtAll", OpInstance("NoTensorsAtAll"), HW).fallback


def test_a_dtype_the_ai_core_kernel_lacks_places_the_op_on_the_ai_cpu_with_its_work():
    fp32 = OpInstance("MatMulV2", (T((512, 512), "float32"), T((512, 512), "float32")), (T((512, 512), "float32"),))
    c = registry.cost("MatMulV2", fp32, HW)
    assert c.fallback and "float32" in c.fallback_reason and "AI CPU" in c.fallback_reason
    assert registry.unit_of("MatMulV2", fp32) == "aicpu" and registry.unit_of("MatMulV2") == "aicore_cube"
    macs_as_flops = 2 * 512 ** 3
    assert c.offcore_us >= macs_as_flops * HW.overheads.aicpu_ns_per_elem / 1e3   # the matmul's work, not its size
    int64_add = OpInstance("Add", (T((100,), "int64"), T((100,), "int64")), (T((100,), "int64"),))
    assert registry.cost("Add", int64_add, HW).fallback
    with pytest.raises(CostError, match="takes float16, int8 in input 0, not float32"):
        registry.cost("MatMulV2", fp32, HW, strict=True)


def test_an_instance_its_model_rejects_is_flagged_or_raised_in_strict_mode():
    one_operand = OpInstance("MatMulV2", (T((16, 16)),), (T((16, 16)),))
    c = registry.cost("MatMulV2", one_operand, HW)
    assert c.fallback and "rejected" in c.fallback_reason
    with pytest.raises(ValueError, match="two operands"):
        registry.cost("MatMulV2", one_operand, HW, strict=True)


def test_op_type_selects_the_model_not_the_node_type():
    node = OpInstance("MatMul", (T((64, 64)), T((64, 64))), (T((64, 64)),))     # TF type on the node
    assert registry.cost("MatMulV2", node, HW) == registry.cost("MatMulV2", dataclasses.replace(node, op_type="X"), HW)


def test_a_type_declared_twice_or_a_bad_unit_is_a_table_error():
    class Fam:
        SPECS = specs("Add", unit="aicore_vector", cost_fn=len, family="a", kind="k", dtypes=("float16",))

    class Other:
        SPECS = specs("Add", unit="aicore_vector", cost_fn=len, family="b", kind="k", dtypes=("float16",))
    with pytest.raises(SpecError, match="'Add' is declared twice: in the 'a' and 'b' families"):
        registry.build_registry((Fam, Other))
    with pytest.raises(SpecError, match="unit 'gpu' is not one of aicore_cube"):
        OpSpec("X", "gpu", (), (), len)
    with pytest.raises(SpecError, match="unknown format"):
        OpSpec("X", "host", (), ("NCHW16",), len)


def test_the_cost_model_doc_gives_the_current_counts():
    import collections
    import pathlib
    doc = (pathlib.Path(__file__).resolve().parents[3] / "docs" / "cost_model.md").read_text()
    assert f"**{len(registry.REGISTRY)} types**" in doc
    for family, count in collections.Counter(s.family for s in registry.REGISTRY.values()).items():
        assert f"| {family} | {count} |" in doc, family
