from npu_bridge.npu_init import *
from npu_bridge.estimator.npu import npu_convert_dropout
import tensorflow as tf
from tensorflow.keras import layers

def block(x):
    return layers.Dropout(0.2)(x)
