"""``ascend-sim`` command line: run / analyze / report / hw.

Each subcommand lives in its own module under ``ascend_sim.commands`` (``add_parser`` + ``main``). Subcommands
whose implementation has not landed say so and exit with NOT_YET (3), so scripts can tell "not available"
from success or failure; bad input is one line on stderr and BAD_INPUT (1).
"""
import argparse
import sys

from ascend_sim import __version__
from ascend_sim.commands import BAD_INPUT, COMMANDS, NOT_YET, USAGE
from ascend_sim.commands.analyze import parse_feed_shapes

__all__ = ["main", "build_parser", "parse_feed_shapes", "BAD_INPUT", "NOT_YET", "USAGE"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ascend-sim", description="Ascend 910 emulator for TensorFlow 1.x scripts.")
    parser.add_argument("--version", action="version", version=f"ascend-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return USAGE
    command = next(c for c in COMMANDS if c.NAME == ns.command)
    return command.main(ns)


if __name__ == "__main__":
    sys.exit(main())
