"""Pass ub_fusion: element-wise chains after cube / vector heads and conv + BNTrainingReduce become one task."""
from ascend_sim.graph.passes import ub_fusion
from ascend_sim.graph.program import to_instance
from ascend_sim.ops.registry import cost
from testsupport.lowering import HW, context, graph, node, t

A = "aicore_vector"


def _chain(extra_reader=False):
    nodes = [node("x", "Data", outputs=[t((64, 64), fmt="FRACTAL_NZ")], unit="host"),
             node("w", "Const", outputs=[t((64, 64), fmt="FRACTAL_NZ")], unit="host"),
             node("mm", "MatMulV2", ["x", "w"], [t((64, 64), fmt="FRACTAL_NZ")], unit="aicore_cube"),
             node("relu", "Relu", ["mm"], [t((64, 64), fmt="FRACTAL_NZ")], unit=A),
             node("scale", "Muls", ["relu"], [t((64, 64), fmt="FRACTAL_NZ")], unit=A),
             node("out", "ReduceSumD", ["scale"], [t((64,))], unit=A)]
    if extra_reader:
        nodes.append(node("peek", "Neg", ["relu"], [t((64, 64), fmt="FRACTAL_NZ")], unit=A))
    return graph(*nodes, fetches=[("out", 0)] + ([("peek", 0)] if extra_reader else []))


def test_cube_head_with_its_elementwise_chain_fuses():
    g = _chain()
    parts = [to_instance(g, g[n]) for n in ("mm", "relu", "scale")]
    ub_fusion.run(g, context())
    g.check()
    fused = g["mm"]
    assert fused.op == "FusionOp_MatMulV2_Relu_Muls" and fused.unit == "aicore_cube"
    assert [p.op_type for p in fused.parts] == ["MatMulV2", "Relu", "Muls"]
    assert "relu" not in g and "scale" not in g and g["out"].inputs == [("mm", 0)]
    assert fused.origin == ("mm", "relu", "scale") and len(fused.outputs) == 1
    fused_cost = cost(fused.op, to_instance(g, fused), HW)
    separate = [cost(p.op_type, p, HW) for p in parts]
    assert fused_cost.bytes_hbm < sum(c.bytes_hbm for c in separate)     # intermediates stay on chip


def test_a_second_reader_ends_the_chain():
    g = _chain(extra_reader=True)
    ub_fusion.run(g, context())
    assert g["mm"].op == "FusionOp_MatMulV2_Relu"       # the ReLU's output has two readers: the chain ends
    assert g["scale"].op == "Muls" and g["scale"].inputs == [("mm", 0)] and g["peek"].inputs == [("mm", 0)]


def test_conv_feeds_bn_reduce_and_spills_for_bn_update():
    act = lambda c: t((2, 8, 8, c), fmt="NC1HWC0", origin="NHWC")           # noqa: E731
    g = graph(node("x", "Data", outputs=[act(16)], unit="host"),
              node("w", "Const", outputs=[t((3, 3, 16, 32), fmt="FRACTAL_Z", origin="HWCN")], unit="host"),
              node("conv", "Conv2D", ["x", "w"], [act(32)], unit="aicore_cube"),
              node("reduce", "BNTrainingReduce", ["conv"], [t((32,), "float32"), t((32,), "float32")], unit=A),
              node("update", "BNTrainingUpdate", ["conv", "reduce", ("reduce", 1)], [act(32)], unit=A),
              fetches=[("update", 0)])
    ub_fusion.run(g, context())
    fused = g["conv"]
    assert fused.op == "FusionOp_Conv2D_BNTrainingReduce" and len(fused.outputs) == 3
    assert g["update"].inputs == [("conv", 0), ("conv", 1), ("conv", 2)]
    assert fused.attrs["spilled"] == act(32).desc().storage_bytes(HW)
