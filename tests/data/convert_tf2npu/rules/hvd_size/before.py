import tensorflow as tf
import horovod.tensorflow as hvd

value = hvd.size()
