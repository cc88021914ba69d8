"""End-to-end: a migrated-style script with DynamicRNN, npu_ops.dropout, gelu and Keras dropout trains unmodified."""
from testsupport.scripts import run_script


def test_npu_ops_rnn_script_trains_and_builds_npu_ops(tmp_path):
    result = run_script("npu_ops_rnn.py", tmp_path)
    assert result["loss_last"] < 0.5 * result["loss_first"]
    for op_type in ("DynamicRnn", "DynamicRnnGrad", "DropOutGenMask", "DropOutDoMask", "Gelu", "GeluGrad"):
        assert op_type in result["op_types"]
