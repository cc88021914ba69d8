"""npu_bridge.experimental.hccl: rank queries answered by the emulated one-rank world."""
import ctypes

import pytest

from npu_bridge.experimental import hccl as exp_hccl


def test_no_native_adaptor_library():
    assert exp_hccl.hccl_graph_adp_ctypes is None


def test_rank_queries(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.setenv("RANK_ID", "0")
    assert exp_hccl.get_actual_rank_size() == 1
    assert exp_hccl.get_user_rank_size() == 1
    assert exp_hccl.get_user_rank_id() == 0
    with pytest.raises(ValueError, match="does not exist"):
        exp_hccl.get_actual_rank_size("no_such_group")


def test_rank_queries_refuse_multi_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "2")
    with pytest.raises(RuntimeError, match="needs RANK_SIZE=2 ranks"):
        exp_hccl.get_user_rank_size()


def test_c_str():
    value = exp_hccl.c_str("hccl_world_group")
    assert isinstance(value, ctypes.c_char_p) and value.value == b"hccl_world_group"
