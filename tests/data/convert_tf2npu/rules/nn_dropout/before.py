import tensorflow.compat.v1 as tf1

def layer(h, training, drop, extra):
    h = tf1.nn.dropout(h, rate=drop + extra)  # regularise
    g = tf1.nn.dropout(h, 0.9, seed=3)
    return tf1.nn.dropout(g, rate=0.1)
