"""The calibration table as text (terminal) and Markdown (docs/calibration.md); numbers only come from a Report."""
from __future__ import annotations

HEAD = ("workload", "role", "batch", "published /s", "ascend-sim /s", "error", "grappler /s", "grappler error",
        "tasks", "AI Core / AI CPU / launch")


def _pct(x) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f} %"


def _num(x) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def rows_of(report) -> list:
    """Table cells: fitted workloads first, then the held-out ones."""
    ordered = sorted(report.rows, key=lambda r: (r.role != "fitted", r.published.key))
    out = []
    for r in ordered:
        b = r.breakdown
        out.append((r.published.key, r.role, str(r.published.batch), _num(r.published.samples_per_s),
                    _num(r.predicted_per_s), _pct(r.error), _num(r.grappler_per_s), _pct(r.grappler_error),
                    f"{r.tasks:,}", f"{b['AI_CORE']:.0%} / {b['AI_CPU']:.0%} / {b['launch']:.0%}"))
    return out


def fitted_rows(report) -> list:
    return [(f.spec.path, f.spec.workload, f"{f.value:.4g} {f.spec.unit}",
             f"{report.preset_values[f.spec.path]:.4g} {f.spec.unit}") for f in report.fitted]


def format_text(report) -> str:
    cells = [HEAD] + rows_of(report)
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEAD))]
    lines = [f"calibration on {report.hw_name}: throughput per chip, error = predicted / published - 1"]
    for i, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("fitted constants (preset key, fitted on, fitted value, value in the preset):")
    for path, on, value, held in fitted_rows(report):
        lines.append(f"  {path}  on {on}: fit {value}, preset {held}")
    for path, held, value in report.stale():
        lines.append(f"  STALE: {path} is {held:.4g} in the preset, the fit gives {value:.4g}: update the preset")
    return "\n".join(lines)


def format_markdown(report) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(row) + " |" for row in rows_of(report)]
    lines += ["", "| fitted constant | fitted on | fit | preset |", "|---|---|---|---|"]
    lines += [f"| `{path}` | {on} | {value} | {held} |" for path, on, value, held in fitted_rows(report)]
    return "\n".join(lines)
