"""A numpy gelu used for reference values: not TensorFlow code, so not replaced."""
from npu_bridge.npu_init import *
import numpy as np
import tensorflow as tf


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))


def reference(values):
    return gelu(np.asarray(values))
