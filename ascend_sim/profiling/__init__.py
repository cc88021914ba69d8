"""Profiling reports from simulation records: upstream msprof files, timeline, summary, HTML, diff.

Public names:

- ``write(profile, out_dir, *, formats=("csv", "timeline", "summary", "html"), device_id=0, job_id=None)
  -> Path``: write a new ``PROF_*`` directory (upstream layout) under ``out_dir``; returns its path.
- ``ProfileSink(output_dir, ...)``: accumulate the Profiles of a session's runs; ``append`` / ``flush`` /
  ``close``; closed at interpreter exit. ``sinks()`` lists this process's sinks.
- ``load(profile_dir) -> Profile``: read a profile directory back (from its records file).
- ``format_summary(profile, top=15) -> str``: the terminal summary (with ``hints(profile)``).
- ``diff(before, after) -> ProfileDiff`` and ``format_diff``: per-op-type and step-time deltas.
- ``render_html(profile) -> str``: the self-contained HTML report.

The writers read only the records (``ascend_sim.sim.records``); see docs/reports.md for every file and column.
"""
from ascend_sim.profiling.compare import ProfileDiff, diff, format_diff
from ascend_sim.profiling.hintrules import RULES, hints
from ascend_sim.profiling.layout import Layout, find
from ascend_sim.profiling.records_io import RecordsError
from ascend_sim.profiling.sink import ProfileSink, sinks
from ascend_sim.profiling.summary import format_summary
from ascend_sim.profiling.writer import DEFAULT_FORMATS, FORMATS, write


def load(profile_dir):
    """The Profile saved in a profile directory (the PROF_ directory, one of its folders, or a folder holding
    exactly one PROF_ directory). FileNotFoundError / RecordsError name the path and what is missing."""
    from ascend_sim.profiling import records_io

    profile, _ = records_io.read(find(profile_dir).records)
    return profile


def render_html(profile, *, title: str = "ascend-sim profile", compare=None, compare_name: str = "other",
                top: int = 30) -> str:
    """The self-contained HTML report; ``compare``: a second Profile, shown as the difference this → it."""
    from ascend_sim.profiling.html import render

    return render(profile, title=title, compare=compare, compare_name=compare_name, top=top)


__all__ = ["DEFAULT_FORMATS", "FORMATS", "Layout", "ProfileDiff", "ProfileSink", "RULES", "RecordsError", "diff",
           "find", "format_diff", "format_summary", "hints", "load", "render_html", "sinks", "write"]
