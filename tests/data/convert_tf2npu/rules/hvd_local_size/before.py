import tensorflow as tf
import horovod.tensorflow as hvd

value = hvd.local_size()
