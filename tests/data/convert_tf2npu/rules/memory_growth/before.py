import tensorflow as tf

gpus = tf.config.experimental.list_physical_devices("GPU")
for gpu in gpus:
    tf.config.experimental.set_memory_growth(gpu, True)

# grow memory as needed
tf.config.experimental.set_memory_growth(gpus[0], True)
x = 1
