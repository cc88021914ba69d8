"""npu_bridge.npu_cpu.lru_cache.LruCache: slots, swap-in / swap-out and LRU eviction order."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.npu_cpu.lru_cache import LruCache


@pytest.fixture
def session():
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as sess:
        yield sess


def test_swap_in_assigns_free_slots_then_evicts_least_recently_used(session):
    cache = LruCache(cache_size=3, dtype=tf.int64)
    ids = tf.placeholder(tf.int64, [None])
    add = cache.cache_add(ids)
    assert [a.tolist() for a in session.run(add, {ids: [10, 20, 10]})] == [[10, 20], [0, 1], [], []]
    assert [a.tolist() for a in session.run(add, {ids: [30]})] == [[30], [2], [], []]
    # touch 10 so that 20 is now the least recently used
    assert [a.tolist() for a in session.run(add, {ids: [10]})] == [[], [], [], []]
    assert [a.tolist() for a in session.run(add, {ids: [40]})] == [[40], [1], [20], [1]]


def test_ids_of_the_current_call_are_never_evicted(session):
    cache = LruCache(cache_size=2, dtype=tf.int32)
    ids = tf.placeholder(tf.int32, [None])
    add = cache.cache_add(ids)
    session.run(add, {ids: [1, 2]})
    swap_in, swap_in_idx, swap_out, swap_out_idx = session.run(add, {ids: [2, 3]})
    assert swap_in.tolist() == [3] and swap_out.tolist() == [1] and swap_in_idx.tolist() == swap_out_idx.tolist()


def test_remote_index_to_local_and_all_index(session):
    cache = LruCache(cache_size=4, dtype=tf.uint32)
    ids = tf.constant([7, 5, 9], tf.uint32)
    session.run(cache.cache_add(ids))
    local = session.run(cache.cache_remote_index_to_local(tf.constant([9, 8, 7], tf.uint32)))
    assert local.dtype == np.uint32
    assert local.astype(np.int64).tolist()[0::2] == [2, 0]
    assert local.astype(np.int32).tolist()[1] == -1  # 8 is not cached (-1 in two's complement)
    assert session.run(cache.cache_all_index_to_local()).tolist() == [7, 5, 9]


def test_too_many_distinct_ids_for_the_cache_is_an_error(session):
    cache = LruCache(cache_size=2, dtype=tf.int64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="3 distinct ids do not fit"):
        session.run(cache.cache_add(tf.constant([1, 2, 3], tf.int64)))


def test_each_cache_object_has_its_own_state(session):
    a, b = LruCache(cache_size=2, dtype=tf.int64), LruCache(cache_size=2, dtype=tf.int64)
    session.run(a.cache_add(tf.constant([1], tf.int64)))
    assert session.run(b.cache_all_index_to_local()).tolist() == []


def test_invalid_dtype_names_the_legal_ones():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="dtype=.*float32.*uint32, uint64, int32, int64"):
        LruCache(cache_size=4, dtype=tf.float32)


def test_graph_carries_the_ascend_op_types():
    with tf.Graph().as_default() as graph:
        cache = LruCache(cache_size=4, dtype=tf.int64)
        cache.cache_add(tf.constant([1], tf.int64))
        types = {op.get_attr("_ascend_op_type").decode() for op in graph.get_operations()
                 if "_ascend_op_type" in op.node_def.attr}
    assert {"LruCache", "CacheAdd"} <= types
