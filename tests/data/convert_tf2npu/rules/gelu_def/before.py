import math
import tensorflow as tf


class Block:
    def gelu(self, x):
        """Gaussian error linear unit."""
        # tanh approximation
        cdf = 0.5 * (1.0 + tf.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))
        return x * cdf
