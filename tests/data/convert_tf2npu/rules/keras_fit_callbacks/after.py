from npu_bridge.npu_init import *
import tensorflow as tf


class Net(tf.keras.Model):
    pass


model = Net()
model.fit(x, y, epochs=2, callbacks=npu_callbacks_append())
model.fit(x, y, callbacks=npu_callbacks_append(callbacks_list=[checkpoint]))
