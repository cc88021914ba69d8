"""``ascend-sim report``: summary of a profile directory, --compare diff, --html, bad input; and the whole path
from a TF graph through ascend_sim.analyze and profiling.write to the command."""
import csv
import re

import pytest

import ascend_sim
from ascend_sim import cli, profiling
from ascend_sim.commands import BAD_INPUT, OK
from testsupport.profiles import iterations, profile

MM = dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 10000})
CAST = dict(name="cast", op_type="Cast", pipes={"vec": 2000})


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("profiles")
    a = profiling.write(profile(*iterations([CAST, MM], 2)), base / "fp32", formats=("csv", "summary"))
    b = profiling.write(profile(*iterations([MM], 2)), base / "mixed", formats=("csv", "summary"))
    return a, b


def test_summary_of_a_directory(dirs, capsys):
    a, _ = dirs
    assert cli.main(["report", str(a.parent), "--top", "1"]) == OK
    out = capsys.readouterr().out
    assert out.strip() == profiling.format_summary(profiling.load(a), top=1)


def test_compare_prints_the_diff(dirs, capsys):
    a, b = dirs
    assert cli.main(["report", str(a), "--compare", str(b)]) == OK
    out = capsys.readouterr().out
    expected = profiling.format_diff(profiling.diff(profiling.load(a), profiling.load(b)), names=(a.name, b.name))
    assert out.rstrip().endswith(expected)


def test_html_output(dirs, tmp_path, capsys):
    a, b = dirs
    out = tmp_path / "r.html"
    assert cli.main(["report", str(a), "--compare", str(b), "--html", str(out)]) == OK
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and f"Compared with {b.name}" in page
    assert f"HTML report: {out}" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["{missing}"], "no such profile directory"),
    (["{empty}"], "not an ascend-sim profile directory"),
    (["{a}", "--compare", "{missing}"], "no such profile directory"),
    (["{a}", "--html", "{missing}/x.html"], "does not exist"),
    (["{a}", "--html", "{empty}"], "is a directory"),
    (["{a}", "--top", "0"], "--top must be a positive integer"),
])
def test_bad_input(dirs, tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    names = {"a": dirs[0], "missing": tmp_path / "missing", "empty": tmp_path / "empty"}
    assert cli.main(["report"] + [x.format(**names) for x in args]) == BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("ascend-sim report: ") and message in err and err.count("\n") == 1


def test_analyze_write_report_end_to_end(tmp_path, capsys):
    from testsupport import tf_graphs

    built = tf_graphs.cnn_bn(batch=8, size=16)
    runs = {}
    for mode in ("allow_fp32_to_fp16", "allow_mix_precision"):
        prof = ascend_sim.analyze(built.graph, fetches=built.fetches, batch=8,
                                  options={"precision_mode": mode, "iterations_per_loop": 2}, iterations=2)
        runs[mode] = (prof, profiling.write(prof, tmp_path / mode))
    prof, root = runs["allow_fp32_to_fp16"]
    out = profiling.find(root)
    with open(out.upstream("op_summary"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(prof.device_tasks)
    assert {r["OP Type"] for r in rows} == {t.op_type for t in prof.device_tasks}
    with open(out.upstream("step_trace"), newline="") as f:
        assert len(list(csv.DictReader(f))) == prof.iterations == 4
    assert out.html.read_text().count("data:image/png;base64,") == 4
    assert out.summary.read_text().strip() == profiling.format_summary(prof)

    assert cli.main(["report", str(root), "--compare", str(runs["allow_mix_precision"][1])]) == OK
    text = capsys.readouterr().out
    assert text.startswith("ascend-sim: Ascend910A, 4 iteration(s) in 2 host loop(s)")
    d = profiling.diff(prof, runs["allow_mix_precision"][0])
    assert re.search(rf"step time\s+{d.step_us_before:,.1f} -> {d.step_us_after:,.1f} µs", text)
    assert "Cast" in text.split("compare:")[1]


def test_ascend_sim_run_leaves_the_profile_that_report_reads(tmp_path):
    """``ascend-sim run`` on an example script leaves the upstream files, the summary and the HTML."""
    import os
    import subprocess
    import sys

    from testsupport.scripts import ROOT, SCRIPTS, UPSTREAM_ENV

    env = {**os.environ, **UPSTREAM_ENV, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "ascend_sim.cli", "run", "--output", str(tmp_path / "prof"),
                           str(SCRIPTS / "tf1_conv_npu_session.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = profiling.find(tmp_path / "prof")
    for kind in ("op_summary", "op_statistic", "task_time", "step_trace", "step_trace_json", "timeline"):
        assert out.upstream(kind).stat().st_size > 0
    assert out.html.read_text().count("data:image/png;base64,") == 4
    prof = profiling.load(out.root)
    assert prof.iterations > 0 and prof.device_tasks
    with open(out.upstream("op_summary"), newline="") as f:
        assert len(list(csv.DictReader(f))) == len(prof.device_tasks)
    assert profiling.format_summary(prof) in proc.stdout            # what run printed is what was saved
    assert out.summary.read_text().strip() == profiling.format_summary(prof)
