from npu_bridge.npu_init import *
import math
import tensorflow as tf


class Block:
    def gelu(self, x):
        """Gaussian error linear unit."""
        return npu_unary_ops.gelu(x)
