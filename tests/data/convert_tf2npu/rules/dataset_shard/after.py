from npu_bridge.npu_init import *
import tensorflow as tf

dataset = tf.data.Dataset.list_files("train-*")
dataset = dataset.shard(int(os.getenv('RANK_SIZE', '1')), int(os.getenv('RANK_ID', '0')))
