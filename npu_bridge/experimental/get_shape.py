"""``getshape``: the shape of a tensor as an int32 vector (upstream op ``GetShape``)."""
from tensorflow.python.framework import ops

from npu_bridge.helper import helper

npu_aicore_ops = helper.get_gen_ops()


def getshape(x, name=None):
    """int32 [rank(x)]: the dynamic shape of ``x`` (``tf.shape(x, out_type=tf.int32)``)."""
    x = ops.convert_to_tensor(x, name="x")
    return npu_aicore_ops.get_shape(x, name=name)
