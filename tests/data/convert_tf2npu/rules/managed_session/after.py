from npu_bridge.npu_init import *
import tensorflow as tf

sv = tf.train.Supervisor(logdir="/tmp/sv")
with sv.managed_session(config=npu_config_proto(config_proto=session_config)) as sess:
    sess.run(train_op)
