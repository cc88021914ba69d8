"""``ascend-sim`` command line: run / analyze / report / hw.

Subcommands whose implementation has not landed yet say so and exit with status 3, so scripts can
tell "not available" from success or failure. ``hw`` is available: ``hw list`` and ``hw show NAME|PATH``.
"""
import argparse
import json
import sys

from ascend_sim import __version__

NOT_YET = 3
BAD_INPUT = 1
_PENDING = {
    "run": "run a TF 1.x script on the emulated Ascend 910 (NPU session runtime: not yet available)",
    "analyze": "cost a graph file without running it (emulator core: not yet available)",
    "report": "summarise / diff profiling output (profiling reports: not yet available)",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ascend-sim", description="Ascend 910 emulator for TensorFlow 1.x scripts.")
    parser.add_argument("--version", action="version", version=f"ascend-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in _PENDING.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the subcommand")
    _add_hw(sub)
    return parser


def _add_hw(sub) -> None:
    text = "list or show hardware presets (every number with its source)"
    hw = sub.add_parser("hw", help=text, description=text)
    hw.set_defaults(hw_help=hw.format_help)
    hw_sub = hw.add_subparsers(dest="hw_command", metavar="HW_COMMAND")
    hw_sub.add_parser("list", help="the shipped presets with their headline numbers")
    show = hw_sub.add_parser("show", help="every value of a preset with its source, and derived numbers")
    show.add_argument("preset", nargs="?", default=None, metavar="NAME|PATH",
                      help="a preset name from `ascend-sim hw list` or the path of a .toml preset (default: Ascend910A)")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _run_hw(ns) -> int:
    from ascend_sim import hw
    from ascend_sim.hw import describe

    if ns.hw_command is None:
        print(ns.hw_help())
        return 2
    try:
        if ns.hw_command == "list":
            print(describe.list_table([hw.load(name) for name in hw.list_presets()]))
            return 0
        spec = hw.load(ns.preset if ns.preset is not None else hw.DEFAULT_PRESET)
    except hw.HardwareSpecError as exc:
        print(f"ascend-sim hw: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(json.dumps(describe.show_json(spec), indent=2) if ns.json else describe.show_text(spec))
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return 2
    if ns.command == "hw":
        return _run_hw(ns)
    print(f"ascend-sim {ns.command}: not yet available in this version ({_PENDING[ns.command]})", file=sys.stderr)
    return NOT_YET


if __name__ == "__main__":
    sys.exit(main())
