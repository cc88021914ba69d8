"""Small TF 1.x training graphs for the lowering tests: each builder returns a ``Built`` (graph, fetches).

Built with ``tensorflow.compat.v1`` in a fresh ``tf.Graph()``, no npu_bridge ops: a Keras MLP, a CNN with
batch norm (tf.layers), an LSTM (dynamic_rnn), a BERT-style encoder layer (attention, tanh-GeLU, dropout,
layer norm from moments, Adam) and ResNet-50 (tf.keras.applications, weights=None). Shapes are static,
sizes tiny except ResNet-50's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import tensorflow.compat.v1 as tf


@dataclass
class Built:
    graph: object
    fetches: list
    loss: object = None
    extra: dict = field(default_factory=dict)


def keras_mlp(batch: int = 8, features: int = 20, classes: int = 5) -> Built:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [batch, features], name="x")
        y = tf.placeholder(tf.float32, [batch, classes], name="y")
        model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu", input_shape=(features,)),
                                     tf.keras.layers.Dense(classes)])
        logits = model(x)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return Built(graph, [train, loss], loss)


def cnn_bn(batch: int = 4, size: int = 16, classes: int = 10) -> Built:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [batch, size, size, 3], name="images")
        labels = tf.placeholder(tf.int32, [batch], name="labels")
        h = x
        for i, channels in enumerate((16, 32)):
            h = tf.layers.conv2d(h, channels, 3, padding="same", use_bias=False, name=f"conv{i}")
            h = tf.layers.batch_normalization(h, training=True, name=f"bn{i}")
            h = tf.nn.relu(h)
            h = tf.layers.max_pooling2d(h, 2, 2)
        logits = tf.layers.dense(tf.layers.flatten(h), classes, name="fc")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(
                loss, global_step=tf.train.get_or_create_global_step())
    return Built(graph, [train, loss], loss)


def lstm(batch: int = 4, steps: int = 6, features: int = 8, units: int = 16) -> Built:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [batch, steps, features], name="sequence")
        target = tf.placeholder(tf.float32, [batch, 1], name="target")
        cell = tf.nn.rnn_cell.LSTMCell(units)
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        pred = tf.layers.dense(outputs[:, -1, :], 1, name="head")
        loss = tf.reduce_mean(tf.square(pred - target))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return Built(graph, [train, loss], loss)


def _layer_norm(x, name):
    with tf.variable_scope(name):
        dim = x.shape[-1]
        gamma = tf.get_variable("gamma", [dim], initializer=tf.ones_initializer())
        beta = tf.get_variable("beta", [dim], initializer=tf.zeros_initializer())
        mean, var = tf.nn.moments(x, axes=[-1], keep_dims=True)
        return (x - mean) * tf.rsqrt(var + 1e-12) * gamma + beta


def _gelu(x):
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))


def _dense(x, units, name):
    return tf.layers.dense(x, units, name=name)


def bert_layer(batch: int = 2, seq: int = 16, hidden: int = 32, heads: int = 2, vocab: int = 50,
               keep_prob: float = 0.9) -> Built:
    graph = tf.Graph()
    head = hidden // heads
    with graph.as_default():
        ids = tf.placeholder(tf.int32, [batch, seq], name="input_ids")
        labels = tf.placeholder(tf.int32, [batch], name="labels")
        table = tf.get_variable("embeddings", [vocab, hidden])
        x = tf.reshape(tf.gather(table, ids), [batch * seq, hidden])
        x = _layer_norm(x, "embeddings_ln")

        def split(t):
            return tf.transpose(tf.reshape(t, [batch, seq, heads, head]), [0, 2, 1, 3])

        q, k, v = (split(_dense(x, hidden, n)) for n in ("query", "key", "value"))
        scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(head)
        probs = tf.nn.dropout(tf.nn.softmax(scores), rate=1 - keep_prob)
        context = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [batch * seq, hidden])
        attn = tf.nn.dropout(_dense(context, hidden, "attention_output"), rate=1 - keep_prob)
        x = _layer_norm(attn + x, "attention_ln")
        inter = _gelu(_dense(x, 4 * hidden, "intermediate"))
        out = tf.nn.dropout(_dense(inter, hidden, "output"), rate=1 - keep_prob)
        x = _layer_norm(out + x, "output_ln")
        pooled = tf.reduce_mean(tf.reshape(x, [batch, seq, hidden]), axis=1)
        logits = _dense(pooled, 2, "classifier")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    return Built(graph, [train, loss], loss)


def resnet50(batch: int = 2, size: int = 224) -> Built:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [batch, size, size, 3], name="images")
        labels = tf.placeholder(tf.int32, [batch], name="labels")
        model = tf.keras.applications.ResNet50(weights=None, input_shape=(size, size, 3))
        logits = model(x, training=True)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=tf.train.get_or_create_global_step())
        updates = [op for op in graph.get_operations()
                   if op.type == "AssignSubVariableOp" and op.name.startswith(model.name + "/")]
    return Built(graph, [train, loss] + updates, loss)
