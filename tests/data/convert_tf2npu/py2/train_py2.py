import tensorflow as tf

sess = tf.Session()
print "step", sess.run(tf.constant(1))
