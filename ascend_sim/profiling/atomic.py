"""Atomic file replacement: write a temporary file next to the target, then ``os.replace`` it.

A reader (or a run killed half-way through a write) sees either the previous complete file or the new
complete file, never a partial one. A writer that raises leaves the previous file untouched and removes its
temporary file.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

TMP_SUFFIX = ".tmp"
FILE_MODE = 0o666           # before the umask, as open() creates files (mkstemp would give 0600)


def _create_temp(target: Path) -> tuple[int, str]:
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}{TMP_SUFFIX}"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), str(tmp)
        except FileExistsError:
            continue


@contextlib.contextmanager
def replacing(path, *, binary: bool = False, newline: str | None = ""):
    """``with replacing(path) as f: f.write(...)``: ``path`` is replaced when the block ends without error.

    Text files are UTF-8; ``newline=""`` leaves line endings to the writer (what the csv module expects).
    """
    target = Path(path)
    fd, tmp = _create_temp(target)
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
