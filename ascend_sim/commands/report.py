"""``ascend-sim report``: not yet available (exits NOT_YET)."""
from ascend_sim.commands._pending import add_pending_parser, pending

NAME = "report"
HELP = "summarise / diff profiling output (profiling reports: not yet available)"


def add_parser(sub) -> None:
    add_pending_parser(sub, NAME, HELP)


def main(ns) -> int:
    return pending(NAME, HELP)
