import tensorflow as tf

config = tf.ConfigProto(graph_options=tf.GraphOptions(build_cost_model=1))
