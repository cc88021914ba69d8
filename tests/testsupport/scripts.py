"""Run a TF 1.15-style script in a fresh interpreter, as a user would, and parse its RESULT line."""
import json
import os
import pathlib
import subprocess
import sys

SCRIPTS = pathlib.Path(__file__).resolve().parent.parent / "scripts"
ROOT = SCRIPTS.parent.parent

UPSTREAM_ENV = {
    "RANK_SIZE": "1",
    "RANK_ID": "0",
    "DEVICE_ID": "0",
    "DEVICE_INDEX": "0",
    "ASCEND_DEVICE_ID": "0",
    "JOB_ID": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


def run_script(name: str, cwd, *args, timeout: float = 300, extra_env=None) -> dict:
    """Run ``tests/scripts/<name>`` in ``cwd``; return the JSON after its last ``RESULT`` line."""
    env = dict(os.environ)
    env.update(UPSTREAM_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.update(extra_env or {})
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args],
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise AssertionError(f"{name} exited with {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-6000:]}")
    results = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not results:
        raise AssertionError(f"{name} printed no RESULT line\n--- stdout\n{proc.stdout[-4000:]}")
    return json.loads(results[-1][len("RESULT "):])
