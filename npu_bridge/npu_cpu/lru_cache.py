"""``LruCache``: an LRU cache of ids in fixed slots (upstream ``npu_bridge.npu_cpu.lru_cache``).

The cache lives on the host (the device keeps it in AI CPU memory): ``cache_add(ids)`` touches
``ids``, swapping missing ones into free slots and, when full, evicting the least recently used
ids that are not in ``ids``.  It returns ``(swap_in_id, swap_in_idx, swap_out_id, swap_out_idx)``,
the ids brought in / evicted and their slots, so a caller can move the matching rows between a
big remote table and a small local one.
"""
import tensorflow.compat.v1 as tf

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()


class LruCache(object):
    """LRU cache of ``cache_size`` slots holding ids of type ``dtype``."""

    def __init__(self, cache_size=100000, load_factor=1, dtype=tf.uint32):
        self._cache_size = cache_size
        self._load_factor = load_factor
        self._dtype = dtype
        self._cache = gen_npu_cpu_ops.lru_cache(cache_size=self._cache_size, load_factor=self._load_factor,
                                                dtype=self._dtype)

    def cache_add(self, ids):
        """(swap_in_id, swap_in_idx, swap_out_id, swap_out_idx) after touching ``ids``."""
        return gen_npu_cpu_ops.cache_add(cache=self._cache, ids=ids)

    def cache_remote_index_to_local(self, ids):
        """The slot of each id (-1 for ids not in the cache)."""
        return gen_npu_cpu_ops.cache_remote_index_to_local(cache=self._cache, ids=ids)

    def cache_all_index_to_local(self):
        """The cached ids ordered by slot."""
        return gen_npu_cpu_ops.cache_all_index_to_local(cache=self._cache, dtype=self._dtype)
