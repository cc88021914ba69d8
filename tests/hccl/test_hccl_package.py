"""Top-level CANN ``hccl`` package stand-in: upstream validation, one-rank world and groups."""
import pytest

from hccl.manage import api
from hccl.split import api as split_api


@pytest.fixture
def one_rank(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.setenv("RANK_ID", "0")
    monkeypatch.delenv("CM_WORKER_SIZE", raising=False)
    created = []
    yield created
    for group in created:
        if group in api._known_groups():  # pylint: disable=protected-access
            api.destroy_group(group)


def test_world_group_has_one_rank(one_rank):
    assert api.get_rank_size() == 1
    assert api.get_rank_id() == 0
    assert api.get_local_rank_size() == 1
    assert api.get_local_rank_id() == 0
    assert api.get_world_rank_from_group_rank("hccl_world_group", 0) == 0
    assert api.get_group_rank_from_world_rank(0, "hccl_world_group") == 0


def test_rank_id_comes_from_rank_id(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    monkeypatch.delenv("RANK_ID", raising=False)
    assert api.get_rank_id() == 0
    monkeypatch.setenv("RANK_ID", "2")
    assert api.get_rank_id() == 2


def test_world_size_above_one_is_refused(monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "8")
    with pytest.raises(RuntimeError, match="needs RANK_SIZE=8 ranks"):
        api.get_rank_size()


def test_create_one_rank_group_then_query_and_destroy(one_rank):
    api.create_group("solo", 1, [0])
    one_rank.append("solo")
    assert api.get_rank_size("solo") == 1
    assert api.get_rank_id("solo") == 0
    assert api.get_local_rank_size("solo") == 1
    assert api.get_world_rank_from_group_rank("solo", 0) == 0
    assert api.get_group_rank_from_world_rank(0, "solo") == 0
    with pytest.raises(ValueError, match="already exists"):
        api.create_group("solo", 1, [0])
    api.destroy_group("solo")
    with pytest.raises(ValueError, match="does not exist"):
        api.get_rank_size("solo")


def test_groups_needing_more_ranks_are_refused(one_rank):
    with pytest.raises(RuntimeError, match="create_group.*needs RANK_SIZE=2 ranks"):
        api.create_group("pair", 2, [0, 1])
    with pytest.raises(RuntimeError, match="needs RANK_SIZE=4 ranks"):
        api.create_group("far", 1, [3])
    assert "pair" not in api._known_groups()  # pylint: disable=protected-access


@pytest.mark.parametrize(
    "args,error,match",
    [
        ((5, 1, [0]), TypeError, "group must be a python str"),
        (("", 1, [0]), ValueError, "1..127"),
        (("g" * 128, 1, [0]), ValueError, "1..127"),
        (("g", 1.0, [0]), TypeError, "rank_num"),
        (("g", 0, []), ValueError, "rank_num"),
        (("g", 1, (0,)), TypeError, "rank_ids must be a python list"),
        (("g", 2, [0]), ValueError, "rank_ids has 1 entries but rank_num is 2"),
        (("g", 1, [-1]), ValueError, "rank_ids item"),
        (("g", 1, ["0"]), TypeError, "rank_ids item"),
        (("hccl_world_group", 1, [0]), ValueError, "world group"),
    ],
)
def test_create_group_validation(one_rank, args, error, match):
    with pytest.raises(error, match=match):
        api.create_group(*args)


def test_destroy_unknown_or_world_group(one_rank):
    with pytest.raises(ValueError, match="does not exist"):
        api.destroy_group("never_created")
    with pytest.raises(ValueError, match="cannot be destroyed"):
        api.destroy_group("hccl_world_group")
    with pytest.raises(TypeError, match="group"):
        api.destroy_group(None)


def test_rank_translation_validation(one_rank):
    with pytest.raises(ValueError, match="group_rank_id 1 is not in group"):
        api.get_world_rank_from_group_rank("hccl_world_group", 1)
    with pytest.raises(ValueError, match="world_rank_id 2 is not a member"):
        api.get_group_rank_from_world_rank(2, "hccl_world_group")
    with pytest.raises(TypeError, match="world_rank_id"):
        api.get_group_rank_from_world_rank("0", "hccl_world_group")


def test_split_by_idx_validation_and_record(one_rank):
    split_api.set_split_strategy_by_idx([3, 10, 20])
    assert split_api._strategy() == ("idx", [3, 10, 20])  # pylint: disable=protected-access
    with pytest.raises(ValueError, match="must not be empty"):
        split_api.set_split_strategy_by_idx([])
    with pytest.raises(ValueError, match="strictly ascending"):
        split_api.set_split_strategy_by_idx([3, 3])
    with pytest.raises(ValueError, match=">= 0"):
        split_api.set_split_strategy_by_idx([-1, 2])
    with pytest.raises(TypeError, match="idxList must be a python list"):
        split_api.set_split_strategy_by_idx((1, 2))
    with pytest.raises(ValueError, match="does not exist"):
        split_api.set_split_strategy_by_idx([1], group="unknown")


def test_split_by_size_validation_and_record(one_rank):
    api.create_group("g_split", 1, [0])
    one_rank.append("g_split")
    split_api.set_split_strategy_by_size([60, 40.0], group="g_split")
    assert split_api._strategy("g_split") == ("size", [60, 40.0])  # pylint: disable=protected-access
    with pytest.raises(ValueError, match="sum to 100"):
        split_api.set_split_strategy_by_size([50, 40])
    with pytest.raises(ValueError, match="> 0"):
        split_api.set_split_strategy_by_size([110, -10])
    with pytest.raises(TypeError, match="dataSizeList"):
        split_api.set_split_strategy_by_size("100")
