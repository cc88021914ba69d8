"""docs/reports.md stays current: it names every column written, every hint rule and every format."""
from pathlib import Path

import pytest

from ascend_sim.profiling import hintrules, layout, tables, trace, writer

DOC = (Path(__file__).resolve().parents[3] / "docs" / "reports.md").read_text()


@pytest.mark.parametrize("column", sorted(set(tables.OP_SUMMARY_HEADER + tables.OP_STATISTIC_HEADER
                                              + tables.TASK_TIME_HEADER + tables.STEP_TRACE_HEADER
                                              + tables.REDUCE_COLUMNS)))
def test_every_column_is_documented(column):
    assert column in DOC


def test_rules_formats_files_and_processes_are_documented():
    for rule in hintrules.RULES:
        assert f"| {rule.name} |" in DOC
    for fmt in writer.FORMATS:
        assert f"`{fmt}`" in DOC
    for pattern in layout.UPSTREAM_FILES.values():
        assert pattern in DOC
    for name in (trace.HARDWARE, trace.OVERLAP, trace.UNITS, *trace.OVERLAP_THREADS, *trace.UNIT_THREADS.values(),
                 layout.RECORDS, layout.SUMMARY, layout.HTML):
        assert name in DOC
