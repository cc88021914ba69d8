"""Errors from loading a hardware preset: each problem names the file, the line where known, and the key path."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    key: str           # dotted key path ("" for the file as a whole)
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [part for part in (where, self.key, self.message) if part]
        return ": ".join(parts)


class HardwareSpecError(ValueError):
    """A preset could not be found or is invalid. ``problems`` lists every problem found, one per key."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            text = f"{len(self.problems)} problems in hardware preset:\n" + "\n".join(f"  {p}" for p in self.problems)
        super().__init__(text)


def suggest(word: str, choices) -> str:
    """' did you mean 'x'?' for the closest choice, or ''."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:   # abbreviations such as fp16 -> float16: same first letter, same digits
        digits = "".join(ch for ch in word if ch.isdigit())
        close = [c for c in choices if digits and c[:1] == word[:1] and "".join(ch for ch in c if ch.isdigit()) == digits]
    return f" did you mean {close[0]!r}?" if close else ""


def unknown_key(key: str, choices, label: str = "keys here") -> str:
    """The message for an unknown key: a suggestion, then what is allowed."""
    choices = list(choices)
    return f"unknown key;{suggest(key, choices)} ({label}: {', '.join(choices)})".replace("; (", " (")


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=')


def _split_key(text: str) -> list[str]:
    if text.startswith('"'):
        return [text[1:-1]]
    return [part.strip().strip('"') for part in text.split(".")]


def key_lines(text: str) -> dict[str, int]:
    """Dotted key path → 1-based line of a TOML document (good enough for error messages, not a parser)."""
    lines: dict[str, int] = {}
    section: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            section = _split_key(header.group(1)) if not header.group(1).startswith('"') else [header.group(1)[1:-1]]
            lines.setdefault(".".join(section), number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault(".".join(section + _split_key(key.group(1))), number)
    return lines
