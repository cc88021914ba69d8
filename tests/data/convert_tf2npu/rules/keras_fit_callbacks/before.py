import tensorflow as tf


class Net(tf.keras.Model):
    pass


model = Net()
model.fit(x, y, epochs=2)
model.fit(x, y, callbacks=[checkpoint])
