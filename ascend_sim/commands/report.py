"""``ascend-sim report DIR [--html OUT] [--compare OTHER_DIR] [--top K]``: read a profile directory back.

Prints the terminal summary of the profile in DIR (a ``PROF_*`` directory written by ``ascend-sim run`` or
``ascend_sim.profiling.write``, one of its folders, or a folder holding exactly one). ``--compare OTHER_DIR``
adds the difference DIR → OTHER_DIR (step time, throughput, device time per op type: e.g. DIR profiled with
fp32, OTHER_DIR with allow_mix_precision). ``--html OUT`` writes the self-contained HTML report (with the
comparison when ``--compare`` is given). Bad input is one line on stderr and exit status BAD_INPUT.
"""
import sys
from pathlib import Path

from ascend_sim.commands import BAD_INPUT, OK

NAME = "report"
HELP = "summarise a profile directory; write its HTML report; diff two profiles"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("dir", metavar="DIR", help="profile directory (PROF_* or a folder holding one)")
    p.add_argument("--html", default=None, metavar="OUT", help="write the HTML report to OUT")
    p.add_argument("--compare", default=None, metavar="OTHER_DIR",
                   help="a second profile: print the differences DIR -> OTHER_DIR")
    p.add_argument("--top", type=int, default=15, metavar="K", help="rows in the op tables (default 15)")


def main(ns) -> int:
    from ascend_sim import profiling
    from ascend_sim.profiling import atomic

    try:
        if ns.top < 1:
            raise ValueError(f"--top must be a positive integer, got {ns.top}")
        profile = profiling.load(ns.dir)
        other = profiling.load(ns.compare) if ns.compare is not None else None
        out = Path(ns.html) if ns.html is not None else None
        if out is not None and out.is_dir():
            raise IsADirectoryError(f"--html {out}: is a directory; give the path of the HTML file to write")
        if out is not None and not out.parent.is_dir():
            raise FileNotFoundError(f"--html {out}: directory {out.parent} does not exist")
    except (OSError, ValueError) as exc:
        print(f"ascend-sim report: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(profiling.format_summary(profile, top=ns.top))
    if other is not None:
        names = (Path(ns.dir).resolve().name, Path(ns.compare).resolve().name)
        print()
        print(profiling.format_diff(profiling.diff(profile, other), top=ns.top, names=names))
    if out is not None:
        title = f"ascend-sim profile {profiling.find(ns.dir).root.name}"
        try:
            atomic.write_text(out, profiling.render_html(profile, title=title, compare=other,
                                                         compare_name=Path(ns.compare or "").resolve().name))
        except OSError as exc:
            print(f"ascend-sim report: --html {out}: {exc}", file=sys.stderr)
            return BAD_INPUT
        print(f"\nHTML report: {out}")
    return OK
