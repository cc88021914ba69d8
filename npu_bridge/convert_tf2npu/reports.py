"""The reports of a run, describing the OUTPUT (paths and line numbers of the converted files).

Upstream's file names and line formats (reference migration_tool.md §3.1), without its quirks:
- ``success_report.txt``: ``<file>:<line> change <from> to <to>`` (or ``<file>:<line> <text>``) per rewrite;
- ``failed_report.txt``: ``<file>:<line>, NPU Unsupport API: <api>``, errors, files that could not be parsed;
- ``need_migration_doc.txt``: what needs a person (warnings: untraceable receivers, dropped arguments...);
- each file's block ends with ``Finish conver file: <file>`` and two CRLF lines, as upstream;
- ``api_brief_report.txt``: upstream's two lines, plus the count of APIs the list does not know;
- ``api_analysis_report.csv``: upstream's xlsx columns (relative paths, not base names) + the emulator's view;
- ``migration_report.json``: everything, machine-readable (schema ``SCHEMA``).
"""
from __future__ import annotations

import collections
import csv
import json
import os
import pathlib
import shutil
import tempfile

from npu_bridge.convert_tf2npu.apis import CATEGORIES, FAILED_CATEGORIES
from npu_bridge.convert_tf2npu.findings import FAILED, REWRITTEN, WARNED

SCHEMA = "convert_tf2npu.report/1"
SUCCESS, FAILED_TXT, NEED_DOC, BRIEF = "success_report.txt", "failed_report.txt", "need_migration_doc.txt", \
    "api_brief_report.txt"
ANALYSIS, JSON_REPORT = "api_analysis_report.csv", "migration_report.json"
TERMINATOR = "Finish conver file: {path}\n\r\n\r\n"
CSV_HEADER = ("序号", "脚本文件名", "代码行", "模块名", "API名", "工具迁移API支持度", "说明", "emulator", "emulator_agrees")


def success_line(path, finding) -> str:
    source, target = finding.report
    if source and target:
        return f"{path}:{finding.line} change {source} to {target}"
    return f"{path}:{finding.line} {target or finding.message}"


def _blocks(results, paths):
    """Per report file: the lines of each output file, in file order."""
    blocks = {SUCCESS: [], FAILED_TXT: [], NEED_DOC: []}
    for result in results:
        path = paths[result.rel]
        lines = {SUCCESS: [], FAILED_TXT: [], NEED_DOC: []}
        if result.error:
            lines[FAILED_TXT].append(f"{path}:{result.error} (not converted: copied unchanged)")
        for f in result.findings:
            if f.action == REWRITTEN:
                lines[SUCCESS].append(success_line(path, f))
                if f.severity == "WARNING":
                    lines[NEED_DOC].append(f"{path}:{f.line} {f.rule_id}: {f.message}")
            elif f.severity == "ERROR" or f.action == FAILED:
                lines[FAILED_TXT].append(f"{path}:{f.line} {f.rule_id}: {f.message}")
            elif f.action == WARNED:
                lines[NEED_DOC].append(f"{path}:{f.line} {f.rule_id}: {f.message}")
        for use in result.apis:
            if use.support in FAILED_CATEGORIES:
                lines[FAILED_TXT].append(f"{path}:{use.line}, NPU Unsupport API: {use.api}")
        for name, body in lines.items():
            if body:
                blocks[name].append("\n".join(body) + "\n" + TERMINATOR.format(path=path))
    return blocks


def brief(results) -> list[str]:
    uses = [u for r in results for u in r.apis]
    listed = [u for u in uses if u.support]

    def line(items):
        counts = collections.Counter(u.support for u in items)
        parts = ", ".join(f"{label}: {counts.get(cat, 0)}" for cat, label in CATEGORIES.items())
        return f"Total API: {len(items)}, in which {parts}"

    distinct = list({u.api: u for u in listed}.values())
    unknown = sorted({u.api for u in uses if not u.support})
    return [f"1.In brief: {line(listed)}", f"2.After eliminate duplicate: {line(distinct)}",
            f"3.Not in the support list: {len(unknown)}" + (f" ({', '.join(unknown[:20])})" if unknown else "")]


def summary(results, project_warnings=()) -> dict:
    findings = [f for r in results for f in r.findings]
    uses = [u for r in results for u in r.apis]
    statuses = collections.Counter(r.status for r in results)
    return {
        "files": len(results), "python_files": sum(1 for r in results if r.python),
        "converted": statuses.get("converted", 0), "unchanged": statuses.get("unchanged", 0),
        "not_parsed": statuses.get("not-parsed", 0) + statuses.get("undecodable", 0),
        "copied": statuses.get("copied", 0),
        "rewrites": sum(1 for f in findings if f.action == REWRITTEN),
        "warnings": sum(1 for f in findings if f.severity == "WARNING") + len(project_warnings),
        "errors": sum(1 for f in findings if f.severity == "ERROR"),
        "api_calls": len(uses), "unsupported_api_calls": sum(1 for u in uses if u.support in FAILED_CATEGORIES),
        "emulator_disagreements": sum(1 for u in uses if u.agrees == "no"),
        "by_rule": dict(sorted(collections.Counter(f.rule_id for f in findings if f.action == REWRITTEN).items())),
        "by_category": {label: sum(1 for u in uses if u.support == cat) for cat, label in CATEGORIES.items()},
    }


def to_json(results, paths, meta: dict, project_warnings=()) -> dict:
    return {
        "schema": SCHEMA, **meta,
        "files": [{"file": r.rel, "output": paths[r.rel], "status": r.status, "error": r.error} for r in results],
        "findings": [f.to_json(r.rel) for r in results for f in r.findings],
        "apis": [u.to_json(r.rel) for r in results for u in r.apis],
        "project_warnings": list(project_warnings),
        "summary": summary(results, project_warnings),
    }


def write(report_dir: pathlib.Path, results, paths: dict, meta: dict, project_warnings=()) -> pathlib.Path:
    """Write every report into ``report_dir`` (created atomically: staged next to it, then renamed)."""
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.", suffix=".tmp", dir=report_dir.parent))
    try:
        blocks = _blocks(results, paths)
        if project_warnings:
            blocks[NEED_DOC].insert(0, "".join(f"{w}\n" for w in project_warnings))
        for name, body in blocks.items():
            (staging / name).write_text("".join(body), encoding="utf-8", newline="")
        (staging / BRIEF).write_text("\n".join(brief(results)) + "\n", encoding="utf-8")
        with open(staging / ANALYSIS, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(CSV_HEADER)
            n = 0
            for r in results:
                for u in r.apis:
                    n += 1
                    writer.writerow((n, r.rel, u.line, u.module, u.api, u.support or "(not in the support list)",
                                     u.note, u.emulator, u.agrees))
        with open(staging / JSON_REPORT, "w", encoding="utf-8") as f:
            json.dump(to_json(results, paths, meta, project_warnings), f, ensure_ascii=False, indent=1)
        os.rename(staging, report_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report_dir


def text_summary(s: dict) -> list[str]:
    return [
        f"convert_tf2npu: {s['files']} files: {s['python_files']} Python ({s['converted']} converted, "
        f"{s['unchanged']} unchanged, {s['not_parsed']} not parsed), {s['copied']} other files copied",
        f"  {s['rewrites']} rewrites, {s['warnings']} warnings, {s['errors']} errors; {s['api_calls']} API calls, "
        f"{s['unsupported_api_calls']} unsupported, {s['emulator_disagreements']} where the emulator disagrees "
        f"with the support list",
    ]
