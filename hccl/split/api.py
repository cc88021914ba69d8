"""Gradient all-reduce split strategies (CANN ``hccl.split.api``), emulated for one device.

Both calls only tune how gradient all-reduces are fused into segments.  They validate like
upstream and record the strategy for the group (ascend-sim has one rank, so nothing is fused
across ranks; the recorded strategy is what the emulator's HCCL cost model may read).
"""
import threading

from hccl.manage import api as _manage

_lock = threading.Lock()
_strategies = {}  # group -> ("idx", [..]) or ("size", [..])
_SIZE_TOLERANCE = 1e-6


def _check_known_group(group):
    _manage._check_group(group)  # pylint: disable=protected-access
    if not _manage._is_known(group):  # pylint: disable=protected-access
        raise ValueError(f"group {group!r} does not exist; known groups: {_manage._known_groups()}")  # pylint: disable=protected-access


def set_split_strategy_by_idx(idxList, group="hccl_world_group"):  # pylint: disable=invalid-name
    """Split the gradients into all-reduce segments ending at these gradient indices (strictly ascending)."""
    if not isinstance(idxList, list):
        raise TypeError(f"idxList must be a python list, got {type(idxList).__name__}")
    if not idxList:
        raise ValueError("idxList must not be empty")
    for i, idx in enumerate(idxList):
        if isinstance(idx, bool) or not isinstance(idx, int):
            raise TypeError(f"idxList[{i}] must be a python int, got {type(idx).__name__} {idx!r}")
        if idx < 0:
            raise ValueError(f"idxList[{i}] must be >= 0, got {idx}")
        if i and idx <= idxList[i - 1]:
            raise ValueError(f"idxList must be strictly ascending, but idxList[{i}]={idx} <= idxList[{i - 1}]={idxList[i - 1]}")
    _check_known_group(group)
    with _lock:
        _strategies[group] = ("idx", list(idxList))


def set_split_strategy_by_size(dataSizeList, group="hccl_world_group"):  # pylint: disable=invalid-name
    """Split the gradients into all-reduce segments of these percentages of the data (sum 100)."""
    if not isinstance(dataSizeList, list):
        raise TypeError(f"dataSizeList must be a python list, got {type(dataSizeList).__name__}")
    if not dataSizeList:
        raise ValueError("dataSizeList must not be empty")
    for i, size in enumerate(dataSizeList):
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            raise TypeError(f"dataSizeList[{i}] must be a python int or float, got {type(size).__name__} {size!r}")
        if size <= 0:
            raise ValueError(f"dataSizeList[{i}] must be > 0, got {size}")
    total = float(sum(dataSizeList))
    if abs(total - 100.0) > _SIZE_TOLERANCE:
        raise ValueError(f"dataSizeList must sum to 100 (percent), got {total:g}")
    _check_known_group(group)
    with _lock:
        _strategies[group] = ("size", list(dataSizeList))


def _strategy(group="hccl_world_group"):
    """The strategy recorded for ``group``: ("idx" | "size", values) or None."""
    with _lock:
        return _strategies.get(group)
