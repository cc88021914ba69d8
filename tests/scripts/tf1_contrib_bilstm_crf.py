"""BiLSTM-CRF tagger, the NER recipe of many migrated NLP scripts: embeddings, a bidirectional LSTM,
``tf.contrib.crf.crf_log_likelihood`` for training and ``tf.contrib.crf.crf_decode`` (plus the numpy
``viterbi_decode``) for prediction.

Task: tag tokens B/I/O-style where a tag depends on the previous token (the transition matrix has
something to learn).  Checks that the negative log-likelihood falls, the decoded tags are accurate,
and that graph and numpy Viterbi agree.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

VOCAB, TAGS, T, BATCH = 12, 3, 8, 64


def make(rng, n):
    words = rng.randint(1, VOCAB, size=(n, T))
    lengths = rng.randint(3, T + 1, size=n)
    tags = np.zeros((n, T), np.int32)
    for i in range(n):
        for t in range(lengths[i]):
            if words[i, t] >= 8:
                tags[i, t] = 1  # "begin"
            elif t > 0 and tags[i, t - 1] in (1, 2) and words[i, t] >= 5:
                tags[i, t] = 2  # "inside" only after begin/inside
        words[i, lengths[i]:] = 0
    return words, tags, lengths


def main():
    rng = np.random.RandomState(12)
    words, tags, lengths = make(rng, 512)
    tf.set_random_seed(12)
    w = tf.placeholder(tf.int32, [None, T])
    y = tf.placeholder(tf.int32, [None, T])
    n = tf.placeholder(tf.int32, [None])
    embedded = tf.nn.embedding_lookup(tf.get_variable("embedding", [VOCAB, 16]), w)
    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.LSTMCell(16), tf.nn.rnn_cell.LSTMCell(16), embedded,
                                                  sequence_length=n, dtype=tf.float32)
    unary = tf.layers.dense(tf.concat([fw, bw], -1), TAGS)
    log_likelihood, transitions = tf.contrib.crf.crf_log_likelihood(unary, y, n)
    loss = -tf.reduce_mean(log_likelihood)
    decoded, _ = tf.contrib.crf.crf_decode(unary, transitions, n)
    train = tf.train.AdamOptimizer(0.02).minimize(loss)
    feed = {w: words, y: tags, n: lengths}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, feed)
        for _ in range(80):
            idx = rng.randint(0, 512, size=BATCH)
            sess.run(train, {w: words[idx], y: tags[idx], n: lengths[idx]})
        last, predicted, scores, trans = sess.run([loss, decoded, unary, transitions], feed)
    mask = np.arange(T)[None, :] < lengths[:, None]
    accuracy = float((predicted == tags)[mask].mean())
    agree = all(list(tf.contrib.crf.viterbi_decode(scores[i, :lengths[i]], trans)[0])
                == predicted[i, :lengths[i]].tolist() for i in range(50))
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "accuracy": accuracy,
        "viterbi_agrees": bool(agree), "transitions_shape": list(trans.shape),
    }))


if __name__ == "__main__":
    main()
