"""Training utilities."""
# Copyright header comment
from __future__ import print_function
from npu_bridge.npu_init import *
import os
import tensorflow as tf

x = tf.constant(1)
