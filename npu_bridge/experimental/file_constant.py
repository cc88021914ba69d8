"""``file_constant``: a constant tensor whose value is a binary file (upstream ``FileConstant``).

On the device the weight file is loaded when the graph runs instead of being embedded in the
graph.  ascend-sim does the same: the graph holds the path, and the file (raw little-endian
values of ``dtype``, ``prod(shape)`` of them) is read when the tensor is evaluated.  The file must
exist, with the right size, when the op is built; ``file_id`` (resolved on the device through its
weight-file table) is not available here.
"""
from tensorflow.python.framework import dtypes  # noqa: F401  (upstream module namespace)
from tensorflow.python.framework import ops  # noqa: F401  (upstream module namespace)

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()


def file_constant(shape, dtype, file_path=None, file_id=None, name=None):
    """A ``dtype`` tensor of ``shape`` read from the binary file ``file_path``."""
    return gen_npu_cpu_ops.file_constant(file_path=file_path or "", file_id=file_id or "", shape=shape, dtype=dtype,
                                         name=name)
