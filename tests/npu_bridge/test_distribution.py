"""npu_bridge._distribution: rank size / rank id from the environment, the single-rank guard."""
import pytest

from npu_bridge import _distribution


def test_rank_size_prefers_rank_size_then_worker_size_then_one(monkeypatch):
    monkeypatch.delenv("CM_WORKER_SIZE", raising=False)
    monkeypatch.setenv("RANK_SIZE", "3")
    assert _distribution.rank_size() == 3
    monkeypatch.delenv("RANK_SIZE")
    monkeypatch.setenv("CM_WORKER_SIZE", "5")
    assert _distribution.rank_size() == 5
    monkeypatch.delenv("CM_WORKER_SIZE")
    assert _distribution.rank_size() == 1


def test_rank_size_and_worker_size_both_set_is_an_error(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.setenv("CM_WORKER_SIZE", "1")
    with pytest.raises(ValueError, match="RANK_SIZE and CM_WORKER_SIZE"):
        _distribution.rank_size()


def test_rank_size_must_be_an_integer(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "two")
    with pytest.raises(ValueError, match="RANK_SIZE"):
        _distribution.rank_size()


def test_rank_id_defaults_to_zero(monkeypatch):
    monkeypatch.delenv("RANK_ID", raising=False)
    assert _distribution.rank_id() == 0
    monkeypatch.setenv("RANK_ID", "4")
    assert _distribution.rank_id() == 4


def test_require_single_rank_names_what_and_how_many(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    assert _distribution.require_single_rank("x") == 1
    monkeypatch.setenv("RANK_SIZE", "8")
    with pytest.raises(RuntimeError) as err:
        _distribution.require_single_rank("thing")
    msg = str(err.value)
    assert "multi-device emulation not available yet: thing needs RANK_SIZE=8 ranks" in msg
    assert "set RANK_SIZE=1" in msg


def test_require_single_rank_with_explicit_count(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    with pytest.raises(RuntimeError, match="needs RANK_SIZE=4 ranks"):
        _distribution.require_single_rank("allgather", 4)
