"""Calibration against published Ascend 910 results: predicted vs published throughput, ours and grappler's.

Builds ResNet-50 v1.5 (b256), BERT-large (seq 128, b96) and BERT-base (seq 128, b256) pre-training at full
size, lowers each once, fits the constants of ``ascend_sim.calibration.fit.FIT_PLAN`` on their workloads,
predicts every workload with the preset as it stands, and prints the table (errors per workload, fitted and
held-out ones apart, grappler's beside ours). ``--write-doc`` refreshes the table in docs/calibration.md.

    .venv/bin/python benchmarks/calibration.py [--no-grappler] [--write-doc] [--json] [--plan berts]

``--plan NAME`` fits another plan of ``fit.PLANS`` and predicts with its fitted values (a sensitivity study;
the preset holds the default plan's values).
"""
import argparse
import json
import logging
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

import tensorflow.compat.v1 as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")
tf.disable_v2_behavior()
warnings.filterwarnings("ignore", module="ascend_sim.calibration")     # tf.layers deprecation notes

from ascend_sim.calibration import run, table  # noqa: E402
from ascend_sim.calibration.fit import PLANS  # noqa: E402

DOC = ROOT / "docs" / "calibration.md"
BEGIN, END = "<!-- calibration-table:begin -->", "<!-- calibration-table:end -->"
COMMAND = ".venv/bin/python benchmarks/calibration.py --write-doc   # or: make calibrate"


def write_doc(report, seconds: float) -> None:
    text = DOC.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: markers {BEGIN} / {END} not found; add them where the table goes")
    block = "\n".join([BEGIN, "", f"`{COMMAND}` ({seconds:.0f} s on the 2-core development machine):", "",
                       table.format_markdown(report), "", END])
    head, rest = text.split(BEGIN, 1)
    DOC.write_text(head + block + rest.split(END, 1)[1])
    print(f"wrote the table into {DOC.relative_to(ROOT)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-grappler", action="store_true", help="skip grappler's side-by-side estimate")
    parser.add_argument("--write-doc", action="store_true", help=f"refresh the table in {DOC.relative_to(ROOT)}")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--plan", default="default", choices=sorted(PLANS),
                        help="fit plan (default: the one the preset holds; others predict with their fit)")
    args = parser.parse_args(argv)
    logging.getLogger("ascend_sim").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    if args.write_doc and args.plan != "default":
        parser.error("--write-doc writes the default plan's table only")
    report = run.calibrate(grappler=not args.no_grappler, plan=PLANS[args.plan], apply_fit=args.plan != "default")
    seconds = time.perf_counter() - t0
    if args.json:
        print(json.dumps([{"workload": r.published.key, "role": r.role, "published_per_s": r.published.samples_per_s,
                           "predicted_per_s": r.predicted_per_s, "error": r.error,
                           "grappler_per_s": r.grappler_per_s, "grappler_error": r.grappler_error}
                          for r in report.rows], indent=2))
    else:
        print(table.format_text(report))
        print(f"\n{seconds:.0f} s in all; " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings_s.items()))
    if args.write_doc:
        write_doc(report, seconds)
    return 1 if report.stale() else 0


if __name__ == "__main__":
    sys.exit(main())
