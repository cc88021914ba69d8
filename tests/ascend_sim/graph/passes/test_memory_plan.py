"""Pass memory_plan: resident variables and constants + the most activation bytes live at once."""
from ascend_sim.graph.ir import TensorInfo
from ascend_sim.graph.passes import memory_plan
from ascend_sim.graph.passes.memory_plan import MEM_ALIGN_BYTES
from testsupport.lowering import HW, context, graph, node, t

V = "aicore_vector"
MB = 1 << 20


def _vec(mb):
    return t((mb * MB // 2,))            # fp16: 2 bytes per element


def _chain():
    return graph(node("w", "VarHandleOp", outputs=[TensorInfo((), "resource", handle=((MB,), "float32"))],
                      unit="host"),
                 node("x", "Data", outputs=[_vec(4)], unit="host"),
                 node("a", "Relu", ["x"], [_vec(4)], unit=V),
                 node("b", "Relu", ["a"], [_vec(4)], unit=V),
                 node("view", "Reshape", ["b"], [_vec(4)], unit="host"),
                 node("c", "Relu", ["view"], [_vec(4)], unit=V),
                 node("d", "Relu", ["c"], [_vec(4)], unit=V), fetches=[("d", 0)])


def test_buffers_are_reused_once_their_last_reader_ran():
    ctx = context()
    memory_plan.run(_chain(), ctx)
    resident = 4 * MB                   # the fp32 variable
    # at most two 4 MB activations are live at once (x→a, a→b, b=view→c, c→d), the view aliases b
    assert ctx.memory_peak_bytes == resident + 2 * 4 * MB
    assert not ctx.warnings


def test_host_variables_and_alignment():
    ctx = context(variable_placement="Host")
    g = graph(node("v", "VariableV2", outputs=[t((100,), "float32")], unit="host"),
              node("y", "Relu", ["v"], [t((3,))], unit=V), fetches=[("y", 0)])
    memory_plan.run(g, ctx)
    assert ctx.memory_peak_bytes == MEM_ALIGN_BYTES            # 6 bytes round up; the variable is on the host


def test_a_plan_over_the_hbm_warns():
    huge = HW.chip.hbm_bytes // 2 + MB          # two of these cannot be live together on a 32 GB chip
    g = graph(node("x", "Data", outputs=[t((huge // 2,))], unit="host"),
              node("a", "Relu", ["x"], [t((huge // 2,))], unit=V), fetches=[("a", 0)])
    ctx = context()
    memory_plan.run(g, ctx)
    assert ctx.memory_peak_bytes > HW.chip.hbm_bytes
    assert "exceeds the 32 GiB HBM" in ctx.warnings[0]
