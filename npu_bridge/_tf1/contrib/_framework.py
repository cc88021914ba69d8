"""``tf.contrib.framework`` helpers that neither tf_slim nor TF 2.15 carry (TF 1.15 semantics)."""
import numpy as np
from tensorflow.python.framework import dtypes, ops, sparse_tensor, tensor_util
from tensorflow.python.ops import array_ops, check_ops, confusion_matrix, math_ops, resource_variable_ops, state_ops


def assert_scalar_int(tensor, name=None):
    """The ``assert_scalar`` op for an integer tensor; ``ValueError`` for a non-integer dtype."""
    with ops.name_scope(name, "assert_scalar_int", [tensor]) as scope:
        tensor = ops.convert_to_tensor(tensor)
        if not tensor.dtype.base_dtype.is_integer:
            raise ValueError(f"Expected integer type for {tensor.name}, received type: {tensor.dtype}.")
        return check_ops.assert_scalar(tensor, name=scope)


def get_placeholders(graph):
    """The output tensors of every ``Placeholder`` op of ``graph``."""
    if not isinstance(graph, ops.Graph):
        raise TypeError(f"Input graph needs to be a Graph: {graph}")
    return [op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"]


def reduce_sum_n(tensors, name=None):
    """The sum of all elements of all ``tensors`` (a scalar)."""
    if not tensors:
        raise ValueError("No tensors provided.")
    with ops.name_scope(name, "reduce_sum_n", tensors) as scope:
        sums = [math_ops.reduce_sum(t, name=f"{t.op.name}/sum") for t in tensors]
        if len(sums) == 1:
            return sums[0]
        return math_ops.add_n(sums, name=scope)


def remove_squeezable_dimensions(predictions, labels, name=None):
    """Squeeze the last dimension of whichever of ``predictions``/``labels`` has rank one more than the
    other; returns ``(predictions, labels)`` (contrib's argument order)."""
    with ops.name_scope(name, "remove_squeezable_dimensions", [predictions, labels]):
        labels, predictions = confusion_matrix.remove_squeezable_dimensions(labels, predictions)
        return predictions, labels


def _static_shape_vector(expected_shape, tensor):
    """``expected_shape`` (list/tuple/ndarray) as a 1-D int32 array, with contrib's checks."""
    if isinstance(expected_shape, (list, tuple)):
        expected_shape = np.asarray(expected_shape, dtype=np.int32 if not expected_shape or
                                    np.asarray(expected_shape).dtype == np.int64 else None)
    if isinstance(expected_shape, np.ndarray):
        if expected_shape.ndim > 1:
            raise ValueError(f"Invalid rank {expected_shape.ndim} for shape {expected_shape} "
                             f"expected of tensor {tensor.name}.")
        if expected_shape.dtype != np.int32:
            raise ValueError(f"Invalid dtype {expected_shape.dtype} for shape {expected_shape} "
                             f"expected of tensor {tensor.name}.")
    return expected_shape


def with_shape(expected_shape, tensor):
    """``tensor`` checked against ``expected_shape``: a ``ValueError`` when the static shapes disagree,
    otherwise (shape not fully known, or a shape tensor) an identity guarded by a runtime assertion."""
    if isinstance(tensor, sparse_tensor.SparseTensor):
        raise ValueError("SparseTensor not supported.")
    dynamic = tensor_util.is_tf_type(expected_shape)
    if dynamic and expected_shape.dtype.base_dtype != dtypes.int32:
        raise ValueError(f"Invalid dtype {expected_shape.dtype} for shape {expected_shape} "
                         f"expected of tensor {tensor.name}.")
    if not dynamic:
        expected_shape = _static_shape_vector(expected_shape, tensor)
    actual_shape = tensor.get_shape()
    if not actual_shape.is_fully_defined() or dynamic:
        with ops.name_scope(f"{tensor.op.name}/", values=[tensor]):
            if not dynamic and len(expected_shape) < 1:
                return array_ops.reshape(tensor, [])
            assertion = check_ops.assert_equal(
                array_ops.shape(tensor, out_type=dtypes.int32), expected_shape,
                message=f"Wrong shape for {tensor.name} [expected] [actual].", data=[expected_shape,
                                                                                   array_ops.shape(tensor)])
            with ops.control_dependencies([assertion]):
                result = array_ops.identity(tensor)
            if not dynamic:
                result.set_shape(expected_shape)
            return result
    if not actual_shape.is_compatible_with(expected_shape):
        if len(expected_shape) < 1 and actual_shape.is_compatible_with([1]):
            with ops.name_scope(f"{tensor.op.name}/", values=[tensor]):
                return array_ops.reshape(tensor, [])
        raise ValueError(f"Invalid shape for tensor {tensor.name}, expected {expected_shape}, got {actual_shape}.")
    return tensor


def with_same_shape(expected_tensor, tensor):
    """``with_shape`` with the (static if known, else dynamic) shape of ``expected_tensor``."""
    with ops.name_scope(f"{tensor.op.name}/", values=[expected_tensor, tensor]):
        static = expected_tensor.get_shape()
        expected = static.as_list() if static.is_fully_defined() else array_ops.shape(
            expected_tensor, name="expected_shape")
        return with_shape(expected, tensor)


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
    """Assign zeros of ``ref``'s shape and dtype to the variable ``ref``; returns the assigned value.

    TF 1.15's kernel also refused an already-initialized variable; this assignment does not check.
    """
    zeros = array_ops.zeros(ref.get_shape(), dtype=ref.dtype.base_dtype)
    if resource_variable_ops.is_resource_variable(ref):
        return ref.assign(zeros, use_locking=use_locking, name=name)
    return state_ops.assign(ref, zeros, use_locking=use_locking, name=name)
