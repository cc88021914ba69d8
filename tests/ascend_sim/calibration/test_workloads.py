"""The workload builders: the graphs a migrated training script builds, with the options of a real run."""
import pytest
import tensorflow.compat.v1 as tf

from ascend_sim.calibration import workloads
from ascend_sim.calibration.workloads import fused


def _types(graph):
    return {op.type for op in graph.get_operations()}


def test_resnet_is_v15_with_sunk_input_and_real_run_options(small_resnet):
    g = small_resnet.graph
    assert small_resnet.options == {"precision_mode": "allow_mix_precision", "iterations_per_loop": 100,
                                    "enable_data_pre_proc": True}
    assert "IteratorGetNext" in _types(g) and "Placeholder" not in _types(g)
    images = g.get_operation_by_name("IteratorGetNext").outputs[0]
    assert images.shape.as_list() == [8, 64, 64, 3]
    # v1.5: the first block of a downsampling stage strides on its 3x3 convolution, not on its first 1x1
    conv = {op.name: op for op in g.get_operations() if op.type == "Conv2D"}
    assert conv["stage2_block1_b_conv/Conv2D"].get_attr("strides") == [1, 2, 2, 1]
    assert conv["stage2_block1_a_conv/Conv2D"].get_attr("strides") == [1, 1, 1, 1]
    assert not [op for op in g.get_operations() if op.type == "BiasAdd" and "conv" in op.name]
    assert {"FusedBatchNormV3", "ApplyMomentum", "L2Loss"} <= _types(g) or \
        {"FusedBatchNormV3", "ResourceApplyMomentum", "L2Loss"} <= _types(g)


def test_full_resnet_has_fifty_weighted_layers():
    full = workloads.resnet50_v15(batch=2)
    convs = [op for op in full.graph.get_operations() if op.type == "Conv2D"]
    dense = [op for op in full.graph.get_operations() if op.type == "MatMul" and op.name.startswith("fc/")]
    assert len(convs) - 4 + len(dense) == 50          # 49 convolutions + fc, projections left out


def test_resnet_channels_first_transposes_the_input_once():
    w = workloads.resnet50_v15(batch=2, image_size=32, stages=(1, 1, 1, 1), data_format="channels_first")
    conv = next(op for op in w.graph.get_operations() if op.type == "Conv2D")
    assert conv.get_attr("data_format") == b"NCHW"
    with pytest.raises(ValueError, match="legal values: channels_last, channels_first"):
        workloads.resnet50_v15(data_format="NCHW")
    with pytest.raises(ValueError, match="stages must be 4"):
        workloads.resnet50_v15(stages=(1, 1))


def test_bert_marks_the_ascend_ops_with_their_gradients(small_bert):
    g = small_bert.graph
    marked = [op for op in g.get_operations() if "_ascend_op_type" in op.node_def.attr]
    kinds = {op.get_attr("_ascend_op_type").decode() for op in marked}
    assert kinds == {"DropOutGenMask", "DropOutDoMask", "Gelu", "GeluGrad", "LayerNorm", "LayerNormGrad"}
    count = {k: sum(op.get_attr("_ascend_op_type").decode() == k for op in marked) for k in kinds}
    # one layer: embeddings + attention probs + attention output + ffn output dropouts; each DoMask has one
    # gradient DoMask; GeLU in the FFN and the MLM transform; 2 layer norms per layer + embeddings + MLM
    assert count["DropOutGenMask"] == 4 and count["DropOutDoMask"] == 8
    assert count["Gelu"] == count["GeluGrad"] == 2
    assert count["LayerNorm"] == count["LayerNormGrad"] == 4
    for op in marked:
        assert op.type == "IdentityN" and op.get_attr("_ascend_num_outputs") >= 1


def test_bert_mask_bytes_follow_the_genmask_layout():
    assert fused._mask_bytes(128) == 16 and fused._mask_bytes(129) == 32 and fused._mask_bytes(1) == 16


def test_bert_without_fused_ops_keeps_tensorflow_ops():
    w = workloads.bert_pretraining(workloads.BERT_BASE.reduced(1), batch=2, seq=16, max_predictions=2,
                                   fused_ops=False)
    assert not [op for op in w.graph.get_operations() if "_ascend_op_type" in op.node_def.attr]
    assert "Tanh" in {op.type for op in w.graph.get_operations()}


def test_bert_configs_and_inputs(small_bert):
    assert (workloads.BERT_LARGE.layers, workloads.BERT_LARGE.hidden, workloads.BERT_LARGE.heads) == (24, 1024, 16)
    assert (workloads.BERT_BASE.layers, workloads.BERT_BASE.hidden, workloads.BERT_BASE.intermediate) == (12, 768, 3072)
    outs = small_bert.graph.get_operation_by_name("IteratorGetNext").outputs
    assert sorted(tuple(t.shape.as_list()) for t in outs) == sorted(
        [(16, 128)] * 3 + [(16, 20)] * 3 + [(16,)])
    assert small_bert.with_options(precision_mode="allow_fp32_to_fp16").options["precision_mode"] == \
        "allow_fp32_to_fp16"
    with pytest.raises(ValueError, match="multiple of heads"):
        workloads.bert_pretraining(workloads.BertConfig(1, 100, 3, 400))
    with pytest.raises(ValueError, match="max_predictions"):
        workloads.bert_pretraining(workloads.BERT_BASE.reduced(1), seq=16, max_predictions=20)


def test_bert_gradients_reach_every_variable(small_bert):
    with small_bert.graph.as_default():
        variables = tf.trainable_variables()
        slots = [v for v in tf.global_variables() if "/Adam" in v.name]
    assert len(slots) == 2 * len(variables)



def test_marked_ops_read_resource_variables_outside_their_scope():
    # a variable read inside a marked op's scope is an inner node of the composite that its gradient (outside)
    # reads; the lowering would then substitute the op's first output for it
    with tf.Graph().as_default() as g:
        x = tf.random.normal([4, 8])
        gamma = tf.get_variable("gamma", initializer=tf.ones([8]), use_resource=True)
        beta = tf.get_variable("beta", initializer=tf.zeros([8]), use_resource=True)
        y = fused.layer_norm(tf, x, gamma, beta)
        tf.gradients(tf.reduce_sum(y), [gamma, beta])
    inner = [op for op in g.get_operations() if "_ascend_composite" in op.node_def.attr]
    assert inner and not [op.name for op in inner if op.type == "ReadVariableOp"]
