"""Atomic file replacement: write a temporary file next to the target, then ``os.replace`` it.

A reader (or a run killed half-way through a write) sees either the previous complete file or the new
complete file, never a partial one. A writer that raises leaves the previous file untouched and removes its
temporary file.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def replacing(path, *, binary: bool = False, newline: str | None = ""):
    """``with replacing(path) as f: f.write(...)``: ``path`` is replaced when the block ends without error.

    Text files are UTF-8; ``newline=""`` leaves line endings to the writer (what the csv module expects).
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path, text: str) -> None:
    with replacing(path) as f:
        f.write(text)


def write_bytes(path, data: bytes) -> None:
    with replacing(path, binary=True) as f:
        f.write(data)
