"""Report lines and counts, computed from findings and API uses built here (not from a migration run)."""
from npu_bridge.convert_tf2npu import reports
from npu_bridge.convert_tf2npu.apis import CATEGORIES
from npu_bridge.convert_tf2npu.findings import ApiUse, Finding
from npu_bridge.convert_tf2npu.project import FileResult


def _result():
    r = FileResult("pkg/train.py", True, status="converted")
    r.findings = [
        Finding("nn_dropout", "INFO", "rewritten", "m", report=("tf.nn.dropout", "npu_ops.dropout"), line=7),
        Finding("star_import", "INFO", "rewritten", "m", report=("", "from npu_bridge.npu_init import *"), line=1),
        Finding("dataset_batch", "WARNING", "warned", "ds could not be traced", line=9),
        Finding("horovod_import", "ERROR", "failed", "import kept", line=2),
    ]
    supported, unsupported = list(CATEGORIES)[0], "不支持（无迁移方案，建议用户不使用）"
    r.apis = [ApiUse("tf.abs", 3, 0, support=supported), ApiUse("tf.abs", 4, 0, support=supported),
              ApiUse("tf.tpu.shard", 5, 0, support=unsupported), ApiUse("tf.mystery", 6, 0)]
    return r


def test_blocks_per_report_file():
    blocks = reports._blocks([_result()], {"pkg/train.py": "/out/pkg/train.py"})
    success = "".join(blocks[reports.SUCCESS])
    assert success == ("/out/pkg/train.py:7 change tf.nn.dropout to npu_ops.dropout\n"
                       "/out/pkg/train.py:1 from npu_bridge.npu_init import *\n"
                       "Finish conver file: /out/pkg/train.py\n\r\n\r\n")
    failed = "".join(blocks[reports.FAILED_TXT])
    assert "/out/pkg/train.py:2 horovod_import: import kept\n" in failed
    assert "/out/pkg/train.py:5, NPU Unsupport API: tf.tpu.shard\n" in failed
    assert "/out/pkg/train.py:9 dataset_batch: ds could not be traced\n" in "".join(blocks[reports.NEED_DOC])


def test_brief_counts():
    lines = reports.brief([_result()])
    assert lines[0].startswith("1.In brief: Total API: 3, in which Support: 2, API support after migration: 0")
    assert "Not support or recommended: 1" in lines[0]
    assert lines[1].startswith("2.After eliminate duplicate: Total API: 2, in which Support: 1")
    assert lines[2] == "3.Not in the support list: 1 (tf.mystery)"


def test_summary_counts():
    s = reports.summary([_result()], ["w"])
    assert (s["rewrites"], s["warnings"], s["errors"], s["api_calls"], s["unsupported_api_calls"]) == (2, 2, 1, 4, 1)
    assert s["by_rule"] == {"nn_dropout": 1, "star_import": 1}
