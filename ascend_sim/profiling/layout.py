"""Where a profile directory's files go: upstream's msprof layout plus the emulator's own folder.

The layout is the current msprof one (CANN 8.x; reference ascend910.md §4.1)::

    PROF_{job}_{stamp}_{tag}/
        mindstudio_profiler_output/         upstream-format files, one set per profile
            op_summary_{ts}.csv  op_statistic_{ts}.csv  step_trace_{ts}.csv  step_trace_{ts}.json
            task_time_{ts}.csv   msprof_{ts}.json
        ascend_sim/                          the emulator's own files
            records.json.gz                  every record, reloadable (``ascend_sim.profiling.load``)
            summary.txt  report.html

``{ts}`` is the profile's creation time as ``YYYYMMDDhhmmss`` (msprof's export stamp), fixed when the
directory is created so that every rewrite of a file keeps its name. ``find(dir)`` accepts the PROF
directory, its ``mindstudio_profiler_output`` or ``ascend_sim`` folder, or a folder holding exactly one PROF
directory.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

OUTPUT_DIR = "mindstudio_profiler_output"
OWN_DIR = "ascend_sim"
RECORDS = "records.json.gz"
SUMMARY = "summary.txt"
HTML = "report.html"
PROF_PREFIX = "PROF_"
TAG_LETTERS = 16                         # msprof's PROF_ directories end in 16 upper-case letters
# upstream file kinds → name pattern (``{ts}`` filled in)
UPSTREAM_FILES = {
    "op_summary": "op_summary_{ts}.csv",
    "op_statistic": "op_statistic_{ts}.csv",
    "step_trace": "step_trace_{ts}.csv",
    "step_trace_json": "step_trace_{ts}.json",
    "task_time": "task_time_{ts}.csv",
    "timeline": "msprof_{ts}.json",
}
_STAMP = re.compile(r"_(\d{14})\.(csv|json)$")


@dataclass(frozen=True)
class Layout:
    """The paths of one profile directory (``root`` is the PROF_ directory)."""

    root: Path
    ts: str

    @property
    def output_dir(self) -> Path:
        return self.root / OUTPUT_DIR

    @property
    def own_dir(self) -> Path:
        return self.root / OWN_DIR

    def upstream(self, kind: str) -> Path:
        if kind not in UPSTREAM_FILES:
            raise KeyError(f"unknown profile file kind {kind!r}; kinds: {', '.join(UPSTREAM_FILES)}")
        return self.output_dir / UPSTREAM_FILES[kind].format(ts=self.ts)

    @property
    def records(self) -> Path:
        return self.own_dir / RECORDS

    @property
    def summary(self) -> Path:
        return self.own_dir / SUMMARY

    @property
    def html(self) -> Path:
        return self.own_dir / HTML

    def makedirs(self) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.own_dir.mkdir(parents=True, exist_ok=True)


def stamp(now: _dt.datetime | None = None) -> str:
    """msprof's ``YYYYMMDDhhmmss`` export stamp."""
    return (now or _dt.datetime.now()).strftime("%Y%m%d%H%M%S")


def _job_part(job_id) -> str:
    text = str(job_id if job_id is not None else os.environ.get("JOB_ID", "1")).strip() or "1"
    text = re.sub(r"[^A-Za-z0-9]", "", text) or "1"
    return text.zfill(6) if text.isdigit() else text


def new_layout(out_dir, *, job_id=None, now: _dt.datetime | None = None) -> Layout:
    """A fresh ``PROF_{job}_{YYYYMMDDhhmmssfff}_{16 letters}`` directory name under ``out_dir`` (not created)."""
    now = now or _dt.datetime.now()
    base = Path(out_dir)
    while True:
        tag = "".join(secrets.choice(string.ascii_uppercase) for _ in range(TAG_LETTERS))
        root = base / f"{PROF_PREFIX}{_job_part(job_id)}_{now.strftime('%Y%m%d%H%M%S')}{now.microsecond // 1000:03d}_{tag}"
        if not root.exists():
            return Layout(root, stamp(now))


def find(path) -> Layout:
    """The Layout of an existing profile directory (see the module docstring for what ``path`` may be).

    Raises FileNotFoundError naming the path and what was looked for."""
    p = Path(path)
    if not p.is_dir():
        raise FileNotFoundError(f"{p}: no such profile directory")
    if p.name in (OUTPUT_DIR, OWN_DIR):
        p = p.parent
    if not (p / OWN_DIR / RECORDS).is_file():
        found = sorted(q for q in p.glob(f"{PROF_PREFIX}*") if (q / OWN_DIR / RECORDS).is_file())
        if len(found) == 1:
            p = found[0]
        elif len(found) > 1:
            raise FileNotFoundError(f"{p}: holds {len(found)} profile directories "
                                    f"({', '.join(q.name for q in found)}); name one of them")
        else:
            raise FileNotFoundError(f"{p}: not an ascend-sim profile directory (no {OWN_DIR}/{RECORDS} in it "
                                    f"or in a {PROF_PREFIX}* folder under it)")
    ts = None
    for q in sorted((p / OUTPUT_DIR).glob("op_summary_*.csv")) + sorted((p / OUTPUT_DIR).glob("step_trace_*.csv")):
        m = _STAMP.search(q.name)
        if m:
            ts = m.group(1)
            break
    return Layout(p, ts or stamp())
