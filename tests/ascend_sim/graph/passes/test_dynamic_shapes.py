"""Pass dynamic_shapes: unknown dims that something reads are taken as 1 and reported by node name."""
from ascend_sim.graph.ir import TensorInfo
from ascend_sim.graph.passes import dynamic_shapes
from testsupport.lowering import context, graph, node, t


def test_unknown_dims_read_downstream_are_flagged():
    g = graph(node("x", "Placeholder", outputs=[TensorInfo((None, 8), "float32")]),
              node("u", "Unique", ["x"], [TensorInfo((None,), "float32"), TensorInfo(None, "int32")]),
              node("y", "Relu", ["u"], [TensorInfo((None,), "float32")]), fetches=[("y", 0)])
    ctx = context()
    dynamic_shapes.run(g, ctx)
    assert g["x"].outputs[0].shape == (1, 8) and g["u"].outputs[0].shape == (1,)
    assert g["u"].outputs[1].shape == ()                          # unknown rank → scalar
    assert all(g[n].attrs.get("dynamic_shape") for n in ("x", "u", "y"))
    (warning,) = ctx.warnings
    assert "3 nodes" in warning and "x, u, y" in warning and "feed_shapes" in warning


def test_static_graphs_and_unread_outputs_are_not_flagged():
    g = graph(node("x", "Placeholder", outputs=[t((2, 8))]),
              node("bn", "FusedBatchNormV3", ["x"], [t((2, 8)), TensorInfo(None, "float32")]),
              node("y", "Relu", ["bn"], [t((2, 8))]), fetches=[("y", 0)])
    ctx = context()
    dynamic_shapes.run(g, ctx)
    assert not ctx.warnings and not any(n.attrs.get("dynamic_shape") for n in g)
    assert g["bn"].outputs[1].static


def test_resource_handles_keep_their_variable_shape():
    g = graph(node("v", "VarHandleOp", outputs=[TensorInfo((), "resource", handle=((None, 4), "float32"))]),
              node("r", "ReadVariableOp", ["v"], [TensorInfo((None, 4), "float32")]), fetches=[("r", 0)])
    dynamic_shapes.run(g, context())
    assert g["v"].outputs[0].handle == ((1, 4), "float32") and g["v"].outputs[0].shape == ()
