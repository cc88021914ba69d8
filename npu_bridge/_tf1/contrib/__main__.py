"""``python -m npu_bridge._tf1.contrib NAMES_FILE``: how many of the TF 1.15 ``tf.contrib`` names listed
in NAMES_FILE (one per line, ``#`` comments; e.g. ``tests/data/tf115_contrib_api.txt``) resolve, per
contrib module; ``--missing`` also lists the names that do not."""
import argparse
import sys

from npu_bridge._tf1.contrib import measure


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m npu_bridge._tf1.contrib", description=__doc__)
    parser.add_argument("names_file")
    parser.add_argument("--missing", action="store_true", help="list the names that do not resolve")
    args = parser.parse_args(argv)
    with open(args.names_file, encoding="utf-8") as handle:
        names = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    result = measure(names)
    provided_total = sum(len(provided) for provided, _ in result.values())
    rows = sorted(result.items(), key=lambda item: (-len(item[1][0]), item[0]))
    print(f"{'module':<28} {'provided':>8} {'of':>4}")
    for module, (provided, missing) in rows:
        print(f"{module:<28} {len(provided):>8} {len(provided) + len(missing):>4}")
        if args.missing and missing:
            print("    missing: " + ", ".join(name.split(".", 3)[-1] for name in missing))
    print(f"{'total':<28} {provided_total:>8} {len(names):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
