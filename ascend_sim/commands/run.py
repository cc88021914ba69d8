"""``ascend-sim run``: not yet available (exits NOT_YET)."""
from ascend_sim.commands._pending import add_pending_parser, pending

NAME = "run"
HELP = "run a TF 1.x script on the emulated Ascend 910 (NPU session runtime: not yet available)"


def add_parser(sub) -> None:
    add_pending_parser(sub, NAME, HELP)


def main(ns) -> int:
    return pending(NAME, HELP)
