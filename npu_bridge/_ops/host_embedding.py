"""Host emulation of the Embedding Service parameter server (PS) tables.

On an Ascend cluster each embedding table is a hash map on the PS processes: ``key → value row``
where a row holds the embedding followed by the optimizer slots (``value_total_len`` floats).
Here one process plays every PS: a table is a dict of numpy rows, created by
``InitEmbeddingHashmap`` (or the first ``EmbeddingTableFindAndInit``), read by the find ops and
updated by the ``EmbeddingApply*`` ops.  Files written by export are ``.npz`` archives (upstream
writes its own binary layout; the files are only meant to be read back by import).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field

import numpy as np

logger = logging.getLogger("npu_bridge.embedding")
_LOCK = threading.Lock()

INITIALIZER_MODES = ("random_uniform", "truncated_normal", "constant")
OPTIMIZER_MODES = ("", "adam", "adamw", "adagrad", "sgd", "rmsprop")
EXPORT_MODES = ("all", "new")


@dataclass
class TableSpec:
    embedding_dim: int
    value_total_len: int
    initializer_mode: str = "random_uniform"
    constant_value: float = 0.0
    min: float = -2.0
    max: float = 2.0
    mu: float = 0.0
    sigma: float = 1.0
    seed: int = 0
    filter_mode: str = "no_filter"
    filter_freq: int = 0
    default_key_or_value: bool = False
    default_key: int = 0
    default_value: float = 0.0
    optimizer_mode: str = ""
    optimizer_params: tuple = (0.1,)


@dataclass
class EsTable:
    spec: TableSpec
    rows: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    dirty: set = field(default_factory=set)
    max_v: dict = field(default_factory=dict)
    step: int = 0
    rng: np.random.Generator = None

    def __post_init__(self):
        s = self.spec
        if s.initializer_mode and s.initializer_mode not in INITIALIZER_MODES:
            raise ValueError(f"initializer_mode={s.initializer_mode!r}; legal values: {', '.join(INITIALIZER_MODES)}")
        if s.optimizer_mode not in OPTIMIZER_MODES:
            raise ValueError(f"optimizer_mode={s.optimizer_mode!r}; legal values: {', '.join(OPTIMIZER_MODES)}")
        if s.value_total_len < s.embedding_dim or s.embedding_dim <= 0:
            raise ValueError(f"embedding_dim={s.embedding_dim} must be > 0 and <= value_total_len={s.value_total_len}")
        self.rng = np.random.default_rng(s.seed or None)

    def _new_row(self) -> np.ndarray:
        s, d = self.spec, self.spec.embedding_dim
        row = np.zeros(s.value_total_len, dtype=np.float32)
        if s.initializer_mode == "random_uniform":
            row[:d] = self.rng.uniform(s.min, s.max, d)
        elif s.initializer_mode == "truncated_normal":
            vals = self.rng.normal(s.mu, s.sigma, d)
            bad = (vals < s.min) | (vals > s.max)
            while bad.any():
                vals[bad] = self.rng.normal(s.mu, s.sigma, int(bad.sum()))
                bad = (vals < s.min) | (vals > s.max)
            row[:d] = vals
        elif s.initializer_mode == "constant":
            row[:d] = s.constant_value
        if s.optimizer_mode == "adagrad" and s.value_total_len >= 2 * d:
            row[d:2 * d] = s.optimizer_params[0] if s.optimizer_params else 0.1
        elif s.optimizer_mode == "rmsprop" and s.value_total_len >= 3 * d and len(s.optimizer_params) >= 2:
            row[d:2 * d], row[2 * d:3 * d] = s.optimizer_params[0], s.optimizer_params[1]
        return row

    def _admitted(self, key: int, insert: bool) -> bool:
        if key in self.rows:
            return True
        s = self.spec
        if s.filter_mode == "counter" and self.counts.get(key, 0) < s.filter_freq:
            return False
        if insert:
            self.rows[key] = self._new_row()
            self.dirty.add(key)
        return insert

    def lookup(self, keys: np.ndarray, insert: bool, default_value: float) -> np.ndarray:
        d = self.spec.embedding_dim
        out = np.empty((keys.size, d), dtype=np.float32)
        for k, key in enumerate(int(x) for x in keys.reshape(-1)):
            if insert:
                self.counts[key] = self.counts.get(key, 0) + 1
            if self._admitted(key, insert):
                out[k] = self.rows[key][:d]
            elif self.spec.filter_mode == "counter" and self.spec.default_key_or_value:
                dk = int(self.spec.default_key)
                if dk not in self.rows:
                    self.rows[dk] = self._new_row()
                out[k] = self.rows[dk][:d]
            else:
                fill = self.spec.default_value if self.spec.filter_mode == "counter" else default_value
                out[k] = fill
        return out

    def apply(self, keys: np.ndarray, grads: np.ndarray, update, mask_zero: bool = False) -> None:
        """Sums duplicate keys' gradients, then ``update(key, row_views, grad)`` on admitted rows."""
        d = self.spec.embedding_dim
        uniq, inv = np.unique(keys.reshape(-1).astype(np.int64), return_inverse=True)
        summed = np.zeros((uniq.size, d), dtype=np.float32)
        np.add.at(summed, inv, grads.reshape(-1, d).astype(np.float32))
        for key, g in zip(uniq.tolist(), summed):
            if (mask_zero and key == 0) or key not in self.rows:
                continue
            row = self.rows[key]
            slots = [row[i * d:(i + 1) * d] for i in range(row.size // d)]
            update(key, slots, g)
            self.dirty.add(key)
        self.step += 1


_TABLES: dict[int, EsTable] = {}


def init_table(table_id: int, spec: TableSpec) -> None:
    with _LOCK:
        _TABLES[int(table_id)] = EsTable(spec)


_FILTER_FIELDS = ("filter_mode", "filter_freq", "default_key_or_value", "default_key", "default_value")


def get_table(table_id: int, spec: TableSpec | None = None) -> EsTable:
    """The table; created from ``spec`` when given and missing, else a ValueError naming it.

    A lookup's ``spec`` also carries the counter-filter settings (the init op does not): they are
    copied onto an existing table.
    """
    with _LOCK:
        table = _TABLES.get(int(table_id))
        if table is None:
            if spec is None:
                raise ValueError(f"embedding table {int(table_id)} is not initialized; run its init op first")
            table = _TABLES[int(table_id)] = EsTable(spec)
        elif spec is not None and spec.filter_mode == "counter":
            for name in _FILTER_FIELDS:
                setattr(table.spec, name, getattr(spec, name))
        return table


# -------------------------------------------------------------------------------- optimizer math
def adam_update(lr, b1, b2, eps, b1_power, b2_power):
    scale = lr * np.sqrt(1.0 - b2_power) / (1.0 - b1_power)

    def update(_key, s, g):
        s[1][:] = b1 * s[1] + (1 - b1) * g
        s[2][:] = b2 * s[2] + (1 - b2) * g * g
        s[0][:] -= scale * s[1] / (np.sqrt(s[2]) + eps)
    return update


def adamw_update(table, lr, wd, b1, b2, eps, b1_power, b2_power, amsgrad, maximize):
    def update(key, s, g):
        g = -g if maximize else g
        s[0][:] *= 1.0 - lr * wd
        s[1][:] = b1 * s[1] + (1 - b1) * g
        s[2][:] = b2 * s[2] + (1 - b2) * g * g
        v = s[2]
        if amsgrad:
            v = table.max_v[key] = np.maximum(table.max_v.get(key, v), v)
        denom = np.sqrt(v) / np.sqrt(1.0 - b2_power) + eps
        s[0][:] -= lr / (1.0 - b1_power) * s[1] / denom
    return update


def adagrad_update(lr):
    def update(_key, s, g):
        s[1][:] += g * g
        s[0][:] -= lr * g / np.sqrt(s[1])
    return update


def sgd_update(lr):
    def update(_key, s, g):
        s[0][:] -= lr * g
    return update


def rmsprop_update(lr, rho, momentum, eps):
    def update(_key, s, g):
        s[1][:] = rho * s[1] + (1 - rho) * g * g
        s[2][:] = momentum * s[2] + lr * g / np.sqrt(s[1] + eps)
        s[0][:] -= s[2]
    return update


# ------------------------------------------------------------------------------ export / import
def _table_file(path: str, name: str, kind: str) -> str:
    return os.path.join(path, f"{name}.{kind}.npz")


def export_tables(path, table_ids, names, only_var, export_mode, filter_export) -> None:
    if export_mode not in EXPORT_MODES:
        raise ValueError(f"EmbeddingTableExport: export_mode={export_mode!r}; "
                         f"emulated values: {', '.join(EXPORT_MODES)}")
    os.makedirs(path, exist_ok=True)
    for tid, name in zip(table_ids, names):
        table = get_table(tid)
        with _LOCK:
            keys = sorted(table.dirty if export_mode == "new" else table.rows)
            width = table.spec.embedding_dim if only_var else table.spec.value_total_len
            values = np.stack([table.rows[k][:width] for k in keys]) if keys else np.zeros((0, width), np.float32)
            extra = {}
            if filter_export:
                pending = sorted(k for k in table.counts if k not in table.rows)
                extra = {"filtered_keys": np.asarray(pending, np.int64),
                         "filtered_counts": np.asarray([table.counts[k] for k in pending], np.int64)}
            np.savez(_table_file(path, name, "embedding" if only_var else "checkpoint"),
                     keys=np.asarray(keys, np.int64), values=values,
                     counts=np.asarray([table.counts.get(k, 0) for k in keys], np.int64), **extra)
            table.dirty.clear()
        logger.info("exported embedding table %s (%d rows) to %s", name, len(keys), path)


def import_tables(path, table_ids, names, only_var) -> None:
    for tid, name in zip(table_ids, names):
        target = _table_file(path, name, "embedding" if only_var else "checkpoint")
        if not os.path.isfile(target):
            raise FileNotFoundError(f"EmbeddingTableImport: {target!r} does not exist (export table {name!r} first)")
        table = get_table(tid)
        data = np.load(target)
        with _LOCK:
            width = data["values"].shape[1]
            for key, value, count in zip(data["keys"].tolist(), data["values"], data["counts"].tolist()):
                row = table.rows.get(key)
                if row is None:
                    row = table.rows[key] = table._new_row()  # pylint: disable=protected-access
                row[:width] = value
                table.counts[key] = max(count, table.counts.get(key, 0))
            for key, count in zip(data.get("filtered_keys", []), data.get("filtered_counts", [])):
                table.counts[int(key)] = int(count)


def export_compute_vars(path, table_ids, names) -> None:
    os.makedirs(path, exist_ok=True)
    for tid, name in zip(table_ids, names):
        with open(os.path.join(path, f"{name}.compute_var.json"), "w", encoding="utf-8") as f:
            json.dump({"step": get_table(tid).step}, f)


def import_compute_vars(path, table_ids, names) -> None:
    for tid, name in zip(table_ids, names):
        target = os.path.join(path, f"{name}.compute_var.json")
        if not os.path.isfile(target):
            raise FileNotFoundError(f"EmbeddingComputeVarImport: {target!r} does not exist")
        with open(target, encoding="utf-8") as f:
            get_table(tid).step = int(json.load(f)["step"])
