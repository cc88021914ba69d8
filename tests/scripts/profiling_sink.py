"""A session-like writer of profiles: appends hand-built Profiles to a ProfileSink, then ends in one of
several ways (``MODE``): ``exit`` (returns without closing: the atexit hook closes the sink), ``interrupt``
(an unhandled KeyboardInterrupt), ``kill`` (prints READY after its appends and sleeps until killed).

Usage: profiling_sink.py OUT_DIR MODE APPENDS [MAX_TASK_ITERATIONS]
"""
import json
import pathlib
import sys
import time

sys.path.append(str(pathlib.Path(__file__).resolve().parent.parent))     # tests/, for testsupport

from ascend_sim.profiling import ProfileSink  # noqa: E402
from testsupport.profiles import iterations, profile  # noqa: E402

SPECS = [dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 500, "mte2": 300}),
         dict(name="relu", op_type="Relu", pipes={"vec": 40, "mte2": 80}, phase="BP")]
ITERATIONS_PER_RUN = 2


def runs(n):
    """n runs of ITERATIONS_PER_RUN iterations, time-continued as the session runtime appends them."""
    tasks, steps = iterations(SPECS, n * ITERATIONS_PER_RUN, host_us=5.0, ipl=ITERATIONS_PER_RUN)
    for k in range(n):
        mine = set(range(k * ITERATIONS_PER_RUN, (k + 1) * ITERATIONS_PER_RUN))
        yield profile([t for t in tasks if t.iteration_id in mine], [s for s in steps if s.iteration_id in mine],
                      iterations_per_loop=ITERATIONS_PER_RUN)


def main():
    out, mode, appends = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keep = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    sink = ProfileSink(out, formats=("csv", "timeline", "summary"), flush_interval_s=0 if mode == "kill" else None,
                       max_task_iterations=keep)
    for run in runs(appends):
        sink.append(run)
    print("RESULT " + json.dumps({"path": str(sink.path), "iterations": appends * ITERATIONS_PER_RUN}), flush=True)
    if mode == "interrupt":
        raise KeyboardInterrupt
    if mode == "kill":
        print("READY", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    main()
