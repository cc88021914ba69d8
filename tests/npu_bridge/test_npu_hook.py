"""npu_hook: loop-variable proto registration, the hooks in MonitoredSessions, broadcast_global_variables."""
import io
import os

import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops

from npu_bridge.estimator.npu import npu_hook, util
from npu_bridge.estimator.npu.npu_hook import (
    NPUBroadcastGlobalVariablesHook,
    NPUCheckpointSaverHook,
    NPUInfeedOutfeedSessionHook,
    NPULogOutfeedSessionHook,
    NPUOutputTensorHook,
    NPUShutDownHook,
    SetIterationsVarHook,
    TellMeStepOrLossHook,
)


def _train_graph():
    """A graph with a global step, a variable ``w`` and a train op incrementing both."""
    graph = tf.Graph()
    with graph.as_default():
        step = tf.train.get_or_create_global_step()
        w = tf.Variable(0.0, name="w")
        train_op = tf.group(tf.assign_add(w, 1.0), tf.assign_add(step, 1))
    return graph, w, train_op


def test_loop_variable_collections_have_proto_functions():
    for name in util.LOOP_VARIABLE_NAMES:
        assert ops.get_to_proto_function(f"npu_runconfig_{name}") is not None
        assert ops.get_from_proto_function(f"npu_runconfig_{name}") is not None


def test_loop_variables_survive_a_meta_graph_round_trip():
    with tf.Graph().as_default():
        util.create_or_get_var("iterations_per_loop")
        meta = tf.train.export_meta_graph()
    assert "npu_runconfig_iterations_per_loop" in meta.collection_def
    with tf.Graph().as_default() as graph:
        tf.train.import_meta_graph(meta)
        restored = graph.get_collection("npu_runconfig_iterations_per_loop")
        assert len(restored) == 1 and restored[0].name == "npu_runconfig/iterations_per_loop:0"


def test_set_iterations_var_hook_loads_n_minus_one(capsys):
    graph, _, train_op = _train_graph()
    with graph.as_default():
        hook = SetIterationsVarHook(2)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            values = sess.run([util.create_or_get_var(n) for n in util.LOOP_VARIABLE_NAMES])
            sess.run(train_op)
    assert values == [1, 0, 0, 1]
    assert capsys.readouterr().out.splitlines()[:2] == ["load iterations_per_loop value -----------", "1"]


def test_set_iterations_var_hook_checks_the_count():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="iterations_per_loop"):
            SetIterationsVarHook(None).begin()


def _run_steps(graph, train_op, hooks, steps):
    with graph.as_default():
        with tf.train.MonitoredSession(hooks=hooks) as sess:
            for _ in range(steps):
                sess.run(train_op)


def test_output_tensor_hook_default_outputs_only_at_end():
    graph, _, train_op = _train_graph()
    calls = []
    with graph.as_default():
        x = tf.placeholder(tf.float32, [])
        hook = NPUOutputTensorHook({"twice": x * 2.0, "x": x}, output_fn=calls.append)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for value in (1.0, 2.0, 3.0):  # upstream: ZeroDivisionError after the first step
                sess.run(train_op, feed_dict={x: value})
    assert calls == [[{"twice": 2.0, "x": 1.0}, {"twice": 4.0, "x": 2.0}, {"twice": 6.0, "x": 3.0}]]


def test_output_tensor_hook_every_n_steps_with_dependencies():
    graph, w, train_op = _train_graph()
    calls = []
    with graph.as_default():
        hook = NPUOutputTensorHook({"w": w.read_value()}, dependencies=train_op, output_fn=calls.append,
                                   output_every_n_steps=2)
    _run_steps(graph, train_op, [hook], 5)
    assert [len(c) for c in calls] == [2, 2, 1]
    # under the dependency the value is read after the update of the same step
    assert [d["w"] for c in calls for d in c] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_output_tensor_hook_rejects_a_non_integer_period():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="output_every_n_steps"):
            NPUOutputTensorHook({"x": tf.constant(1.0)}, output_every_n_steps=1.5)


def test_tell_me_step_or_loss_hook_sets_environment(monkeypatch):
    for key in ("STEP_NOW", "TOTAL_STEP", "LOSS_NOW", "TARGET_LOSS"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValueError, match="step"):
        TellMeStepOrLossHook(total_step=10)
    graph, _, train_op = _train_graph()
    with graph.as_default():
        step = tf.placeholder(tf.int64, [], name="step_now")
        loss = tf.placeholder(tf.float32, [], name="loss")
        hook = TellMeStepOrLossHook(step=step.name, total_step=100, loss=loss.name, final_loss=0.5)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(train_op, feed_dict={step: 7, loss: 0.25})
    assert os.environ["STEP_NOW"] == "7" and os.environ["TOTAL_STEP"] == "100"
    assert os.environ["LOSS_NOW"] == "0.25" and os.environ["TARGET_LOSS"] == "0.5"


def test_checkpoint_saver_hook_saves_and_logs_the_step(tmp_path, caplog):
    graph, _, train_op = _train_graph()
    with graph.as_default():
        hook = NPUCheckpointSaverHook(str(tmp_path), save_steps=2)
    with caplog.at_level("INFO", logger="npu_bridge.npu_hook"):
        _run_steps(graph, train_op, [hook], 4)
    assert "global_step...4" in caplog.text
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-4")


def test_shutdown_hook_builds_and_runs_npu_shutdown():
    graph, _, train_op = _train_graph()
    hook = NPUShutDownHook()
    _run_steps(graph, train_op, [hook], 1)
    assert hook._shutdown_npu_op.graph is graph
    assert hook._shutdown_npu_op.get_attr("_ascend_op_type") == b"NPUShutdown"


def test_broadcast_hook_is_inert_on_one_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    graph, w, train_op = _train_graph()
    hook = NPUBroadcastGlobalVariablesHook(0, 0)
    _run_steps(graph, train_op, [hook], 1)
    assert hook._bcast_op is None
    monkeypatch.setenv("RANK_SIZE", "abc")
    assert NPUBroadcastGlobalVariablesHook(0)._rank_size == 1


def test_broadcast_global_variables_assigns_the_broadcast_values():
    with tf.Graph().as_default() as graph:
        w = tf.Variable([1.0, 2.0], name="w")
        tf.Variable(5.0, trainable=False, name="not_trainable")
        group = npu_hook.broadcast_global_variables(0)
        broadcasts = [op for op in graph.get_operations()
                      if "_ascend_op_type" in op.node_def.attr and op.get_attr("_ascend_op_type") == b"HcomBroadcast"]
        assert len(broadcasts) == 1, "one HcomBroadcast per trainable variable"
        assigns = [op for op in group.control_inputs]
        assert len(assigns) == 1 and "w" in assigns[0].inputs[0].name
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(group)
            assert list(sess.run(w)) == [1.0, 2.0]


class _Stream(io.StringIO):
    flushes = 0

    def flush(self):
        self.flushes += 1
        super().flush()


def test_log_outfeed_hook_flushes_its_stream():
    graph, _, train_op = _train_graph()
    stream = _Stream()
    _run_steps(graph, train_op, [NPULogOutfeedSessionHook(stream)], 1)
    assert stream.flushes >= 1


def test_infeed_outfeed_hook_fetches_host_ops_every_step():
    graph, w, train_op = _train_graph()
    with graph.as_default():
        host_counter = tf.Variable(0, name="host_counter")
        host_op = tf.assign_add(host_counter, 1).op
        hook = NPUInfeedOutfeedSessionHook([host_op], "train")
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(3):
                sess.run(train_op)
            assert sess.run_step_fn(lambda step_context: step_context.session.run(host_counter)) == 3
        assert NPUInfeedOutfeedSessionHook([], "train").before_run(None) is None
