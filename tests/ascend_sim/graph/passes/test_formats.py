"""Pass formats: NC1HWC0 / FRACTAL_Z / FRACTAL_NZ per tensor with the TransData GE inserts."""
import tensorflow.compat.v1 as tf

from ascend_sim.graph.passes.formats import AUX_INPUTS, CONV_ROLES
from ascend_sim.ops.registry import REGISTRY
from testsupport.lowering import before, by_op, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 8, 8, 3], name="x")
        h = tf.layers.conv2d(x, 16, 3, padding="same", use_bias=False, name="conv")
        h = tf.nn.relu(tf.layers.batch_normalization(h, training=True, name="bn"), name="act")
        flat = tf.reshape(h, [2, 8 * 8 * 16], name="flat")
        logits = tf.layers.dense(flat, 10, use_bias=False, name="fc")
        loss = tf.reduce_sum(logits, name="loss")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return g, [train, loss]


def _format(ir, edge):
    return ir.output(edge).format


def test_before_and_after():
    g, fetches = _graph()
    ir, ctx = before(g, "formats", fetches)
    assert {o.format for n in ir for o in n.outputs} == {"ND"} and not by_op(ir, "TransData")
    ir = run_pass(ir, ctx, "formats")
    ir.check()
    conv = ir["conv/Conv2D"]
    assert _format(ir, conv.inputs[0]) == "NC1HWC0" and ir[conv.inputs[0][0]].op == "TransData"
    weight = conv.inputs[1]
    assert _format(ir, weight) == "FRACTAL_Z" and ir[weight[0]].op != "TransData"   # variable stored as FZ
    assert conv.outputs[0].format == "NC1HWC0" and conv.outputs[0].origin_format == "NHWC"
    update = by_op(ir, "BNTrainingUpdate")[0]
    assert update.outputs[0].format == "NC1HWC0" and update.outputs[1].format == "NC1HWC0"   # per-channel
    relu = by_op(ir, "ReluV2")[0]
    assert relu.outputs[0].format == "NC1HWC0"                   # element-wise: passes 5HD on
    flat = ir["flat"]
    assert ir[flat.inputs[0][0]].op == "TransData" and _format(ir, flat.inputs[0]) == "ND"
    mm = ir["fc/MatMul"]
    assert _format(ir, mm.inputs[0]) == "FRACTAL_NZ" and mm.outputs[0].format == "FRACTAL_NZ"
    dw = ir["gradients/conv/Conv2D_grad/Conv2DBackpropFilter"]
    assert dw.op == "Conv2DBackpropFilterD" and dw.outputs[0].format == "FRACTAL_Z"
    apply = by_op(ir, "ApplyGradientDescent")
    conv_update = next(n for n in apply if ir.output(n.inputs[0]).format == "FRACTAL_Z")
    assert ir[conv_update.inputs[2][0]].op != "TransData"        # dW arrives in the variable's format
    for t in by_op(ir, "TransData"):
        assert t.attrs["src_format"] != t.attrs["dst_format"] and t.name.startswith("trans_TransData_")


def test_role_tables_name_registered_ops():
    assert set(CONV_ROLES) <= set(REGISTRY) and set(AUX_INPUTS) <= set(REGISTRY)
