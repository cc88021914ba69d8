import tensorflow as tf
import horovod.tensorflow as hvd

lr = 0.01 * hvd.size()
