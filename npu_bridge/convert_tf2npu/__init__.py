"""``convert_tf2npu``: the TF 1.15 → Ascend NPU migration tool (docs/migration.md).

Library first: ``migrate_source(text, Options(...)) -> Result`` converts one file in memory (new text and
findings); the command line (``cli``, console script ``convert_tf2npu``) runs it over a file or a tree.
"""
from npu_bridge.convert_tf2npu.engine import Options, Result, migrate_source

__all__ = ["Options", "Result", "migrate_source"]
