"""``write(profile, out_dir)``: the one-shot writer of a profile directory, and the per-format writers.

Formats (``FORMATS``, data: name → writer): ``csv`` (op_summary, op_statistic, task_time, step_trace csv +
step_trace json), ``timeline`` (msprof_*.json, Chrome trace), ``summary`` (summary.txt), ``html``
(report.html). The records file (``ascend_sim/records.json.gz``) is always written: it is what
``load`` / ``ascend-sim report`` read back. Every file is replaced atomically.
"""
from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

from ascend_sim.profiling import atomic, layout as lay, records_io, tables

logger = logging.getLogger("ascend_sim.profiling")

DEFAULT_FORMATS = ("csv", "timeline", "summary", "html")


def csv_text(header, rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _write_csv(profile, out: lay.Layout, device_id: int, meta: dict) -> list:
    from ascend_sim.profiling import trace

    written = []
    for kind, table in (("op_summary", tables.op_summary), ("op_statistic", tables.op_statistic),
                        ("task_time", tables.task_time), ("step_trace", tables.step_trace)):
        path = out.upstream(kind)
        atomic.write_text(path, csv_text(*table(profile, device_id)))
        written.append(path)
    path = out.upstream("step_trace_json")
    atomic.write_text(path, json.dumps(trace.step_trace_events(profile, device_id)))
    written.append(path)
    return written


def _write_timeline(profile, out: lay.Layout, device_id: int, meta: dict) -> list:
    from ascend_sim.profiling import trace

    path = out.upstream("timeline")
    atomic.write_text(path, json.dumps(trace.timeline_events(profile, device_id)))
    return [path]


def _write_summary(profile, out: lay.Layout, device_id: int, meta: dict) -> list:
    from ascend_sim.profiling.summary import format_summary

    atomic.write_text(out.summary, format_summary(profile) + "\n")
    return [out.summary]


def _write_html(profile, out: lay.Layout, device_id: int, meta: dict) -> list:
    from ascend_sim.profiling.html import render

    atomic.write_text(out.html, render(profile, title=out.root.name))
    return [out.html]


FORMATS = {"csv": _write_csv, "timeline": _write_timeline, "summary": _write_summary, "html": _write_html}


def check_formats(formats) -> tuple:
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown profile format(s) {', '.join(map(repr, bad))}; formats: {', '.join(FORMATS)}")
    return formats


def write_layout(profile, out: lay.Layout, *, formats=DEFAULT_FORMATS, device_id: int = 0,
                 meta: dict | None = None) -> list:
    """Write ``formats`` of ``profile`` into ``out`` (created if needed); returns the paths written."""
    formats = check_formats(formats)
    out.makedirs()
    records_io.save(out.records, profile, ts=out.ts, device_id=device_id, meta=meta)
    written = [out.records]
    for name in formats:
        written += FORMATS[name](profile, out, device_id, meta or {})
    logger.debug("profile written to %s (%s)", out.root, ", ".join(p.name for p in written))
    return written


def write(profile, out_dir, *, formats=DEFAULT_FORMATS, device_id: int = 0, job_id=None) -> Path:
    """Write a new PROF_ directory under ``out_dir`` (created if needed) and return its path."""
    formats = check_formats(formats)
    base = Path(out_dir)
    if base.exists() and not base.is_dir():
        raise NotADirectoryError(f"profiling output {base} is a file, not a directory")
    out = lay.new_layout(base, job_id=job_id)
    write_layout(profile, out, formats=formats, device_id=device_id)
    return out.root
