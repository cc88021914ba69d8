"""simulate(): streams, dependencies, dispatch overhead, iterations_per_loop, data sinking, determinism."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from ascend_sim import hw as hwlib
from ascend_sim.ops.cost.launch import task_launch_us
from ascend_sim.ops.cost.movement import host_to_device_us
from ascend_sim.sim import ScheduleError, SchedulePolicy, simulate
from ascend_sim.sim import policy as pol
from testsupport.sim_programs import HW, chain, program, task

X = (256, 1024)
W = (1024, 1024)


def _train_step(options=None, **kw):
    """GetNext → fc → relu → fc grad → all-reduce → apply, with a DropOutGenMask on the AI CPU."""
    return program([
        task("GetNext", [], [X], phase="DATA", name="getnext"),
        task("MatMulV2", [X, W], [X], deps=(0,), name="fc"),
        task("Relu", [X], [X], deps=(1,), name="relu"),
        task("DropOutGenMask", [(2,), ()], [(256 * 1024 // 8,)], name="genmask", dtype="int32"),
        task("MatMulV2", [X, X], [W], deps=(2, 3), phase="BP", name="fc_grad", attrs={"transpose_x1": True}),
        task("HcomAllReduce", [W], [W], deps=(4,), phase="BP", name="allreduce"),
        task("ApplyMomentumD", [W] * 5, [W] * 2, deps=(5,), phase="OPT", name="apply"),
    ], options=options, **kw)


def _by_iteration(profile, iteration):
    return [r for r in profile.tasks if r.iteration_id == iteration]


def test_dependencies_are_respected_and_streams_never_overlap():
    prof = simulate(_train_step({"iterations_per_loop": 3}), HW, 2)
    by_key = {(r.iteration_id, r.index): r for r in prof.tasks}
    program_ = _train_step()
    for r in prof.tasks:
        for d in program_.tasks[r.index].deps:
            assert r.start_us >= by_key[(r.iteration_id, d)].end_us - 1e-9
    streams = {}
    for r in prof.device_tasks:
        streams.setdefault(r.stream_id, []).append(r)
    for recs in streams.values():
        recs.sort(key=lambda r: r.start_us)
        for a, b in zip(recs, recs[1:]):
            assert b.start_us >= a.end_us - 1e-9
            assert b.wait_us == pytest.approx(b.start_us - a.end_us)


def test_dispatch_overhead_is_added_once_per_task():
    prof = simulate(_train_step(), HW, 1)
    for r in prof.device_tasks:
        cls = "AI_CPU" if r.unit == "aicpu" else "AI_CORE"
        assert r.launch_us == task_launch_us(cls, HW)
        assert r.duration_us == pytest.approx(r.launch_us + r.cost.duration_us(HW))
        assert r.aicore_time_us == pytest.approx(HW.cycles_to_us(r.cost.cycles))
    # zero launch overhead in a custom preset: durations shrink by exactly one overhead per task
    free = dataclasses.replace(HW, overheads=dataclasses.replace(HW.overheads, aicore_task_launch_us=0.0,
                                                                 aicpu_task_latency_us=0.0))
    prof0 = simulate(_train_step(), free, 1)
    for a, b in zip(prof.device_tasks, prof0.device_tasks):
        assert a.duration_us - b.duration_us == pytest.approx(a.launch_us)


def test_single_in_order_compute_stream_even_for_small_block_dim():
    # two independent one-block vector tasks: they do not run side by side on idle cores
    tiny = program([task("Relu", [(16,)], [(16,)], name="a"), task("Relu", [(16,)], [(16,)], name="b")])
    a, b = simulate(tiny, HW, 1).tasks
    assert a.block_dim < HW.chip.ai_core_count and a.stream_id == b.stream_id == pol.COMPUTE_STREAM
    assert b.start_us == pytest.approx(a.end_us)


def test_aicpu_serialises_with_ai_core_unless_the_policy_gives_it_a_stream():
    prog = _train_step()
    same = {r.name: r for r in simulate(prog, HW, 1).tasks}
    assert same["genmask"].stream_id == same["fc"].stream_id == pol.COMPUTE_STREAM
    assert same["genmask"].start_us >= same["relu"].end_us      # waits its turn in program order
    own = {r.name: r for r in simulate(prog, HW, 1, policy=SchedulePolicy(aicpu_own_stream=True)).tasks}
    assert own["genmask"].stream_id == pol.AICPU_STREAM
    assert own["genmask"].start_us < own["fc"].end_us           # overlaps the AI Core work
    assert own["fc_grad"].start_us >= own["genmask"].end_us


def test_hcom_parallel_puts_collectives_on_their_own_stream():
    prog = program([
        task("MatMulV2", [X, X], [W], phase="BP", name="grad1", attrs={"transpose_x1": True}),
        task("HcomAllReduce", [W], [W], deps=(0,), phase="BP", name="ar1"),
        task("MatMulV2", [X, X], [W], phase="BP", name="grad2", attrs={"transpose_x1": True}),
    ], options={"hcom_parallel": True})
    par = {r.name: r for r in simulate(prog, HW, 1).tasks}
    assert par["ar1"].stream_id == pol.HCCL_STREAM and par["ar1"].task_type == "HCCL"
    assert par["grad2"].start_us < par["ar1"].end_us            # gradient 2 overlaps all-reduce 1
    serial = {r.name: r for r in simulate(dataclasses.replace(prog, options={"hcom_parallel": False}), HW, 1).tasks}
    assert serial["ar1"].stream_id == pol.COMPUTE_STREAM
    assert serial["grad2"].start_us >= serial["ar1"].end_us


def test_iterations_per_loop_pays_the_host_overhead_once_per_loop():
    policy = SchedulePolicy(host_loop_us=500.0)
    one = simulate(_train_step({"iterations_per_loop": 1}), HW, 4, policy=policy)
    four = simulate(_train_step({"iterations_per_loop": 4}), HW, 1, policy=policy)
    assert [s.loop_id for s in one.steps] == [0, 1, 2, 3] and [s.loop_id for s in four.steps] == [0, 0, 0, 0]
    assert [s.host_us for s in one.steps] == [500.0] * 4
    assert [s.host_us for s in four.steps] == [500.0, 0.0, 0.0, 0.0]
    assert four.iterations_per_loop == 4 and len(four.steps) == 4
    # same device work, three host overheads fewer
    assert one.span_us - four.span_us == pytest.approx(3 * 500.0, rel=0.05)
    assert four.step_time_us() < one.step_time_us()
    # later iterations of a loop start right where the previous one ended
    for prev, step in zip(four.steps, four.steps[1:]):
        assert step.start_us == prev.end_us


def test_data_sinking_overlaps_getnext_with_the_previous_step():
    sunk = simulate(_train_step({"iterations_per_loop": 3, "enable_data_pre_proc": True}), HW, 1)
    inline = simulate(_train_step({"iterations_per_loop": 3, "enable_data_pre_proc": False}), HW, 1)
    for it in (1, 2):
        getnext = _by_iteration(sunk, it)[0]
        assert getnext.stream_id == pol.DATA_STREAM
        assert getnext.start_us < sunk.steps[it - 1].end_us     # prefetched during the previous step
        assert sunk.steps[it].data_aug_bound_us == pytest.approx(0.0)
        assert sunk.steps[it].getnext_end_us <= sunk.steps[it].fp_start_us
    inline_getnext = _by_iteration(inline, 1)[0]
    assert inline_getnext.stream_id == pol.COMPUTE_STREAM
    # in line: the batch crosses PCIe after the previous step, then GetNext runs before FP
    batch_us = host_to_device_us(X[0] * X[1] * 2, HW)
    assert inline_getnext.start_us == pytest.approx(inline.steps[0].end_us + batch_us)
    assert inline.steps[1].data_aug_bound_us == pytest.approx(batch_us + inline_getnext.duration_us)
    assert sunk.span_us < inline.span_us


def test_a_slow_pcie_feed_makes_sunk_steps_data_bound():
    slow = dataclasses.replace(HW, interconnect=dataclasses.replace(HW.interconnect, pcie_gb_per_s_per_direction=0.1))
    prof = simulate(_train_step({"iterations_per_loop": 3}), slow, 1)
    batch_us = host_to_device_us(X[0] * X[1] * 2, slow)
    for it in (1, 2):
        getnext = _by_iteration(prof, it)[0]
        assert getnext.start_us == pytest.approx(it * batch_us)      # waits for batch `it` in the queue
        assert prof.steps[it].data_aug_bound_us > 0


@pytest.mark.parametrize("op_type", ["Data", "IteratorGetNext"])    # a graph input; the unsunk input pipeline
def test_fed_inputs_cross_pcie_once_per_loop(op_type):
    prog = program([task(op_type, [], [X], phase="DATA", name="x", unit="host"),
                    task("Relu", [X], [X], deps=(0,), name="relu")], options={"iterations_per_loop": 2})
    prof = simulate(prog, HW, 2, policy=SchedulePolicy(host_loop_us=0.0))
    feed_us = host_to_device_us(X[0] * X[1] * 2, HW)
    feeds = [r for r in prof.tasks if r.name == "x"]
    assert [r.task_type for r in feeds] == ["HOST"] * 4 and all(r.stream_id == pol.HOST_STREAM for r in feeds)
    assert [round(r.duration_us, 6) for r in feeds] == [round(feed_us, 6), 0.0, round(feed_us, 6), 0.0]
    relus = [r for r in prof.tasks if r.name == "relu"]
    assert relus[0].start_us == pytest.approx(feed_us)
    assert prof.device_tasks == tuple(relus)


def test_task_ids_are_per_stream_and_repeat_every_iteration():
    prof = simulate(_train_step({"iterations_per_loop": 2}), HW, 1)
    first, second = _by_iteration(prof, 0), _by_iteration(prof, 1)
    assert [r.task_id for r in first] == [r.task_id for r in second]
    compute = [r.task_id for r in first if r.stream_id == pol.COMPUTE_STREAM]
    assert compute == list(range(len(compute)))


def test_simulate_is_deterministic_and_pure():
    prog = _train_step({"iterations_per_loop": 2})
    assert simulate(prog, HW, 3) == simulate(prog, "Ascend910A", 3)
    assert prog == _train_step({"iterations_per_loop": 2})


def test_continuing_a_run_matches_one_longer_run():
    prog = _train_step()
    whole = simulate(prog, HW, 3)
    first = simulate(prog, HW, 1)
    rest = simulate(prog, HW, 2, start_us=first.steps[-1].end_us, first_iteration=1)
    joined = first.extended(rest)
    assert [s.iteration_id for s in joined.steps] == [0, 1, 2]
    assert [s.end_us for s in joined.steps] == pytest.approx([s.end_us for s in whole.steps])
    with pytest.raises(ValueError, match="Ascend910ProB"):
        first.extended(simulate(prog, "Ascend910ProB", 1))


def test_a_faster_clock_shortens_the_step():
    prog = _train_step()
    assert simulate(prog, "Ascend910PremiumA", 1).steps[0].fp_bp_time_us < simulate(prog, HW, 1).steps[0].fp_bp_time_us


@pytest.mark.parametrize("bad, match", [
    ({"iterations": 0}, "iterations must be an int >= 1"),
    ({"iterations": 1.5}, "iterations must be an int >= 1"),
    ({"first_iteration": -1}, "first_iteration"),
])
def test_bad_arguments_are_named(bad, match):
    args = {"iterations": 1, **bad}
    with pytest.raises(ScheduleError, match=match):
        simulate(_train_step(), HW, **args)


def test_bad_programs_name_the_task():
    prog = chain([("Relu", [X], [X]), ("Relu", [X], [X])])
    forward = dataclasses.replace(prog, tasks=(prog.tasks[0], dataclasses.replace(prog.tasks[1], deps=(1,))))
    with pytest.raises(ScheduleError, match=r"task 1 \('Relu_1', Relu\): deps \[1\]"):
        simulate(forward, HW)
    bad_unit = dataclasses.replace(prog, tasks=(dataclasses.replace(prog.tasks[0], unit="gpu"),))
    with pytest.raises(ScheduleError, match="unit 'gpu' is not one of aicore_cube"):
        simulate(bad_unit, HW)
    with pytest.raises(ScheduleError, match="iterations_per_loop must be a positive int, got 0"):
        simulate(dataclasses.replace(prog, options={"iterations_per_loop": 0}), HW)
    with pytest.raises(hwlib.HardwareSpecError, match="Ascend910X"):
        simulate(prog, "Ascend910X")


@st.composite
def _random_programs(draw):
    kinds = [("Relu", "aicore_vector"), ("MatMulV2", "aicore_cube"), ("DropOutGenMask", "aicpu"),
             ("HcomAllReduce", "hccl"), ("Identity", "host"), ("GetNext", "aicpu")]
    n = draw(st.integers(1, 12))
    tasks = []
    for i in range(n):
        op, _ = draw(st.sampled_from(kinds))
        deps = tuple(sorted(draw(st.sets(st.integers(0, i - 1), max_size=3)))) if i else ()
        size = draw(st.sampled_from([16, 128, 1024]))
        if op == "MatMulV2":
            t = task(op, [(size, 64), (64, 64)], [(size, 64)], deps=deps)
        elif op == "DropOutGenMask":
            t = task(op, [(2,), ()], [(size,)], deps=deps, dtype="int32")
        elif op == "GetNext":
            t = task(op, [], [(size, 8)], deps=(), phase="DATA")
        else:
            t = task(op, [(size,)], [(size,)], deps=deps)
        tasks.append(t)
    options = {"iterations_per_loop": draw(st.integers(1, 3)), "enable_data_pre_proc": draw(st.booleans()),
               "hcom_parallel": draw(st.booleans())}
    return program(tasks, options=options)


@settings(max_examples=60, deadline=None)
@given(_random_programs(), st.integers(1, 2))
def test_invariants_on_random_programs(prog, loops):
    prof = simulate(prog, HW, loops)
    assert len(prof.tasks) == len(prog.tasks) * len(prof.steps)
    by_key = {(r.iteration_id, r.index): r for r in prof.tasks}
    for r in prof.tasks:
        assert r.start_us >= 0 and r.duration_us >= 0
        for d in prog.tasks[r.index].deps:
            assert r.start_us >= by_key[(r.iteration_id, d)].end_us - 1e-9
    ends = {}
    for r in sorted(prof.device_tasks, key=lambda r: (r.start_us, r.iteration_id, r.index)):
        assert r.start_us >= ends.get(r.stream_id, 0.0) - 1e-9
        ends[r.stream_id] = r.end_us
    for prev, step in zip(prof.steps, prof.steps[1:]):
        assert step.end_us >= prev.end_us and step.iteration_time_us == pytest.approx(step.end_us - prev.end_us)
