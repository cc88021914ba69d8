import tensorflow as tf

dataset = tf.data.Dataset.list_files("train-*")
dataset = dataset.shard(num_workers, worker_index)
