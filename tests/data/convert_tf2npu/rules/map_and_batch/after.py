from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow.contrib import data as contrib_data

def input_fn(ds):
    ds = ds.apply(tf.data.experimental.map_and_batch(parse, 64, drop_remainder=True))
    return ds.apply(contrib_data.map_and_batch(parse, batch_size=64, num_parallel_batches=4, drop_remainder=True))
