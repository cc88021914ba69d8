"""The calibration table as text (terminal) and Markdown (docs/calibration.md); numbers only come from a Report."""
from __future__ import annotations

HEAD = ("workload", "role", "batch", "published /s", "ascend-sim /s", "error", "grappler /s", "grappler error",
        "tasks")


def _pct(x) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f} %"


def _num(x) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def rows_of(report) -> list:
    """Table cells: fitted workloads first, then the held-out ones."""
    ordered = sorted(report.rows, key=lambda r: (r.role != "fitted", r.published.key))
    out = []
    for r in ordered:
        out.append((r.published.key, r.role, str(r.published.batch), _num(r.published.samples_per_s),
                    _num(r.predicted_per_s), _pct(r.error), _num(r.grappler_per_s), _pct(r.grappler_error),
                    f"{r.tasks:,}"))
    return out


BREAKDOWN_HEAD = ("workload", "AI Core tasks", "AI CPU tasks", "dispatch", "cube tasks", "TransData",
                  "DropOutGenMask", "cube mac_ratio", "cube TFLOP/s")


def breakdown_rows(report) -> list:
    """Where a steady-state step's device time goes, per workload (shares of summed task time)."""
    out = []
    for r in sorted(report.rows, key=lambda r: (r.role != "fitted", r.published.key)):
        b = r.breakdown
        out.append((r.published.key, *(f"{b[k]:.1%}" for k in ("AI_CORE", "AI_CPU", "launch", "cube", "TransData",
                                                                  "DropOutGenMask")),
                    f"{b['mac_ratio']:.2f}", f"{b['cube_tflops']:.1f}"))
    return out


def fitted_rows(report) -> list:
    return [(f.spec.path, f.spec.workload, f"{f.value:.4g} {f.spec.unit}",
             f"{report.preset_values[f.spec.path]:.4g} {f.spec.unit}") for f in report.fitted]


def _text_table(head, rows) -> list:
    cells = [head] + rows
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    lines = []
    for i, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _md_table(head, rows) -> list:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def format_text(report) -> str:
    used = "the fitted values" if report.applied_fit else "the preset's values"
    lines = [f"calibration on {report.hw_name} with {used}: throughput per chip, error = predicted / published - 1"]
    lines += _text_table(HEAD, rows_of(report))
    lines += ["", "where a steady-state step's device time goes (shares of summed task time):"]
    lines += _text_table(BREAKDOWN_HEAD, breakdown_rows(report))
    lines.append("")
    lines.append("fitted constants (preset key, fitted on, fitted value, value in the preset):")
    for path, on, value, held in fitted_rows(report):
        lines.append(f"  {path}  on {on}: fit {value}, preset {held}")
    for path, held, value in report.stale():
        lines.append(f"  STALE: {path} is {held:.4g} in the preset, the fit gives {value:.4g}: update the preset")
    return "\n".join(lines)


def format_markdown(report) -> str:
    lines = _md_table(HEAD, rows_of(report))
    lines += ["", "Where a steady-state step's device time goes (shares of summed task time; dispatch is part of "
              "each task's time):", ""]
    lines += _md_table(BREAKDOWN_HEAD, breakdown_rows(report))
    lines += ["", "| fitted constant | fitted on | fit | preset |", "|---|---|---|---|"]
    lines += [f"| `{path}` | {on} | {value} | {held} |" for path, on, value, held in fitted_rows(report)]
    return "\n".join(lines)
