"""``ascend-sim analyze PATH``: cost a graph file without running it and print the op timing summary.

``analyze PATH [--hw NAME] [--batch N] [--precision-mode M] [--fetch NAME ...] [--feed-shape NAME=d,d ...]
[--iterations N] [--top K]`` prints the summary of ``ascend_sim.analyze``. Bad input (a missing or malformed graph
file, an unknown preset, an illegal option) is one line on stderr and exit status BAD_INPUT.
"""
import contextlib
import logging
import os
import sys

from ascend_sim.commands import BAD_INPUT

NAME = "analyze"
HELP = "cost a graph file (frozen .pb, GraphDef, .meta, SavedModel directory) on the emulated Ascend 910"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help=HELP, description=HELP)
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


def main(ns) -> int:
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
        from ascend_sim.profiling import format_summary

        options = NpuOptions(precision_mode=ns.precision_mode) if ns.precision_mode is not None else None
        with _quiet_tensorflow():
            profile = analyze(ns.path, fetches=ns.fetch, feed_shapes=feed_shapes, options=options, hw=spec,
                              batch=ns.batch, iterations=ns.iterations)
    except (OSError, ValueError) as exc:
        print(f"ascend-sim analyze: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(format_summary(profile, top=ns.top))
    return 0


