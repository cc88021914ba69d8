from npu_bridge.npu_init import *
import tensorflow.compat.v1 as tf1

def layer(h, training, drop, extra):
    h = npu_ops.dropout(h, keep_prob=1 - (drop + extra))  # regularise
    g = npu_ops.dropout(h, keep_prob=0.9, seed=3)
    return npu_ops.dropout(g, keep_prob=1 - 0.1)
