from npu_bridge.npu_init import *
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile(optimizer=npu_distributed_optimizer_wrapper(optimizer=tf.keras.optimizers.SGD(0.1)), loss="mse")
