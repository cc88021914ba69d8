"""How data-parallel ("small") embedding tables are merged into shared variables.

Each user table is a *slot* with ``multihot_lens`` ids per example.  A policy assigns slots to
created tables: ``NoneTableMapPolicy`` merges only the slot groups the user lists in
``assign_groups``; ``AutoMergeTableMapPolicy`` also merges, in order, every table that allows
merging with the first earlier group of the same embedding_dim and initializer.  A merged table
stacks the vocabularies; lookups split the output back per slot.
"""
import logging
from functools import reduce

import tensorflow.compat.v1 as tf

logger = logging.getLogger("npu_bridge.embedding")

_INIT_FIELDS = (
    (tf.initializers.truncated_normal, ("stddev", "seed", "mean", "dtype")),
    (tf.initializers.random_uniform, ("minval", "maxval", "seed", "dtype")),
    (tf.initializers.constant, ("value", "dtype")),
)


def compare_initializer(init1, init2):
    """True when two initializers would produce the same values (same kind and parameters).

    Initializers of kinds other than truncated normal, random uniform and constant compare equal,
    as upstream.  (Upstream checked ``init1``'s kind twice and never ``init2``'s.)
    """
    for kind, fields in _INIT_FIELDS:
        if isinstance(init1, kind):
            return isinstance(init2, kind) and all(getattr(init1, f) == getattr(init2, f) for f in fields)
    return True


class BaseTableMapPolicy():
    """Maps user table infos (dicts with ``embedding_dim``, ``multihot_lens``, ``max_vocabulary_size``,
    ``allow_merge``, ``initializer``) to created tables; ``assign_groups`` lists slot groups to merge."""

    def __init__(self, assign_groups=None):
        self.table_create_infos = []
        self.assign_groups = [] if assign_groups is None else assign_groups
        self.in_slot_size_group = []
        self.slot_to_table = []
        self.table_to_output_slots = []
        self.table_to_input_groups = []
        self.table_to_slot = []

    @staticmethod
    def _is_equal_table_info(info1, info2):
        if info1['embedding_dim'] != info2['embedding_dim']:
            logger.info('embedding dim different!, value is %d and %d', info1['embedding_dim'], info2['embedding_dim'])
            return False
        return compare_initializer(info1['initializer'], info2['initializer'])

    def map_table_infos(self, user_defined_table_infos):
        raise NotImplementedError(f"{type(self).__name__} must implement map_table_infos")

    def _register_new_table_info(self, new_table_info):
        self.table_create_infos.append(dict(new_table_info))
        self.table_to_output_slots.append([])
        self.table_to_input_groups.append([])
        self.table_to_slot.append([])

    def _merge_new_table_info(self, new_table_info, assign_table_id):
        main_table_info = self.table_create_infos[assign_table_id]
        main_table_info['multihot_lens'] += new_table_info['multihot_lens']
        main_table_info['max_vocabulary_size'] += new_table_info['max_vocabulary_size']

    def _register_table_info(self, new_table_info, assign_tid=-1):
        in_slot_size = new_table_info['multihot_lens']
        tid = assign_tid
        if tid == -1:
            tid = len(self.table_create_infos)
            self._register_new_table_info(new_table_info)
        else:
            self._merge_new_table_info(new_table_info, tid)
        self.table_to_slot[tid].append(len(self.in_slot_size_group))
        self.table_to_output_slots[tid].append(in_slot_size)
        self.in_slot_size_group.append(in_slot_size)
        self.slot_to_table.append(tid)

    def _map_table_infos(self, user_defined_table_infos, assign_groups):
        self.table_create_infos = []
        assign_groups_flat = reduce(lambda a, b: a + b, assign_groups, [])
        sid_to_gid = {sid: gid for gid, group in enumerate(assign_groups) for sid in group}
        gid_to_tid = {}
        for sid, table_info in enumerate(user_defined_table_infos):
            if sid in assign_groups_flat:
                gid = sid_to_gid.get(sid)
                if gid in gid_to_tid:
                    self._register_table_info(table_info, assign_tid=gid_to_tid.get(gid))
                else:
                    gid_to_tid[gid] = len(self.table_create_infos)
                    self._register_table_info(table_info, assign_tid=-1)
            else:
                self._register_table_info(table_info, assign_tid=-1)
        return self.table_create_infos


class NoneTableMapPolicy(BaseTableMapPolicy):
    """Merge only the user's ``assign_groups``."""

    def map_table_infos(self, user_defined_table_infos):
        return self._map_table_infos(user_defined_table_infos, self.assign_groups)


class AutoMergeTableMapPolicy(BaseTableMapPolicy):
    """Merge the user's ``assign_groups`` plus every mergeable table with an equal earlier one."""

    def map_table_infos(self, user_defined_table_infos):
        assign_groups_flat = reduce(lambda a, b: a + b, self.assign_groups, [])
        new_assign_groups = []
        for sid, table_info in enumerate(user_defined_table_infos):
            if sid in assign_groups_flat:
                continue
            gid = -1
            if table_info['allow_merge']:
                for ngid, group in enumerate(new_assign_groups):
                    first = user_defined_table_infos[group[0]]
                    if first['allow_merge'] and self._is_equal_table_info(first, table_info):
                        gid = ngid
                        break
            if gid == -1:
                gid = len(new_assign_groups)
                new_assign_groups.append([])
            new_assign_groups[gid].append(sid)
        return self._map_table_infos(user_defined_table_infos, self.assign_groups + new_assign_groups)
