"""Pass split_points: phases per node and the FP/BP split points of the step trace."""
import numpy as np
import tensorflow.compat.v1 as tf

from ascend_sim.graph.program import is_task
from testsupport.lowering import before, context, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        ds = tf.data.Dataset.from_tensor_slices(np.zeros((16, 8), np.float32)).batch(4, drop_remainder=True)
        x = tf.data.make_initializable_iterator(ds).get_next(name="next")
        h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="fc1")
        loss = tf.reduce_mean(tf.layers.dense(h, 1, name="fc2"), name="loss")
        train = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=tf.train.get_or_create_global_step())
    return g, [train, loss]


def test_phases_and_split_points():
    g, fetches = _graph()
    ir, ctx = before(g, "split_points", fetches, ctx=context(enable_data_pre_proc=True))
    assert all(n.phase == "" for n in ir)
    ir = run_pass(ir, ctx, "split_points")
    assert ir["next"].phase == "DATA" and ir["next"].op == "GetNext"
    tasks = [n for n in ctx.order if is_task(n) and n.unit != "host"]
    phases = [n.phase for n in tasks]
    assert set(phases) == {"DATA", "FP", "BP", "OPT"}
    assert phases.index("BP") > phases.index("FP") and "BP" not in phases[phases.index("OPT"):]
    fp = next(n for n in tasks if n.phase == "FP")
    bp = [n for n in tasks if n.phase == "BP"][-1]
    assert (ctx.fp_point, ctx.bp_point) == (fp.name, bp.name)
    assert all(o.startswith("gradients/") for n in tasks if n.phase == "BP" for o in n.origin[:1])
    assert all(n.phase in ("OPT",) for n in tasks if n.op.startswith("ApplyAdam"))
    assert [n.name for n in ctx.order] == [n.name for n in ir.topo_order()]
