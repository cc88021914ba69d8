"""``DumpSettings``: the data-dump and overflow-dump options, validated like the adapter (reference §6.1, §3.2).

``DumpSettings.from_options(options, check_path=True)`` reads ``enable_dump`` / ``dump_path`` / ``dump_step`` /
``dump_mode`` / ``dump_data`` / ``dump_layer`` and ``enable_dump_debug`` / ``dump_debug_mode``. Dumping needs
``dump_path``, an existing read-write directory, kept as its realpath (as upstream); ``dump_step`` and
``dump_mode`` are read only with ``enable_dump``, ``dump_debug_mode`` only with ``enable_dump_debug``. Legal values
are checked when the NpuOptions is built. The emulator dumps no tensors: the runtime logs one line saying so
when ``active``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ascend_sim.options.formats import dump_steps
from ascend_sim.options.rules import checked_directory


@dataclass(frozen=True)
class DumpSettings:
    """Dump settings (see the module docstring). ``steps`` () means every step."""

    enabled: bool = False
    debug_enabled: bool = False
    path: str | None = None
    steps: tuple = ()
    mode: str = "output"
    debug_mode: str = "all"
    data: str = "tensor"
    layer: str = ""

    @property
    def active(self) -> bool:
        """True when a data dump or an overflow dump is requested."""
        return self.enabled or self.debug_enabled

    def includes_step(self, step: int) -> bool:
        """Whether a data dump would cover ``step`` (every step when ``steps`` is empty)."""
        return self.enabled and (not self.steps or any(low <= step <= high for low, high in self.steps))

    @classmethod
    def from_options(cls, options, *, check_path: bool = True) -> "DumpSettings":
        if options is None or not (options.enable_dump or options.enable_dump_debug):
            return cls()
        which = "enable_dump" if options.enable_dump else "enable_dump_debug"
        if not options.dump_path:
            raise ValueError(f"{which}=True requires dump_path (an existing read-write directory)")
        path = checked_directory(options.dump_path, "dump_path") if check_path else options.dump_path
        enabled = bool(options.enable_dump)
        return cls(enabled=enabled, debug_enabled=bool(options.enable_dump_debug), path=path,
                   steps=dump_steps(options.dump_step) if enabled and options.dump_step else (),
                   mode=options.dump_mode if enabled else "output",
                   debug_mode=options.dump_debug_mode if options.enable_dump_debug else "all",
                   data=options.dump_data, layer=options.dump_layer)
