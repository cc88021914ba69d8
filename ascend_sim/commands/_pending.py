"""Shared behaviour of a subcommand whose implementation has not landed: say so, exit NOT_YET."""
import argparse
import sys


def add_pending_parser(sub, name: str, help_text: str) -> None:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the subcommand")


def pending(name: str, help_text: str) -> int:
    from ascend_sim.commands import NOT_YET

    print(f"ascend-sim {name}: not yet available in this version ({help_text})", file=sys.stderr)
    return NOT_YET
