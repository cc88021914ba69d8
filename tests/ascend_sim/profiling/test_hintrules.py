"""Hint rules fire on records built to trigger them, and not on a healthy profile."""
import dataclasses

import pytest

from ascend_sim.profiling import hintrules
from testsupport.profiles import HW, iterations, profile, rec, step

MIXED = {"precision_mode": "allow_mix_precision"}
MM = dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 100000, "mte2": 50000})
VEC = dict(name="add", op_type="Add", pipes={"vec": 20000, "mte2": 10000})


def _healthy(specs=(MM, VEC), n=3, options=MIXED, **kw):
    tasks, steps = iterations(list(specs), n, **{k: kw.pop(k) for k in ("host_us", "gap_us", "ipl") if k in kw})
    return profile(tasks, steps, options=options, **kw)


def _names(prof):
    return [rule.name for rule, _ in hintrules.fired(prof)]


def test_healthy_profile_fires_nothing():
    assert _names(_healthy()) == []


def test_transdata_around_matmul():
    trans = dict(name="trans", op_type="TransData", pipes={"mte2": 30000})
    prof = _healthy((trans, MM, VEC))
    (rule, message), = hintrules.fired(prof)
    f = hintrules.facts(prof)
    assert rule.name == "transdata" and f["transdata_share"] >= 0.10
    assert message.startswith(f"{f['transdata_share'] * 100:.1f} % of device time is TransData (3 tasks around "
                              f"MatMulV2")
    small = dict(trans, pipes={"mte2": 3000})
    assert _names(_healthy((small, MM, VEC))) == []


def test_cast_next_to_cube_ops_without_mixed_precision():
    cast = dict(name="cast", op_type="Cast", pipes={"vec": 12000})
    fp32 = {"precision_mode": "allow_fp32_to_fp16"}
    prof = _healthy((cast, MM, VEC), options=fp32)
    assert _names(prof) == ["cast_fp32"]
    assert "try precision_mode=allow_mix_precision (now allow_fp32_to_fp16)" in hintrules.hints(prof)[0]
    assert _names(_healthy((cast, MM, VEC), options=MIXED)) == []
    assert _names(_healthy((VEC, MM, cast), options=fp32)) == ["cast_fp32"]     # after the cube op counts too
    assert _names(_healthy((cast, VEC, MM), options=fp32)) == []                # not next to a cube op


def test_npu_options_objects_are_read():
    from ascend_sim.options import NpuOptions

    cast = dict(name="cast", op_type="Cast", pipes={"vec": 12000})
    opts = NpuOptions(precision_mode="allow_fp32_to_fp16")
    assert _names(_healthy((cast, MM, VEC), options=opts)) == ["cast_fp32"]


def test_aicpu_share():
    cpu = dict(name="unique", op_type="Unique", task_type="AI_CPU", offcore_us=30.0, launch_us=20.0)
    prof = _healthy((MM, cpu, VEC))
    assert _names(prof) == ["aicpu"]
    assert "3 task(s) over 20 µs; slowest types: Unique" in hintrules.hints(prof)[0]
    quick = dict(cpu, offcore_us=0.5, launch_us=1.0)
    assert _names(_healthy((MM, quick, VEC))) == []


def test_poor_cube_efficiency():
    slow = dict(name="small_mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 10000, "scalar": 40000})
    prof = _healthy((MM, slow, VEC))
    assert _names(prof) == ["cube_efficiency"]
    assert "time-weighted mac_ratio 0.25" in hintrules.hints(prof)[0]


def test_movement_bound():
    copy = dict(name="copy", op_type="Add", pipes={"vec": 1000, "mte2": 300000})
    assert _names(_healthy((MM, copy))) == ["movement_bound"]


def test_dispatch_overhead():
    tiny = [dict(name=f"t{i}", op_type="Relu", pipes={"vec": 100}) for i in range(20)]
    prof = _healthy((MM, VEC, *tiny))
    assert _names(prof) == ["dispatch"]
    assert f"({len(prof.device_tasks)} tasks" in hintrules.hints(prof)[0]


def test_host_loop_overhead():
    prof = _healthy(host_us=20.0, ipl=1, iterations_per_loop=1)
    assert _names(prof) == ["host_loop"]
    assert "iterations_per_loop 1" in hintrules.hints(prof)[0]
    assert _names(_healthy(host_us=20.0, ipl=10, iterations_per_loop=10)) == []    # amortised


def test_data_bound():
    prof = _healthy(gap_us=30.0)
    assert _names(prof) == ["data_bound"]


def test_idle_ai_cores():
    mm = rec("mm", "MatMulV2", 0.0, unit="aicore_cube", pipes={"mac": 100000})
    s = step(0, prev_end=0.0, fp_start=0.0, bp_end=mm.end_us, end=mm.end_us + 200.0)
    assert _names(profile([mm], [s], options=MIXED)) == ["aicore_idle"]
    s = step(0, prev_end=0.0, fp_start=0.0, bp_end=mm.end_us, end=mm.end_us + 20.0)
    assert _names(profile([mm], [s], options=MIXED)) == []


@pytest.mark.parametrize("share, fires", [(0.95, True), (0.5, False)])
def test_memory_against_hbm(share, fires):
    prof = _healthy(memory_peak_bytes=int(HW.chip.hbm_bytes * share))
    assert _names(prof) == (["memory"] if fires else [])


@pytest.mark.parametrize("limit_gib, fires", [(1, True), (4, False), (None, False)])
def test_memory_over_graph_memory_max_size(limit_gib, fires):
    from ascend_sim.options import NpuOptions

    peak = 2 << 30
    options = NpuOptions.from_parameter_map(dict(MIXED, **(
        {"graph_memory_max_size": str(limit_gib << 30)} if limit_gib else {})))
    for opts in (options, dict(MIXED, graph_memory_max_size=options.graph_memory_max_size)):  # live, loaded
        prof = _healthy(options=opts, memory_peak_bytes=peak)
        assert _names(prof) == (["memory_limit"] if fires else [])
    if fires:
        assert "2.00 GiB exceeds graph_memory_max_size (1.00 GiB)" in hintrules.hints(prof)[0]


def test_unknown_ops():
    prof = _healthy(unknown_ops=(("n1", "FooOp"), ("n2", "BarOp")))
    assert _names(prof) == ["unknown_ops"]
    assert "(FooOp, BarOp)" in hintrules.hints(prof)[0]


def test_rules_are_data_with_legal_comparisons():
    names = [r.name for r in hintrules.RULES]
    assert len(names) == len(set(names))
    f = hintrules.facts(_healthy())
    for r in hintrules.RULES:
        assert r.op in (">=", "<", ">")
        custom = dataclasses.replace(r, threshold=-1 if r.op != "<" else 2, requires=())
        if r.fact in f:
            assert custom.fires(f)                   # the comparison, not a hidden condition, decides
