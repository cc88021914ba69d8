"""``convert_tf2npu -i SRC -o OUT -r REPORT``: not yet available in this version (exit status 3)."""
import sys

NOT_YET = 3


def main(argv=None) -> int:
    print("convert_tf2npu: the migration tool is not yet available in this version", file=sys.stderr)
    return NOT_YET


if __name__ == "__main__":
    sys.exit(main())
