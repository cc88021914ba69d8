"""Compiling one run signature: signature keys, the IterationOp marker, step classification, strict mode."""
import pytest
import tensorflow.compat.v1 as tf

from ascend_sim import hw as hwlib
from ascend_sim.options import NpuOptions
from npu_bridge._runtime import compiled as cp

HW = hwlib.load()


def _train_graph(unsupported=False):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        hidden = tf.layers.dense(x, 16, activation=tf.nn.relu)
        if unsupported:
            hidden = tf.math.bessel_i0e(hidden, name="odd_op")
        loss = tf.losses.mean_squared_error(y, tf.layers.dense(hidden, 1))
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        loop = tf.group(train, name="IterationOp")
        init = tf.global_variables_initializer()
    return graph, dict(x=x, y=y, loss=loss, train=train, loop=loop, init=init, step=step)


def _compile(graph, targets, fetches, feeds=(), n=1, **options):
    return cp.compile_signature(graph, targets, fetches, list(feeds), NpuOptions(**options), HW, loop_n=n)


def test_signature_depends_on_feed_shapes_and_fetch_identity():
    graph, t = _train_graph()

    class Value:
        def __init__(self, shape):
            self.shape = shape

    key = cp.signature_of([t["train"]], [t["loss"]], {t["x"].ref(): Value((4, 8))})
    assert key == cp.signature_of([t["train"]], [t["loss"]], {t["x"].ref(): Value((4, 8))})
    assert key != cp.signature_of([t["train"]], [t["loss"]], {t["x"].ref(): Value((5, 8))})
    assert key != cp.signature_of([t["train"]], [t["step"]], {t["x"].ref(): Value((4, 8))})


def test_iteration_op_found_when_fetched_directly_or_inside_a_group():
    graph, t = _train_graph()
    with graph.as_default():
        outer = tf.group(t["loop"], name="outer")
    assert cp.iteration_ops([t["loop"]], []) == (t["loop"],)
    assert cp.iteration_ops([outer], [t["loss"]]) == (t["loop"],)
    assert cp.iteration_ops([t["train"]], [t["loss"]]) == ()


def test_a_training_run_is_a_step_and_its_loop_runs_n_iterations():
    graph, t = _train_graph()
    feeds = [(t["x"], (32, 8)), (t["y"], (32, 1))]
    step = _compile(graph, [t["loop"]], [t["loss"]], feeds, n=4, iterations_per_loop=4)
    assert step.is_step and step.iterations == 4 and step.loop_ops == (t["loop"],)
    assert step.batch == 32 and step.samples == 128
    assert step.base.iterations == 4 and step.program.options.iterations_per_loop == 4
    assert step.loop_us == pytest.approx(step.base.span_us)
    plain = _compile(graph, [t["train"]], [t["loss"]], feeds, n=4, iterations_per_loop=4)
    assert plain.iterations == 1 and plain.program.options.iterations_per_loop == 1
    assert step.loop_us > 3 * (plain.loop_us - step.base.steps[0].host_us)


def test_init_and_reads_are_costed_but_are_not_steps():
    graph, t = _train_graph()
    init = _compile(graph, [t["init"]], [])
    read = _compile(graph, [], [t["step"]])
    assert init.kind == read.kind == cp.OTHER
    assert init.base is not None and init.loop_us > 0


def test_a_fed_constant_is_costed_with_its_own_shape():
    graph, t = _train_graph()
    const = graph.get_tensor_by_name("dense/kernel/Initializer/random_uniform/shape:0")
    entry = _compile(graph, [t["init"]], [], [(const, (2,))])
    assert entry.error == "" and entry.base is not None


def test_strict_mode_fails_the_compile_naming_node_and_op_type():
    graph, t = _train_graph(unsupported=True)
    feeds = [(t["x"], (8, 8)), (t["y"], (8, 1))]
    with pytest.raises(cp.DeviceCompileError) as info:
        _compile(graph, [t["train"]], [t["loss"]], feeds, strict=True)
    assert isinstance(info.value, tf.errors.OpError)
    assert "odd_op" in info.value.message and "BesselI0e" in info.value.message
    relaxed = _compile(graph, [t["train"]], [t["loss"]], feeds)
    assert relaxed.is_step and any(op == "BesselI0e" for _, op in relaxed.program.unknown_ops)


def test_a_signature_the_lowering_cannot_read_runs_uncosted(caplog):
    graph, t = _train_graph()
    entry = _compile(graph, [t["train"]], [t["loss"]], [(t["x"], (4, 9))])    # contradicts the graph's (?, 8)
    assert entry.base is None and entry.kind == cp.OTHER and entry.error
    assert any("could not be compiled" in r.getMessage() for r in caplog.records)
