"""The summary's profiling additions: coverage of the op tables, pipes, HBM, fusions and hints.

(The lines it shares with ``ascend-sim analyze`` are tested in tests/ascend_sim/sim/test_summary.py through the
``ascend_sim.sim.format_summary`` re-export.)
"""
import dataclasses

from ascend_sim import profiling, sim
from ascend_sim.profiling import hintrules
from testsupport.profiles import HW, iterations, profile

MM = dict(name="mm", op_type="FusionOp_MatMulV2_Add", unit="aicore_cube", pipes={"mac": 100000, "mte2": 50000},
          fused_from=("MatMulV2", "Add"))
VEC = dict(name="add", op_type="Add", pipes={"vec": 20000, "mte2": 10000})
TRANS = dict(name="trans", op_type="TransData", pipes={"mte2": 30000})


def _line(text, start):
    return next(line for line in text.splitlines() if line.startswith(start))


def test_reexports_are_the_same_function():
    from ascend_sim.sim.summary import format_summary

    assert sim.format_summary is format_summary is profiling.format_summary


def test_coverage_pipes_and_layout_split():
    prof = profile(*iterations([TRANS, MM, VEC], 4))
    text = profiling.format_summary(prof)
    assert "op tables cover all 4 iteration(s)" in text
    pipes = _line(text, "AI Core pipes")
    for pipe, value in prof.pipe_ratios().items():
        assert f"{pipe} {value * 100:.1f} %" in pipes
    assert f"(TransData {prof.share_of(('TransData',)) * 100:.1f} %, Cast 0.0 %)" in _line(text, "TransData / Cast")
    partial = dataclasses.replace(prof, tasks=tuple(t for t in prof.tasks if t.iteration_id < 2))
    assert "op tables cover iterations 1-2 of 4" in profiling.format_summary(partial)


def test_fusions_counted_per_iteration():
    text = profiling.format_summary(profile(*iterations([MM, VEC], 3)))
    assert _line(text, "Fusions applied") == "Fusions applied: 1 fused task(s) per iteration (MatMulV2+Add x1)"
    assert _line(profiling.format_summary(profile(*iterations([VEC], 2))), "Fusions") == "Fusions applied: none"


def test_memory_against_the_presets_hbm():
    prof = profile(*iterations([VEC], 1), memory_peak_bytes=HW.chip.hbm_bytes // 4)
    text = profiling.format_summary(prof)
    assert _line(text, "  of HBM") == (f"  of HBM          25.0 % of {HW.chip.hbm_bytes / 2**30:,.2f} GiB "
                                       f"({HW.name})")
    small = dataclasses.replace(prof, memory_peak_bytes=862208)
    assert _line(profiling.format_summary(small), "peak memory") == "peak memory       0.82 MiB"
    custom = dataclasses.replace(prof, hw_name="/nowhere/custom.toml")
    assert "of HBM" not in profiling.format_summary(custom)


def test_hints_section_lists_the_fired_rules():
    prof = profile(*iterations([TRANS, MM, VEC], 2), options={"precision_mode": "allow_mix_precision"})
    text = profiling.format_summary(prof)
    lines = text.splitlines()
    start = lines.index("Hints:")
    assert lines[start + 1:] == [f"  - {h}" for h in hintrules.hints(prof)] and len(lines) > start + 1
    quiet = profile(*iterations([MM, VEC], 2), options={"precision_mode": "allow_mix_precision"})
    assert profiling.format_summary(quiet).splitlines()[-1] == "Hints: none (no rule fired)"
