from npu_bridge.npu_init import *
import tensorflow as tf

with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, hooks=hooks, config=npu_config_proto()) as sess:
    sess.run(train_op)
