"""The convert_tf2npu command line: output naming, input untouched, atomic output, --diff / --inplace / --json,
-j N equals -j 1, exit statuses, reports that describe the output; and a migrated script that trains."""
import csv
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from npu_bridge.convert_tf2npu import cli, output, reports
from testsupport.scripts import ROOT, run_script

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "convert_tf2npu"


def _tree_digest(folder: pathlib.Path) -> dict:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    """A small project: a Sess.run script, a horovod script, a py2 file, a non-TF module, a non-Python file."""
    root = tmp_path / "proj"
    (root / "models").mkdir(parents=True)
    shutil.copy(DATA / "scripts" / "sess_run" / "before.py", root / "train.py")
    shutil.copy(DATA / "scripts" / "horovod" / "before.py", root / "models" / "hvd_train.py")
    shutil.copy(DATA / "py2" / "train_py2.py", root / "legacy.py")
    shutil.copy(DATA / "false_match" / "not_tensorflow" / "before.py", root / "setup.py")
    (root / "README.md").write_text("# project\n")
    os.chmod(root / "train.py", 0o755)
    return root


def _run(*args, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return cli.main([str(a) for a in args])
    finally:
        os.chdir(old)


def _only(folder: pathlib.Path, pattern: str) -> pathlib.Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_tree_output_naming_reports_and_input_untouched(project, tmp_path, capsys):
    before = _tree_digest(project)
    status = _run("-i", project, "-o", tmp_path / "out", "-r", tmp_path / "rep", cwd=tmp_path)
    assert status == cli.ISSUES            # legacy.py does not parse
    assert _tree_digest(project) == before
    out = _only(tmp_path / "out", "proj_npu_*")
    stamp = out.name.rsplit("_", 1)[1]
    assert len(stamp) == 14 and stamp.isdigit()
    rep = tmp_path / "rep" / f"report_npu_{stamp}"
    assert sorted(p.name for p in rep.iterdir()) == sorted(
        [reports.SUCCESS, reports.FAILED_TXT, reports.NEED_DOC, reports.BRIEF, reports.ANALYSIS, reports.JSON_REPORT])
    # every file is there; non-Python and unparsable files are byte copies; modes are kept
    assert sorted(_tree_digest(out)) == sorted(before)
    assert (out / "README.md").read_bytes() == (project / "README.md").read_bytes()
    assert (out / "legacy.py").read_bytes() == (project / "legacy.py").read_bytes()
    assert (out / "setup.py").read_bytes() == (project / "setup.py").read_bytes()
    assert (out / "train.py").read_text() == (DATA / "scripts" / "sess_run" / "after.py").read_text()
    assert (out / "train.py").stat().st_mode & 0o777 == 0o755
    printed = capsys.readouterr().out
    assert "1 not parsed" in printed and str(out) in printed
    assert not list(tmp_path.glob("**/.*.tmp"))


def test_reports_describe_the_output(project, tmp_path):
    _run("-i", project, "-o", tmp_path / "out", "-r", tmp_path / "rep", cwd=tmp_path)
    out = _only(tmp_path / "out", "proj_npu_*")
    rep = _only(tmp_path / "rep", "report_npu_*")
    train_lines = (out / "train.py").read_text().splitlines()
    success = (rep / reports.SUCCESS).read_bytes().decode("utf-8")
    for line in success.splitlines():
        if line.startswith(str(out / "train.py") + ":"):
            number = int(line.split(":")[1].split()[0])
            assert 1 <= number <= len(train_lines)
    assert f"{out / 'train.py'}:1 from npu_bridge.npu_init import *" not in success  # line 3: after the docstring
    assert train_lines[2] == "from npu_bridge.npu_init import *"
    assert f"{out / 'train.py'}:3 from npu_bridge.npu_init import *" in success
    dropout_line = next(i for i, l in enumerate(train_lines, 1) if "npu_ops.dropout" in l)
    assert f"{out / 'train.py'}:{dropout_line} change tf.nn.dropout to npu_ops.dropout" in success
    assert f"Finish conver file: {out / 'train.py'}\n\r\n\r\n" in success
    failed = (rep / reports.FAILED_TXT).read_text()
    assert f"{out / 'legacy.py'}:4:0: Missing parentheses" in failed
    # the JSON report agrees with the text reports and the API CSV lists output lines
    doc = json.loads((rep / reports.JSON_REPORT).read_text())
    assert doc["schema"] == reports.SCHEMA
    rewrites = [f for f in doc["findings"] if f["action"] == "rewritten"]
    blank = success.count("\n\r\n\r\n")
    assert doc["summary"]["rewrites"] == len(rewrites) == success.count("\n") - 3 * blank
    with open(rep / reports.ANALYSIS, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == reports.CSV_HEADER
    for row in rows[1:]:
        lines = (out / row[1]).read_text().splitlines()
        assert row[4].rsplit(".", 1)[-1] in lines[int(row[2]) - 1], row
    assert all(row[4] != "tf.nn.dropout" for row in rows[1:])      # rewritten away: not in the output
    assert doc["summary"]["api_calls"] == len(rows) - 1


def test_single_file_input(project, tmp_path):
    status = _run("-i", project / "train.py", "-o", tmp_path / "out", "-r", tmp_path / "rep", cwd=tmp_path)
    assert status == cli.OK
    converted = _only(tmp_path / "out", "train_npu_*.py")
    assert converted.read_text() == (DATA / "scripts" / "sess_run" / "after.py").read_text()


def test_default_output_and_report_roots_follow_upstream(project, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    assert _run("-i", project / "setup.py", cwd=work) == cli.OK
    out_root = _only(work, "output_npu_*")
    assert _only(out_root, "setup_npu_*.py").read_bytes() == (project / "setup.py").read_bytes()
    _only(work, "report_npu_*")


def test_output_or_report_inside_input_is_refused(project, tmp_path, capsys):
    before = _tree_digest(project)
    assert _run("-i", project, "-o", project / "out", cwd=tmp_path) == cli.BAD_INPUT
    assert "must not be inside the input folder" in capsys.readouterr().err
    assert _run("-i", project, "-o", tmp_path / "o", "-r", project, cwd=tmp_path) == cli.BAD_INPUT
    assert _tree_digest(project) == before


@pytest.mark.parametrize("args, message", [
    (["-i", "missing_dir"], "no such file or folder"),
    (["-m", "nope.py"], "-m nope.py: no such file"),
    (["-l", "nope.csv"], "-l nope.csv: no such file"),
    (["-j", "0"], "at least 1"),
    (["--diff", "--inplace"], "exclude each other"),
])
def test_bad_input_exit_status(project, tmp_path, capsys, args, message):
    if args[0] != "-i":
        args = ["-i", str(project), *args]
    assert _run(*args, cwd=tmp_path) == cli.BAD_INPUT
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("output_npu_*")) and not list(tmp_path.glob("report_npu_*"))


def test_usage_errors_exit_2(project, tmp_path):
    with pytest.raises(SystemExit) as exc:
        _run("-i", project, "-d", "mpi", cwd=tmp_path)
    assert exc.value.code == cli.USAGE


def test_long_distributed_option_works(project, tmp_path):
    assert _run("-i", project / "models", "--distributed_mode=horovod", "-o", tmp_path / "o", "-r", tmp_path / "r",
                cwd=tmp_path) == cli.OK
    out = _only(tmp_path / "o", "models_npu_*")
    assert (out / "hvd_train.py").read_text() == (DATA / "scripts" / "horovod" / "after.py").read_text()


def test_failure_leaves_no_partial_output(project, tmp_path, monkeypatch):
    calls = []
    real = output._emit

    def failing(result, src, dest):
        calls.append(dest)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(result, src, dest)

    monkeypatch.setattr(output, "_emit", failing)
    assert _run("-i", project, "-o", tmp_path / "out", "-r", tmp_path / "rep", cwd=tmp_path) == cli.BAD_INPUT
    assert len(calls) == 3
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "rep").exists() or list((tmp_path / "rep").iterdir()) == []


def test_diff_writes_nothing(project, tmp_path, capsys):
    before = _tree_digest(project)
    status = _run("-i", project / "train.py", "--diff", cwd=tmp_path)
    assert status == cli.CHANGES
    diff = capsys.readouterr().out
    assert diff.startswith("--- a/train.py\n+++ b/train.py\n")
    assert "+        hidden = npu_ops.dropout(hidden, keep_prob=1 - (BASE_RATE + EXTRA_RATE))\n" in diff
    assert _tree_digest(project) == before and list(tmp_path.iterdir()) == [project]
    assert _run("-i", project / "setup.py", "--diff", cwd=tmp_path) == cli.OK


def test_inplace_with_backups(project, tmp_path):
    original = (project / "train.py").read_bytes()
    untouched = (project / "setup.py").read_bytes()
    status = _run("-i", project, "--inplace", "-r", tmp_path / "rep", cwd=tmp_path)
    assert status == cli.ISSUES
    assert (project / "train.py").read_text() == (DATA / "scripts" / "sess_run" / "after.py").read_text()
    assert (project / "train.py.bak").read_bytes() == original
    assert (project / "train.py").stat().st_mode & 0o777 == 0o755
    assert (project / "setup.py").read_bytes() == untouched and not (project / "setup.py.bak").exists()
    assert (project / "legacy.py").read_bytes() == (DATA / "py2" / "train_py2.py").read_bytes()
    # a second run changes nothing more (idempotent), so writes no new backups; in place, the reports may
    # go inside the project (the default -r . from within it)
    (project / "train.py.bak").unlink()
    assert _run("-i", ".", "--inplace", cwd=project) == cli.ISSUES
    assert not (project / "train.py.bak").exists()
    _only(project, "report_npu_*")


def test_json_output(project, tmp_path, capsys):
    _run("-i", project, "-o", tmp_path / "o", "-r", tmp_path / "r", "--json", cwd=tmp_path)
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["not_parsed"] == 1
    statuses = {f["file"]: f["status"] for f in doc["files"]}
    assert statuses == {"README.md": "copied", "legacy.py": "not-parsed", "models/hvd_train.py": "converted",
                        "setup.py": "unchanged", "train.py": "converted"}
    keys = {"file", "line", "col", "rule_id", "severity", "action", "canonical_api", "message", "before", "after"}
    assert all(set(f) == keys for f in doc["findings"])


def test_parallel_workers_give_the_same_output(project, tmp_path):
    for n in range(6):
        shutil.copy(project / "train.py", project / "models" / f"copy_{n}.py")
    _run("-i", project, "-o", tmp_path / "o1", "-r", tmp_path / "r1", "-j", "1", cwd=tmp_path)
    _run("-i", project, "-o", tmp_path / "o2", "-r", tmp_path / "r2", "-j", "2", cwd=tmp_path)
    one, two = _only(tmp_path / "o1", "proj_npu_*"), _only(tmp_path / "o2", "proj_npu_*")
    assert _tree_digest(one) == _tree_digest(two)
    r1 = json.loads((_only(tmp_path / "r1", "report_npu_*") / reports.JSON_REPORT).read_text())
    r2 = json.loads((_only(tmp_path / "r2", "report_npu_*") / reports.JSON_REPORT).read_text())
    assert r1["findings"] == r2["findings"] and r1["apis"] == r2["apis"]


def test_progress_bar_when_asked(project, tmp_path, capsys):
    _run("-i", project, "-o", tmp_path / "o", "-r", tmp_path / "r", "--progress", cwd=tmp_path)
    err = capsys.readouterr().err
    assert "5/5 files" in err and "\r[" in err
    _run("-i", project, "-o", tmp_path / "o", "-r", tmp_path / "r", cwd=tmp_path)
    assert "files/s" not in capsys.readouterr().err          # not a terminal: no bar by default


def test_entry_script_ambiguity_is_reported(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    for name in ("a.py", "b.py"):
        (root / name).write_text("import tensorflow as tf\nfrom tensorflow import keras\n"
                                 "if __name__ == '__main__':\n    pass\n")
    _run("-i", root, "-o", tmp_path / "o", "-r", tmp_path / "r", cwd=tmp_path)
    out = _only(tmp_path / "o", "p_npu_*")
    assert all("set_keras_session_npu_config" not in (out / n).read_text() for n in ("a.py", "b.py"))
    need = (_only(tmp_path / "r", "report_npu_*") / reports.NEED_DOC).read_text()
    assert "2 entry scripts need NPU set-up code (a.py, b.py): pass -m" in need
    _run("-i", root, "-o", tmp_path / "o2", "-r", tmp_path / "r2", "-m", root / "b.py", cwd=tmp_path)
    out = _only(tmp_path / "o2", "p_npu_*")
    assert "set_keras_session_npu_config" in (out / "b.py").read_text()
    assert "set_keras_session_npu_config" not in (out / "a.py").read_text()


def test_console_entry_points(tmp_path):
    for command in ([str(pathlib.Path(sys.executable).parent / "convert_tf2npu")],
                    [sys.executable, "-m", "npu_bridge.convert_tf2npu"]):
        proc = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 0 and "--distributed_mode" in proc.stdout and "--inplace" in proc.stdout


def test_migrated_sess_run_script_trains_on_the_emulator(tmp_path):
    """The Sess.run fixture, migrated by the CLI, runs in a fresh interpreter on the drop-in and trains."""
    src = tmp_path / "gpu_script.py"
    shutil.copy(DATA / "scripts" / "sess_run" / "before.py", src)
    assert _run("-i", src, "-o", tmp_path / "out", "-r", tmp_path / "rep", cwd=tmp_path) == cli.OK
    converted = _only(tmp_path / "out", "gpu_script_npu_*.py")
    result = run_script(str(converted), tmp_path)
    assert result["loss_last"] < 0.6 * result["loss_first"]
    assert result["batch_dim"] == 30                      # drop_remainder=True: a static batch dimension
    assert result["npu_optimizer"] == ["NpuOptimizer"]    # the session config went through npu_config_proto
    assert {"DropOutGenMask", "DropOutDoMask", "Gelu"} <= set(result["npu_ops_built"])
