"""Step accounting: re-timed records equal a continued simulation; the ledger's counts, windows, log line."""
import logging

import pytest

from ascend_sim.sim import simulate
from npu_bridge._runtime.accounting import Ledger, retime_steps, retime_tasks
from npu_bridge._runtime.compiled import OTHER, TRAIN, Compiled
from testsupport import sim_programs as sp

MATMUL = ("MatMulV2", [(64, 128), (128, 128)], [(64, 128)])


def _program(n=1):
    tasks = [sp.task(*MATMUL, phase="FP", name="fwd"),
             sp.task(*MATMUL, deps=(0,), phase="BP", name="gradients/fwd_grad"),
             sp.task("ApplyGradientDescent", [(128, 128), (), (128, 128)], [(128, 128)], deps=(1,), phase="OPT",
                     name="update")]
    return sp.program(tasks, options={"iterations_per_loop": n})


def _compiled(n=1, kind=TRAIN, batch=64):
    program = _program(n)
    base = simulate(program, sp.HW, 1, batch=batch)
    return Compiled(kind=kind, iterations=n, loop_ops=(), names=("train",), program=program, base=base,
                    batch=batch, loop_us=base.span_us, fp_us=10.0 * n, bp_us=20.0 * n,
                    busy_us=base.busy_ratio("AI_CORE") * base.span_us, samples=batch * n if batch else None)


@pytest.mark.parametrize("n", [1, 3])
def test_retimed_steps_and_tasks_equal_a_continued_simulation(n):
    program = _program(n)
    base = simulate(program, sp.HW, 1)
    offset, first = 12345.5, 7
    direct = simulate(program, sp.HW, 1, start_us=offset, first_iteration=first)
    steps = retime_steps(base.steps, offset, first, loop_id=4)
    assert len(steps) == n
    for got, want in zip(steps, direct.steps):
        assert got.loop_id == 4 and want.loop_id == 0        # the ledger numbers loops across the session
        for field in ("iteration_id", "start_us", "fp_start_us", "bp_end_us", "end_us", "iteration_time_us",
                      "fp_bp_time_us", "grad_refresh_bound_us", "data_aug_bound_us", "host_us"):
            assert getattr(got, field) == pytest.approx(getattr(want, field)), field
    tasks = retime_tasks(base.tasks, offset, first, max_iteration=10 ** 9)
    assert [(t.name, t.iteration_id) for t in tasks] == [(t.name, t.iteration_id) for t in direct.tasks]
    assert [t.start_us for t in tasks] == pytest.approx([t.start_us for t in direct.tasks])


def test_retimed_tasks_stop_at_the_kept_iterations():
    base = simulate(_program(3), sp.HW, 1)
    kept = retime_tasks(base.tasks, 0.0, first_iteration=4, max_iteration=6)
    assert {t.iteration_id for t in kept} == {4, 5}


def test_ledger_counts_n_steps_per_loop_and_keeps_every_step_record():
    compiled = _compiled(n=3)
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=4)
    for _ in range(5):
        ledger.record(compiled, host_s=0.002)
    assert (ledger.steps, ledger.loops) == (15, 5)
    profile = ledger.profile()
    assert [s.iteration_id for s in profile.steps] == list(range(15))
    assert [s.loop_id for s in profile.steps] == [i // 3 for i in range(15)]
    assert {t.iteration_id for t in profile.tasks} == {0, 1, 2, 3}     # task records: first 4 iterations
    ends = [s.end_us for s in profile.steps]
    assert ends == sorted(ends) and ends[-1] == pytest.approx(5 * compiled.loop_us)
    stats = ledger.step_stats()
    assert stats["step_time_ms"] == pytest.approx(compiled.loop_us / 3 / 1e3)
    assert stats["host_step_ms"] == pytest.approx(0.002 * 5 / 15 * 1e3)
    assert stats["samples_per_sec"] == pytest.approx(64 / (compiled.loop_us / 3) * 1e6)


def test_other_and_uncosted_runs_advance_no_step():
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=4)
    other = _compiled(kind=OTHER)
    ledger.record(other, host_s=0.0)
    ledger.record(Compiled(kind=OTHER, iterations=1, loop_ops=(), names=("x",), error="boom"), host_s=0.0)
    train = _compiled()
    ledger.record(train, host_s=0.0)
    assert (ledger.steps, ledger.other_runs, ledger.uncosted_runs) == (1, 1, 1)
    assert ledger.other_us == pytest.approx(other.loop_us)
    # the training step follows the other run on the device timeline
    assert ledger.profile().steps[0].start_us >= other.loop_us


def test_runs_of_a_signature_between_other_runs_keep_their_timeline_places():
    train, other = _compiled(), _compiled(kind=OTHER)
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=100)
    for kind in (train, train, other, train):
        ledger.record(kind, host_s=0.0)
    starts = [s.start_us - s.host_us for s in ledger.profile().steps]
    loop = train.loop_us
    assert starts == pytest.approx([0.0, loop, 2 * loop + other.loop_us])


def test_the_sink_receives_each_runs_records():
    appended = []

    class Sink:
        def append(self, profile):
            appended.append(profile)

    compiled = _compiled(n=2)
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=3, sink=Sink())
    for _ in range(3):
        ledger.record(compiled, host_s=0.0)
    assert [[s.iteration_id for s in p.steps] for p in appended] == [[0, 1], [2, 3], [4, 5]]
    assert [sorted({t.iteration_id for t in p.tasks}) for p in appended] == [[0, 1], [2], []]


def test_log_line_after_the_first_step_and_every_k_steps(caplog):
    compiled = _compiled(n=2)
    ledger = Ledger("Ascend910A", log_every=5, trace_iterations=1)
    with caplog.at_level(logging.INFO, logger="npu_bridge.runtime"):
        for _ in range(6):                 # steps 2, 4, 6, 8, 10, 12: crosses 5 and 10
            ledger.record(compiled, host_s=0.001)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("emulated")]
    assert len(lines) == 3 == ledger.lines
    step_ms = compiled.loop_us / 2 / 1e3
    assert lines[0].startswith(f"emulated Ascend910A: step {step_ms:.2f} ms (FP 0.01, BP 0.02)")
    assert "samples/s" in lines[0] and "AI Core busy" in lines[0] and "host 0.50 ms" in lines[0]


def test_no_log_line_when_k_is_zero(caplog):
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=1)
    with caplog.at_level(logging.INFO, logger="npu_bridge.runtime"):
        ledger.record(_compiled(), host_s=0.0)
    assert ledger.lines == 0 and not caplog.records


def test_unknown_batch_gives_no_throughput():
    ledger = Ledger("Ascend910A", log_every=1, trace_iterations=1)
    ledger.record(_compiled(batch=None), host_s=0.0)
    assert ledger.step_stats()["samples_per_sec"] is None
    assert "samples/s" not in ledger.log_line()


def test_window_stats_cover_the_steps_after_a_snapshot():
    fast, slow = _compiled(), _compiled(n=2)
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=1)
    ledger.record(fast, host_s=0.0)
    mark = ledger.snapshot()
    ledger.record(slow, host_s=0.0)
    window = ledger.window_stats(mark)
    assert window["steps"] == 2
    assert window["step_time_ms"] == pytest.approx(slow.loop_us / 2 / 1e3)


def test_a_long_run_of_one_signature_is_one_segment():
    compiled = _compiled(n=2)
    ledger = Ledger("Ascend910A", log_every=0, trace_iterations=2)
    for _ in range(20000):
        ledger.record(compiled, host_s=0.0)
    assert ledger.steps == 40000 and len(ledger._segments) == 1
