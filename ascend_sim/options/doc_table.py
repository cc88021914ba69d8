"""The key table rendered as Markdown, one table per adapter group (docs/options.md embeds it verbatim).

``markdown_tables()`` returns the text between the ``<!-- keys -->`` and ``<!-- /keys -->`` markers of
docs/options.md; a test keeps the page equal to it, so the docs follow the table.
"""
from __future__ import annotations

from ascend_sim.options.keys import KEYS
from ascend_sim.options.spec import ACCESSOR_OF_KIND, EFFECTS, GROUPS, SIZE
from ascend_sim.options.values import legal_values

_ANY = {"bool": "True / False", "int": "any integer", "str": "any string", "size": "decimal digits"}
_TITLES = {"pass": "Pass options", "session": "Session options", "init": "Init options",
           "legacy": "Legacy keys"}


def _default(spec) -> str:
    if spec.default is None:
        return "unset"
    if isinstance(spec.default, str):
        return f'`"{spec.default}"`'
    return f"`{spec.default}`"


def _kind(spec) -> str:
    kind = "int bytes" if spec.kind == SIZE else spec.kind
    return f"{kind} (`.{ACCESSOR_OF_KIND[spec.kind]}`)"


def _legal(spec) -> str:
    parts = [legal_values(spec).replace("|", "\\|") or _ANY[spec.kind]]
    if spec.read_if:
        parts.append(f"read only with `{spec.read_if}`")
    if spec.field_strict:
        parts.append("another AttrValue field is an error")
    if spec.deprecated:
        parts.append("deprecated")
    return "; ".join(parts)


def _effect(spec) -> str:
    text = f"**{spec.effect}**"
    return f"{text}: {spec.note}" if spec.note else text


def markdown_tables() -> str:
    """One Markdown table per group of ``KEYS`` (key, type, default, legal values, emulation)."""
    lines = []
    for group, title in _TITLES.items():
        lines += [f"### {title}", "", f"{GROUPS[group][0].upper()}{GROUPS[group][1:]}.", "",
                  "| Key | Type | Default | Legal values | Emulation |", "|---|---|---|---|---|"]
        for spec in KEYS:
            if spec.group == group:
                lines.append(f"| `{spec.key}` | {_kind(spec)} | {_default(spec)} | {_legal(spec)} | {_effect(spec)} |")
        lines.append("")
    lines += ["Emulation column: " + "; ".join(f"**{name}**: {text}" for name, text in EFFECTS.items()) + "."]
    return "\n".join(lines)
