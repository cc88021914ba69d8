"""``convert_tf2npu`` / ``python -m npu_bridge.convert_tf2npu``: see ``cli`` (flags, exit statuses)."""
import sys

from npu_bridge.convert_tf2npu.cli import main

if __name__ == "__main__":
    sys.exit(main())
