"""``ascend-sim`` command line: run / analyze / report / hw.

Subcommands whose implementation has not landed yet say so and exit with status 3, so scripts can
tell "not available" from success or failure. Available: ``hw list`` / ``hw show NAME|PATH`` and
``analyze PATH [--hw NAME] [--batch N] [--precision-mode M] [--fetch NAME ...] [--feed-shape NAME=d,d ...]
[--iterations N] [--top K]``, which prints the summary of ``ascend_sim.analyze``. Bad input (a missing or
malformed graph file, an unknown preset, an illegal option) is one line on stderr and exit status 1.
"""
import argparse
import contextlib
import json
import logging
import os
import sys

from ascend_sim import __version__

NOT_YET = 3
BAD_INPUT = 1
_PENDING = {
    "run": "run a TF 1.x script on the emulated Ascend 910 (NPU session runtime: not yet available)",
    "report": "summarise / diff profiling output (profiling reports: not yet available)",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ascend-sim", description="Ascend 910 emulator for TensorFlow 1.x scripts.")
    parser.add_argument("--version", action="version", version=f"ascend-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in _PENDING.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the subcommand")
    _add_hw(sub)
    _add_analyze(sub)
    return parser


def _add_analyze(sub) -> None:
    text = "cost a graph file (frozen .pb, GraphDef, .meta, SavedModel directory) on the emulated Ascend 910"
    p = sub.add_parser("analyze", help=text, description=text)
    p.add_argument("path", metavar="PATH", help="the graph file or SavedModel directory")
    p.add_argument("--hw", default=None, metavar="NAME|PATH",
                   help="hardware preset name (`ascend-sim hw list`) or .toml path (default: Ascend910A)")
    p.add_argument("--batch", type=int, default=None, metavar="N",
                   help="batch size: resolves unknown batch dimensions and gives throughput")
    p.add_argument("--precision-mode", default=None, metavar="M",
                   help="NpuOptimizer precision_mode (allow_fp32_to_fp16, force_fp16, allow_mix_precision, "
                        "must_keep_origin_dtype, ...)")
    p.add_argument("--fetch", action="extend", nargs="+", default=None, metavar="NAME",
                   help="fetch node(s) to keep (default: the graph's train op / outputs)")
    p.add_argument("--feed-shape", action="append", default=None, metavar="NAME=d,d",
                   help="static shape of an input with unknown dimensions, e.g. input=32,224,224,3 (repeatable)")
    p.add_argument("--iterations", type=int, default=1, metavar="N",
                   help="host loops (Session.run calls) to simulate (default 1)")
    p.add_argument("--top", type=int, default=15, metavar="K", help="rows in the op tables (default 15)")


def _add_hw(sub) -> None:
    text = "list or show hardware presets (every number with its source)"
    hw = sub.add_parser("hw", help=text, description=text)
    hw.set_defaults(hw_help=hw.format_help)
    hw_sub = hw.add_subparsers(dest="hw_command", metavar="HW_COMMAND")
    hw_sub.add_parser("list", help="the shipped presets with their headline numbers")
    show = hw_sub.add_parser("show", help="every value of a preset with its source, and derived numbers")
    show.add_argument("preset", nargs="?", default=None, metavar="NAME|PATH",
                      help="a preset name from `ascend-sim hw list` or the path of a .toml preset (default: Ascend910A)")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _run_hw(ns) -> int:
    from ascend_sim import hw
    from ascend_sim.hw import describe

    if ns.hw_command is None:
        print(ns.hw_help())
        return 2
    try:
        if ns.hw_command == "list":
            print(describe.list_table([hw.load(name) for name in hw.list_presets()]))
            return 0
        spec = hw.load(ns.preset if ns.preset is not None else hw.DEFAULT_PRESET)
    except hw.HardwareSpecError as exc:
        print(f"ascend-sim hw: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(json.dumps(describe.show_json(spec), indent=2) if ns.json else describe.show_text(spec))
    return 0


def parse_feed_shapes(items) -> dict | None:
    """``["x=32,224,224,3", "y=32"]`` → ``{"x": (32, 224, 224, 3), "y": (32,)}``; ValueError naming the bad one."""
    if not items:
        return None
    shapes = {}
    for item in items:
        name, sep, dims = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            shape = tuple(int(d) for d in dims.split(",")) if dims.strip() else ()
            if any(d < 0 for d in shape):
                raise ValueError
        except ValueError:
            raise ValueError(f"--feed-shape {item!r}: expected NAME=d,d,... with dimensions >= 0 "
                             f"(e.g. input=32,224,224,3)") from None
        shapes[name.strip()] = shape
    return shapes


@contextlib.contextmanager
def _quiet_tensorflow():
    """TensorFlow's start-up notes and deprecation notices are not the summary's business (restored after)."""
    tf_logger = logging.getLogger("tensorflow")
    level, env = tf_logger.level, os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tf_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        tf_logger.setLevel(level)
        if env is None:
            os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)


def _run_analyze(ns) -> int:
    from ascend_sim import hw as hwlib

    try:
        for flag, value in (("--batch", ns.batch), ("--iterations", ns.iterations), ("--top", ns.top)):
            if value is not None and value < 1:
                raise ValueError(f"{flag} must be a positive integer, got {value}")
        if not os.path.exists(ns.path):
            raise FileNotFoundError(f"{ns.path}: no such file or directory")
        feed_shapes = parse_feed_shapes(ns.feed_shape)
        spec = hwlib.load(ns.hw if ns.hw is not None else hwlib.DEFAULT_PRESET)
        from ascend_sim.api import analyze
        from ascend_sim.options import NpuOptions
        from ascend_sim.sim.summary import format_summary

        options = NpuOptions(precision_mode=ns.precision_mode) if ns.precision_mode is not None else None
        with _quiet_tensorflow():
            profile = analyze(ns.path, fetches=ns.fetch, feed_shapes=feed_shapes, options=options, hw=spec,
                              batch=ns.batch, iterations=ns.iterations)
    except (OSError, ValueError) as exc:
        print(f"ascend-sim analyze: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(format_summary(profile, top=ns.top))
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return 2
    if ns.command == "hw":
        return _run_hw(ns)
    if ns.command == "analyze":
        return _run_analyze(ns)
    print(f"ascend-sim {ns.command}: not yet available in this version ({_PENDING[ns.command]})", file=sys.stderr)
    return NOT_YET


if __name__ == "__main__":
    sys.exit(main())
