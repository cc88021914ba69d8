import tensorflow as tf

config = tf.ConfigProto(allow_soft_placement=True)
sess = tf.Session(config=config)  # main session
other = tf.compat.v1.Session()
third = tf.InteractiveSession("", None, config)
