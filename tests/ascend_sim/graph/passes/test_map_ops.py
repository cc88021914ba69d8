"""Pass map_ops: TF op types → Ascend op types (renames, D variants, host ops, unknowns left for placement)."""
import tensorflow.compat.v1 as tf

from testsupport.lowering import before, run_pass


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4, 8], name="x")
        axis = tf.placeholder(tf.int32, [], name="axis")
        w = tf.get_variable("w", [8, 8])
        h = tf.matmul(x, w, name="mm") + 1.0
        tf.reduce_sum(h, axis=1, name="const_axis")
        tf.reduce_sum(h, axis=axis, name="fed_axis")
        tf.transpose(h, [1, 0], name="tr")
        tf.py_func(lambda a: a, [h], tf.float32, name="pyf")
        tf.einsum("ij,jk->ik", h, w, name="ein")
    return g


FETCHES = ["const_axis:0", "fed_axis:0", "tr:0", "pyf:0", "ein/Einsum:0"]


def test_before_and_after():
    ir, ctx = before(_graph(), "map_ops", FETCHES)
    assert {ir[n].op for n in ("mm", "add", "const_axis", "fed_axis", "tr")} == {"MatMul", "AddV2", "Sum", "Transpose"}
    assert len(ir["const_axis"].inputs) == 2
    ir = run_pass(ir, ctx, "map_ops")
    assert ir["mm"].op == "MatMulV2" and ir["add"].op == "Add"
    assert ir["const_axis"].op == "ReduceSumD" and len(ir["const_axis"].inputs) == 1
    assert ir["const_axis"].attrs["const_inputs"] == ("const_axis/reduction_indices",)
    assert ir["fed_axis"].op == "ReduceSum" and len(ir["fed_axis"].inputs) == 2
    assert ir["tr"].op == "TransposeD"
    assert ir["pyf"].op == "PyFunc" and "host" in ir["pyf"].attrs["host_reason"]
    assert ir["ein/Einsum"].op == "Einsum"                 # no Ascend op: placement reports it
    assert all(n.mapped for n in ir)
    assert ir["mm"].tf_op == "MatMul"


def test_reductions_and_reshapes_that_move_no_element_become_views():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4, 1], name="x")
        tf.reduce_sum(x, axis=2, name="drop_unit_axis")          # [n, 4, 1] → [n, 4]: same elements
        tf.reduce_sum(x, axis=1, name="real_sum")
        tf.reshape(x, tf.shape(x), name="same_shape")
        tf.tile(x, [1, 1, 1], name="tile_once")
    ir, ctx = before(g, "map_ops", ["drop_unit_axis:0", "real_sum:0", "same_shape:0", "tile_once:0"], batch=3)
    ir = run_pass(ir, ctx, "map_ops")
    assert ir["drop_unit_axis"].op == "Reshape" and ir["drop_unit_axis"].inputs == [("x", 0)]
    assert ir["same_shape"].op == "Identity" and ir["tile_once"].op == "Identity"
    assert ir["real_sum"].op == "ReduceSumD"


def test_string_ops_without_a_kernel_stay_on_the_host():
    g = tf.Graph()
    with g.as_default():
        s = tf.strings.as_string(tf.placeholder(tf.int32, [3], name="n"), name="as_string")
        tf.strings.reduce_join(s, name="joined")
        tf.strings.to_hash_bucket_fast(s, 10, name="hashed")
    ir, ctx = before(g, "map_ops", ["ReduceJoin/joined:0", "hashed:0"])
    ir = run_pass(ir, ctx, "map_ops")
    joined = ir["ReduceJoin/joined"]
    assert "string" in joined.attrs["host_reason"] and joined.op == "ReduceJoin"
    assert "string" in ir["as_string"].attrs["host_reason"]
    assert ir["hashed"].op == "StringToHashBucketFast" and "host_reason" not in ir["hashed"].attrs  # AI CPU
