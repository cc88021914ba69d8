"""The fit: its rules, and that it recovers constants from targets made with known values."""
import pytest

from ascend_sim.calibration import FIT_PLAN, FitSpec, fit
from ascend_sim.calibration.fit import FitError, check_plan
from ascend_sim.calibration.predict import step_time_us, with_values


def test_the_plan_fits_on_at_most_two_workloads_and_explains_each_constant(spec):
    check_plan()
    assert len({f.workload for f in FIT_PLAN}) <= 2
    for f in FIT_PLAN:
        section, _, name = f.path.partition(".")
        assert section == "overheads" and hasattr(spec.overheads, name)
        assert spec.source_of(f.path).confidence == "NOT FOUND" and "fitted on" in spec.source_of(f.path).citation
        assert len(f.basis) > 80 and f.low < getattr(spec.overheads, name) < f.high


def test_a_third_workload_breaks_the_rules():
    plan = [FitSpec(f"overheads.{n}", w, 0, 1, "x", "b") for n, w in
            (("aicore_task_launch_us", "a"), ("aicpu_ns_per_elem", "b"), ("host_loop_us", "c"))]
    with pytest.raises(FitError, match="at most 2 workloads"):
        check_plan(plan)
    with pytest.raises(FitError, match="fitted twice"):
        check_plan([plan[0], plan[0]])


def test_fit_recovers_known_constants(small_bert_prepared, spec):
    truth = {"overheads.aicore_task_launch_us": 12.0, "overheads.aicpu_ns_per_elem": 0.3}
    target = step_time_us(small_bert_prepared, with_values(spec, truth))
    plan = (FitSpec("overheads.aicpu_ns_per_elem", "small_bert", 0.0, 2.0, "ns", "test"),)
    start = with_values(spec, {"overheads.aicore_task_launch_us": 12.0})
    (got,) = fit({"small_bert": small_bert_prepared}, {"small_bert": target}, start, plan)
    assert got.value == pytest.approx(0.3, rel=1e-3)
    assert got.predicted_step_us == pytest.approx(target, rel=1e-4)


def test_fit_says_when_a_target_is_out_of_reach(small_bert_prepared, spec):
    plan = (FitSpec("overheads.aicore_task_launch_us", "small_bert", 0.0, 1.0, "µs", "test"),)
    with pytest.raises(FitError, match="cannot reach"):
        fit({"small_bert": small_bert_prepared}, {"small_bert": 1e9}, spec, plan)
    with pytest.raises(FitError, match="needs workloads"):
        fit({}, {}, spec, plan)
