"""Writing the results: a new tree (or file), in place with backups, or a unified diff; all-or-nothing.

- ``write_tree``: everything goes to a temporary folder next to the target, renamed into place at the end; a
  failure removes it, so no partial output is ever left. File modes are kept (upstream wrote 0600).
- ``write_inplace``: every new file is first written next to its original (same folder, same mode); only
  when all are written are they moved over the originals (``os.replace``), after ``.bak`` copies.
- ``unified_diff``: the diff of each changed file; nothing is written.
"""
from __future__ import annotations

import difflib
import os
import pathlib
import shutil
import tempfile

BACKUP_SUFFIX = ".bak"


def unique(path: pathlib.Path) -> pathlib.Path:
    """``path``, or ``path-2``, ``path-3``... when it exists (two runs within the same second)."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}" if path.suffix else f"{path.name}-{n}")
        if not candidate.exists():
            return candidate
        n += 1


def _emit(result, src: str, dest: pathlib.Path):
    dest.parent.mkdir(parents=True, exist_ok=True)
    if result.output is not None:
        dest.write_bytes(result.output)
        shutil.copymode(src, dest)
    else:
        shutil.copy2(src, dest)


def write_tree(jobs, results, target: pathlib.Path, single_file: bool) -> pathlib.Path:
    """Write the converted tree (or file) at ``target`` (made unique); returns where it went."""
    target = unique(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for job, result in zip(jobs, results):
            _emit(result, job.src, staging / job.rel)
        if single_file:
            os.replace(staging / jobs[0].rel, target)
            shutil.rmtree(staging)
        else:
            os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def write_inplace(jobs, results, backup: bool = True) -> list[str]:
    """Replace the converted files in place; returns the paths written."""
    staged = []
    try:
        for job, result in zip(jobs, results):
            if result.output is None:
                continue
            src = pathlib.Path(job.src)
            fd, tmp = tempfile.mkstemp(prefix=f".{src.name}.", suffix=".tmp", dir=src.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(result.output)
            shutil.copymode(src, tmp)
            staged.append((tmp, src))
        for tmp, src in staged:
            if backup:
                shutil.copy2(src, str(src) + BACKUP_SUFFIX)
        for tmp, src in staged:
            os.replace(tmp, src)
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    return [str(src) for _, src in staged]


def unified_diff(results) -> str:
    chunks = []
    for result in results:
        if result.output is None:
            continue
        chunks.extend(difflib.unified_diff(result.source_text.splitlines(keepends=True),
                                           result.output_text.splitlines(keepends=True),
                                           fromfile=f"a/{result.rel}", tofile=f"b/{result.rel}"))
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in chunks)
