"""API analysis: support-list lookups (renames, parent classes), the output scan, and the emulator cross-check
computed independently from ascend_sim's op registry."""
import csv

import pytest

from ascend_sim.graph import tf_op_map
from ascend_sim.ops import registry
from npu_bridge.convert_tf2npu import apis


@pytest.fixture(scope="module")
def support():
    return apis.load()


def test_list_loads_every_row_and_category(support):
    with open(apis.DEFAULT_LIST, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8352
    assert {r["support"] for r in rows} <= set(apis.CATEGORIES)
    assert len(support.rows) == len({r["api"].split("(")[0] for r in rows})


def test_lookup_exact_rename_and_parent(support):
    row, how = support.lookup("tf.Session")
    assert row["support"] == "工具迁移后训练功能打通" and how == ""
    row, how = support.lookup("tf.data.Dataset.from_tensor_slices")
    assert row["api"] == "tf.data.Dataset" and how == "member of tf.data.Dataset"
    renamed = next(k for k, v in apis._renames().items() if k not in support.rows and v in support.rows)
    row, how = support.lookup(renamed)
    assert row is not None and how.startswith("as ")
    assert support.lookup("tf.no_such_api") == (None, "")


def test_unsupported_categories_reach_failed(support):
    use = support.classify("tf.tpu.shard", 3, 4)
    assert use.support in apis.FAILED_CATEGORIES and (use.line, use.col) == (3, 4)
    assert support.classify("hvd.allreduce", 1, 0).support == "分析中（特性商用时不应该存在）"


@pytest.mark.parametrize("api", ["tf.nn.conv2d", "tf.nn.relu", "tf.matmul", "tf.reduce_sum", "tf.nn.top_k",
                                 "tf.tanh", "tf.unique", "tf.layers.dense", "tf.placeholder"])
def test_emulator_status_follows_the_registry(support, api):
    op = apis.op_of(api)
    assert op
    use = support.classify(api, 1, 0)
    rule = tf_op_map.rule_for(op)
    if rule is not None and rule.host:
        assert "stays on the host" in use.emulator
    elif tf_op_map.covered(op, registry.REGISTRY):
        assert use.emulator.endswith(": registered")
        assert use.agrees == ("yes" if use.support in apis.RUNS_CATEGORIES else "no")
    else:
        assert "not registered" in use.emulator
        assert use.agrees == ("no" if use.support in apis.RUNS_CATEGORIES else "yes")


def test_classes_have_no_op(support):
    assert apis.op_of("tf.Session") == "" and apis.op_of("tf.train.AdamOptimizer") == ""
    assert support.classify("tf.Session", 1, 0).agrees == ""


def test_scan_finds_calls_through_any_alias_with_positions(support):
    text = ("import tensorflow.compat.v1 as tf1\nfrom tensorflow import nn\nimport numpy as np\n"
            "y = nn.relu(tf1.matmul(a, b))\nz = np.tanh(y)\n")
    uses = apis.scan(text, support)
    assert [(u.api, u.line, u.col) for u in uses] == [("tf.nn.relu", 4, 4), ("tf.matmul", 4, 12)]


def test_bad_list_names_the_file_and_line(tmp_path):
    bad = tmp_path / "list.csv"
    bad.write_text("module,api,support,note\ntf,tf.abs,maybe,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"list.csv:2: unknown support category 'maybe'; categories: 支持"):
        apis.SupportList(bad)
    bad.write_text("module,api\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks column"):
        apis.SupportList(bad)
