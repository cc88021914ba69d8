"""write(): one PROF_ directory with every upstream file, parseable, plus the records; formats checked."""
import csv
import json

import pytest

from ascend_sim import profiling
from ascend_sim.profiling import layout
from testsupport.profiles import iterations, profile

SPECS = [dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 500, "mte2": 300}, flops=1e6,
              bytes_hbm=1e4),
         dict(name="relu", op_type="Relu", pipes={"vec": 40, "mte2": 80}, phase="BP")]


@pytest.fixture(scope="module")
def prof():
    return profile(*iterations(SPECS, 3, host_us=10.0))


def test_write_all_but_html(tmp_path, prof):
    root = profiling.write(prof, tmp_path / "out", formats=("csv", "timeline", "summary"), device_id=1, job_id=9)
    assert root.parent == tmp_path / "out" and root.name.startswith("PROF_000009_")
    out = layout.find(root)
    for kind in ("op_summary", "op_statistic", "task_time", "step_trace"):
        with open(out.upstream(kind), newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(r["Device_id"] == "1" for r in rows)
    for kind in ("timeline", "step_trace_json"):
        assert isinstance(json.loads(out.upstream(kind).read_text()), list)
    assert out.summary.read_text().startswith("ascend-sim: Ascend910A, 3 iteration(s)")
    assert not out.html.exists()
    assert profiling.load(root) == prof
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_formats_are_checked(tmp_path, prof):
    with pytest.raises(ValueError, match="unknown profile format.*'pdf'.*formats: csv, timeline, summary, html"):
        profiling.write(prof, tmp_path, formats=("csv", "pdf"))
    root = profiling.write(prof, tmp_path, formats="summary")
    assert sorted(p.name for p in (root / "mindstudio_profiler_output").iterdir()) == []
    assert profiling.load(root) == prof            # the records are always written


def test_out_dir_that_is_a_file(tmp_path, prof):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="profiling output .*/f is a file"):
        profiling.write(prof, tmp_path / "f")


def test_empty_profile_writes_headers_only(tmp_path):
    root = profiling.write(profile([]), tmp_path, formats=("csv", "timeline", "summary"))
    out = layout.find(root)
    assert out.upstream("op_summary").read_text().count("\n") == 1
    assert "n/a (no iterations)" in out.summary.read_text()
