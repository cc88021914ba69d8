"""``ascend-sim run [--strict] [--output DIR] [--hw NAME] [--top K] script.py [args...]``.

Runs a TF 1.x script as ``python script.py args...`` would (``runpy``: ``__main__``, ``sys.argv``,
``sys.path[0]`` = the script's directory) with its sessions on the emulated device and profiling on, then
prints the summary of every profiled session, also when the script raises or is interrupted, and exits with
the script's status: its ``SystemExit`` code, 1 after the traceback of an exception, 130 on Ctrl-C.

Everything reaches the NPU session runtime through the environment, so this module never imports
``npu_bridge``:

- profiling: ``--output DIR`` sets ``ASCEND_SIM_RUN_OUTPUT`` (profiling on into DIR, whatever the script's
  options say); without it, ``PROFILING_MODE=true`` and, when unset, ``PROFILING_OPTIONS`` with the adapter's
  default JSON (profiles under the working directory, or where the script's own options point);
- ``--strict`` sets ``ASCEND_SIM_STRICT=1``; ``--hw`` sets ``ASCEND_SIM_HW`` (checked first);
- the upstream environment defaults the reference's runs exported (``DeviceEnvironment.missing_defaults``:
  RANK_SIZE=1, RANK_ID=0, DEVICE_ID=0, ASCEND_DEVICE_ID, DEVICE_INDEX=0, JOB_ID=1), only where unset.
"""
import argparse
import os
import runpy
import sys
import traceback

from ascend_sim.commands import BAD_INPUT
from ascend_sim.options.environment import HW_ENV, RUN_OUTPUT_ENV
from ascend_sim.options.npu_options import STRICT_ENV

NAME = "run"
HELP = "run a TF 1.x script on the emulated Ascend 910 with profiling on, then print its op timing summary"
INTERRUPTED = 130            # the shell's status for a process ended by SIGINT
SCRIPT_FAILED = 1
NO_SESSION = ("ascend-sim run: the script ran no session on the emulated device, so there is no profile "
              "(sessions reach the device once the script imports npu_bridge.npu_init)")


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("--strict", action="store_true",
                   help="unsupported ops fail the first Session.run, naming node and op type (ASCEND_SIM_STRICT=1)")
    p.add_argument("--output", default=None, metavar="DIR",
                   help="profile directory (default: the script's profiling options, else the working directory)")
    p.add_argument("--hw", default=None, metavar="NAME|PATH",
                   help="hardware preset of the emulated device (`ascend-sim hw list`; default Ascend910A)")
    p.add_argument("--top", type=int, default=15, metavar="K", help="rows in the summary's op tables (default 15)")
    p.add_argument("script", metavar="script.py", help="the script to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")


def prepare_environment(ns, environ) -> None:
    """Set the variables the session runtime reads (module docstring); raises ValueError for a bad --hw."""
    from ascend_sim.options import DeviceEnvironment
    from ascend_sim.options.profiling import DEFAULT_OPTIONS, MODE_ENV, OPTIONS_ENV

    if ns.hw is not None:
        from ascend_sim import hw as hwlib

        try:
            hwlib.load(ns.hw)
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"--hw {ns.hw!r}: {exc}") from None
        environ[HW_ENV] = ns.hw
    if ns.strict:
        environ[STRICT_ENV] = "1"
    for name, value in DeviceEnvironment.missing_defaults(environ).items():
        environ[name] = value
    if ns.output is not None:
        environ[RUN_OUTPUT_ENV] = os.path.abspath(ns.output)
    else:
        environ[MODE_ENV] = "true"
        if not environ.get(OPTIONS_ENV, "").strip():
            environ[OPTIONS_ENV] = DEFAULT_OPTIONS


def run_script(path: str, args) -> int:
    """Run ``path`` as ``__main__`` with ``args``; the exit status ``python path args`` would have."""
    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    sys.argv = [path, *args]
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    try:
        runpy.run_path(path, run_name="__main__")
        return 0
    except SystemExit as exc:
        return _exit_status(exc.code)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", file=sys.stderr)
        return INTERRUPTED
    except BaseException:           # noqa: BLE001 - the script's failure is reported like the interpreter does
        traceback.print_exc()
        return SCRIPT_FAILED
    finally:
        sys.argv = saved_argv
        if saved_path0 is not None:
            sys.path[0] = saved_path0


def _exit_status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)     # sys.exit("message"): printed, status 1
    return SCRIPT_FAILED


def print_summaries(top: int, out=None) -> int:
    """Print the summary of every profiled session of this process; returns how many had records."""
    from ascend_sim.profiling import format_summary, sinks

    out = sys.stdout if out is None else out
    found = sinks()
    if not found:
        print(NO_SESSION, file=out)
        return 0
    shown = 0
    for i, sink in enumerate(found, 1):
        profile = sink.profile
        if profile is None or not profile.steps:
            print(f"\n== device session {i}: no training step ran (profile directory {sink.path}) ==", file=out)
            continue
        if not sink.closed:
            sink.flush()                 # the files on disk hold what the summary shows
        print(f"\n== device session {i}: {len(profile.steps)} training steps, profile in {sink.path} ==", file=out)
        print(format_summary(profile, top=top), file=out)
        shown += 1
    return shown


def main(ns) -> int:
    if not os.path.isfile(ns.script):
        print(f"ascend-sim run: {ns.script}: no such file", file=sys.stderr)
        return BAD_INPUT
    if isinstance(ns.top, bool) or ns.top < 1:
        print(f"ascend-sim run: --top must be >= 1, got {ns.top}", file=sys.stderr)
        return BAD_INPUT
    try:
        prepare_environment(ns, os.environ)
    except ValueError as exc:
        print(f"ascend-sim run: {exc}", file=sys.stderr)
        return BAD_INPUT
    status = INTERRUPTED
    try:
        status = run_script(ns.script, ns.args)
    finally:
        sys.stdout.flush()
        try:
            print_summaries(ns.top)
        except KeyboardInterrupt:
            status = INTERRUPTED
    return status
