"""Text and JSON views of hardware presets for ``ascend-sim hw list`` / ``hw show``."""
from __future__ import annotations

from ascend_sim.hw.loader import DEFAULT_PRESET
from ascend_sim.hw.spec import HardwareSpec


def list_table(specs: list[HardwareSpec]) -> str:
    """One line per preset: name, cores, clock, peak fp16, HBM, description (default marked with *)."""
    header = ("preset", "AI cores", "clock MHz", "fp16 TFLOPS", "HBM GiB", "description")
    rows = [header]
    for spec in specs:
        mark = "*" if spec.name == DEFAULT_PRESET else ""
        rows.append((spec.name + mark, str(spec.chip.ai_core_count), f"{spec.chip.ai_core_clock_mhz:g}",
                     f"{spec.derived()['peak_fp16_tflops'][0]:.1f}", f"{spec.chip.hbm_bytes / 2**30:g}",
                     spec.description))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines.append(f"* default ({DEFAULT_PRESET}); `ascend-sim hw show NAME|PATH` prints every value with its source")
    return "\n".join(line.rstrip() for line in lines)


def format_value(value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def show_text(spec: HardwareSpec) -> str:
    """Every value with its source, then the derived headline numbers with their formulas."""
    lines = [f"{spec.name}: {spec.description}", "files: " + " <- ".join(spec.files), ""]
    values = {path: format_value(value) for path, value in spec.values().items()}
    key_w = max(len(p) for p in values)
    val_w = max(len(v) for v in values.values())
    lines.append(f"{'key'.ljust(key_w)}  {'value'.ljust(val_w)}  source")
    for path, text in values.items():
        lines.append(f"{path.ljust(key_w)}  {text.ljust(val_w)}  {spec.source_of(path)}")
    lines += ["", "derived [DER]"]
    derived = spec.derived()
    name_w = max(len(n) for n in derived)
    for name, (value, formula) in derived.items():
        lines.append(f"{name.ljust(name_w)}  {value:10.2f}  = {formula}")
    return "\n".join(lines)


def show_json(spec: HardwareSpec) -> dict:
    """A JSON-ready dict: name, description, files, values, sources (by key path), derived numbers."""
    values = spec.values()
    return {
        "name": spec.name,
        "description": spec.description,
        "files": list(spec.files),
        "values": {p: list(v) if isinstance(v, tuple) else v for p, v in values.items()},
        "sources": {p: {"confidence": spec.source_of(p).confidence, "citation": spec.source_of(p).citation}
                    for p in values},
        "derived": {name: {"value": value, "formula": formula} for name, (value, formula) in spec.derived().items()},
    }
