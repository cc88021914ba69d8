"""ProfileSink: append / flush / close, bounded task records, early directory errors, exit and kill safety."""
import csv
import json
import os
import signal
import subprocess
import sys

import pytest

from ascend_sim import profiling
from ascend_sim.profiling import layout, sink as sinkmod
from testsupport.profiles import iterations, profile
from testsupport.scripts import ROOT, SCRIPTS, UPSTREAM_ENV, run_script

SPECS = [dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 500, "mte2": 300}),
         dict(name="relu", op_type="Relu", pipes={"vec": 40, "mte2": 80}, phase="BP")]
FORMATS = ("csv", "timeline", "summary")


def _runs(n, per_run=2):
    tasks, steps = iterations(SPECS, n * per_run, host_us=5.0, ipl=per_run)
    for k in range(n):
        mine = range(k * per_run, (k + 1) * per_run)
        yield profile([t for t in tasks if t.iteration_id in mine], [s for s in steps if s.iteration_id in mine],
                      warnings=(f"w{k % 2}",), memory_peak_bytes=100 * (k + 1))


def _csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_append_accumulates_like_extended(tmp_path):
    runs = list(_runs(3))
    s = profiling.ProfileSink(tmp_path, formats=FORMATS, flush_interval_s=None)
    for r in runs:
        s.append(r)
    expected = runs[0].extended(runs[1]).extended(runs[2])
    assert s.profile == expected
    assert s.profile.warnings == ("w0", "w1") and s.profile.memory_peak_bytes == 300
    assert not any(s.path.rglob("op_summary_*"))                 # no interval: nothing written yet
    assert s.flush() == s.path
    assert len(_csv(layout.find(s.path).upstream("step_trace"))) == 6
    assert s in profiling.sinks()
    s.close()


def test_close_is_idempotent_writes_html_and_refuses_appends(tmp_path):
    s = profiling.ProfileSink(tmp_path, flush_interval_s=None)
    s.append(next(_runs(1)))
    s.flush()
    out = layout.find(s.path)
    assert not out.html.exists()                                 # HTML only at close
    assert s.close() == s.path and out.html.exists() and s.closed
    stamp = out.html.stat().st_mtime_ns
    assert s.close() == s.path and out.html.stat().st_mtime_ns == stamp
    with pytest.raises(RuntimeError, match="is closed"):
        s.append(next(_runs(1)))


def test_interval_flush(tmp_path):
    s = profiling.ProfileSink(tmp_path, formats=FORMATS, flush_interval_s=0)
    runs = _runs(2)
    s.append(next(runs))
    out = layout.find(s.path)
    assert len(_csv(out.upstream("step_trace"))) == 2
    s.append(next(runs))
    assert len(_csv(out.upstream("step_trace"))) == 4
    s.close()


def test_task_records_are_bounded_and_the_files_say_so(tmp_path):
    s = profiling.ProfileSink(tmp_path, formats=FORMATS, flush_interval_s=None, max_task_iterations=3)
    for r in _runs(4):
        s.append(r)
    prof = s.profile
    assert len(prof.steps) == 8
    assert sorted({t.iteration_id for t in prof.tasks}) == [0, 1, 2]
    s.close()
    out = layout.find(s.path)
    assert len(_csv(out.upstream("step_trace"))) == 8
    assert len(_csv(out.upstream("op_summary"))) == 3 * len(SPECS)
    assert "op tables cover iterations 1-3 of 8" in out.summary.read_text()
    _, data = profiling.records_io.read(out.records)
    assert data["profile"]["dropped_task_records"] == 5 * len(SPECS)
    assert data["profile"]["max_task_iterations"] == 3


def test_hardware_mismatch_is_refused(tmp_path):
    s = profiling.ProfileSink(tmp_path, formats=FORMATS, flush_interval_s=None)
    s.append(next(_runs(1)))
    other = profile([], hw_name="Ascend910B")
    with pytest.raises(ValueError, match="simulated on 'Ascend910B'.*holds 'Ascend910A'"):
        s.append(other)
    s.close()


def test_directory_errors_at_construction(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match=r"profiling output directory .*file is a file"):
        profiling.ProfileSink(tmp_path / "file")
    with pytest.raises(OSError, match=r"profiling output directory .*file/sub is not writable"):
        profiling.ProfileSink(tmp_path / "file" / "sub")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    with pytest.raises(PermissionError, match=r"profiling output directory .*ro is not writable"):
        profiling.ProfileSink(ro)


@pytest.mark.parametrize("kwargs, message", [
    (dict(max_task_iterations=0), "max_task_iterations=0"),
    (dict(flush_interval_s=-1), "flush_interval_s=-1"),
    (dict(formats=("csv", "xls")), "unknown profile format"),
])
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        profiling.ProfileSink(tmp_path, **kwargs)


def test_close_all_closes_open_sinks(tmp_path):
    s = profiling.ProfileSink(tmp_path, formats=FORMATS, flush_interval_s=None)
    s.append(next(_runs(1)))
    sinkmod._close_all()
    assert s.closed and layout.find(s.path).summary.exists()


@pytest.mark.parametrize("mode", ["exit", "interrupt"])
def test_atexit_writes_the_files(tmp_path, mode):
    if mode == "exit":
        result = run_script("profiling_sink.py", tmp_path, str(tmp_path / "prof"), mode, "3")
    else:
        proc = subprocess.run([sys.executable, str(SCRIPTS / "profiling_sink.py"), str(tmp_path / "prof"), mode,
                               "3"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
        assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr
        result = json.loads(proc.stdout.split("RESULT ", 1)[1].splitlines()[0])
    out = layout.find(result["path"])
    assert len(_csv(out.upstream("step_trace"))) == result["iterations"] == 6
    assert profiling.load(out.root).iterations == 6


def _env():
    env = dict(os.environ)
    env.update(UPSTREAM_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_killed_run_leaves_complete_files(tmp_path):
    proc = subprocess.Popen([sys.executable, str(SCRIPTS / "profiling_sink.py"), str(tmp_path / "prof"), "kill", "4"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("READY"):
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.stdout.close()
    result = json.loads(next(x for x in lines if x.startswith("RESULT "))[len("RESULT "):])
    out = layout.find(result["path"])
    steps = _csv(out.upstream("step_trace"))
    assert len(steps) == result["iterations"]                    # flushed after every append
    json.loads(out.upstream("timeline").read_text())
    assert profiling.load(out.root).iterations == result["iterations"]
    assert not out.html.exists() and not [p for p in out.root.rglob("*.tmp")]
