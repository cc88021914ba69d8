"""The report's arithmetic and its text / Markdown tables."""
import pytest

from ascend_sim.calibration import lookup
from ascend_sim.calibration.fit import FIT_PLAN, Fitted
from ascend_sim.calibration.run import Report, Row
from ascend_sim.calibration.table import format_markdown, format_text

BREAKDOWN = {"AI_CORE": 0.7, "AI_CPU": 0.3, "launch": 0.1, "cube": 0.4, "TransData": 0.1, "DropOutGenMask": 0.25,
             "mac_ratio": 0.8, "cube_tflops": 60.0}


def _report(preset_launch=7.5):
    resnet, base = lookup("resnet50_v15"), lookup("bert_base")
    rows = (Row(base, "held out", 300_000.0, 400_000.0, 2560, BREAKDOWN),
            Row(resnet, "fitted", 256 / 2000 * 1e6, None, 827, BREAKDOWN))
    fitted = (Fitted(FIT_PLAN[0], 7.5, 1.0, 1.0),)
    return Report("Ascend910A", rows, fitted, {FIT_PLAN[0].path: preset_launch})


def test_errors_are_predicted_over_published_throughput():
    base, resnet = _report().rows
    assert base.predicted_per_s == pytest.approx(256 / 0.3)
    assert base.error == pytest.approx((256 / 0.3) / (256 / 0.284) - 1)
    assert base.grappler_error == pytest.approx((256 / 0.4) / (256 / 0.284) - 1)
    assert resnet.error == pytest.approx(2000 / 2115 - 1) and resnet.grappler_error is None


def test_text_table_lists_fitted_rows_first_and_marks_a_stale_preset():
    text = format_text(_report())
    assert text.index("resnet50_v15") < text.index("bert_base")
    assert f"{(2000 / 2115 - 1) * 100:+.1f} %" in text and "n/a" in text
    assert "STALE" not in text
    stale = format_text(_report(preset_launch=3.0))
    assert "STALE: overheads.aicore_task_launch_us is 3 in the preset, the fit gives 7.5" in stale


def test_markdown_table_has_one_row_per_workload_and_per_fitted_constant():
    md = format_markdown(_report()).splitlines()
    first = md[:md.index("")]
    table = [line for line in first if line.startswith("| resnet50") or line.startswith("| bert")]
    assert len(table) == 2 and first[0].startswith("| workload | role |")
    assert any(line.startswith("| `overheads.aicore_task_launch_us` | resnet50_v15 |") for line in md)


def test_breakdown_table_formats_every_share():
    md = format_markdown(_report())
    assert "| resnet50_v15 | 70.0% | 30.0% | 10.0% | 40.0% | 10.0% | 25.0% | 0.80 | 60.0 |" in md
    assert "cube TFLOP/s" in format_text(_report())
