"""HCCL group management (CANN ``hccl.manage.api``), emulated for one device.

Validation follows upstream: a group name is a str of 1..127 characters, a rank count an int in
1..4096, a rank id an int in 0..4095; a wrong type raises TypeError, a wrong value ValueError, each
naming the argument.  Where upstream's library returns an error code (unknown group, group
already exists, rank not in group) this raises ValueError, as upstream does for a non-zero code.

The world group ``hccl_world_group`` has ``RANK_SIZE`` ranks, which must be 1 here; this process
is world rank ``RANK_ID`` (default 0).  ``create_group`` accepts one-rank groups of rank 0 and
records them so the queries below answer for them; larger groups raise the RuntimeError of
``npu_bridge._distribution.require_single_rank``.
"""
import threading

WORLD_GROUP = "hccl_world_group"
MAX_GROUP_NAME_LEN = 127
MAX_RANK_NUM = 4096

_lock = threading.Lock()
_groups = {}  # group name -> list of world rank ids


def _world():
    from npu_bridge import _distribution  # pylint: disable=import-outside-toplevel  (keeps `import hccl` light)

    return _distribution


def _check_int(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a python int, got {type(value).__name__} {value!r}")
    if value < low or value > high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")


def _check_group(group):
    """A group name: a str of 1..127 characters."""
    if not isinstance(group, str):
        raise TypeError(f"group must be a python str, got {type(group).__name__} {group!r}")
    if not 0 < len(group) <= MAX_GROUP_NAME_LEN:
        raise ValueError(f"group name must have 1..{MAX_GROUP_NAME_LEN} characters, got {len(group)}")


def _check_rank_num(rank_num):
    """A rank count: an int in 1..4096."""
    _check_int(rank_num, "rank_num", 1, MAX_RANK_NUM)


def _check_rank_id(rank_id, name="rank_id"):
    """A rank id: an int in 0..4095."""
    _check_int(rank_id, name, 0, MAX_RANK_NUM - 1)


def _world_size(what):
    return _world().require_single_rank(what)


def _members(group, what):
    """World rank ids of ``group``; ValueError for an unknown group."""
    _check_group(group)
    if group == WORLD_GROUP:
        return list(range(_world_size(what)))
    with _lock:
        members = _groups.get(group)
    if members is None:
        raise ValueError(f"{what}: group {group!r} does not exist; known groups: {_known_groups()}")
    return list(members)


def _known_groups():
    """The world group and every group created so far."""
    with _lock:
        return [WORLD_GROUP] + sorted(_groups)


def _is_known(group):
    return group == WORLD_GROUP or group in _groups


def create_group(group, rank_num, rank_ids):
    """Create ``group`` of ``rank_num`` world ranks ``rank_ids`` (a list of length ``rank_num``)."""
    _check_group(group)
    _check_rank_num(rank_num)
    if not isinstance(rank_ids, list):
        raise TypeError(f"rank_ids must be a python list, got {type(rank_ids).__name__}")
    if len(rank_ids) != rank_num:
        raise ValueError(f"rank_ids has {len(rank_ids)} entries but rank_num is {rank_num}")
    for rank in rank_ids:
        _check_rank_id(rank, "rank_ids item")
    if len(set(rank_ids)) != len(rank_ids):
        raise ValueError(f"rank_ids must not repeat a rank, got {rank_ids}")
    if group == WORLD_GROUP:
        raise ValueError(f"create_group: {WORLD_GROUP!r} is the world group; it cannot be created")
    needed = max(rank_num, max(rank_ids) + 1)
    if needed > 1:
        raise _world().multi_rank_error(f"hccl.manage.api.create_group({group!r}, {rank_num}, {rank_ids})", needed)
    with _lock:
        if group in _groups:
            raise ValueError(f"create_group: group {group!r} already exists")
        _groups[group] = list(rank_ids)


def destroy_group(group):
    """Destroy a group made by ``create_group`` (the world group and unknown groups → ValueError)."""
    _check_group(group)
    if group == WORLD_GROUP:
        raise ValueError(f"destroy_group: the world group {WORLD_GROUP!r} cannot be destroyed")
    with _lock:
        if group not in _groups:
            raise ValueError(f"destroy_group: group {group!r} does not exist; known groups: {[WORLD_GROUP] + sorted(_groups)}")
        del _groups[group]


def get_rank_size(group="hccl_world_group"):
    """Number of ranks in ``group``."""
    return len(_members(group, "hccl.manage.api.get_rank_size"))


def get_rank_id(group="hccl_world_group"):
    """This process's rank in ``group`` (world: ``RANK_ID``, default 0)."""
    _check_group(group)
    if group == WORLD_GROUP:
        return _world().rank_id()
    members = _members(group, "hccl.manage.api.get_rank_id")
    return members.index(0)


def get_local_rank_size(group="hccl_world_group"):
    """Number of ranks of ``group`` on this server (one device: the group size, 1)."""
    return len(_members(group, "hccl.manage.api.get_local_rank_size"))


def get_local_rank_id(group="hccl_world_group"):
    """This process's rank among ``group``'s ranks on this server (one device: 0)."""
    _members(group, "hccl.manage.api.get_local_rank_id")
    return 0


def get_world_rank_from_group_rank(group, group_rank_id):
    """World rank of rank ``group_rank_id`` of ``group``."""
    _check_rank_id(group_rank_id, "group_rank_id")
    members = _members(group, "hccl.manage.api.get_world_rank_from_group_rank")
    if group_rank_id >= len(members):
        raise ValueError(f"group_rank_id {group_rank_id} is not in group {group!r} of {len(members)} ranks")
    return members[group_rank_id]


def get_group_rank_from_world_rank(world_rank_id, group):
    """Rank in ``group`` of world rank ``world_rank_id`` (note the argument order, as upstream)."""
    _check_rank_id(world_rank_id, "world_rank_id")
    members = _members(group, "hccl.manage.api.get_group_rank_from_world_rank")
    if world_rank_id not in members:
        raise ValueError(f"world_rank_id {world_rank_id} is not a member of group {group!r} (members {members})")
    return members.index(world_rank_id)
