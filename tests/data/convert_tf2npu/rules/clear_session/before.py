import tensorflow as tf
from tensorflow.keras import backend as K

K.clear_session()
tf.keras.backend.clear_session()
