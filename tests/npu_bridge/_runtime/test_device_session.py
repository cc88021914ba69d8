"""Device sessions in process: interception of run / make_callable / callables, the loop, options, cache."""
import logging

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.core.protobuf import config_pb2

import npu_bridge.npu_init  # noqa: F401  (installs the Session patch and the device runtime)
from npu_bridge._runtime import device_session, interception, session_patch
from npu_bridge.estimator.npu import util


def _config(**keys):
    config = tf.ConfigProto()
    custom = config.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    for key, value in keys.items():
        if isinstance(value, bool):
            custom.parameter_map[key].b = value
        elif isinstance(value, int):
            custom.parameter_map[key].i = value
        else:
            custom.parameter_map[key].s = tf.compat.as_bytes(value)
    return config


def _model(dataset=True):
    rng = np.random.RandomState(0)
    x_data, y_data = rng.randn(256, 8).astype("float32"), rng.randn(256, 1).astype("float32")
    if dataset:
        data = tf.data.Dataset.from_tensor_slices((x_data, y_data)).repeat().batch(16, drop_remainder=True)
        iterator = tf.data.make_initializable_iterator(data)
        x, y = iterator.get_next()
        init = [iterator.initializer]
    else:
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        init = []
    loss = tf.losses.mean_squared_error(y, tf.layers.dense(tf.layers.dense(x, 16, activation=tf.nn.relu), 1))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=step)
    init.append(tf.global_variables_initializer())
    return dict(loss=loss, step=step, train=train, init=init, x=x, y=y, data=(x_data[:16], y_data[:16]))


def test_runtime_is_installed_with_the_session_patch():
    assert session_patch.is_installed() and interception.is_installed()
    with tf.Graph().as_default():
        tf.constant(1.0)
        with tf.Session() as sess:         # the patch gives every session the NpuOptimizer: on the device
            assert isinstance(device_session.state_of(sess), device_session.DeviceSession)


def test_a_session_off_the_device_runs_plain_tensorflow():
    with tf.Graph().as_default():
        value = tf.constant(2.0) * 3.0
        with tf.Session() as sess:
            sess._config = tf.ConfigProto()                       # no NpuOptimizer entry
            del sess.__dict__[device_session.STATE_ATTR]
            assert sess.run(value) == 6.0
            assert sess.__dict__[device_session.STATE_ATTR] is False
            assert device_session.state_of(sess) is None


def test_a_bad_option_fails_when_the_session_is_created():
    with tf.Graph().as_default():
        with pytest.raises(ValueError) as info:
            tf.Session(config=_config(precision_mode="fp64_please"))
    assert "precision_mode" in str(info.value) and "allow_mix_precision" in str(info.value)


def test_each_signature_compiles_once_and_new_feed_shapes_compile_again():
    with tf.Graph().as_default():
        m = _model(dataset=False)
        with tf.Session() as sess:
            sess.run(m["init"])
            state = device_session.state_of(sess)
            x, y = m["data"]
            for _ in range(3):
                sess.run([m["train"], m["loss"]], {m["x"]: x, m["y"]: y})
            compiles = state.compiles
            sess.run([m["train"], m["loss"]], {m["x"]: x, m["y"]: y})
            assert state.compiles == compiles
            sess.run([m["train"], m["loss"]], {m["x"]: x[:8], m["y"]: y[:8]})
            assert state.compiles == compiles + 1
            assert state.ledger.steps == 5 and state.ledger.other_runs >= 1


def test_iteration_loop_runs_n_real_steps_per_run_and_returns_the_last():
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        m = _model()
        with tf.Session(config=_config(iterations_per_loop=3, enable_data_pre_proc=True)) as sess:
            sess.run(m["init"])
            loop = util.set_iteration_per_loop(sess, m["train"], 3)
            fetched = [sess.run([loop, m["step"]])[1] for _ in range(2)]
            assert int(sess.run(m["step"])) == 6
            state = device_session.state_of(sess)
            assert (state.ledger.steps, state.ledger.loops) == (6, 2)
            assert [s.loop_id for s in state.profile().steps] == [0, 0, 0, 1, 1, 1]
        # the step read in the same run is the last iteration's: 2 or 3 (before or after its increment), 5 or 6
        assert fetched[0] in (2, 3) and fetched[1] in (5, 6)


def test_a_fed_iteration_loop_is_refused_naming_iterations_per_loop():
    with tf.Graph().as_default():
        m = _model(dataset=False)
        with tf.Session(config=_config(iterations_per_loop=2)) as sess:
            sess.run(m["init"])
            loop = util.set_iteration_per_loop(sess, m["train"], 2)
            x, y = m["data"]
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(loop, {m["x"]: x, m["y"]: y})
            assert int(sess.run(m["step"])) == 0          # refused before any step ran
    message = info.value.message
    assert "iterations_per_loop=2" in message and "x:0" in message and "dataset" in message


def test_make_callable_without_feeds_is_accounted_and_loops():
    with tf.Graph().as_default():
        m = _model()
        with tf.Session(config=_config(iterations_per_loop=2)) as sess:
            sess.run(m["init"])
            loop = util.set_iteration_per_loop(sess, m["train"], 2)
            step_fn = sess.make_callable([loop, m["loss"]])
            for _ in range(3):
                step_fn()
            assert int(sess.run(m["step"])) == 6
            assert device_session.state_of(sess).ledger.steps == 6


def test_callables_from_options_are_accounted_with_their_feed_shapes():
    with tf.Graph().as_default():
        m = _model(dataset=False)
        with tf.Session() as sess:
            sess.run(m["init"])
            options = config_pb2.CallableOptions(feed=[m["x"].name, m["y"].name], fetch=[m["loss"].name],
                                                 target=[m["train"].name])
            fn = sess._make_callable_from_options(options)
            x, y = m["data"]
            losses = [fn(x, y)[0] for _ in range(4)]
            state = device_session.state_of(sess)
            assert state.ledger.steps == 4 and losses[-1] < losses[0]
            assert state.profile().batch == 16


def test_close_logs_the_session_totals(caplog):
    with tf.Graph().as_default():
        m = _model(dataset=False)
        with caplog.at_level(logging.INFO, logger="npu_bridge.runtime"):
            with tf.Session() as sess:
                sess.run(m["init"])
                x, y = m["data"]
                sess.run(m["train"], {m["x"]: x, m["y"]: y})
                state = device_session.state_of(sess)
        assert state.closed
    totals = [r.getMessage() for r in caplog.records if "session:" in r.getMessage()]
    assert totals and "1 training steps in 1 runs" in totals[-1]


def test_new_signatures_past_the_limit_run_uncosted(monkeypatch, caplog):
    monkeypatch.setattr(device_session, "MAX_SIGNATURES", 2)
    with tf.Graph().as_default():
        v = tf.Variable(0.0)
        with tf.Session() as sess:
            sess.run(v.initializer)                           # signature 1
            for i in range(3):                                # new ops every run: signatures 2, 3, 4
                sess.run(tf.assign(v, float(i)))
            state = device_session.state_of(sess)
            assert len(state._cache) == 2 and sess.run(v) == 2.0
            assert state.ledger.uncosted_runs >= 2
    assert sum("run signatures" in r.getMessage() for r in caplog.records) == 1


def test_runs_from_daemon_threads_are_not_compiled():
    import threading

    with tf.Graph().as_default():
        m = _model(dataset=False)
        with tf.Session() as sess:
            sess.run(m["init"])
            state = device_session.state_of(sess)
            compiles = state.compiles
            x, y = m["data"]
            worker = threading.Thread(target=lambda: sess.run(m["train"], {m["x"]: x, m["y"]: y}), daemon=True)
            worker.start()
            worker.join()
            assert state.compiles == compiles and state.ledger.steps == 0
            assert state.ledger.uncosted_runs == 1 and int(sess.run(m["step"])) == 1   # it did run


def test_a_dump_request_is_validated_and_logged_once_as_not_emulated(tmp_path, caplog):
    with tf.Graph().as_default():
        value = tf.constant(2.0) * 3.0
        with pytest.raises(ValueError, match="dump_path"):
            tf.Session(config=_config(enable_dump=True))
        with caplog.at_level(logging.WARNING, logger="npu_bridge.runtime"):
            with tf.Session(config=_config(enable_dump=True, dump_path=str(tmp_path))) as sess:
                assert sess.run(value) == 6.0 and sess.run(value) == 6.0
    notes = [r.getMessage() for r in caplog.records if "dumps no tensors" in r.getMessage()]
    assert len(notes) == 1 and "enable_dump" in notes[0] and str(tmp_path) in notes[0]
    assert list(tmp_path.iterdir()) == []
