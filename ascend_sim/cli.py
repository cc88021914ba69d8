"""``ascend-sim`` command line: run / analyze / report / hw.

Subcommands whose implementation has not landed yet say so and exit with status 3, so scripts can
tell "not available" from success or failure.
"""
import argparse
import sys

from ascend_sim import __version__

NOT_YET = 3
_PENDING = {
    "run": "run a TF 1.x script on the emulated Ascend 910 (NPU session runtime: not yet available)",
    "analyze": "cost a graph file without running it (emulator core: not yet available)",
    "report": "summarise / diff profiling output (profiling reports: not yet available)",
    "hw": "list or show hardware presets (hardware model: not yet available)",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ascend-sim", description="Ascend 910 emulator for TensorFlow 1.x scripts.")
    parser.add_argument("--version", action="version", version=f"ascend-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in _PENDING.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the subcommand")
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return 2
    print(f"ascend-sim {ns.command}: not yet available in this version ({_PENDING[ns.command]})", file=sys.stderr)
    return NOT_YET


if __name__ == "__main__":
    sys.exit(main())
