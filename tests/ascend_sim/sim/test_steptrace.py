"""Step trace: FP start / BP end / iteration end and the msprof arithmetic between them."""
import pytest

from ascend_sim.sim import SchedulePolicy, simulate
from testsupport.sim_programs import HW, program, task

X = (128, 512)
W = (512, 512)


def _step(options=None, **kw):
    return program([
        task("GetNext", [], [X], phase="DATA", name="getnext", origin=("IteratorGetNext",)),
        task("MatMulV2", [X, W], [X], deps=(0,), name="fwd", origin=("dense/MatMul",)),
        task("Relu", [X], [X], deps=(1,), name="act"),
        task("MatMulV2", [X, X], [W], deps=(2,), phase="BP", name="bwd", attrs={"transpose_x1": True},
             origin=("gradients/dense/MatMul_grad/MatMul_1",)),
        task("HcomAllReduce", [W], [W], deps=(3,), phase="BP", name="allreduce"),
        task("ApplyMomentumD", [W] * 5, [W] * 2, deps=(4,), phase="OPT", name="apply"),
    ], options=options, **kw)


def _named(profile, iteration):
    return {r.name: r for r in profile.tasks if r.iteration_id == iteration}


def test_points_by_phase_and_msprof_arithmetic():
    prof = simulate(_step({"iterations_per_loop": 3}), HW, 2, policy=SchedulePolicy(host_loop_us=250.0))
    previous_end = 0.0
    for step in prof.steps:
        tasks = _named(prof, step.iteration_id)
        assert step.fp_start_us == tasks["fwd"].start_us                  # first FP task
        assert step.bp_end_us == tasks["allreduce"].end_us                # last BP task to end
        assert step.end_us == max(r.end_us for r in tasks.values()) == tasks["apply"].end_us
        assert step.fp_bp_time_us == pytest.approx(step.bp_end_us - step.fp_start_us)
        assert step.grad_refresh_bound_us == pytest.approx(step.end_us - step.bp_end_us)
        assert step.iteration_refresh_us == step.grad_refresh_bound_us
        assert step.iteration_time_us == pytest.approx(step.end_us - previous_end)
        if step.iteration_id == 0:
            assert step.data_aug_bound_us is None
        else:
            assert step.data_aug_bound_us == pytest.approx(step.fp_start_us - previous_end)
        assert step.reduce == ((tasks["allreduce"].start_us, tasks["allreduce"].duration_us),)
        assert (step.getnext_start_us, step.getnext_end_us) == (tasks["getnext"].start_us, tasks["getnext"].end_us)
        previous_end = step.end_us
    # the first iteration of the second loop waits for the host: its data-aug bound holds the overhead
    assert prof.steps[3].data_aug_bound_us >= 250.0 and prof.steps[3].host_us == 250.0


@pytest.mark.parametrize("fp, bp", [
    (2, 3),                                                   # task indices
    ("act", "bwd"),                                           # task names
    ("dense/MatMul", "gradients/dense/MatMul_grad/MatMul_1"),  # TF origin node names
])
def test_named_points_override_the_phases(fp, bp):
    prof = simulate(_step(fp_point=fp, bp_point=bp), HW, 1)
    tasks = _named(prof, 0)
    fp_task = tasks["act"] if fp in (2, "act") else tasks["fwd"]
    assert prof.steps[0].fp_start_us == fp_task.start_us
    assert prof.steps[0].bp_end_us == tasks["bwd"].end_us < tasks["allreduce"].end_us
    assert not prof.warnings


def test_unknown_points_fall_back_to_phases_with_a_warning():
    prof = simulate(_step(fp_point="no/such/node", bp_point=99), HW, 1)
    tasks = _named(prof, 0)
    assert prof.steps[0].fp_start_us == tasks["fwd"].start_us
    assert prof.steps[0].bp_end_us == tasks["allreduce"].end_us
    assert any("fp_point 'no/such/node'" in w for w in prof.warnings)
    assert any("bp_point 99 is not a task index" in w for w in prof.warnings)


def test_inference_graph_without_backward_ends_bp_at_the_last_forward_task():
    prog = program([task("MatMulV2", [X, W], [X], name="fwd"), task("Relu", [X], [X], deps=(0,), name="act")],
                   warnings=("from the lowering",))
    prof = simulate(prog, HW, 1)
    tasks = _named(prof, 0)
    assert prof.steps[0].bp_end_us == tasks["act"].end_us == prof.steps[0].end_us
    assert prof.steps[0].grad_refresh_bound_us == 0.0 and prof.steps[0].reduce == ()
    assert prof.steps[0].getnext_start_us is None
    assert prof.warnings == ("from the lowering",)


def test_without_fp_phase_the_first_non_data_task_starts_fp():
    prog = program([task("GetNext", [], [X], phase="DATA", name="getnext"),
                    task("Relu", [X], [X], deps=(0,), phase="OTHER", name="act")])
    prof = simulate(prog, HW, 1)
    assert prof.steps[0].fp_start_us == _named(prof, 0)["act"].start_us
