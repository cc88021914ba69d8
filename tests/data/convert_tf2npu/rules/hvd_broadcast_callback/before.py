import tensorflow as tf
import horovod.tensorflow.keras as hvd

callbacks = [hvd.callbacks.BroadcastGlobalVariablesCallback(0)]
