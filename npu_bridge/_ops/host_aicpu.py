"""Host-side state behind the emulated AI CPU ops that keep state between runs.

On the device these ops own a resource in AI CPU memory (an LRU cache, a data queue, a feature
mapping hash table).  The emulation keeps the same state in this process, keyed by the handle
the op hands out, and the op bodies reach it through ``py_func`` (see ``defs_aicpu``).  State is
process-wide, like the device's: two sessions that run the same cache op share the cache.
"""
from __future__ import annotations

import collections
import itertools
import logging
import os
import threading

import numpy as np

logger = logging.getLogger("npu_bridge.ops")

_LOCK = threading.Lock()


# --------------------------------------------------------------------------------------- LRU cache
class LruCacheState:
    """A fixed number of slots holding ids; least-recently-used ids are evicted first."""

    def __init__(self, capacity: int):
        if capacity <= 0:
            raise ValueError(f"LruCache: cache_size must be > 0 (got {capacity})")
        self.capacity = capacity
        self._slots: "collections.OrderedDict[int, int]" = collections.OrderedDict()  # id -> slot, LRU first
        self._free = list(range(capacity - 1, -1, -1))  # pop() gives the lowest free slot

    def add(self, ids: np.ndarray):
        """Touch ``ids``; swap the missing ones in, evicting LRU ids not in ``ids`` when full."""
        wanted = list(dict.fromkeys(int(i) for i in ids.reshape(-1)))
        if len(wanted) > self.capacity:
            raise ValueError(
                f"CacheAdd: {len(wanted)} distinct ids do not fit in an LRU cache of {self.capacity} slots"
            )
        present = set(wanted)
        for i in wanted:
            if i in self._slots:
                self._slots.move_to_end(i)
        in_id, in_idx, out_id, out_idx = [], [], [], []
        for i in wanted:
            if i in self._slots:
                continue
            if not self._free:
                victim = next(v for v in self._slots if v not in present)
                slot = self._slots.pop(victim)
                out_id.append(victim)
                out_idx.append(slot)
                self._free.append(slot)
            slot = self._free.pop()
            self._slots[i] = slot
            in_id.append(i)
            in_idx.append(slot)
        return in_id, in_idx, out_id, out_idx

    def local_index(self, ids: np.ndarray) -> np.ndarray:
        """Slot of each id; -1 for ids not in the cache."""
        flat = [self._slots.get(int(i), -1) for i in ids.reshape(-1)]
        return np.asarray(flat, dtype=np.int64).reshape(ids.shape)

    def all_ids_by_slot(self) -> list[int]:
        """The cached ids ordered by slot (element k is the id in the k-th occupied slot)."""
        return [i for i, _ in sorted(self._slots.items(), key=lambda kv: kv[1])]


_CACHES: dict[bytes, LruCacheState] = {}
_CACHE_COUNTER = itertools.count()


def create_cache(shared_name: str, capacity: int) -> bytes:
    """A new cache handle (unique per LruCache op built; ``shared_name`` only labels it)."""
    with _LOCK:
        handle = f"{shared_name or 'LruCache'}:{next(_CACHE_COUNTER)}".encode()
        _CACHES[handle] = LruCacheState(capacity)
    return handle


def get_cache(handle) -> LruCacheState:
    key = handle if isinstance(handle, bytes) else bytes(handle)
    try:
        return _CACHES[key]
    except KeyError:
        raise ValueError(f"unknown LruCache handle {key!r}; create the cache with LruCache first") from None


# ---------------------------------------------------------------------------------------- queues
class BatchQueue:
    """A bounded FIFO of tensors; a dequeue takes ``batch_size`` of them and pads short batches."""

    def __init__(self, depth: int, batch_size: int, pad_mode: str):
        self.depth, self.batch_size, self.pad_mode = depth, batch_size, pad_mode
        self.items: collections.deque = collections.deque()


_QUEUES: dict[str, BatchQueue] = {}
PAD_MODES = ("REPLICATE", "ZERO")


def queue_key(queue_id, queue_name: str) -> str:
    return queue_name if queue_name else f"queue_id={int(queue_id)}"


def enqueue(key: str, x: np.ndarray, batch_size: int, depth: int, pad_mode: str) -> int:
    if pad_mode not in PAD_MODES:
        raise ValueError(f"BatchEnqueue: pad_mode={pad_mode!r}; legal values: {', '.join(PAD_MODES)}")
    if batch_size <= 0 or depth <= 0:
        raise ValueError(f"BatchEnqueue: batch_size ({batch_size}) and queue_depth ({depth}) must be > 0")
    with _LOCK:
        q = _QUEUES.setdefault(key, BatchQueue(depth, batch_size, pad_mode))
        q.depth, q.batch_size, q.pad_mode = depth, batch_size, pad_mode
        if len(q.items) >= q.depth:
            raise ValueError(f"BatchEnqueue: queue {key!r} is full (queue_depth={q.depth})")
        q.items.append(np.array(x))
        return len(q.items)


def dequeue(key: str, dtype: np.dtype, shape) -> np.ndarray:
    with _LOCK:
        q = _QUEUES.get(key)
        if q is None or not q.items:
            raise ValueError(f"Dequeue: queue {key!r} is empty; run BatchEnqueue on it first")
        taken = [q.items.popleft() for _ in range(min(q.batch_size, len(q.items)))]
        pad_like = taken[-1] if q.pad_mode == "REPLICATE" else np.zeros_like(taken[-1])
    batch = np.stack(taken + [pad_like] * (q.batch_size - len(taken)))
    want = int(np.prod(shape)) if len(shape) else 1
    if batch.size != want:
        raise ValueError(
            f"Dequeue: output_shape={list(shape)} holds {want} elements but the dequeued batch of "
            f"{q.batch_size} has shape {list(batch.shape)} ({batch.size} elements)"
        )
    return batch.astype(dtype).reshape(shape)


# ------------------------------------------------------------------------------ feature mapping
class FeatureMappingTable:
    """feature id -> (count, offset id); new ids get consecutive offsets in first-seen order."""

    def __init__(self, threshold: int = 1):
        self.threshold = threshold
        self.mapping: dict[int, list[int]] = {}
        self.next_offset = 0

    def map(self, ids: np.ndarray) -> np.ndarray:
        out = np.empty(ids.size, dtype=np.int64)
        for k, fid in enumerate(ids.reshape(-1)):
            entry = self.mapping.get(int(fid))
            if entry is None:
                entry = self.mapping[int(fid)] = [0, self.next_offset]
                self.next_offset += 1
            entry[0] += 1
            out[k] = entry[1]
        return out.reshape(ids.shape)


HOST_TABLES: dict[str, FeatureMappingTable] = {}
DEVICE_TABLE = "__device_feature_mapping__"


def feature_map(table_name: str, ids: np.ndarray, threshold: int = 1) -> np.ndarray:
    with _LOCK:
        table = HOST_TABLES.setdefault(table_name, FeatureMappingTable(threshold))
        return table.map(ids)


def export_mappings(path: str, table_names) -> list[str]:
    """Write ``<path>/<table>.bin``: one line per feature, ``feature_id: F | counts: C | offset_id: O``."""
    if not path:
        raise ValueError("FeatureMappingExport: path should be a non-empty string")
    os.makedirs(path, exist_ok=True)
    names = list(table_names) or [n for n in HOST_TABLES if n != DEVICE_TABLE]
    written = []
    with _LOCK:
        for name in names:
            table = HOST_TABLES.get(name)
            if table is None:
                logger.warning("FeatureMappingExport: table %r has no mapping; skipped", name)
                continue
            target = os.path.join(path, f"{name}.bin")
            with open(target, "w", encoding="utf-8") as f:
                for fid, (count, offset) in table.mapping.items():
                    f.write(f"feature_id: {fid} | counts: {count} | offset_id: {offset}\n")
            written.append(target)
    return written


def import_mappings(path: str) -> list[str]:
    """Read every ``<table>.bin`` under ``path`` back into the host tables."""
    if not path or not os.path.isdir(path):
        raise ValueError(f"FeatureMappingImport: path {path!r} is not an existing directory")
    loaded = []
    with _LOCK:
        for fname in sorted(os.listdir(path)):
            stem, dot, _ = fname.rpartition(".")
            if not dot:
                continue
            table = HOST_TABLES.setdefault(stem, FeatureMappingTable())
            with open(os.path.join(path, fname), encoding="utf-8") as f:
                for line_no, line in enumerate(f, 1):
                    if line.strip():
                        _restore_line(table, line, f"{fname}:{line_no}")
            table.next_offset = max([o for _, o in table.mapping.values()] + [table.next_offset - 1]) + 1
            loaded.append(stem)
    return loaded


def _restore_line(table: FeatureMappingTable, line: str, where: str) -> None:
    fields = {k.strip(): v.strip() for k, v in (p.split(":", 1) for p in line.split("|") if ":" in p)}
    try:
        fid, count, offset = (int(fields[k]) for k in ("feature_id", "counts", "offset_id"))
    except (KeyError, ValueError):
        raise ValueError(
            f"FeatureMappingImport: {where}: cannot parse {line.strip()!r}; expected "
            "'feature_id: F | counts: C | offset_id: O'"
        ) from None
    table.mapping.setdefault(fid, [count, offset])
