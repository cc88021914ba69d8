"""API analysis: every TensorFlow / Horovod call in a migrated file, classified with the TF 1.15 support list
(``data/tf1.15_api_support.csv``, Huawei's list as shipped) and cross-checked with ascend_sim's op registry.

- ``SupportList.lookup(canonical)``: the list's row for an API, trying in turn the name itself, its
  ``tf_upgrade_v2`` rename (``tf.random_normal`` ≡ ``tf.random.normal``) and its parent class
  (``tf.data.Dataset.from_tensor_slices`` → ``tf.data.Dataset``).
- ``emulator_status(canonical)``: for APIs that build one TensorFlow op, whether ascend_sim maps that op to a
  registered Ascend op (``ascend_sim.graph.tf_op_map.covered``) or would run it as an AI CPU fallback.
- ``scan(text)``: the calls found in the OUTPUT text (stdlib ``ast``; positions are the output's).
"""
from __future__ import annotations

import ast
import csv
import functools
import logging
import pathlib
import re

from npu_bridge.convert_tf2npu.findings import ApiUse
from npu_bridge.convert_tf2npu.names import ast_dotted, canonicalize, imports_of_ast, is_api

logger = logging.getLogger(__name__)

DEFAULT_LIST = pathlib.Path(__file__).resolve().parent / "data" / "tf1.15_api_support.csv"
COLUMNS = ("module", "api", "support", "note")

# The 8 categories (byte-for-byte as upstream ships them) → the brief report's English label, in its order.
CATEGORIES = {
    "支持（无需迁移）": "Support",
    "工具迁移后API功能支持": "API support after migration",
    "工具迁移后训练功能打通": "Network training support after migration",
    "不支持（不影响迁移，用户无需干预）": "Not support but no impact on migration",
    "不支持（无迁移方案，建议用户不使用）": "Not support or recommended",
    "兼容类": "Compatible",
    "废弃类": "Deprecated",
    "分析中（特性商用时不应该存在）": "Analysing",
}
# Categories that go to failed_report.txt (upstream §3.2), and those that say the API runs on the NPU.
FAILED_CATEGORIES = ("分析中（特性商用时不应该存在）", "不支持（无迁移方案，建议用户不使用）")
RUNS_CATEGORIES = ("支持（无需迁移）", "工具迁移后API功能支持", "工具迁移后训练功能打通", "兼容类")

# APIs whose TensorFlow op is not their own name (the rest are found by name: tf.nn.conv2d → Conv2D).
API_OPS = {
    "tf.add": "AddV2", "tf.math.add": "AddV2", "tf.subtract": "Sub", "tf.multiply": "Mul", "tf.divide": "RealDiv",
    "tf.reduce_sum": "Sum", "tf.reduce_mean": "Mean", "tf.reduce_max": "Max", "tf.reduce_min": "Min",
    "tf.reduce_prod": "Prod", "tf.reduce_all": "All", "tf.reduce_any": "Any", "tf.math.reduce_sum": "Sum",
    "tf.math.reduce_mean": "Mean", "tf.concat": "ConcatV2", "tf.argmax": "ArgMax", "tf.argmin": "ArgMin",
    "tf.constant": "Const", "tf.gather": "GatherV2", "tf.nn.embedding_lookup": "GatherV2",
    "tf.layers.dense": "MatMul", "tf.layers.conv2d": "Conv2D", "tf.layers.max_pooling2d": "MaxPool",
    "tf.layers.average_pooling2d": "AvgPool", "tf.layers.batch_normalization": "FusedBatchNormV3",
    "tf.nn.max_pool": "MaxPool", "tf.nn.avg_pool": "AvgPool", "tf.nn.softmax": "Softmax",
    "tf.nn.log_softmax": "LogSoftmax", "tf.nn.softmax_cross_entropy_with_logits": "SoftmaxCrossEntropyWithLogits",
    "tf.nn.softmax_cross_entropy_with_logits_v2": "SoftmaxCrossEntropyWithLogits",
    "tf.nn.sparse_softmax_cross_entropy_with_logits": "SparseSoftmaxCrossEntropyWithLogits",
    "tf.nn.top_k": "TopKV2", "tf.math.top_k": "TopKV2", "tf.nn.in_top_k": "InTopKV2", "tf.print": "PrintV2",
    "tf.random_normal": "RandomStandardNormal", "tf.random.normal": "RandomStandardNormal",
    "tf.random_uniform": "RandomUniform", "tf.random.uniform": "RandomUniform",
    "tf.truncated_normal": "TruncatedNormal", "tf.random.truncated_normal": "TruncatedNormal",
    "tf.where": "Select", "tf.nn.leaky_relu": "LeakyRelu", "tf.one_hot": "OneHot", "tf.zeros": "Fill",
    "tf.ones": "Fill", "tf.fill": "Fill", "tf.Variable": "VariableV2", "tf.get_variable": "VariableV2",
}


@functools.lru_cache(maxsize=None)
def _raw_op_index() -> dict:
    """normalised name (lower case, no underscores) → TensorFlow op type, for every registered op."""
    try:
        from tensorflow.python.framework import op_def_registry
        names = op_def_registry.get_registered_ops().keys() if hasattr(op_def_registry, "get_registered_ops") else ()
        if not names:
            import tensorflow
            names = [n for n in dir(tensorflow.raw_ops) if n[:1].isupper()]
    except ImportError:     # pragma: no cover - tensorflow is a dependency
        names = ()
    return {n.lower().replace("_", ""): n for n in names}


@functools.lru_cache(maxsize=None)
def _registry():
    from ascend_sim.graph import tf_op_map
    from ascend_sim.ops import registry
    return tf_op_map, registry.REGISTRY


def op_of(api: str) -> str:
    """The TensorFlow op type ``api`` builds, when it builds one op known by name ("" otherwise)."""
    if api in API_OPS:
        return API_OPS[api]
    leaf = api.rsplit(".", 1)[-1]
    if not leaf[:1].islower():     # classes (tf.Session, tf.train.AdamOptimizer) are not ops
        return ""
    return _raw_op_index().get(leaf.replace("_", ""), "")


def emulator_status(api: str) -> str:
    op = op_of(api)
    if not op:
        return ""
    tf_op_map, registered = _registry()
    rule = tf_op_map.rule_for(op)
    if rule is not None and rule.host:
        return f"{op}: stays on the host ({rule.host})"
    if tf_op_map.covered(op, registered):
        return f"{op} → {tf_op_map.ascend_type(op)}: registered"
    return f"{op} → {tf_op_map.ascend_type(op)}: not registered (AI CPU fallback)"


@functools.lru_cache(maxsize=1)
def _renames() -> dict:
    try:
        from tensorflow.tools.compatibility import renames_v2
    except ImportError:     # pragma: no cover
        return {}
    table = {}
    for old, new in renames_v2.renames.items():
        old_c, new_c = canonicalize(old.replace("tf.", "tensorflow.", 1)), canonicalize(new.replace("tf.", "tensorflow.", 1))
        if old_c != new_c:
            table.setdefault(old_c, new_c)
            table.setdefault(new_c, old_c)
    return table


class SupportList:
    def __init__(self, path=DEFAULT_LIST):
        self.path = pathlib.Path(path)
        self.rows: dict[str, dict] = {}
        with open(self.path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise ValueError(f"{self.path}:1: support list lacks column(s) {', '.join(missing)}; "
                                 f"expected columns: {', '.join(COLUMNS)}")
            for line, row in enumerate(reader, start=2):
                if row["support"] and row["support"] not in CATEGORIES:
                    raise ValueError(f"{self.path}:{line}: unknown support category {row['support']!r}; "
                                     f"categories: {', '.join(CATEGORIES)}")
                api = re.sub(r"\(.*\)$", "", row["api"].strip())
                self.rows.setdefault(api, row)

    def lookup(self, api: str):
        """``(row, how)``: the row for ``api`` and how it was found ("", "rename of X", "class X"); (None, "")."""
        if api in self.rows:
            return self.rows[api], ""
        renamed = _renames().get(api)
        if renamed and renamed in self.rows:
            return self.rows[renamed], f"as {renamed}"
        parent = api
        while parent.count(".") > 1:
            parent = parent.rsplit(".", 1)[0]
            row = self.rows.get(parent)
            if row is not None and parent.rsplit(".", 1)[-1][:1].isupper():
                return row, f"member of {parent}"
        return None, ""

    def classify(self, api: str, line: int, col: int) -> ApiUse:
        row, how = self.lookup(api)
        use = ApiUse(api=api, line=line, col=col)
        if row is not None:
            use.module, use.support, use.note = row["module"], row["support"], row["note"]
            if how:
                use.note = f"({how}) {use.note}"
        else:
            use.module = api.rsplit(".", 1)[0]
        use.emulator = emulator_status(api)
        if use.emulator and use.support:
            runs = "not registered" not in use.emulator
            use.agrees = "yes" if runs == (use.support in RUNS_CATEGORIES) else "no"
        return use


@functools.lru_cache(maxsize=4)
def load(path=DEFAULT_LIST) -> SupportList:
    return SupportList(path)


def scan(text: str, support: SupportList) -> list[ApiUse]:
    """The TensorFlow / Horovod API calls of ``text`` (a file that parses), in source order."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        logger.debug("API scan skipped: %s", exc)
        return []
    imap = imports_of_ast(tree)
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts = ast_dotted(node.func)
            canonical = imap.resolve(parts) if parts else None
            if is_api(canonical):
                uses.append(support.classify(canonical, node.lineno, node.col_offset))
    uses.sort(key=lambda u: (u.line, u.col))
    return uses
