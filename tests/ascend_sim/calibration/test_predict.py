"""Fast prediction for the fit: equal to lowering + simulating with the changed preset."""
import pytest

from ascend_sim.calibration import predict
from ascend_sim.graph import lower
from ascend_sim.api import resolve_options
from ascend_sim.sim import simulate


def test_two_iteration_extrapolation_equals_the_full_loop(small_bert_prepared, spec):
    full = simulate(small_bert_prepared.program, spec, 1).step_time_us()
    assert small_bert_prepared.iterations_per_loop == 100
    assert predict.step_time_us(small_bert_prepared, spec) == pytest.approx(full, rel=1e-9)


def test_recosting_matches_lowering_with_the_changed_overheads(small_bert, small_bert_prepared, spec):
    changed = predict.with_values(spec, {"overheads.aicpu_ns_per_elem": 0.5, "overheads.aicore_task_launch_us": 11.0})
    assert changed.overheads.aicpu_ns_per_elem == 0.5 and changed.overheads.aicore_task_launch_us == 11.0
    program = lower(small_bert.graph, fetches=small_bert.fetches, options=resolve_options(small_bert.options),
                    hw=changed, batch=small_bert.batch)
    expected = simulate(program, changed, 1).step_time_us()
    assert predict.step_time_us(small_bert_prepared, changed) == pytest.approx(expected, rel=1e-9)
    assert expected > predict.step_time_us(small_bert_prepared, spec)


def test_only_overheads_can_be_set(spec):
    with pytest.raises(KeyError, match="overheads.aicore_task_launch_us"):
        predict.with_values(spec, {"chip.ai_core_count": 16})
    with pytest.raises(KeyError, match="only"):
        predict.with_values(spec, {"overheads.nope": 1})
