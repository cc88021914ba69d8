"""Context rewrites: BN split (training / inference, forward / gradient), ReluV2 + ReluGradV2, GetNext."""
import numpy as np
import tensorflow.compat.v1 as tf

from ascend_sim.graph.ir import Graph
from testsupport.lowering import before, by_op, context, run_pass


def _bn_graph(training=True):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 8, 8, 16], name="x")
        y = tf.layers.batch_normalization(x, training=training, fused=True, name="bn")
        loss = tf.reduce_sum(tf.nn.relu(y), name="loss")
        grads = tf.gradients(loss, [x], name="gradients")
    return g, [loss, grads[0]]


def _consumers_of(ir: Graph, name: str) -> list:
    return [n.name for n in ir if any(src == name for src, _ in n.inputs)]


def test_training_batch_norm_splits_into_reduce_and_update():
    g, fetches = _bn_graph()
    ir, ctx = before(g, "map_ops", fetches)
    fused = [n.name for n in ir if n.op.startswith("FusedBatchNorm")]
    assert {n.op for n in ir if n.name in fused} == {"FusedBatchNormV3", "FusedBatchNormGradV3"}
    ir = run_pass(ir, ctx, "map_ops")
    assert not [n for n in ir if n.op.startswith("FusedBatchNorm")]
    (reduce,), (update,) = by_op(ir, "BNTrainingReduce"), by_op(ir, "BNTrainingUpdate")
    assert update.inputs[:3] == [reduce.inputs[0], (reduce.name, 0), (reduce.name, 1)]
    assert [o.shape for o in reduce.outputs] == [(16,), (16,)] and reduce.outputs[0].dtype == "float32"
    assert update.outputs[0].shape == (2, 8, 8, 16) and len(update.outputs) == 5
    (ugrad,), (rgrad,) = by_op(ir, "BNTrainingUpdateGrad"), by_op(ir, "BNTrainingReduceGrad")
    assert ugrad.inputs[2:] == [(update.name, 3), (update.name, 4)]        # the batch statistics
    assert rgrad.inputs[2:4] == [(ugrad.name, 0), (ugrad.name, 1)]
    assert rgrad.outputs[0].shape == (2, 8, 8, 16)
    ir.check()
    assert all(f[0] in ir for f in ir.fetches if isinstance(f, tuple))


def test_inference_batch_norm_is_bninfer():
    g, fetches = _bn_graph(training=False)
    ir, ctx = before(g, "map_ops", fetches)
    ir = run_pass(ir, ctx, "map_ops")
    assert len(by_op(ir, "BNInfer")) == 1 and not by_op(ir, "BNTrainingReduce")
    assert len(by_op(ir, "BNInfer")[0].inputs) == 5


def test_relu_feeding_relugrad_becomes_reluv2_with_a_bit_mask():
    g, fetches = _bn_graph()
    ir, ctx = before(g, "map_ops", fetches)
    ir = run_pass(ir, ctx, "map_ops")
    (relu,), (grad,) = by_op(ir, "ReluV2"), by_op(ir, "ReluGradV2")
    assert relu.outputs[1].dtype == "uint8" and relu.outputs[1].shape == (2, 8, 8, 2)    # 16 channels / 8 bits
    assert grad.inputs[1] == (relu.name, 1)
    assert not by_op(ir, "Relu") and not by_op(ir, "ReluGrad")


def test_relu_without_gradient_stays_relu():
    g = tf.Graph()
    with g.as_default():
        tf.nn.relu(tf.placeholder(tf.float32, [4, 4]), name="r")
    ir, ctx = before(g, "map_ops", ["r:0"])
    assert by_op(run_pass(ir, ctx, "map_ops"), "Relu")


def _iterator_graph():
    g = tf.Graph()
    with g.as_default():
        ds = tf.data.Dataset.from_tensor_slices(np.zeros((8, 3), np.float32)).batch(4, drop_remainder=True)
        it = tf.data.make_initializable_iterator(ds)
        tf.reduce_sum(it.get_next(name="next") * 2.0, name="out")
    return g


def test_get_next_sinks_to_the_ai_cpu_only_with_data_pre_proc():
    ir, ctx = before(_iterator_graph(), "map_ops", ["out"], ctx=context(enable_data_pre_proc=True))
    assert run_pass(ir, ctx, "map_ops")["next"].op == "GetNext"
    ir, ctx = before(_iterator_graph(), "map_ops", ["out"], ctx=context(enable_data_pre_proc=False))
    node = run_pass(ir, ctx, "map_ops")["next"]
    assert node.op == "IteratorGetNext" and "enable_data_pre_proc" in node.attrs["host_reason"]
