"""Load the upstream npu_bridge surface table (the API-surface test's specification).

The table lives in ``shared/reference/data/npu_bridge_surface.json`` beside the repository; a copy is
vendored in ``tests/data`` so the suite runs from a clean clone without ``shared/``.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
VENDORED = HERE.parent / "data" / "npu_bridge_surface.json"


def load_surface() -> dict:
    with open(VENDORED, encoding="utf-8") as f:
        return json.load(f)


def iter_modules(surface: dict):
    """(module path, module spec) for upstream npu_bridge modules and the external hccl package."""
    yield from surface["modules"].items()
    yield from surface["external"].items()


def iter_names(surface: dict):
    """(module path, name, spec) for every public name, plus the legacy names scripts still call."""
    for module, spec in iter_modules(surface):
        for name, info in spec["names"].items():
            yield module, name, info
    for module, names in surface["legacy"].items():
        for name, info in names.items():
            yield module, name, info
