from npu_bridge.npu_init import *
import tensorflow as tf

# initialise horovod
pass
config = tf.ConfigProto()
