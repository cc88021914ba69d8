"""Writing results: unique targets, all-or-nothing trees and in-place runs, unified diffs."""
import os

import pytest

from npu_bridge.convert_tf2npu import output, project


def _results(tmp_path, changed):
    src = tmp_path / "in"
    src.mkdir()
    jobs, results = [], []
    for name, new in changed.items():
        (src / name).write_text("old\n")
        os.chmod(src / name, 0o750)
        jobs.append(project.Job(name, str(src / name), True))
        r = project.FileResult(name, True, status="converted" if new else "unchanged",
                               output=new.encode() if new else None, source_text="old\n", output_text=new or "old\n")
        results.append(r)
    return src, jobs, results


def test_unique_suffixes(tmp_path):
    (tmp_path / "a_npu_1").mkdir()
    (tmp_path / "a_npu_1-2").mkdir()
    assert output.unique(tmp_path / "a_npu_1").name == "a_npu_1-3"
    (tmp_path / "t.py").write_text("")
    assert output.unique(tmp_path / "t.py").name == "t-2.py"


def test_write_tree_keeps_modes_and_leaves_no_staging(tmp_path):
    src, jobs, results = _results(tmp_path, {"a.py": "new\n", "b.py": None})
    target = output.write_tree(jobs, results, tmp_path / "out" / "in_npu_1", single_file=False)
    assert (target / "a.py").read_text() == "new\n" and (target / "b.py").read_text() == "old\n"
    assert (target / "a.py").stat().st_mode & 0o777 == 0o750
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["in_npu_1"]


def test_write_inplace_is_all_or_nothing(tmp_path, monkeypatch):
    src, jobs, results = _results(tmp_path, {"a.py": "new a\n", "b.py": "new b\n"})

    def flaky_copy(a, b, *args, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(output.shutil, "copy2", flaky_copy)
    with pytest.raises(OSError):
        output.write_inplace(jobs, results, backup=True)
    assert sorted(p.name for p in src.iterdir()) == ["a.py", "b.py"]       # no temporaries left
    assert (src / "a.py").read_text() == "old\n" and (src / "b.py").read_text() == "old\n"
    monkeypatch.undo()
    assert output.write_inplace(jobs, results, backup=True) == [str(src / "a.py"), str(src / "b.py")]
    assert (src / "a.py").read_text() == "new a\n" and (src / "a.py.bak").read_text() == "old\n"
    assert (src / "a.py").stat().st_mode & 0o777 == 0o750


def test_unified_diff_only_changed_files(tmp_path):
    _, _, results = _results(tmp_path, {"a.py": "new\n", "b.py": None})
    assert output.unified_diff(results) == "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-old\n+new\n"
