"""Shared test set-up: TF 1.x behaviour via npu_bridge, upstream-style environment defaults."""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
for key, value in {"RANK_SIZE": "1", "RANK_ID": "0", "DEVICE_ID": "0", "JOB_ID": "10086"}.items():
    os.environ.setdefault(key, value)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import npu_bridge  # noqa: E402,F401  (installs the TF 1.15 runtime before any test builds a graph)
