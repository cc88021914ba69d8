import tensorflow as tf
from tensorflow.keras import layers

def block(x):
    return layers.Dropout(0.2)(x)
