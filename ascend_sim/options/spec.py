"""One NpuOptimizer ``parameter_map`` key described as data (``KeySpec``), and what a key's value may be.

A ``KeySpec`` gives the key's AttrValue field (``b``, ``i`` or ``s``, the one the adapter reads), the Python kind
it is parsed to, its default when absent, its group in the adapter (pass / session / init options, or legacy),
its legal values (``choices``, an inclusive ``low``..``high`` range, or a named string ``fmt`` from
``ascend_sim.options.formats``), the key that gates it (``read_if``: the adapter reads the key only when that one
is set), a deprecation note, and what the emulator does with it (``effect`` from ``EFFECTS`` plus ``note``).
The table of every key is ``ascend_sim.options.keys.KEYS``.
"""
from __future__ import annotations

from dataclasses import dataclass

PASS, SESSION, INIT, LEGACY = "pass", "session", "init", "legacy"
GROUPS = {
    PASS: "pass option (shapes how the adapter rewrites the TF graph)",
    SESSION: "GE session option (one per TF session)",
    INIT: "GE initialize option (process-global, the first initialization wins)",
    LEGACY: "written by NPUEstimator or old scripts, never read by the master adapter",
}

# What the emulator does with a key (the docs' "emulation" column).
COSTED, RUNTIME, DEVICE, VALIDATED, IGNORED = "costed", "runtime", "device", "validated", "ignored"
EFFECTS = {
    COSTED: "changes the lowered program or its emulated time",
    RUNTIME: "read by the session runtime (steps per run, profiling, dump notice)",
    DEVICE: "read by DeviceEnvironment",
    VALIDATED: "validated, no effect on the emulation",
    IGNORED: "accepted and ignored, as upstream",
}

# Python kind of a parsed value: bool, int, str, or a decimal byte count carried in a string field.
BOOL, INT, STR, SIZE = "bool", "int", "str", "size"
ACCESSOR_OF_KIND = {BOOL: "b", INT: "i", STR: "s", SIZE: "s"}


@dataclass(frozen=True)
class KeySpec:
    """One ``parameter_map`` key (see the module docstring)."""

    key: str
    kind: str
    default: object
    group: str
    effect: str
    note: str = ""
    choices: tuple = ()
    low: int | None = None
    high: int | None = None
    fmt: str | None = None
    read_if: str | None = None
    deprecated: str = ""
    field_strict: bool = False    # a value in another AttrValue field is an error (jit_compile), not the default

    @property
    def accessor(self) -> str:
        """The AttrValue field the adapter reads: ``b``, ``i`` or ``s``."""
        return ACCESSOR_OF_KIND[self.kind]

    @property
    def checked(self) -> bool:
        return bool(self.choices) or self.low is not None or self.high is not None or self.fmt is not None


def b(key, default, group, effect, note="", **kw) -> KeySpec:
    return KeySpec(key, BOOL, default, group, effect, note, **kw)


def i(key, default, group, effect, note="", **kw) -> KeySpec:
    return KeySpec(key, INT, default, group, effect, note, **kw)


def s(key, default, group, effect, note="", **kw) -> KeySpec:
    return KeySpec(key, STR, default, group, effect, note, **kw)


def size(key, default, group, effect, note="", **kw) -> KeySpec:
    return KeySpec(key, SIZE, default, group, effect, note, **kw)
