"""Training utilities."""
# Copyright header comment
from __future__ import print_function
import os
import tensorflow as tf

x = tf.constant(1)
