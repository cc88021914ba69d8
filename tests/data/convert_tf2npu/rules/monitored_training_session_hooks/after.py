from npu_bridge.npu_init import *
import tensorflow as tf

with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, hooks=npu_hooks_append(hooks_list=hooks), config=npu_config_proto(config_proto=cfg)) as sess:
    sess.run(train_op)
