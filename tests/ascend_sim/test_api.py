"""ascend_sim.analyze end to end (TF graph → lowering → scheduler → Profile) and ``ascend-sim analyze`` on a .pb."""
import pytest
import tensorflow.compat.v1 as tf

import ascend_sim
from ascend_sim import cli, hw as hwlib
from ascend_sim.api import infer_batch
from ascend_sim.graph import lower
from ascend_sim.sim import simulate
from testsupport.sim_programs import program, task

BATCH = 32
MIXED = {"precision_mode": "allow_mix_precision"}


def _conv_net(batch=BATCH, size=56, train=True):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [batch, size, size, 64], name="images")
        labels = tf.placeholder(tf.int32, [batch], name="labels")
        h = x
        for i, channels in enumerate((128, 128, 256)):
            h = tf.layers.conv2d(h, channels, 3, padding="same", activation=tf.nn.relu, name=f"conv{i}")
            if i == 1:
                h = tf.layers.max_pooling2d(h, 2, 2)
        logits = tf.layers.dense(tf.reduce_mean(h, axis=[1, 2]), 10, name="fc")
        out = tf.identity(logits, name="logits")
        if train:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
            out = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    return graph, out.name


@pytest.fixture(scope="module")
def conv_graph():
    return _conv_net()


@pytest.fixture(scope="module")
def profile(conv_graph):
    graph, train = conv_graph
    return ascend_sim.analyze(graph, fetches=[train], options=MIXED)


def test_analyze_is_exported_lazily():
    from ascend_sim import analyze
    from ascend_sim.api import analyze as api_analyze

    assert analyze is api_analyze and "analyze" in ascend_sim.__all__
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ascend_sim.nope     # noqa: B018


def test_conv_net_profile_is_plausible(profile):
    work = {}                                     # execution time per unit, dispatch overhead left out
    for t in profile.device_tasks:
        work[t.unit] = work.get(t.unit, 0.0) + t.exec_us
    assert max(work, key=work.get) == "aicore_cube"                  # cube work dominates a conv net
    assert profile.top_ops(1)[0].unit == "aicore_cube"
    assert {"Conv2DBackpropFilterD", "Conv2DBackpropInputD"} <= {s.op_type for s in profile.op_stats()}
    step = profile.steps[0]
    cube_flops = sum(t.cost.flops for t in profile.device_tasks if t.unit == "aicore_cube")
    hw = hwlib.load()
    assert step.fp_bp_time_us >= cube_flops / hw.peak_cube_flops_per_s() * 1e6   # never beats the peak
    assert step.fp_bp_time_us < step.iteration_time_us
    device_share = sum(t.duration_us for t in profile.device_tasks) / (step.end_us - step.start_us)
    assert device_share == pytest.approx(1.0, abs=0.05)              # one stream, back to back
    assert profile.hw_name == "Ascend910A" and profile.options.precision_mode == "allow_mix_precision"


def test_batch_is_given_or_inferred(conv_graph, profile):
    graph, train = conv_graph
    assert (profile.batch, profile.batch_source) == infer_batch(lower(graph, fetches=[train], options=MIXED))
    given = ascend_sim.analyze(graph, fetches=[train], options=MIXED, batch=BATCH)
    assert (given.batch, given.batch_source) == (BATCH, "given")
    assert given.throughput_per_s() == pytest.approx(BATCH / given.step_time_us() * 1e6)
    fed = ascend_sim.analyze(graph, fetches=[train], options=MIXED, feed_shapes={"images": (BATCH, 56, 56, 64)})
    assert (fed.batch, fed.batch_source) == (BATCH, "leading dimension of feed shape 'images'")
    with pytest.raises(ValueError, match="batch must be a positive int or None, got 0"):
        ascend_sim.analyze(graph, batch=0)


def test_infer_batch_needs_one_shared_leading_dimension():
    getnext = task("GetNext", [], [(BATCH, 8), (BATCH,)], phase="DATA", name="it")
    fed = task("Data", [], [(BATCH, 3)], name="x", unit="host")
    scalar = task("Data", [], [()], name="lr", unit="host")
    assert infer_batch(program([getnext, fed, scalar])) == (BATCH, "leading dimension of input 'it'")
    other = task("Data", [], [(BATCH + 1, 3)], name="y", unit="host")
    assert infer_batch(program([getnext, other])) == (None, "")
    assert infer_batch(program([]), {"a": (4, 2), "b": [4]}) == (4, "leading dimension of feed shape 'a'")
    assert infer_batch(program([]), {"a": (4, 2), "b": (5,)}) == (None, "")
    assert infer_batch(program([task("GetNext", [], [(0, 2)], phase="DATA")])) == (None, "")


def test_analyze_is_lower_plus_simulate(conv_graph, profile):
    graph, train = conv_graph
    program = lower(graph, fetches=[train], options=MIXED, hw="Ascend910A")
    assert simulate(program, "Ascend910A", 1).steps == profile.steps
    looped = ascend_sim.analyze(graph, fetches=[train], options={**MIXED, "iterations_per_loop": 4}, iterations=2)
    assert len(looped.steps) == 8 and looped.iterations_per_loop == 4
    assert looped.step_time_us() < profile.step_time_us()            # host overhead amortised over 4 steps
    fast = ascend_sim.analyze(graph, fetches=[train], options=MIXED, hw="Ascend910PremiumA")
    assert fast.steps[0].fp_bp_time_us < profile.steps[0].fp_bp_time_us


def test_bad_options_are_named(conv_graph):
    graph, train = conv_graph
    with pytest.raises(ValueError, match="precision_mode 'fp8' is invalid"):
        ascend_sim.analyze(graph, fetches=[train], options={"precision_mode": "fp8"})
    with pytest.raises(TypeError, match="options must be"):
        ascend_sim.analyze(graph, fetches=[train], options=["allow_mix_precision"])


@pytest.fixture(scope="module")
def frozen_pb(tmp_path_factory):
    graph, _ = _conv_net(batch=8, size=28, train=False)
    with tf.Session(graph=graph) as sess:
        sess.run(tf.variables_initializer(graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)))
        frozen = tf.graph_util.convert_variables_to_constants(sess, graph.as_graph_def(), ["logits"])
    path = tmp_path_factory.mktemp("pb") / "convnet.pb"
    path.write_bytes(frozen.SerializeToString())
    return path


def test_cli_analyze_prints_the_summary(frozen_pb, capsys):
    assert cli.main(["analyze", str(frozen_pb), "--fetch", "logits", "--batch", "8", "--top", "4",
                     "--precision-mode", "force_fp16", "--iterations", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ascend-sim: Ascend910A, 2 iteration(s) in 2 host loop(s)") and "batch 8 (given)" in out
    lines = out.splitlines()
    table = lines.index("Top 4 op types by device time:")
    rows = lines[table + 3:table + 7]
    assert len(rows) == 4 and lines[table + 7] == ""
    assert any("aicore_cube" in row and "Conv2D" in row for row in rows)
    assert "throughput" in out and "samples/s" in out


def test_cli_analyze_hw_and_feed_shape(frozen_pb, capsys):
    assert cli.main(["analyze", str(frozen_pb), "--hw", "Ascend910ProB", "--feed-shape", "images=8,28,28,64"]) == 0
    assert capsys.readouterr().out.startswith("ascend-sim: Ascend910ProB, 1 iteration(s)")


def test_cli_analyze_bad_graph_files(tmp_path, frozen_pb, capsys):
    truncated = tmp_path / "truncated.pb"
    truncated.write_bytes(frozen_pb.read_bytes()[:1000])
    assert cli.main(["analyze", str(truncated)]) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("ascend-sim analyze: ") and "truncated.pb" in err
    assert cli.main(["analyze", str(frozen_pb), "--fetch", "no_such_node"]) == cli.BAD_INPUT
    assert "no_such_node" in capsys.readouterr().err
