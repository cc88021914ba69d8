"""The Program / Task contract: which nodes are tasks, instances, dependencies through host-only nodes."""
import dataclasses

import pytest

from ascend_sim.graph import program
from ascend_sim.graph.ir import TensorInfo
from ascend_sim.ops.desc import OpInstance
from ascend_sim.graph.program import PHASES, Program, Task, build, is_task, to_instance
from ascend_sim.ops.registry import cost
from testsupport.lowering import HW, context, graph, node, t

V = "aicore_vector"


def test_is_task():
    assert is_task(node("r", "Relu", unit=V)) and is_task(node("g", "GetNext", unit="aicpu"))
    assert not is_task(node("v", "Reshape", unit="host")) and not is_task(node("n", "Relu"))
    assert is_task(node("s", "SaveV2", ["p"], [], unit="host", host_reason="checkpoint"))
    assert not is_task(node("it", "IteratorV2", [], [TensorInfo((), "resource")], unit="host", host_reason="x"))
    assert is_task(node("e", "Einsum", ["a"], [t((2,))], unit="host"))     # unknown op kept on the host


def test_instances_read_resource_handles_as_their_variable():
    var = TensorInfo((), "resource", "FRACTAL_Z", "HWCN", handle=((3, 3, 8, 16), "float32"))
    g = graph(node("v", "VarHandleOp", outputs=[var], unit="host"),
              node("lr", "Const", outputs=[t((), "float32")], unit="host"),
              node("apply", "ApplyGradientDescent", ["v", "lr", "v"], [], unit=V, use_locking=False,
                   value=[1, 2], _ascend_attrs="{}"))
    inst = to_instance(g, g["apply"])
    assert inst.inputs[0].shape == (3, 3, 8, 16) and inst.inputs[0].format == "FRACTAL_Z"
    assert inst.attrs == {"use_locking": False}                 # internal attributes are not the op's


def _program():
    g = graph(node("x", "Data", outputs=[t((8, 16))], unit="host"),
              node("a", "Relu", ["x"], [t((8, 16))], unit=V),
              node("view", "Reshape", ["a"], [t((128,))], unit="host"),
              node("b", "Neg", ["view"], [t((128,))], unit=V),
              node("c", "Abs", ["x"], [t((8, 16))], unit=V),
              node("d", "AddN", ["b", "b"], [t((128,))], unit=V), fetches=[("d", 0), ("c", 0)])
    g["c"].control.append("view")
    for n, phase in zip(g, ("", "FP", "FP", "BP", "FP", "OPT")):
        n.phase = phase
    ctx = context()
    ctx.order = g.topo_order()
    return build(g, ctx)


def test_build_makes_an_ordered_costed_program():
    p = _program()
    assert isinstance(p, Program) and all(isinstance(x, Task) for x in p.tasks)
    assert [x.name for x in p.tasks] == ["a", "b", "c", "d"] and [x.index for x in p.tasks] == [0, 1, 2, 3]
    deps = {x.name: x.deps for x in p.tasks}
    assert deps == {"a": (), "b": (0,), "c": (0,), "d": (1,)}      # through the Reshape view, control too
    for x in p.tasks:
        assert x.cost == cost(x.op_type, x.instance, HW) and x.phase in PHASES and x.origin == (x.name,)
    assert p.hw_name == HW.name and p.options.effective_precision_mode == "allow_fp32_to_fp16"
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.tasks[0].name = "z"


def test_a_spilled_fusion_pays_for_its_write():
    x, y = t((64, 64)), t((64, 64))
    parts = (OpInstance("Relu", (x.desc(),), (y.desc(),)), OpInstance("Neg", (y.desc(),), (y.desc(),)))
    g = graph(node("x", "Data", outputs=[x], unit="host"),
              node("f", "FusionOp_Relu_Neg", ["x"], [y, y], unit=V, spilled=8192.0), fetches=[("f", 0)])
    g["f"].parts = parts
    inst = to_instance(g, g["f"])
    assert inst.fused_from == parts
    spilled = program.task_cost(g, g["f"], inst, HW, False)
    fused = cost(g["f"].op, inst, HW)
    assert not fused.fallback and spilled.bytes_hbm == fused.bytes_hbm + 8192.0
