"""The HTML report is self-contained (no network references, images embedded) and holds the tables."""
import base64
import re

import pytest

from ascend_sim import profiling
from ascend_sim.profiling import figures, hintrules, tables
from testsupport.profiles import iterations, profile

SPECS = [dict(name="getnext", op_type="GetNext", task_type="AI_CPU", offcore_us=5.0, launch_us=20.0, phase="DATA",
              stream_id=2),
         dict(name="dense/MatMul<1>", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 8000, "mte2": 4000},
              flops=2e8, bytes_hbm=1e6),
         dict(name="relu", op_type="Relu", pipes={"vec": 500, "mte2": 900}, flops=1e5, bytes_hbm=4e5),
         dict(name="grad", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 6000}, phase="BP", flops=1e8,
              bytes_hbm=5e5),
         dict(name="apply", op_type="ApplyAdamD", pipes={"vec": 900}, phase="OPT")]


@pytest.fixture(scope="module")
def prof():
    return profile(*iterations(SPECS, 3, host_us=50.0), options={"precision_mode": "allow_fp32_to_fp16"})


@pytest.fixture(scope="module")
def page(prof):
    return profiling.render_html(prof, title="my <profile>")


def test_self_contained(page):
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"(?i)https?:|//[a-z0-9]", text)
    assert "<script" not in text.lower() and "<link" not in text.lower() and "url(" not in text.lower()
    assert re.findall(r'(?:src|href)="([^"]*)"', text) == [""] * len(figures.FIGURES)
    images = re.findall(r'<img alt="([^"]*)" src="([^"]*)"', page)
    assert [alt for alt, _ in images] == [title for title, _ in figures.FIGURES]
    for _, src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_holds_the_tables_summary_and_hints(prof, page):
    assert "<title>my &lt;profile&gt;</title>" in page
    for column in tables.OP_STATISTIC_HEADER[1:] + tables.STEP_TRACE_HEADER[1:]:
        assert f"<th class=\"\">{column}</th>" in page or f"<th class=\"t\">{column}</th>" in page
    assert "dense/MatMul&lt;1&gt;" in page                      # op names, escaped
    assert page.count("<tr><td") >= len(tables.op_statistic(prof)[1]) + len(prof.steps)
    for hint in hintrules.hints(prof):
        assert f"<li>{hint}</li>".replace("&", "&amp;") in page or hint.replace("'", "&#x27;") in page
    assert "Compared with" not in page


def test_compare_section(prof):
    other = profile(*iterations(SPECS[1:], 2))
    page = profiling.render_html(prof, compare=other, compare_name="mixed")
    assert "Compared with mixed (this → mixed)" in page
    d = profiling.diff(prof, other)
    assert f"step time {d.step_us_before:,.1f} → {d.step_us_after:,.1f} µs" in page


def test_figures_skip_what_they_cannot_draw():
    empty = profile([])
    assert all(draw(empty) is None for _, draw in figures.FIGURES)
    page = profiling.render_html(empty)
    assert page.count("nothing to draw") == len(figures.FIGURES)


def test_step_breakdown_categories_add_up(prof):
    rows = figures.breakdown(prof)
    assert [r[0] for r in rows] == [1, 2, 3]
    for n, cats, it_time in rows:
        mine = [t for t in prof.device_tasks if t.iteration_id == n - 1]
        device = sum(v for k, v in cats.items() if k != "host loop")
        assert device == pytest.approx(sum(t.duration_us for t in mine))
        assert cats["data"] == pytest.approx(sum(t.duration_us for t in mine if t.op_type == "GetNext"))
        assert cats["optimizer"] == pytest.approx(sum(t.duration_us for t in mine if t.phase == "OPT"))
        assert cats["host loop"] == prof.steps[n - 1].host_us


def test_roofline_points_are_first_iteration_ai_core_ops(prof):
    points = figures.roofline_points(prof)
    first = [t for t in prof.device_tasks if t.iteration_id == 0 and t.task_type == "AI_CORE" and t.cost.flops]
    assert sorted(p[4] for p in points) == sorted(t.name for t in first)
    for intensity, achieved, _, _, name in points:
        t = next(t for t in first if t.name == name)
        assert intensity == pytest.approx(t.cost.flops / t.cost.bytes_hbm)
        assert achieved == pytest.approx(t.cost.flops / (t.exec_us * 1e-6))
