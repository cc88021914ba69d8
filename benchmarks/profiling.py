"""Cost of writing profiling reports (``ascend_sim.profiling``) next to the simulation that produced them.

A synthetic program (``benchmarks/scheduler.py``'s, ``--tasks`` tasks) is simulated for ``--iterations``
iterations (one host loop each); then each output format is written ``--repeat`` times after one warm-up
into a fresh directory: the records file alone, + csv, + timeline, + summary, and the HTML report (its
figures; matplotlib imported in the warm-up). A ProfileSink run appends the iterations one Session.run at a
time and flushes after each. Every row gives min / median ms and the ratio to ``simulate`` of the same
profile in the same run (min over min), plus the size of what was written.

    .venv/bin/python benchmarks/profiling.py [--tasks 880] [--iterations 10] [--repeat 3]
"""
import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from ascend_sim import hw as hwlib, profiling  # noqa: E402
from ascend_sim.sim import simulate  # noqa: E402
from scheduler import synthetic_program  # noqa: E402
from _timing import samples  # noqa: E402

CASES = (("records only", ()), ("records + csv", ("csv",)), ("records + timeline", ("timeline",)),
         ("records + summary", ("summary",)), ("records + html", ("html",)))


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=880)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    hw = hwlib.load()
    program = synthetic_program(args.tasks, hw)
    sim_times = samples(lambda: simulate(program, hw, args.iterations), args.repeat)
    prof = simulate(program, hw, args.iterations)
    base = min(sim_times)
    print(f"{len(prof.tasks)} task records, {len(prof.steps)} iterations; "
          f"simulate {base * 1e3:.1f} ms (min of {args.repeat})")
    print(f"{'case':<34} {'min ms':>9} {'median ms':>9} {'/ simulate':>10} {'MB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, formats in CASES:
            roots = []
            times = samples(lambda: roots.append(profiling.write(prof, tmp, formats=formats)), args.repeat)
            print(f"{label:<34} {min(times) * 1e3:9.1f} {statistics.median(times) * 1e3:9.1f} "
                  f"{min(times) / base:10.2f} {size_mb(roots[-1]):7.2f}")
        runs = [simulate(program, hw, 1, start_us=0.0)]
        for i in range(1, args.iterations):
            runs.append(simulate(program, hw, 1, start_us=runs[-1].steps[-1].end_us, first_iteration=i))

        def session():
            sink = profiling.ProfileSink(tmp, formats=("csv", "timeline", "summary"), flush_interval_s=0)
            for r in runs:
                sink.append(r)
            sink.close()
        times = samples(session, args.repeat)
        print(f"{'sink: append + flush per run':<34} {min(times) * 1e3:9.1f} {statistics.median(times) * 1e3:9.1f} "
              f"{min(times) / base:10.2f}")


if __name__ == "__main__":
    main()
