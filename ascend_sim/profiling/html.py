"""The self-contained HTML report: summary, hints, pictures (PNG embedded as base64 data URIs) and tables.

No scripts, no external stylesheet, font or image: the file opens offline and can be mailed around.
``render(profile, title=..., compare=None, compare_name="other", top=30)`` returns the document;
``compare`` is another Profile: the difference this → other (``compare.diff(profile, other)``) is added as a
section.
"""
from __future__ import annotations

import base64
import html as _html

from ascend_sim.profiling import compare as cmp, figures, hintrules, tables, view
from ascend_sim.profiling.summary import format_summary

STEP_ROWS = 100                 # step-trace rows shown (the CSV has them all)
STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}
table{border-collapse:collapse;font-size:12px;margin:0.5em 0}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#eee}
td.t,th.t{text-align:left}img{max-width:100%;border:1px solid #eee;margin:0.5em 0}
li{margin:0.3em 0}.note{color:#666;font-size:0.9em}
"""


def _e(value) -> str:
    return _html.escape(str(value), quote=True)


def _table(header, rows, text_cols=()) -> str:
    head = "".join(f'<th class="{"t" if i in text_cols else ""}">{_e(h)}</th>' for i, h in enumerate(header))
    body = "\n".join("<tr>" + "".join(f'<td class="{"t" if i in text_cols else ""}">{_e(c)}</td>'
                                       for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _image(fig, alt: str) -> str:
    data = base64.b64encode(figures.png(fig)).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _figures(profile) -> list[str]:
    out = []
    for title, draw in figures.FIGURES:
        fig = draw(profile)
        out.append(f"<h2>{_e(title)}</h2>")
        out.append(_image(fig, title) if fig is not None else '<p class="note">nothing to draw</p>')
    return out


def _op_tables(profile, top: int) -> list[str]:
    cov = view.coverage(profile)
    header, rows = tables.op_statistic(profile)
    out = [f"<h2>Op statistic (op_statistic.csv; {_e(cov.text())})</h2>", _table(header[1:], [r[1:] for r in rows],
                                                                                 text_cols=(0, 1))]
    stats = profile.top_ops(top, "name")
    out.append(f"<h2>Top {top} ops by device time</h2>")
    out.append(_table(("op", "type", "unit", "count", "total µs", "avg µs", "share %", "bound"),
                      [(s.key, s.op_type, s.unit, s.count, f"{s.total_us:,.1f}", f"{s.avg_us:,.1f}",
                        f"{s.share * 100:.1f}", s.bound) for s in stats], text_cols=(0, 1, 2, 7)))
    return out


def _step_table(profile) -> list[str]:
    header, rows = tables.step_trace(profile)
    note = (f'<p class="note">first {STEP_ROWS} of {len(rows)} iterations; step_trace.csv has them all</p>'
            if len(rows) > STEP_ROWS else "")
    return ["<h2>Step trace (step_trace.csv)</h2>", _table(header[1:], [r[1:] for r in rows[:STEP_ROWS]]), note]


def _compare(profile, other, name: str) -> list[str]:
    d = cmp.diff(profile, other)
    speed = "n/a" if d.speedup is None else f"{d.speedup:.3f}x"
    rows = [(o.op_type, o.task_type, f"{o.count_before:g}", f"{o.count_after:g}", f"{o.us_before:,.1f}",
             f"{o.us_after:,.1f}", f"{o.delta_us:+,.1f}", "new" if o.ratio is None else f"{o.ratio:.3f}")
            for o in d.ops]
    return [f"<h2>Compared with {_e(name)} (this → {_e(name)})</h2>",
            f"<p>step time {d.step_us_before:,.1f} → {d.step_us_after:,.1f} µs ({d.step_delta_us:+,.1f} µs, "
            f"speed-up {speed}); device time per iteration {d.device_us_before:,.1f} → {d.device_us_after:,.1f} µs</p>",
            _table(("op type", "task type", "count before", "count after", "µs/iter before", "µs/iter after",
                    "delta µs", "after/before"), rows, text_cols=(0, 1))]


def render(profile, *, title: str = "ascend-sim profile", compare=None, compare_name: str = "other",
           top: int = 30) -> str:
    found = hintrules.hints(profile)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{_e(title)}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>{_e(title)}</h1>",
             f'<p class="note">Emulated {_e(profile.hw_name)} profile written by ascend-sim from cost-model '
             f"records; times in µs.</p>",
             "<h2>Hints</h2>",
             ("<ul>" + "".join(f"<li>{_e(h)}</li>" for h in found) + "</ul>") if found else "<p>none</p>",
             "<h2>Summary</h2>", f"<pre>{_e(format_summary(profile))}</pre>"]
    parts += _figures(profile)
    if compare is not None:
        parts += _compare(profile, compare, compare_name)
    parts += _op_tables(profile, top)
    parts += _step_table(profile)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
