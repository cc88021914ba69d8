"""Profile directory layout: msprof's PROF_ naming, file names with one stamp, finding a directory back."""
import datetime as dt
import re

import pytest

from ascend_sim.profiling import layout
from ascend_sim.profiling.records_io import save
from testsupport.profiles import profile

NOW = dt.datetime(2024, 3, 5, 14, 7, 9, 123456)


def test_new_layout_names(tmp_path):
    out = layout.new_layout(tmp_path, job_id=42, now=NOW)
    assert re.fullmatch(r"PROF_000042_20240305140709123_[A-Z]{16}", out.root.name)
    assert out.ts == "20240305140709" and out.root.parent == tmp_path
    assert out.upstream("op_summary") == out.root / "mindstudio_profiler_output" / "op_summary_20240305140709.csv"
    assert out.upstream("timeline").name == "msprof_20240305140709.json"
    assert out.records == out.root / "ascend_sim" / "records.json.gz"
    with pytest.raises(KeyError, match="kinds: op_summary"):
        out.upstream("op_sumary")
    assert not out.root.exists()                       # naming only


def test_job_id_from_environment_and_non_numeric(tmp_path, monkeypatch):
    monkeypatch.setenv("JOB_ID", "7")
    assert layout.new_layout(tmp_path, now=NOW).root.name.startswith("PROF_000007_")
    assert layout.new_layout(tmp_path, job_id="job-a/1", now=NOW).root.name.startswith("PROF_joba1_")


def test_two_layouts_in_the_same_millisecond_differ(tmp_path):
    a = layout.new_layout(tmp_path, now=NOW)
    a.makedirs()
    assert layout.new_layout(tmp_path, now=NOW).root != a.root


def _saved(tmp_path, name="x"):
    out = layout.new_layout(tmp_path / name, now=NOW)
    out.makedirs()
    save(out.records, profile([]), ts=out.ts)
    return out


def test_find_accepts_the_directory_its_folders_and_its_parent(tmp_path):
    out = _saved(tmp_path)
    for path in (out.root, out.output_dir, out.own_dir, out.root.parent):
        assert layout.find(path).root == out.root


def test_find_errors_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such profile directory"):
        layout.find(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="not an ascend-sim profile directory"):
        layout.find(tmp_path)
    a = _saved(tmp_path, "both")
    layout.new_layout(tmp_path / "both", now=NOW)
    b = layout.new_layout(tmp_path / "both", now=NOW)
    b.makedirs()
    save(b.records, profile([]), ts=b.ts)
    with pytest.raises(FileNotFoundError, match="holds 2 profile directories"):
        layout.find(a.root.parent)
