"""npu_bridge.embedding: path_on_tf, the embedding optimizers, ESWorker on the host PS emulation."""
import json

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.python.training import optimizer as tf_optimizer

import npu_bridge.embedding as emb
from npu_bridge.embedding import embedding_optimizer as eo
from npu_bridge.embedding.embedding_resource import NpuEmbeddingResource
from npu_bridge.embedding.embedding_service import ESWorker, es_initializer
from npu_bridge.embedding.embedding_table_map_policy import AutoMergeTableMapPolicy, compare_initializer


# ------------------------------------------------------------------------------------- path_on_tf
def test_path_on_tf_is_installed_once_and_keeps_tensorflow_processors():
    patched = tf_optimizer._get_processor  # pylint: disable=protected-access
    original = patched.ascend_sim_original
    emb.path_on_tf()
    assert tf_optimizer._get_processor is patched  # pylint: disable=protected-access
    with tf.Graph().as_default():
        ref = tf.Variable([1.0])
        res = tf.get_variable("r", [1], use_resource=True)
        for v in (ref, res):
            assert type(patched(v)) is type(original(v))  # pylint: disable=unidiomatic-typecheck
        assert type(patched(NpuEmbeddingResource(0))).__name__ == "_NpuEmbeddingResourceProcessor"


def _train(opt_factory, steps=3, use_resource=False):
    """Run ``steps`` of ``opt`` on loss = sum((w·x - y)²) + sum(e[ids]); returns (w, e) after each step."""
    rs = np.random.RandomState(0)
    x, y = rs.rand(4, 3).astype(np.float32), rs.rand(4, 1).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        w = tf.get_variable("w", initializer=rs.rand(3, 1).astype(np.float32), use_resource=use_resource)
        e = tf.get_variable("e", initializer=rs.rand(5, 2).astype(np.float32), use_resource=use_resource)
        loss = tf.reduce_sum((tf.matmul(x, w) - y) ** 2) + tf.reduce_sum(tf.nn.embedding_lookup(e, [1, 3, 1]) ** 2)
        train = opt_factory().minimize(loss)
        sess.run(tf.global_variables_initializer())
        out = []
        for _ in range(steps):
            sess.run(train)
            out.append(sess.run([w, e]))
        return out


@pytest.mark.parametrize("use_resource", [False, True])
@pytest.mark.parametrize("ours,theirs", [
    (lambda: eo.AdamOptimizer(0.05), lambda: tf.train.AdamOptimizer(0.05, 0.9, 0.999, 1e-8)),
    (lambda: eo.AdagradOptimizer(0.1), lambda: tf.train.AdagradOptimizer(0.1, 0.1)),
    (lambda: eo.SgdOptimizer(0.1), lambda: tf.train.GradientDescentOptimizer(0.1)),
])
def test_embedding_optimizers_train_ordinary_variables_like_tf(ours, theirs, use_resource):
    got, want = _train(ours, use_resource=use_resource), _train(theirs, use_resource=use_resource)
    for (gw, ge), (ww, we) in zip(got, want):
        np.testing.assert_allclose(gw, ww, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ge, we, rtol=1e-5, atol=1e-6)


def test_plain_adam_still_works_after_the_patch():
    losses = []
    with tf.Graph().as_default(), tf.Session() as sess:
        w = tf.Variable(5.0)
        loss = (w - 1.0) ** 2
        train = tf.train.AdamOptimizer(0.5).minimize(loss)
        sess.run(tf.global_variables_initializer())
        for _ in range(20):
            losses.append(sess.run([train, loss])[1])
    assert losses[-1] < 0.1 * losses[0]


def _numpy_rule(rule, steps, w0, grads):
    w = w0.copy()
    state = {}
    for t in range(1, steps + 1):
        w = rule(w, grads(w), t, state)
    return w


def test_adamw_and_rmsprop_on_ordinary_variables_match_numpy():
    w0 = np.array([1.0, -2.0, 3.0], np.float32)

    def run(opt):
        with tf.Graph().as_default(), tf.Session() as sess:
            w = tf.Variable(w0)
            train = opt.minimize(tf.reduce_sum(w * w))
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            return sess.run(w)

    def adamw(w, g, t, s, lr=0.1, wd=0.01, b1=0.9, b2=0.999, eps=1e-6):
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        return w * (1 - lr * wd) - lr / (1 - b1 ** t) * s["m"] / (np.sqrt(s["v"]) / np.sqrt(1 - b2 ** t) + eps)

    def rmsprop(w, g, t, s, lr=0.1, rho=0.9, mo=0.5, eps=1e-8):
        s["ms"] = rho * s.get("ms", 0.9) + (1 - rho) * g * g
        s["mom"] = mo * s.get("mom", 0.0) + lr * g / np.sqrt(s["ms"] + eps)
        return w - s["mom"]

    np.testing.assert_allclose(run(eo.AdamWOptimizer(0.1, weight_decay=0.01)),
                               _numpy_rule(adamw, 3, w0, lambda w: 2 * w), rtol=1e-5)
    np.testing.assert_allclose(run(eo.RmspropOptimizer(0.1, momentum=0.5)),
                               _numpy_rule(rmsprop, 3, w0, lambda w: 2 * w), rtol=1e-5)


def test_exponential_decay_lr_validation():
    decay = eo.exponential_decay_lr(0.1, 10, 0.5, staircase=True)
    assert (decay.learning_rate, decay.decay_steps, decay.decay_rate, decay.staircase) == (0.1, 10, 0.5, True)
    with pytest.raises(ValueError, match="decay_steps"):
        eo.exponential_decay_lr(0.1, 1.5, 0.5)


# ----------------------------------------------------------------------------------------- ESWorker
@pytest.fixture
def es_config(tmp_path, monkeypatch):
    path = tmp_path / "es_cluster.json"
    path.write_text(json.dumps({"psNum": 2, "psCluster": [{"id": 0}, {"id": 1}]}))
    monkeypatch.setenv("ESCLUSTER_CONFIG_PATH", str(path))
    return path


def test_esworker_needs_the_cluster_config(monkeypatch, tmp_path):
    monkeypatch.delenv("ESCLUSTER_CONFIG_PATH", raising=False)
    with pytest.raises(ValueError, match="ESCLUSTER_CONFIG_PATH"):
        ESWorker()
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"psNum": 16, "psCluster": [{"id": i} for i in range(16)]}))
    monkeypatch.setenv("ESCLUSTER_CONFIG_PATH", str(big))
    with pytest.raises(ValueError, match="PS num can not exceed 15"):
        ESWorker()
    assert emb.EmbeddingService is ESWorker


def test_ps_table_lookup_and_sgd_update(es_config):
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        init = es.get_embedding_variable("user", 100, 4, initializer=es_initializer("constant", constant_value=0.5),
                                         max_feature_count=8, optimizer=emb.EmbeddingSgdOptimizer(0.1))
        ids = tf.placeholder(tf.int64, [None])
        rows = es.embedding_lookup("user", ids)
        update = es.embedding_update(tf.reduce_sum(rows))
        sess.run(init)
        np.testing.assert_allclose(sess.run(rows, {ids: [3, 5, 3]}), 0.5)
        sess.run(update, {ids: [3, 5, 3]})
        after = sess.run(es.embedding_lookup("user", tf.constant([3, 5, 7], tf.int64)))
    np.testing.assert_allclose(after[:, 0], [0.5 - 0.2, 0.5 - 0.1, 0.5])  # id 3 was looked up twice


def test_ps_table_adam_matches_the_emulated_ps_rule(es_config):
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        init = es.get_embedding_variable("item", 10, 2, initializer=es_initializer("constant", constant_value=1.0),
                                         max_feature_count=4, optimizer=emb.EmbeddingAdamOptimizer(0.01))
        rows = es.embedding_lookup("item", tf.constant([[1, 2]], tf.int64))
        assert rows.shape.as_list() == [1, 2, 2]
        update = es.embedding_update(tf.reduce_sum(rows))
        sess.run(init)
        sess.run(update)
        got = sess.run(es.embedding_lookup("item", tf.constant([1], tf.int64)))
    m, v = 0.1, 0.001  # one step with g = 1; upstream's fixed beta powers cancel the bias correction
    np.testing.assert_allclose(got, 1.0 - 0.01 * m / (np.sqrt(v) + 1e-8), rtol=1e-5)


def test_counter_filter_admits_ids_after_filter_freq_lookups(es_config):
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        option = es.embedding_variable_option(filter_option=es.counter_filter(filter_freq=2, default_value=-1.0))
        init = es.get_embedding_variable("ctr", 10, 3, initializer=es_initializer("constant", constant_value=0.25),
                                         ev_option=option, max_feature_count=4, optimizer=emb.EmbeddingSgdOptimizer())
        rows = es.embedding_lookup("ctr", tf.constant([9], tf.int64))
        sess.run(init)
        np.testing.assert_allclose(sess.run(rows), -1.0)
        np.testing.assert_allclose(sess.run(rows), 0.25)


def test_exponential_decay_on_a_table(es_config):
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        opt = emb.EmbeddingSgdOptimizer(eo.exponential_decay_lr(0.1, 1, 0.5))
        init = es.get_embedding_variable("dec", 10, 1, initializer=es_initializer("constant", constant_value=0.0),
                                         max_feature_count=4, optimizer=opt)
        rows = es.embedding_lookup("dec", tf.constant([0], tf.int64))
        update = es.embedding_update(tf.reduce_sum(rows))
        sess.run(init)
        sess.run(update)
        sess.run(update)
        got = sess.run(es.embedding_lookup("dec", tf.constant([0], tf.int64)))
    np.testing.assert_allclose(got, [[-(0.1 + 0.05)]], rtol=1e-6)


def test_checkpoint_round_trip(es_config, tmp_path):
    ckpt = str(tmp_path / "ckpt")
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        init = es.get_embedding_variable("t", 50, 3, initializer=tf.random_uniform_initializer(-1.0, 1.0, seed=3),
                                         max_feature_count=8, optimizer=emb.EmbeddingAdagradOptimizer(0.1))
        ids = tf.constant([4, 8, 15], tf.int64)
        rows = es.embedding_lookup("t", ids)
        update = es.embedding_update(tf.reduce_sum(rows ** 2))
        sess.run(init)
        initial = sess.run(rows)
        sess.run(update)
        trained = sess.run(es.embedding_lookup("t", ids))
        sess.run(es.save_checkpoints(ckpt))
        sess.run(init)  # recreate the table empty
        sess.run(es.restore_checkpoints(ckpt))
        restored = sess.run(es.embedding_lookup("t", ids))
        sess.run(update)  # the Adagrad accumulator came back too: the next step matches an unbroken run
        second = sess.run(es.embedding_lookup("t", ids))
        with pytest.raises(ValueError, match="must not end with '/'"):
            es.save_embeddings(ckpt + "/")
    np.testing.assert_allclose(restored, trained)
    accum = 0.1 + (2 * initial) ** 2
    np.testing.assert_allclose(trained, initial - 0.1 * 2 * initial / np.sqrt(accum), rtol=1e-5)
    accum += (2 * trained) ** 2
    np.testing.assert_allclose(second, trained - 0.1 * 2 * trained / np.sqrt(accum), rtol=1e-5)
    assert {p.name for p in (tmp_path / "ckpt").iterdir()} == {"t.checkpoint.npz", "t.compute_var.json"}


def test_inference_table_reads_defaults_for_unknown_ids(es_config):
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        init = es.embedding_init(vocabulary_size=10, table_id=5, max_batch_size=4, embedding_dim=2)
        rows = es.embedding_lookup_v1(5, tf.constant([1], tf.int64))
        sess.run(init)
        np.testing.assert_allclose(sess.run(rows), -1.0)


# -------------------------------------------------------------------------------- small tables
def test_data_parallel_tables_merge_and_split(es_config):
    init = tf.constant_initializer(0.5)
    with tf.Graph().as_default(), tf.Session() as sess:
        es = ESWorker()
        es.get_embedding_variable("a", 10, 4, initializer=init, embedding_type="data_parallel", multihot_lens=2)
        es.get_embedding_variable("b", 20, 4, initializer=init, embedding_type="data_parallel", multihot_lens=1)
        es.data_parallel_embedding(5, 3, 1, initializer=init)
        es.init_table(AutoMergeTableMapPolicy())
        assert [v.shape.as_list() for v in es.total_variable_table] == [[30, 4], [5, 3]]
        outs = es.embeddings_lookup(tf.constant([[1, 2, 3, 4]], tf.int64))
        sess.run(tf.global_variables_initializer())
        values = sess.run(outs)
    assert [v.shape for v in values] == [(1, 2, 4), (1, 1, 4), (1, 1, 3)]
    assert all(np.allclose(v, 0.5) for v in values)


def test_compare_initializer_checks_both_kinds():
    assert compare_initializer(tf.constant_initializer(1.0), tf.constant_initializer(1.0))
    assert not compare_initializer(tf.constant_initializer(1.0), tf.constant_initializer(2.0))
    assert not compare_initializer(tf.random_uniform_initializer(-1, 1), tf.constant_initializer(1.0))
