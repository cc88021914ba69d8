"""Pass prune: only what the fetches reach through data and control edges survives."""
import tensorflow.compat.v1 as tf

from ascend_sim.graph.passes import prune
from testsupport.lowering import context, graph, node, t


def test_keeps_data_and_control_predecessors_of_the_fetches():
    g = graph(node("a", "Data", outputs=[t((4,))]), node("b", "Relu", ["a"], [t((4,))]),
              node("e", "NoOp"), node("c", "Relu", ["b"], [t((4,))]), node("d", "Relu", ["a"], [t((4,))]),
              fetches=[("c", 0)])
    g["c"].control.append("e")
    assert set(g.nodes) == {"a", "b", "c", "d", "e"}
    prune.run(g, context())
    assert set(g.nodes) == {"a", "b", "c", "e"}


def test_a_training_graph_loses_its_initialisers_and_saver():
    tfg = tf.Graph()
    with tfg.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        loss = tf.reduce_sum(tf.layers.dense(x, 2))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        tf.global_variables_initializer()
        tf.train.Saver()
    from ascend_sim.graph import tf_frontend
    ir = tf_frontend.load(tfg, fetches=[train])
    assert any(n.startswith("save/") for n in ir.nodes) and "init" in ir.nodes
    prune.run(ir, context())
    assert not any(n.startswith("save/") or n == "init" or "/Initializer/" in n for n in ir.nodes)
    assert "GradientDescent" in ir.nodes
