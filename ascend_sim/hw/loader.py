"""Find, read, merge (``inherits``) and validate hardware preset files; ``load`` is the public entry point."""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import tomllib
from pathlib import Path

from ascend_sim.hw import schema
from ascend_sim.hw.errors import HardwareSpecError, Problem, key_lines, suggest, unknown_key
from ascend_sim.hw.spec import CONFIDENCE_TAGS, FrozenMap, HardwareSpec, Source

logger = logging.getLogger("ascend_sim.hw")

PRESET_DIR = Path(__file__).resolve().parent / "presets"
DEFAULT_PRESET = "Ascend910A"
SECTIONS = {"chip", "core", "formats", "interconnect", "overheads"}
TOP_LEVEL_KEYS = ("name", "description", "inherits", "sources", *sorted(SECTIONS))
_SOURCE = re.compile(r"^\[(" + "|".join(re.escape(tag) for tag in CONFIDENCE_TAGS) + r")\]\s*(\S.*)$", re.S)


def list_presets() -> list[str]:
    """Names of the shipped presets (the stems of ``presets/*.toml``)."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load(name_or_path=DEFAULT_PRESET) -> HardwareSpec:
    """The HardwareSpec for a preset name (see ``list_presets``) or the path of a preset ``.toml`` file.

    A HardwareSpec passes through unchanged. Raises HardwareSpecError naming the file, line and key path of
    every problem, or listing the known presets when the name is unknown.
    """
    if isinstance(name_or_path, HardwareSpec):
        return name_or_path
    path = resolve(name_or_path)
    if path.parent == PRESET_DIR:
        return _load_preset(path.stem)
    return _load_file(path)


def resolve(name_or_path, relative_to: Path | None = None) -> Path:
    """The preset file a name or path designates."""
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise HardwareSpecError([Problem("", "hw", f"expected a preset name or a path to a .toml file, "
                                                   f"got {name_or_path!r}")])
    text = os.fspath(name_or_path)
    known = list_presets()
    if text in known:
        return PRESET_DIR / f"{text}.toml"
    folded = [name for name in known if name.lower() == text.lower()]
    if len(folded) == 1:
        return PRESET_DIR / f"{folded[0]}.toml"
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if isinstance(name_or_path, os.PathLike) or text.endswith(".toml") or os.sep in text or "/" in text \
            or path.is_file():
        if not path.is_file():
            raise HardwareSpecError([Problem(str(path), "", "no such preset file")])
        return path.resolve()
    hint = suggest(text, known)
    raise HardwareSpecError([Problem("", "", f"unknown hardware preset {text!r};{hint + ';' if hint else ''} "
                                             f"known presets: {', '.join(known)} (or give the path of a .toml file)")])


@functools.lru_cache(maxsize=None)
def _load_preset(name: str) -> HardwareSpec:
    return _load_file(PRESET_DIR / f"{name}.toml")


class _Merged:
    """Values merged along an ``inherits`` chain, with which file set each leaf and that leaf's source."""

    def __init__(self):
        self.values: dict = {}
        self.origin: dict[str, str] = {}
        self.sources: dict[str, Source] = {}
        self.lines: dict[str, dict[str, int]] = {}
        self.files: list[str] = []
        self.problems: list[Problem] = []

    def report_for(self, file: str):
        def report(key: str, message: str) -> None:
            self.problems.append(Problem(file, key, message, _line(self.lines.get(file, {}), key)))
        return report

    def report_by_origin(self, default_file: str):
        def report(key: str, message: str) -> None:
            file = _nearest(self.origin, key) or default_file
            self.problems.append(Problem(file, key, message, _line(self.lines.get(file, {}), key)))
        return report


def _load_file(path: Path) -> HardwareSpec:
    merged = _Merged()
    top = _read(path, merged, chain=())
    report = merged.report_by_origin(str(path))
    sections = {}
    for name in sorted(SECTIONS):
        if name in merged.values:
            sections[name] = schema.convert(merged.values[name], _section_types()[name], {}, name, report)
        else:
            report(name, f"missing section [{name}] (expected {schema.describe(_section_types()[name])})")
    if merged.problems:
        raise HardwareSpecError(_dedupe(merged.problems))
    spec = HardwareSpec(name=top["name"], description=top["description"], sources=FrozenMap(merged.sources),
                        files=tuple(reversed(merged.files)), **sections)
    logger.debug("loaded hardware preset %s from %s", spec.name, " <- ".join(spec.files))
    return spec


@functools.lru_cache(maxsize=None)
def _section_types() -> dict:
    hints = schema._hints(HardwareSpec)
    return {name: hints[name] for name in SECTIONS}


def _read(path: Path, merged: _Merged, chain: tuple) -> dict:
    """Merge ``path`` (after what it inherits) into ``merged``; return its name and description."""
    file = str(path)
    report = merged.report_for(file)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise HardwareSpecError([Problem(file, "", f"cannot read preset file: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise HardwareSpecError([Problem(file, "", f"not valid TOML: {exc}")]) from None
    merged.lines[file] = key_lines(text)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            report(key, unknown_key(key, TOP_LEVEL_KEYS, "top-level keys"))
    top = {"name": data.get("name", path.stem), "description": data.get("description")}
    for key in ("name", "description"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            report(key, f"expected a non-empty string, got {data[key]!r}")
    parent = data.get("inherits")
    if parent is not None:
        if not isinstance(parent, str):
            report("inherits", f"expected a preset name or a .toml path, got {parent!r}")
        elif path in chain:
            report("inherits", "inheritance cycle: " + " -> ".join(str(p) for p in (*chain, path)))
            return top
        else:
            try:
                parent_path = resolve(parent, relative_to=path.parent)
            except HardwareSpecError as exc:
                report("inherits", str(exc))
            else:
                parent_top = _read(parent_path, merged, chain + (path,))
                if top["description"] is None:
                    top["description"] = f"{top['name']}: {parent_top['name']} with overrides from {path.name}"
    if top["description"] is None:
        top["description"] = top["name"]
    merged.files.append(file)
    own_sources = _parse_sources(data.get("sources", {}), report)
    set_paths = _set_leaves(data)
    for leaf in set_paths:
        source = _nearest(own_sources, leaf)
        if source is None:
            report(leaf, f'no source for this value; add "{leaf}" = "[TAG] citation" under [sources] '
                         f"(TAG one of {', '.join(CONFIDENCE_TAGS)})")
        else:
            merged.sources[leaf] = source
        merged.origin[leaf] = file
    for key in own_sources:
        if not any(leaf == key or leaf.startswith(key + ".") or key.startswith(leaf + ".") for leaf in set_paths):
            report(f"sources.{key}", "a source for a key this file does not set (sources describe this file's values)")
    _deep_merge(merged.values, {k: v for k, v in data.items() if k in SECTIONS})
    return top


def _parse_sources(table, report) -> dict[str, Source]:
    if not isinstance(table, dict):
        report("sources", f"expected a [sources] table of key path = \"[TAG] citation\", got {table!r}")
        return {}
    valid = _source_keys()
    out = {}
    for key, value in table.items():
        if key not in valid:
            hint = suggest(key, valid)
            report(f"sources.{key}", f"not a key path of the hardware spec{';' + hint if hint else ''}")
            continue
        match = _SOURCE.match(value) if isinstance(value, str) else None
        if match is None:
            report(f"sources.{key}", f"expected \"[TAG] citation\" with TAG one of {', '.join(CONFIDENCE_TAGS)}, "
                                     f"got {value!r}")
            continue
        out[key] = Source(match.group(1), match.group(2).strip())
    return out


@functools.lru_cache(maxsize=None)
def _source_keys() -> frozenset:
    """Key paths a [sources] entry may name: sections, leaves, and entries of per-dtype tables."""
    keys = set()
    for leaf in schema.leaf_paths(HardwareSpec):
        parts = leaf.split(".")
        keys.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    for leaf, allowed in _map_leaves().items():
        keys.update(f"{leaf}.{k}" for k in allowed)
    return frozenset(k for k in keys if k.split(".")[0] in SECTIONS)


@functools.lru_cache(maxsize=None)
def _map_leaves() -> dict[str, tuple]:
    """Per-dtype table leaves → their allowed keys."""
    out = {}

    def walk(cls, prefix):
        for f in schema._spec_fields(cls):
            tp = schema._hints(cls)[f.name]
            path = f"{prefix}.{f.name}" if prefix else f.name
            if dataclasses.is_dataclass(tp):
                walk(tp, path)
            elif "keys" in f.metadata:
                out[path] = f.metadata["keys"]
    walk(HardwareSpec, "")
    return out


def _set_leaves(data: dict) -> list[str]:
    """Key paths of the known values a file sets (entries of per-dtype tables one by one)."""
    leaves = set(schema.leaf_paths(HardwareSpec))
    maps = _map_leaves()
    out = []

    def walk(table, prefix):
        for key, value in table.items():
            path = f"{prefix}.{key}" if prefix else key
            if path in maps and isinstance(value, dict):
                out.extend(f"{path}.{k}" for k in value if k in maps[path])
            elif path in leaves:
                out.append(path)
            elif isinstance(value, dict):
                walk(value, path)
    walk({k: v for k, v in data.items() if k in SECTIONS}, "")
    return out


def _deep_merge(base: dict, top: dict) -> None:
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _nearest(table: dict, path: str):
    parts = path.split(".")
    while parts:
        hit = table.get(".".join(parts))
        if hit is not None:
            return hit
        parts.pop()
    return None


def _line(lines: dict[str, int], key: str) -> int | None:
    return _nearest(lines, key) if key else None


def _dedupe(problems):
    seen, out = set(), []
    for p in problems:
        if (p.file, p.key, p.message) not in seen:
            seen.add((p.file, p.key, p.message))
            out.append(p)
    return out
