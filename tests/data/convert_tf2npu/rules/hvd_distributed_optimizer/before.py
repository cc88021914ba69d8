import tensorflow as tf
import horovod.tensorflow as hvd

opt = tf.train.AdamOptimizer(0.001)
opt = hvd.DistributedOptimizer(opt, compression=hvd.Compression.fp16)
