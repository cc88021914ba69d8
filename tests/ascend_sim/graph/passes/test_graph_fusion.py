"""Pass graph_fusion: BiasAdd folds into its Conv2D / MatMul; BN moving averages fold into BNTrainingUpdate."""
import tensorflow.compat.v1 as tf

from testsupport.lowering import before, by_op, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 8, 8, 3], name="x")
        h = tf.layers.conv2d(x, 16, 3, name="conv")                       # Conv2D + BiasAdd
        h = tf.layers.batch_normalization(h, training=True, name="bn")
        logits = tf.layers.dense(tf.reduce_mean(h, [1, 2]), 4, name="fc")   # MatMul + BiasAdd
        loss = tf.reduce_sum(logits, name="loss")
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    return g, [loss] + updates


def test_before_and_after():
    g, fetches = _graph()
    ir, ctx = before(g, "graph_fusion", fetches)
    assert len(by_op(ir, "BiasAdd")) == 2 and len(by_op(ir, "AssignSub")) == 2
    update = by_op(ir, "BNTrainingUpdate")[0].name
    ir = run_pass(ir, ctx, "graph_fusion")
    ir.check()
    assert not by_op(ir, "BiasAdd") and not by_op(ir, "AssignSub")
    conv, mm = ir["conv/Conv2D"], ir["fc/MatMul"]
    assert len(conv.inputs) == 3 and len(mm.inputs) == 3
    assert conv.outputs[0].shape == (2, 6, 6, 16) and "conv/BiasAdd" in conv.origin
    assert ir[update].attrs["moving_average_folded"] == 2
    targets = [f for f in ir.fetches if isinstance(f, str)]
    assert targets == [update, update]                # the fetched update ops now name the BN update


def test_biasadd_after_a_shared_matmul_stays():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 4])
        m = tf.matmul(x, tf.ones([4, 4]), name="mm")
        tf.nn.bias_add(m, tf.ones([4]), name="b")
        tf.nn.relu(m, name="r")
    ir, ctx = before(g, "graph_fusion", ["b:0", "r:0"])
    ir = run_pass(ir, ctx, "graph_fusion")
    assert ir["b"].op == "BiasAdd" and len(ir["mm"].inputs) == 2
