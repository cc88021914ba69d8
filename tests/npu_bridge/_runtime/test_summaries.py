"""EmulatedStepSummaryHook in a MonitoredSession: scalars at the first step and every N, means per window."""
import glob
import os

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

import npu_bridge.npu_init  # noqa: F401  (device runtime)
from npu_bridge._runtime.summaries import TAGS, EmulatedStepSummaryHook


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_every_n_steps_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="every_n_steps"):
        EmulatedStepSummaryHook("/tmp", every_n_steps=bad)


def _events(model_dir):
    found = {}
    for path in glob.glob(os.path.join(model_dir, "events.out.tfevents.*")):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                found.setdefault(value.tag, []).append((event.step, value.simple_value))
    return found


def test_scalars_follow_the_global_step(tmp_path):
    with tf.Graph().as_default():
        x = tf.constant(np.ones((8, 4), "float32"))
        loss = tf.reduce_mean(tf.layers.dense(x, 1) ** 2)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, tf.train.get_or_create_global_step())
        hook = EmulatedStepSummaryHook(str(tmp_path), every_n_steps=3)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(7):
                sess.run(train)
    found = _events(str(tmp_path))
    assert set(found) == {tag for tag, key in TAGS if key != "samples_per_sec"}   # batch unknown: no rate
    steps = [s for s, _ in found["emulated/step_time_ms"]]
    # written after the first run, when the global step (read before or after the run's increment) crosses a
    # multiple of 3, and at the end (7)
    assert steps[0] in (0, 1) and steps[-1] == 7 and hook.written == len(steps)
    assert [s // 3 for s in steps[1:-1]] == [1, 2]
    assert all(v > 0 for _, v in found["emulated/step_time_ms"])
    assert all(0 <= v <= 1 for _, v in found["emulated/ai_core_busy"])
