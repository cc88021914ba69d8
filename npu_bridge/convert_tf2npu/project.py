"""A migration run over a file or a tree: what to process (``plan``), which file is the entry script
(``choose_main``), and the per-file work (``process``, run in worker processes by ``parallel``).

Files are read as bytes and decoded with their own encoding (a BOM or a coding cookie is honoured and written
back the same way); line endings are kept as they are.
"""
from __future__ import annotations

import dataclasses
import io
import os
import pathlib
import re
import tokenize

from npu_bridge.convert_tf2npu import apis
from npu_bridge.convert_tf2npu.engine import Options, migrate_source

PYTHON_SUFFIXES = (".py",)
_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.M)
_KERAS = re.compile(r"\bkeras\b")


@dataclasses.dataclass(frozen=True)
class Job:
    rel: str                 # posix path relative to the input root ("" name for a single file: its name)
    src: str                 # absolute path
    python: bool


@dataclasses.dataclass
class FileResult:
    rel: str
    python: bool
    status: str = "copied"   # converted / unchanged / not-parsed / undecodable / copied
    error: str = ""
    findings: list = dataclasses.field(default_factory=list)
    apis: list = dataclasses.field(default_factory=list)
    output: bytes | None = None   # new content when converted
    source_text: str = ""
    output_text: str = ""


def plan(input_path: pathlib.Path) -> tuple[pathlib.Path, list[Job]]:
    """The root and the files under it, in a stable (sorted) order; a single file is its own plan."""
    if input_path.is_file():
        return input_path.parent, [Job(input_path.name, str(input_path), input_path.suffix in PYTHON_SUFFIXES)]
    jobs = []
    for dirpath, dirnames, filenames in os.walk(input_path):
        dirnames.sort()
        for name in sorted(filenames):
            path = pathlib.Path(dirpath) / name
            if path.is_symlink() and not path.exists():
                continue
            rel = path.relative_to(input_path).as_posix()
            jobs.append(Job(rel, str(path), path.suffix in PYTHON_SUFFIXES))
    return input_path, jobs


def choose_main(jobs, main: str | None, mode: str | None) -> tuple[str | None, str]:
    """The entry script's rel path and, when none could be chosen, why (a warning for the reports).

    ``-m`` wins; otherwise the one Python file with a ``__main__`` guard that needs set-up code (Keras
    scripts; every script with ``-d horovod``). Several candidates: none is chosen, and the warning says so.
    """
    if main:
        main_path = os.path.realpath(main)
        for job in jobs:
            if os.path.realpath(job.src) == main_path:
                return job.rel, ""
        return None, f"-m {main}: not among the input files"
    candidates = []
    for job in jobs:
        if not job.python:
            continue
        try:
            text = pathlib.Path(job.src).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _MAIN_GUARD.search(text) and (mode == "horovod" or _KERAS.search(text)):
            candidates.append(job.rel)
    if len(candidates) == 1:
        return candidates[0], ""
    if len(candidates) > 1:
        shown = ", ".join(candidates[:5]) + (", ..." if len(candidates) > 5 else "")
        return None, (f"{len(candidates)} entry scripts need NPU set-up code ({shown}): pass -m to choose one; "
                      f"none was given it")
    return None, ""


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` with the file's own encoding (UTF-8 by default, ``utf-8-sig`` for a BOM)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


@dataclasses.dataclass(frozen=True)
class RunOptions:
    mode: str | None = None
    main_rel: str | None = None
    assume_estimator_train: bool = False
    support_list: str = str(apis.DEFAULT_LIST)
    keep_text: bool = False            # keep source/output text in the result (for --diff)


def process(job: Job, run: RunOptions) -> FileResult:
    """Migrate one file; never raises for bad content (the result says what went wrong)."""
    result = FileResult(job.rel, job.python)
    if not job.python:
        return result
    data = pathlib.Path(job.src).read_bytes()
    try:
        text, encoding = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        result.status, result.error = "undecodable", f"1:0: {exc}"
        return result
    options = Options(mode=run.mode, main=job.rel == run.main_rel,
                      assume_estimator_train=run.assume_estimator_train, filename=job.rel)
    migrated = migrate_source(text, options)
    result.findings = migrated.findings
    if migrated.error:
        result.status, result.error = "not-parsed", migrated.error
        return result
    if migrated.uses_api or migrated.changed:
        result.apis = apis.scan(migrated.output, apis.load(run.support_list))
    if migrated.changed:
        result.status = "converted"
        result.output = migrated.output.encode(encoding)
    else:
        result.status = "unchanged"
    if run.keep_text:
        result.source_text, result.output_text = text, migrated.output
    return result
