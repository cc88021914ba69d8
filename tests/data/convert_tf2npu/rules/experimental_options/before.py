import tensorflow as tf

tf.config.optimizer.set_experimental_options({"layout_optimizer": False})
