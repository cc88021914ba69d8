"""BERT pre-training, built like Google's ``run_pretraining.py`` / ``modeling.py`` in graph mode.

Embeddings (word table gathered, token-type one-hot matmul, position slice), layer norm and dropout; each
encoder layer: Q/K/V projections over ``[batch·seq, hidden]``, scaled scores plus the attention-mask adder,
softmax, dropout, context, output projection, dropout, residual + layer norm, GeLU feed-forward, dropout,
residual + layer norm. Heads: the masked LM gathers ``max_predictions`` positions per sequence, transforms
them (dense, GeLU, layer norm) and scores them against the tied word embeddings (log-softmax, weighted
cross-entropy); next-sentence prediction uses the tanh pooler on the first token. Adam with global-norm
gradient clipping at 1.0, as in Google's ``optimization.py``.

``fused_ops=True`` (the default) writes GeLU, layer norm and dropout as the Ascend ops a run on the 910
executes (``fused``: Gelu, LayerNorm, DropOutGenMask + DropOutDoMask, with their gradient ops);
``False`` keeps TensorFlow's composed ops.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from ascend_sim.calibration.workloads import fused
from ascend_sim.calibration.workloads.base import Workload, npu_options, synthetic_batches


@dataclass(frozen=True)
class BertConfig:
    layers: int
    hidden: int
    heads: int
    intermediate: int
    vocab: int = 21128                 # the Chinese vocabulary of the published MindSpore runs (reference §5)
    max_position: int = 512
    type_vocab: int = 2
    keep_prob: float = 0.9

    def reduced(self, layers: int) -> "BertConfig":
        """The same layer shapes with fewer encoder layers (for fast tests)."""
        return replace(self, layers=layers)


BERT_LARGE = BertConfig(layers=24, hidden=1024, heads=16, intermediate=4096)
BERT_BASE = BertConfig(layers=12, hidden=768, heads=12, intermediate=3072)


class _Ops:
    """Dropout, GeLU and layer norm, fused (Ascend ops) or composed (TensorFlow ops)."""

    def __init__(self, tf, fused_ops: bool, keep_prob: float):
        self.tf, self.fused, self.keep = tf, fused_ops, keep_prob

    def dropout(self, x):
        if self.keep >= 1.0:
            return x
        if self.fused:
            return fused.dropout(self.tf, x, self.keep)
        return self.tf.nn.dropout(x, rate=1.0 - self.keep)

    def gelu(self, x):
        return fused.gelu(self.tf, x) if self.fused else fused._tanh_gelu(self.tf, x)

    def layer_norm(self, x, name):
        tf = self.tf
        with tf.variable_scope(name):
            dim = x.shape[-1]
            gamma = tf.get_variable("gamma", [dim], initializer=tf.ones_initializer())
            beta = tf.get_variable("beta", [dim], initializer=tf.zeros_initializer())
            if self.fused:
                return fused.layer_norm(tf, x, gamma, beta)
            mean, var = tf.nn.moments(x, axes=[-1], keep_dims=True)
            return (x - mean) * tf.rsqrt(var + 1e-12) * gamma + beta


def _dense(tf, x, units, name, activation=None):
    return tf.layers.dense(x, units, activation=activation, name=name,
                           kernel_initializer=tf.truncated_normal_initializer(stddev=0.02))


def _encoder_layer(tf, ops: _Ops, x, adder, cfg: BertConfig, batch: int, seq: int):
    head = cfg.hidden // cfg.heads

    def split(t):
        return tf.transpose(tf.reshape(t, [batch, seq, cfg.heads, head]), [0, 2, 1, 3])

    with tf.variable_scope("attention"):
        q, k, v = (split(_dense(tf, x, cfg.hidden, n)) for n in ("query", "key", "value"))
        scores = tf.matmul(q, k, transpose_b=True) * (1.0 / math.sqrt(head)) + adder
        probs = ops.dropout(tf.nn.softmax(scores))
        context = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [batch * seq, cfg.hidden])
        attn = ops.dropout(_dense(tf, context, cfg.hidden, "output"))
        x = ops.layer_norm(attn + x, "attention_ln")
    with tf.variable_scope("ffn"):
        inter = ops.gelu(_dense(tf, x, cfg.intermediate, "intermediate"))
        out = ops.dropout(_dense(tf, inter, cfg.hidden, "output"))
        return ops.layer_norm(out + x, "output_ln")


def bert_pretraining(cfg: BertConfig = BERT_LARGE, batch: int = 96, seq: int = 128, max_predictions: int = 20,
                     fused_ops: bool = True, precision_mode: str = "allow_mix_precision",
                     iterations_per_loop: int = 100, data_sinking: bool = True, name: str = "bert") -> Workload:
    """A BERT pre-training step of ``batch`` sequences of ``seq`` tokens (see the module docstring)."""
    import tensorflow.compat.v1 as tf

    if cfg.hidden % cfg.heads:
        raise ValueError(f"hidden ({cfg.hidden}) must be a multiple of heads ({cfg.heads})")
    if not 0 < max_predictions <= seq or seq > cfg.max_position:
        raise ValueError(f"need 0 < max_predictions ({max_predictions}) <= seq ({seq}) <= max_position "
                         f"({cfg.max_position})")
    graph = tf.Graph()
    with graph.as_default():
        ops = _Ops(tf, fused_ops, cfg.keep_prob)
        d = synthetic_batches(tf, {
            "input_ids": ([seq], tf.int32, cfg.vocab), "input_mask": ([seq], tf.int32, 2),
            "segment_ids": ([seq], tf.int32, cfg.type_vocab),
            "masked_lm_positions": ([max_predictions], tf.int32, seq),
            "masked_lm_ids": ([max_predictions], tf.int32, cfg.vocab),
            "masked_lm_weights": ([max_predictions], tf.float32, None),
            "next_sentence_labels": ([], tf.int32, 2)}, batch)
        init = tf.truncated_normal_initializer(stddev=0.02)
        with tf.variable_scope("bert"):
            with tf.variable_scope("embeddings"):
                table = tf.get_variable("word_embeddings", [cfg.vocab, cfg.hidden], initializer=init)
                x = tf.gather(table, tf.reshape(d["input_ids"], [-1]))
                types = tf.get_variable("token_type_embeddings", [cfg.type_vocab, cfg.hidden], initializer=init)
                x += tf.matmul(tf.one_hot(tf.reshape(d["segment_ids"], [-1]), cfg.type_vocab), types)
                positions = tf.get_variable("position_embeddings", [cfg.max_position, cfg.hidden], initializer=init)
                x = tf.reshape(tf.reshape(x, [batch, seq, cfg.hidden]) + tf.slice(positions, [0, 0], [seq, -1]),
                               [batch * seq, cfg.hidden])
                x = ops.dropout(ops.layer_norm(x, "LayerNorm"))
            mask = tf.cast(tf.reshape(d["input_mask"], [batch, 1, 1, seq]), tf.float32)
            adder = (1.0 - mask) * -10000.0
            with tf.variable_scope("encoder"):
                for i in range(cfg.layers):
                    with tf.variable_scope(f"layer_{i}"):
                        x = _encoder_layer(tf, ops, x, adder, cfg, batch, seq)
            with tf.variable_scope("pooler"):
                first = tf.reshape(x, [batch, seq, cfg.hidden])[:, 0, :]
                pooled = _dense(tf, first, cfg.hidden, "dense", activation=tf.tanh)
        with tf.variable_scope("cls/predictions"):
            offsets = tf.reshape(tf.range(batch) * seq, [-1, 1])
            picked = tf.gather(x, tf.reshape(d["masked_lm_positions"] + offsets, [-1]))
            h = ops.layer_norm(ops.gelu(_dense(tf, picked, cfg.hidden, "transform")), "LayerNorm")
            bias = tf.get_variable("output_bias", [cfg.vocab], initializer=tf.zeros_initializer())
            log_probs = tf.nn.log_softmax(tf.matmul(h, table, transpose_b=True) + bias)
            labels = tf.one_hot(tf.reshape(d["masked_lm_ids"], [-1]), cfg.vocab)
            weights = tf.reshape(d["masked_lm_weights"], [-1])
            per_example = -tf.reduce_sum(log_probs * labels, axis=-1)
            mlm_loss = tf.reduce_sum(weights * per_example) / (tf.reduce_sum(weights) + 1e-5)
        with tf.variable_scope("cls/seq_relationship"):
            nsp = tf.nn.log_softmax(_dense(tf, pooled, 2, "output"))
            nsp_loss = -tf.reduce_mean(tf.reduce_sum(tf.one_hot(d["next_sentence_labels"], 2) * nsp, axis=-1))
        loss = mlm_loss + nsp_loss
        step = tf.train.get_or_create_global_step()
        variables = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(loss, variables), 1.0)
        train = tf.train.AdamOptimizer(1e-4).apply_gradients(zip(grads, variables), global_step=step)
    params = dict(batch=batch, seq=seq, max_predictions=max_predictions, fused_ops=fused_ops, **asdict(cfg))
    return Workload(name, graph, [train, loss], batch, npu_options(precision_mode, iterations_per_loop, data_sinking),
                    params)
