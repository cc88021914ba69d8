"""``ascend-sim hw list`` / ``hw show NAME|PATH [--json]``: the hardware presets, every number with its source."""
import json
import sys

NAME = "hw"
HELP = "list or show hardware presets (every number with its source)"


def add_parser(sub) -> None:
    hw = sub.add_parser(NAME, help=HELP, description=HELP)
    hw.set_defaults(hw_help=hw.format_help)
    hw_sub = hw.add_subparsers(dest="hw_command", metavar="HW_COMMAND")
    hw_sub.add_parser("list", help="the shipped presets with their headline numbers")
    show = hw_sub.add_parser("show", help="every value of a preset with its source, and derived numbers")
    show.add_argument("preset", nargs="?", default=None, metavar="NAME|PATH",
                      help="a preset name from `ascend-sim hw list` or the path of a .toml preset (default: Ascend910A)")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(ns) -> int:
    from ascend_sim import hw
    from ascend_sim.commands import BAD_INPUT, USAGE
    from ascend_sim.hw import describe

    if ns.hw_command is None:
        print(ns.hw_help())
        return USAGE
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
