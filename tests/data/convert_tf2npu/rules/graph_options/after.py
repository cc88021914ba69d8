from npu_bridge.npu_init import *
import tensorflow as tf

config = tf.ConfigProto(graph_options=npu_graph_options(graph_options=tf.GraphOptions(build_cost_model=1)))
