import tensorflow as tf

grads = tf.gradients(loss, params)
