"""Pass collapse_composites: an npu_bridge op built from TF ops becomes its one Ascend op."""
import tensorflow.compat.v1 as tf

from npu_bridge.estimator import npu_ops
from npu_bridge.estimator.npu_unary_ops import npu_unary_ops
from ascend_sim.graph.ir import TensorInfo
from ascend_sim.graph.passes import collapse_composites
from testsupport.lowering import before, context, graph, node, run_pass, t


def _npu_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4, 32], name="x")
        w = tf.get_variable("w", [32, 32])
        h = npu_ops.dropout(npu_unary_ops.gelu(tf.matmul(x, w)), keep_prob=0.9)
        loss = tf.reduce_sum(h, name="loss")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return g, [train, loss]


def test_gelu_dropout_and_their_gradients_collapse():
    g, fetches = _npu_graph()
    ir, ctx = before(g, "collapse_composites", fetches)
    members = [n for n in ir if n.attrs.get("_ascend_composite")]
    assert len(members) > 5 and {"IdentityN", "PyFuncStateless"} <= {n.op for n in members}
    ir = run_pass(ir, ctx, "collapse_composites")
    ir.check()
    ascend = {n.name: n.op for n in ir if n.mapped}
    assert ascend["Gelu"] == "Gelu" and ascend["DropOutGenMask"] == "DropOutGenMask"
    assert ascend["DropOutDoMask"] == "DropOutDoMask" and ascend["gradients/Gelu_grad/GeluGrad"] == "GeluGrad"
    assert not [n for n in ir if n.op in ("IdentityN", "PyFuncStateless", "PyFunc")]
    assert ir["Gelu"].inputs == [("MatMul", 0)] and ir["Gelu"].outputs[0].shape == (4, 32)
    assert ir["DropOutDoMask"].inputs[0] == ("Gelu", 0)
    assert ir["DropOutDoMask"].attrs.get("composite") == "DropOutDoMask"
    assert not ctx.warnings


def test_tf_style_names_are_renamed_and_pass_through_outputs_follow_the_real_input():
    tagged = {"_ascend_composite": "ln", "_ascend_op_type": "FusedLayerNorm", "_ascend_num_outputs": 1,
              "_ascend_attrs": '{"begin_norm_axis": 1}'}
    g = graph(node("x", "Placeholder", outputs=[t((4, 8))]),
              node("ln/mean", "Mean", ["x"], [t((4, 1))], _ascend_composite="ln"),
              node("ln", "IdentityN", ["ln/mean", "x"], [t((4, 8)), t((4, 8))], **tagged),
              node("y", "Relu", ["ln"], [t((4, 8))]), node("z", "Relu", [("ln", 1)], [t((4, 8))]),
              fetches=[("y", 0), ("z", 0)])
    for n in g:
        n.mapped = False
    collapse_composites.run(g, context())
    ln = g["ln"]
    assert ln.op == "LayerNorm" and ln.mapped and ln.attrs["begin_norm_axis"] == 1
    assert ln.inputs == [("x", 0)] and len(ln.outputs) == 1
    assert g["z"].inputs == [("x", 0)] and "ln/mean" not in g


def test_a_composite_without_its_op_node_warns():
    g = graph(node("x", "Placeholder", outputs=[TensorInfo((2,), "float32")]),
              node("c/a", "Relu", ["x"], [t((2,))], _ascend_composite="c"), fetches=[("c/a", 0)])
    ctx = context()
    collapse_composites.run(g, ctx)
    assert "c/a" in g and "has 0 nodes naming its op type" in ctx.warnings[0]
