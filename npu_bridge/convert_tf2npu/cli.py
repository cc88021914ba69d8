"""``convert_tf2npu``: the command line (upstream's flags, non-interactive, plus --diff / --inplace / --json / -j).

Exit statuses (docs/migration.md):
  0 OK          converted (or nothing to convert); warnings may have been reported
  1 BAD_INPUT   nothing written: missing input, output or report folder inside the input, bad -m / -l, or a
                write failure (which leaves no partial output)
  2 USAGE       bad command line (argparse)
  4 ISSUES      output written, but some files could not be parsed or a rewrite is impossible (ERROR findings)
  5 CHANGES     --diff only: the migration would change files (0 when it would change nothing)
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

from npu_bridge.convert_tf2npu import apis, output, parallel, project, reports

OK, BAD_INPUT, USAGE, ISSUES, CHANGES = 0, 1, 2, 4, 5
MODES = ("horovod", "tf_strategy")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="convert_tf2npu",
        description="Migrate a TensorFlow 1.15 script or project to the Ascend NPU (npu_bridge). "
                    "The input is never modified, except with --inplace.")
    p.add_argument("-i", "--input", "--infile", "--intree", dest="input", required=True,
                   help="script or project folder to migrate")
    p.add_argument("-o", "--output", dest="output", default=None,
                   help="output root (default ./output_npu_<timestamp>); the result is <name>_npu_<timestamp> in it")
    p.add_argument("-r", "--report", dest="report", default=".",
                   help="report root (default .); the reports go to report_npu_<timestamp> in it")
    p.add_argument("-m", "--main", dest="main", default=None,
                   help="entry script: gets the NPU set-up code (Keras session, horovod resources)")
    p.add_argument("-d", "--distributed_mode", "--distributed-mode", dest="mode", choices=MODES, default=None,
                   help="also migrate distributed training: horovod → hccl, or tf.distribute → NPUStrategy")
    p.add_argument("-l", "--list", dest="support_list", default=str(apis.DEFAULT_LIST),
                   help="API support list (CSV: module,api,support,note; default: the TF 1.15 list shipped)")
    p.add_argument("--diff", action="store_true", help="print a unified diff of the changes; write nothing")
    p.add_argument("--inplace", action="store_true", help="rewrite the input files (a .bak copy of each is kept)")
    p.add_argument("--no-backup", dest="backup", action="store_false", help="with --inplace: no .bak copies")
    p.add_argument("--json", action="store_true", help="print the JSON report on stdout instead of the summary")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    progress = p.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar on stderr (default: on a terminal, for 20 files or more)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    p.add_argument("--assume-estimator-train", action="store_true",
                   help="-d tf_strategy: treat every x.train(...) that cannot be traced as Estimator.train "
                        "(upstream asked y/n per call)")
    return p


def _inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _check(ns, stamp):
    """The resolved paths, or an error message (nothing has been written yet)."""
    src = pathlib.Path(ns.input)
    if not src.exists():
        return None, f"-i {ns.input}: no such file or folder"
    if ns.diff and ns.inplace:
        return None, "--diff and --inplace exclude each other: --diff writes nothing"
    if ns.jobs < 1:
        return None, f"-j {ns.jobs}: the number of workers must be at least 1"
    if ns.main and not pathlib.Path(ns.main).is_file():
        return None, f"-m {ns.main}: no such file"
    if not pathlib.Path(ns.support_list).is_file():
        return None, f"-l {ns.support_list}: no such file (a CSV with columns {', '.join(apis.COLUMNS)})"
    out_root = pathlib.Path(ns.output) if ns.output else pathlib.Path(f"output_npu_{stamp}")
    report_root = pathlib.Path(ns.report)
    if src.is_dir():
        if not ns.inplace and not ns.diff and _inside(out_root, src):
            return None, f"-o {out_root}: the output must not be inside the input folder {src}"
        if not ns.diff and not ns.inplace and _inside(report_root / f"report_npu_{stamp}", src):
            return None, f"-r {report_root}: the reports must not be inside the input folder {src}"
    return (src, out_root, report_root), ""


def main(argv=None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    stamp = time.strftime("%Y%m%d%H%M%S")
    paths, problem = _check(ns, stamp)
    if problem:
        print(f"convert_tf2npu: {problem}", file=sys.stderr)
        return BAD_INPUT
    src, out_root, report_root = paths
    try:
        support = apis.load(str(pathlib.Path(ns.support_list).resolve()))
    except (ValueError, OSError) as exc:
        print(f"convert_tf2npu: -l {ns.support_list}: {exc}", file=sys.stderr)
        return BAD_INPUT
    root, jobs = project.plan(src)
    main_rel, main_warning = project.choose_main(jobs, ns.main, ns.mode)
    run = project.RunOptions(mode=ns.mode, main_rel=main_rel, assume_estimator_train=ns.assume_estimator_train,
                             support_list=str(support.path), keep_text=ns.diff)
    results = parallel.run(jobs, run, ns.jobs, parallel.Progress(len(jobs), enabled=ns.progress))
    warnings = [main_warning] if main_warning else []
    meta = {"input": str(src.resolve()), "mode": ns.mode, "main": main_rel, "timestamp": stamp}
    try:
        if ns.diff:
            diff = output.unified_diff(results)
            written = {r.rel: r.rel for r in results}
            report_dir = None
        elif ns.inplace:
            output.write_inplace(jobs, results, backup=ns.backup)
            written = {job.rel: job.src for job in jobs}
            meta["output"] = meta["input"]
        else:
            single = src.is_file()
            name = f"{src.stem}_npu_{stamp}{src.suffix}" if single else f"{src.resolve().name}_npu_{stamp}"
            target = output.write_tree(jobs, results, out_root / name, single)
            meta["output"] = str(target.resolve())
            written = {job.rel: str(target.resolve()) if single else str((target / job.rel).resolve()) for job in jobs}
        if not ns.diff:
            report_dir = reports.write(output.unique(report_root / f"report_npu_{stamp}"), results, written, meta,
                                       warnings)
    except OSError as exc:
        print(f"convert_tf2npu: could not write the output ({exc}); nothing was written", file=sys.stderr)
        return BAD_INPUT
    document = reports.to_json(results, written, meta, warnings)
    summary = document["summary"]
    if ns.json:
        if ns.diff:
            document["diff"] = diff
        print(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        if ns.diff:
            sys.stdout.write(diff)
        for line in reports.text_summary(summary) + [f"  warning: {w}" for w in warnings]:
            print(line, file=sys.stderr if ns.diff else sys.stdout)
        if not ns.diff:
            print(f"  output:  {meta['output']}")
            print(f"  reports: {report_dir}{os.sep}")
    if summary["not_parsed"] or summary["errors"]:
        return ISSUES
    if ns.diff and summary["converted"]:
        return CHANGES
    return OK
