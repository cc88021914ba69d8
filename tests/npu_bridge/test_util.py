"""npu_bridge.estimator.npu.util: validators, loop variables, rank size, global dict, op attributes, sharding."""
import itertools
import os

import pytest
import tensorflow.compat.v1 as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from npu_bridge.estimator.npu import util
from npu_bridge.estimator.npu.npu_config import ExperimentalConfig, GraphMemoryOptimizeConfig


# ----------------------------------------------------------------------------- validators
def test_check_not_none():
    util.check_not_none(0, "x")
    with pytest.raises(ValueError, match="rank_table_file"):
        util.check_not_none(None, "rank_table_file")


@pytest.mark.parametrize("check,value,error", [
    (util.check_positive_integer, 0, ValueError),
    (util.check_positive_integer, 1.0, TypeError),
    (util.check_positive_integer, "3", TypeError),
    (util.check_nonnegative_integer, -1, ValueError),
    (util.check_nonnegative_integer, 0.5, TypeError),
])
def test_integer_checks(check, value, error):
    with pytest.raises(error, match="my_arg"):
        check(value, "my_arg")


def test_integer_checks_accept_valid_values():
    util.check_positive_integer(5, "a")
    util.check_nonnegative_integer(0, "b")


def test_check_bool_type():
    util.check_bool_type(False, "flag")
    with pytest.raises(TypeError, match="flag"):
        util.check_bool_type(1, "flag")


def test_convert_bool_to_int_and_format_string():
    assert [util.convert_bool_to_int(v) for v in (True, False, 1, None)] == [1, 0, -1, -1]
    assert util.format_string(None, "s") == ""
    assert util.format_string("abc", "s") == "abc"
    with pytest.raises(TypeError, match="work_path"):
        util.format_string(3, "work_path")


def test_check_profiling_options():
    assert util.check_profiling_options(["training_trace", "task_trace"]) == "training_trace:task_trace"
    for bad in ([], ["training_trace", "aicpu"]):
        with pytest.raises(ValueError, match="training_trace"):
            util.check_profiling_options(bad)


def test_check_path(tmp_path):
    assert util.check_path(str(tmp_path)) == os.path.realpath(str(tmp_path))
    a_file = tmp_path / "f.txt"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="not directory"):
        util.check_path(str(a_file))
    with pytest.raises(ValueError, match="not exists"):
        util.check_path(str(tmp_path / "missing"))


def test_check_aoe_mode():
    for mode in ("1", "2", "4", "mdat"):
        util.check_aoe_mode(mode)
    with pytest.raises(ValueError, match="mdat"):
        util.check_aoe_mode("3")


# ----------------------------------------------------------------------------- loop variables
def test_create_or_get_var_makes_local_int64_resource_variable():
    with tf.Graph().as_default() as graph:
        global_step = tf.train.get_or_create_global_step()
        var = util.create_or_get_var("iterations_per_loop")
        assert var.name == "npu_runconfig/iterations_per_loop:0"
        assert var.dtype.base_dtype == tf.int64 and var.shape.as_list() == []
        assert graph.get_collection("npu_runconfig_iterations_per_loop") == [var]
        assert var in graph.get_collection(tf.GraphKeys.LOCAL_VARIABLES)
        assert var not in tf.global_variables() and var not in tf.trainable_variables()
        assert "resource" in type(var).__name__.lower()
        assert var.op.colocation_groups() == global_step.op.colocation_groups()
        assert util.create_or_get_var("iterations_per_loop") is var


def _op(graph):
    with graph.as_default():
        v = tf.Variable(1.0)
        return v, tf.assign_add(v, 1.0).op


def test_set_iteration_per_loop_one_returns_train_op_unchanged():
    graph = tf.Graph()
    _, train_op = _op(graph)
    with graph.as_default(), tf.Session() as sess:
        assert util.set_iteration_per_loop(sess, train_op, 1) is train_op
        assert not graph.get_collection("npu_runconfig_iterations_per_loop")


def test_set_iteration_per_loop_loads_the_loop_variables():
    graph = tf.Graph()
    var, train_op = _op(graph)
    with graph.as_default():
        loop_vars = [util.create_or_get_var(n) for n in util.LOOP_VARIABLE_NAMES]
        init = [tf.global_variables_initializer(), tf.local_variables_initializer()]
        with tf.Session() as sess:
            sess.run(init)
            group = util.set_iteration_per_loop(sess, train_op, 3)
            assert group.name == "IterationOp" and group.type == "NoOp"
            assert train_op in group.control_inputs
            assert sess.run(loop_vars) == [2, 0, 0, 1]
            sess.run(group)
            assert sess.run(var) == 2.0


def test_set_iteration_per_loop_rejects_non_operations():
    graph = tf.Graph()
    with graph.as_default(), tf.Session() as sess:
        tensor = tf.constant(1.0)
        with pytest.raises(ValueError, match="float32"):
            util.set_iteration_per_loop(sess, tensor, 2)
        with pytest.raises(ValueError, match="list"):  # upstream crashed with AttributeError here
            util.set_iteration_per_loop(sess, [tensor.op], 2)
        with pytest.raises(TypeError, match="iterations_per_loop"):
            util.set_iteration_per_loop(sess, tensor.op, "2")


def test_iteration_per_loop_two_phase():
    graph = tf.Graph()
    _, train_op = _op(graph)
    with graph.as_default():
        helper = util.IterationPerLoop()
        with pytest.raises(RuntimeError, match="create_iteration_per_loop_var"):
            helper.load_iteration_per_loop_var(None, 2)
        group = helper.create_iteration_per_loop_var(train_op)
        assert group.name == "IterationOp"
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            helper.load_iteration_per_loop_var(sess, 5)
            assert sess.run(util.create_or_get_var("iterations_per_loop")) == 4
            assert sess.run(util.create_or_get_var("one")) == 1


# ----------------------------------------------------------------------------- rank size, host init
@pytest.mark.parametrize("env,expected", [
    ({"RANK_SIZE": "8"}, "8"), ({"CM_WORKER_SIZE": "4"}, "4"), ({}, "1")])
def test_get_ranksize(monkeypatch, env, expected):
    for key in ("RANK_SIZE", "CM_WORKER_SIZE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert util.get_ranksize() == expected


def test_get_ranksize_both_set(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "2")
    monkeypatch.setenv("CM_WORKER_SIZE", "2")
    with pytest.raises(ValueError, match="CM_WORKER_SIZE"):
        util.get_ranksize()


def test_variable_initializer_in_host():
    with tf.Graph().as_default():
        v = tf.Variable(4.0)
        init = util.variable_initializer_in_host([v])
        assert init.name == "var_in_host"
        with tf.Session() as sess:
            sess.run(init)
            assert sess.run(v) == 4.0


# ----------------------------------------------------------------------------- global dict
def test_global_dict_needs_init(monkeypatch):
    monkeypatch.delattr(util, "_global_dict", raising=False)
    with pytest.raises(NameError, match="global_dict_init"):
        util.get_value("npu_rank_id", 0)
    with pytest.raises(NameError):
        util.set_value("npu_rank_id", 1)
    util.global_dict_init()
    assert util.get_value("npu_rank_id", 7) == 7
    util.set_value("npu_rank_id", 3)
    assert util.get_value("npu_rank_id") == 3


# ----------------------------------------------------------------------------- op attributes
def _attr(op, name):
    return op.get_attr(name)


def test_set_graph_exec_config_on_op_tensor_name_and_list():
    with tf.Graph().as_default():
        a = tf.constant(1.0, name="a")
        b = tf.identity(a, name="b")
        c = tf.identity(a, name="c")
        assert util.set_graph_exec_config(a, dynamic_input=True, dynamic_graph_execute_mode="lazy_recompile",
                                          dynamic_inputs_shape_range="data:[1~2]", is_train_graph=True) is a
        assert _attr(a.op, "_graph_dynamic_input") is True
        assert _attr(a.op, "_graph_dynamic_graph_execute_mode") == b"lazy_recompile"
        assert _attr(a.op, "_graph_dynamic_inputs_shape_range") == b"data:[1~2]"
        assert _attr(a.op, "_is_train_graph") is True
        util.set_graph_exec_config("b:0")
        assert _attr(b.op, "_graph_dynamic_graph_execute_mode") == b"dynamic_execute"
        assert _attr(b.op, "_graph_dynamic_inputs_shape_range") == b""
        experimental = ExperimentalConfig(graph_memory_optimize_config=GraphMemoryOptimizeConfig(recompute="manual"))
        util.set_graph_exec_config([c.op], experimental_config=experimental)
        assert _attr(c.op, "_recompute_mode") == b"manual"
        with pytest.raises(ValueError, match="dynamic_graph_execute_mode"):
            util.set_graph_exec_config(a, dynamic_graph_execute_mode="static")
        with pytest.raises(ValueError, match="fetch"):
            util.set_graph_exec_config(3)
        with pytest.raises(ValueError, match="experimental_config"):
            util.set_graph_exec_config(a, experimental_config="auto")


def test_op_attribute_setters():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.nn.relu(x, name="y")
        util.keep_tensors_dtypes(graph, ["y:0"])
        assert _attr(y.op, "_keep_dtype") == 1
        util.set_op_tensor_max_range(y, "8,3")
        assert _attr(y.op, "_op_max_shape") == b"8,3"
        util.set_op_input_tensor_multi_dims(x.op, "0:-1,3", "1;2")
        assert _attr(x.op, "_subgraph_multi_dims_input_shape") == b"0:-1,3"
        assert _attr(x.op, "_subgraph_multi_dims_input_dims") == b"1;2"
        util.set_op_tensor_max_size(y, 1024)
        assert _attr(y.op, "_op_max_size") == 1024
        with pytest.raises(ValueError, match="graph"):
            util.keep_tensors_dtypes("graph", ["y:0"])
        with pytest.raises(ValueError, match="input_tensors"):
            util.keep_tensors_dtypes(graph, "y:0")


def test_npu_compile_runs_the_fetches():
    with tf.Graph().as_default():
        v = tf.Variable(0.0)
        inc = tf.assign_add(v, 1.0)
        with tf.Session() as sess:
            sess.run(v.initializer)
            util.npu_compile(sess, inc)
            assert sess.run(v) == 1.0


# ----------------------------------------------------------------------------- weight-update sharding
class _Item:
    def __init__(self, size):
        self.size = size
        self.root_rank_id = -1


def _best_max(sizes, k):
    """Brute force: the smallest possible largest group over contiguous splits into k non-empty groups."""
    n = len(sizes)
    best = None
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        worst = max(sum(sizes[a:b]) for a, b in zip(bounds, bounds[1:]))
        best = worst if best is None else min(best, worst)
    return best


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=9), st.data())
def test_fair_division_is_contiguous_complete_and_balanced(sizes, data):
    k = data.draw(st.integers(1, len(sizes)))
    items = util.fair_division([_Item(s) for s in sizes], k)
    ranks = [item.root_rank_id for item in items]
    assert ranks[0] == 0 and ranks[-1] == k - 1
    assert all(b - a in (0, 1) for a, b in zip(ranks, ranks[1:])), ranks
    groups = [sum(s for s, r in zip(sizes, ranks) if r == g) for g in range(k)]
    assert max(groups) == _best_max(sizes, k)


def test_fair_division_edge_cases():
    items = util.fair_division([_Item(3), _Item(1)], 2)
    assert [i.root_rank_id for i in items] == [0, 1]
    assert [i.root_rank_id for i in util.fair_division([_Item(3)], 0)] == [-1]
    for bad in (3, -1):
        with pytest.raises(ValueError, match="number"):
            util.fair_division([_Item(1), _Item(1)], bad)


def test_grad_bookkeeping():
    with tf.Graph().as_default():
        w1 = tf.Variable(tf.zeros([4, 4]), name="w1")
        w2 = tf.Variable(tf.zeros([2]), name="w2")
        w3 = tf.Variable(tf.zeros([3]), name="w3")
        g1, g2, g3 = tf.ones([4, 4]), tf.ones([2]), tf.ones([3])
        assert util.GradDivisionItem(g1, w1).size == 64
        util.add_grads_and_vars([(g1, w1), (None, w2), (g3, w3)], 2)
        items = util.get_all_grad_item()
        assert [i.var for i in items] == [w1, w3]
        assert util.get_gid_by_grad(g1) == 0 and util.get_gid_by_weight(w3) == 1
        assert util.get_gid_by_weight(w2) == -1 and util.get_gid_by_grad(g2) == -1
        util.add_grads_and_vars([], 0)
        assert util.get_all_grad_item() == []
