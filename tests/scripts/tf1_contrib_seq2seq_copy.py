"""Encoder-decoder with ``tf.contrib.seq2seq``: a GRU encoder, ``TrainingHelper`` + ``BasicDecoder`` +
``dynamic_decode`` for teacher-forced training with ``sequence_loss``, then ``GreedyEmbeddingHelper``
inference sharing the decoder variables.

Task: copy a short digit sequence followed by an end token.  Checks the training loss falls and the
greedy decode reproduces most tokens and stops at the end token.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

VOCAB, GO, END, LEN, EMB, HIDDEN, BATCH = 8, 0, 1, 4, 16, 64, 64


def batch(rng):
    src = rng.randint(2, VOCAB, size=(BATCH, LEN)).astype(np.int32)
    tgt_out = np.concatenate([src, np.full((BATCH, 1), END, np.int32)], 1)
    tgt_in = np.concatenate([np.full((BATCH, 1), GO, np.int32), src], 1)
    return src, tgt_in, tgt_out


def main():
    rng = np.random.RandomState(6)
    tf.set_random_seed(6)
    src = tf.placeholder(tf.int32, [BATCH, LEN])
    tgt_in = tf.placeholder(tf.int32, [BATCH, LEN + 1])
    tgt_out = tf.placeholder(tf.int32, [BATCH, LEN + 1])
    embedding = tf.get_variable("embedding", [VOCAB, EMB])
    _, enc_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(HIDDEN), tf.nn.embedding_lookup(embedding, src),
                                     dtype=tf.float32, scope="encoder")
    cell = tf.nn.rnn_cell.GRUCell(HIDDEN)
    projection = tf.layers.Dense(VOCAB, name="projection")
    with tf.variable_scope("decode"):
        helper = tf.contrib.seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, tgt_in),
                                                   tf.fill([BATCH], LEN + 1))
        decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, enc_state, output_layer=projection)
        train_out, _, _ = tf.contrib.seq2seq.dynamic_decode(decoder)
    with tf.variable_scope("decode", reuse=True):
        greedy = tf.contrib.seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([BATCH], GO), END)
        infer_decoder = tf.contrib.seq2seq.BasicDecoder(cell, greedy, enc_state, output_layer=projection)
        infer_out, _, infer_lengths = tf.contrib.seq2seq.dynamic_decode(
            infer_decoder, maximum_iterations=2 * LEN, impute_finished=True)
    loss = tf.contrib.seq2seq.sequence_loss(train_out.rnn_output, tgt_out, tf.ones([BATCH, LEN + 1]))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        s, ti, to = batch(rng)
        first = sess.run(loss, {src: s, tgt_in: ti, tgt_out: to})
        for _ in range(150):
            s, ti, to = batch(rng)
            sess.run(train, {src: s, tgt_in: ti, tgt_out: to})
        last = sess.run(loss, {src: s, tgt_in: ti, tgt_out: to})
        s, _, to = batch(rng)
        ids, lengths = sess.run([infer_out.sample_id, infer_lengths], {src: s})
    width = min(ids.shape[1], LEN + 1)
    token_accuracy = float((ids[:, :width] == to[:, :width]).mean())
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "token_accuracy": token_accuracy,
        "stopped_at_end": float(np.mean([ids[b, lengths[b] - 1] == END for b in range(BATCH)])),
        "max_length": int(lengths.max()), "decoder_variables": len(tf.trainable_variables("decode")),
    }))


if __name__ == "__main__":
    main()
