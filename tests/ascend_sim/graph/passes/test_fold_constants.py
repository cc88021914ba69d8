"""Pass fold_constants: shape arithmetic on static shapes becomes constants; state, randomness and dynamic
shapes are never folded."""
import tensorflow.compat.v1 as tf

from testsupport.lowering import before, by_op, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [6, 4], name="x")
        shape = tf.raw_ops.Shape(input=x, name="shape")       # tf.shape would fold in Python already
        rows = tf.strided_slice(shape, [0], [1], name="rows")
        flat = tf.reshape(x, tf.stack([rows[0] * 4], name="target"), name="flat")
        noise = tf.random_uniform(tf.raw_ops.Shape(input=flat), name="noise")
        tf.add(flat, noise, name="out")
    return g


def test_shape_arithmetic_folds_and_its_inputs_are_pruned():
    ir, ctx = before(_graph(), "fold_constants", ["out:0"])
    assert {"Shape", "StridedSlice", "Pack", "Mul"} <= {n.op for n in ir}
    ir = run_pass(ir, ctx, "fold_constants")
    assert ir["target"].op == "Const" and ir["target"].mapped and ir["target"].attrs["folded_from"] == "Pack"
    assert "shape" not in ir and "rows" not in ir                  # only the folded Pack needed them
    assert ir["target"].inputs == [] and ir["flat"].op == "Reshape"
    assert ir["noise/RandomUniform"].op == "RandomUniform"         # stateful: never folded
    assert not by_op(ir, "Shape")                                  # the noise shape query folded too


def test_shapes_of_dynamic_tensors_are_not_folded():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        tf.reshape(x, tf.shape(x, name="shape")[:1] * 4, name="out")
    ir, ctx = before(g, "fold_constants", ["out:0"])
    ir = run_pass(ir, ctx, "fold_constants")
    assert ir["shape"].op == "Shape"


def test_gradient_shape_arithmetic_of_a_batch_free_graph_folds_once_the_batch_is_known():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        loss = tf.reduce_sum(tf.nn.relu(x * y), name="loss")
        tf.gradients(loss, [x, y], name="gradients")
    args = "gradients/mul_grad/BroadcastGradientArgs"
    ir, ctx = before(g, "fold_constants", ["gradients/mul_grad/Reshape:0", "gradients/mul_grad/Reshape_1:0"],
                     batch=8)
    assert ir[args].op == "BroadcastGradientArgs" and not ir.output((args, 1)).static    # its value decides
    ir = run_pass(ir, ctx, "fold_constants")
    assert ir[args].op == "Const"
    ir = run_pass(ir, ctx, "dynamic_shapes")
    assert not ctx.warnings                    # folded constants of unknown length are not dynamic shapes
