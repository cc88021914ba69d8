"""The ``ascend-sim`` subcommands, one module each.

Every module defines ``NAME``, ``HELP``, ``add_parser(subparsers)`` (registers its argparse parser) and
``main(ns) -> int`` (runs it, returns the exit status). ``COMMANDS`` is the order ``--help`` lists them in.
"""
# Exit statuses shared by the subcommands (defined before the command modules, which import them).
OK = 0
BAD_INPUT = 1          # a missing / malformed file, an unknown preset, an illegal option
USAGE = 2              # argparse's own status for usage errors
NOT_YET = 3            # the subcommand's implementation has not landed

from ascend_sim.commands import analyze, hw, report, run  # noqa: E402

COMMANDS = (run, analyze, report, hw)
