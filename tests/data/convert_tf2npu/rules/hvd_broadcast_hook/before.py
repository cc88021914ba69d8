import tensorflow as tf
import horovod.tensorflow as hvd

hooks = [hvd.BroadcastGlobalVariablesHook(0)]
