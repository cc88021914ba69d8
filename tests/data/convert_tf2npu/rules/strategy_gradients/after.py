from npu_bridge.npu_init import *
import tensorflow as tf

grads = npu_allreduce(tf.gradients(loss, params))
