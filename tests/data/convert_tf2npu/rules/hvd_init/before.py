import tensorflow as tf
import horovod.tensorflow as hvd

# initialise horovod
hvd.init()
config = tf.ConfigProto()
