"""Element-wise / indexing ops of upstream ``npu_aicore_ops.cc``, ``npu_cpu_ops.cc`` and ``npu_ops.cc``.

ScatterElements(V2), KMeansCentroids(V2), Centralization, PRelu(+Grad), NonZero, NonZeroWithValue,
FusedLayerNorm(+Grad), GetShape.  Each is computed with TensorFlow ops from its documented math;
layout choices the reference leaves open are stated in the op's docstring.
"""
from tensorflow.python.framework import constant_op, dtypes, ops
from tensorflow.python.ops import array_ops, gen_array_ops, math_ops

from npu_bridge._ops.composite import OpView, as_text
from npu_bridge._ops.registry import REQUIRED, register

LAYER_NORM_GRAD_EPSILON = 1e-12  # FusedLayerNormGrad has no epsilon attribute; the TBE kernel uses this


# --------------------------------------------------------------------------------- ScatterElements
def _linear_positions(data, indices, axis):
    """Flat positions in ``data`` addressed by ``indices`` along ``axis`` (ONNX ScatterElements)."""
    rank = indices.shape.rank
    if rank is None:
        raise ValueError("ScatterElements: indices must have a known rank")
    if not -rank <= axis < rank:
        raise ValueError(f"ScatterElements: axis must be in [{-rank}, {rank - 1}], got {axis}")
    axis %= rank
    idx = math_ops.cast(indices, dtypes.int64)
    dims = math_ops.cast(array_ops.shape(data), dtypes.int64)
    idx = array_ops.where_v2(idx < 0, idx + dims[axis], idx)
    coords = array_ops.where(array_ops.ones_like(indices, dtype=dtypes.bool))  # [N, rank], row-major
    coords = array_ops.concat([coords[:, :axis], array_ops.reshape(idx, [-1, 1]), coords[:, axis + 1:]], axis=1)
    strides = math_ops.cumprod(dims, exclusive=True, reverse=True)
    return math_ops.reduce_sum(coords * strides, axis=1)


_REDUCTIONS = ("none", "add", "mul", "max", "min")


def _scatter(data, indices, updates, axis, reduction):
    data = ops.convert_to_tensor(data, name="data")
    indices = ops.convert_to_tensor(indices, name="indices")
    updates = ops.convert_to_tensor(updates, dtype=data.dtype, name="updates")
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"ScatterElements: indices must be int32 or int64, got {indices.dtype.name}")
    pos = _linear_positions(data, indices, int(axis))
    flat = array_ops.reshape(data, [-1])
    upd = array_ops.reshape(updates, [-1])
    if reduction == "none":
        out = array_ops.tensor_scatter_update(flat, pos[:, None], upd)
    elif reduction == "add":
        out = gen_array_ops.tensor_scatter_add(flat, pos[:, None], upd)
    elif reduction == "max":
        out = gen_array_ops.tensor_scatter_max(flat, pos[:, None], upd)
    elif reduction == "min":
        out = gen_array_ops.tensor_scatter_min(flat, pos[:, None], upd)
    else:
        out = flat * math_ops.unsorted_segment_prod(upd, pos, array_ops.size(flat, out_type=dtypes.int64))
    return array_ops.reshape(out, array_ops.shape(data))


@register("ScatterElements", inputs=["data", "indices", "updates"], attrs={"axis": 0})
def scatter_elements(data, indices, updates, axis):
    """data with data[..., indices[p], ...] (position p, along ``axis``) replaced by updates[p]."""
    return _scatter(data, indices, updates, axis, "none")


@register("ScatterElementsV2", inputs=["data", "indices", "updates"], attrs={"axis": 0, "reduction": "None"})
def scatter_elements_v2(data, indices, updates, axis, reduction):
    """ScatterElements combining duplicates by ``reduction`` ('None' replaces, 'add', 'mul', 'max', 'min')."""
    red = as_text(reduction).lower()
    if red not in _REDUCTIONS:
        raise ValueError(f"ScatterElementsV2: reduction must be one of ['None', 'add', 'mul', 'max', 'min'], "
                         f"got {as_text(reduction)!r}")
    return _scatter(data, indices, updates, axis, red)


# --------------------------------------------------------------------------------- KMeansCentroids
def _kmeans(x, y, sum_square_y, sum_square_x):
    x = ops.convert_to_tensor(x, name="x")
    y = ops.convert_to_tensor(y, dtype=x.dtype, name="y")
    dist = array_ops.reshape(ops.convert_to_tensor(sum_square_y, dtype=x.dtype), [1, -1])
    dist = dist - 2.0 * math_ops.matmul(x, y, transpose_b=True)
    if sum_square_x is not None:
        dist = dist + array_ops.reshape(ops.convert_to_tensor(sum_square_x, dtype=x.dtype), [-1, 1])
    nearest = math_ops.argmin(dist, axis=1, output_type=dtypes.int32)
    k = array_ops.shape(y)[0]
    seg_sum = math_ops.unsorted_segment_sum(x, nearest, k)
    count = math_ops.unsorted_segment_sum(array_ops.ones_like(x[:, :1]), nearest, k)
    total = array_ops.reshape(math_ops.reduce_sum(math_ops.reduce_min(dist, axis=1)), [1])
    return [seg_sum, count, total]


@register("KMeansCentroids", inputs=["x", "y", "sum_square_y", "sum_square_x"], attrs={"use_actual_distance": False})
def k_means_centroids(x, y, sum_square_y, sum_square_x, use_actual_distance):
    """(segment_sum [n, d], segment_count [n, 1], kmean_total_sum [1]) assigning each row of x to its
    nearest centroid (row of y); distance ‖x‖² − 2x·y + ‖y‖² (the ‖x‖² term only with use_actual_distance)."""
    return _kmeans(x, y, sum_square_y, sum_square_x if use_actual_distance else None)


@register("KMeansCentroidsV2", inputs=["x", "y", "sum_square_y"], attrs={"use_actual_distance": False})
def k_means_centroids_v2(x, y, sum_square_y, use_actual_distance):
    """KMeansCentroids without ‖x‖² (the total sum is then relative to −‖x‖²)."""
    del use_actual_distance  # no sum_square_x to add
    return _kmeans(x, y, sum_square_y, None)


# --------------------------------------------------------------------------------- activations
@register("Centralization", inputs=["x"], attrs={"axes": REQUIRED}, stateful=True)
def centralization(x, axes):
    """y = x − mean(x, axes)."""
    x = ops.convert_to_tensor(x, name="x")
    return x - math_ops.reduce_mean(x, axis=list(axes), keepdims=True)


def prelu_grad_view(view, grad):
    """[dx, dweight] of a PRelu instance (upstream's PReluGrad)."""
    from npu_bridge._ops import gen_ops

    x, weight = view.inputs
    return list(gen_ops.p_relu_grad(grad, x, weight))


def _prelu_grad(inputs, outputs, grads):
    return prelu_grad_view(OpView.of(outputs[0].op), grads[0])


@register("PRelu", inputs=["x", "weight"], grad=_prelu_grad, stateful=True)
def p_relu(x, weight):
    """y = x where x > 0 else weight·x (weight broadcast against x)."""
    x = ops.convert_to_tensor(x, name="x")
    w = ops.convert_to_tensor(weight, dtype=x.dtype, name="weight")
    return array_ops.where_v2(x > 0, x, w * x)


@register("PReluGrad", inputs=["grads", "features", "weights"], stateful=True)
def p_relu_grad(grads, features, weights):
    """(dx, da): dx = grads where x > 0 else weights·grads; da = Σ grads·x over x ≤ 0, reduced to weights' shape."""
    x = ops.convert_to_tensor(features, name="features")
    g = ops.convert_to_tensor(grads, dtype=x.dtype, name="grads")
    w = ops.convert_to_tensor(weights, dtype=x.dtype, name="weights")
    positive = x > 0
    dx = array_ops.where_v2(positive, g, w * g)
    da_full = array_ops.where_v2(positive, array_ops.zeros_like(g), g * x)
    _, reduce_axes = gen_array_ops.broadcast_gradient_args(array_ops.shape(x), array_ops.shape(w))
    da = array_ops.reshape(math_ops.reduce_sum(da_full, axis=reduce_axes), array_ops.shape(w))
    return [dx, da]


# --------------------------------------------------------------------------------- NonZero
@register("NonZero", inputs=["x"], attrs={"transpose": False, "output_type": dtypes.int64}, stateful=True)
def non_zero(x, transpose, output_type):
    """Coordinates of the non-zero elements in row-major order: [rank, N] (transpose=True: [N, rank])."""
    x = ops.convert_to_tensor(x, name="x")
    coords = math_ops.cast(array_ops.where(math_ops.not_equal(x, array_ops.zeros_like(x))), output_type)
    return coords if transpose else array_ops.transpose(coords)


@register("NonZeroWithValue", inputs=["x"], attrs={"transpose": False, "output_type": dtypes.int32}, stateful=True)
def non_zero_with_value(x, transpose, output_type):
    """For a 2-D x [m, n], fixed-size outputs padded with zeros:
    value [m·n] (the non-zero values first), index [2·m·n] (rows then columns, each padded to m·n;
    transpose=True: (row, col) pairs), count [1] (the number N of non-zeros)."""
    x = ops.convert_to_tensor(x, name="x")
    if x.shape.rank != 2:
        raise ValueError(f"NonZeroWithValue: x must be 2-D, got rank {x.shape.rank}")
    size = array_ops.size(x)
    coords = math_ops.cast(array_ops.where(math_ops.not_equal(x, array_ops.zeros_like(x))), output_type)
    count = array_ops.shape(coords, out_type=output_type)[0]
    pad = size - math_ops.cast(count, dtypes.int32)
    values = array_ops.pad(array_ops.gather_nd(x, coords), [[0, pad]])
    if transpose:
        index = array_ops.pad(array_ops.reshape(coords, [-1]), [[0, 2 * pad]])
    else:
        index = array_ops.reshape(array_ops.pad(array_ops.transpose(coords), [[0, 0], [0, pad]]), [-1])
    return [values, index, array_ops.reshape(count, [1])]


# --------------------------------------------------------------------------------- FusedLayerNorm
def _norm_axes(x, begin_axis, what):
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"FusedLayerNorm: x must have a known rank for {what}")
    axis = int(begin_axis) + rank if int(begin_axis) < 0 else int(begin_axis)
    if not 0 <= axis < rank:
        raise ValueError(f"FusedLayerNorm: {what} must be in [{-rank}, {rank - 1}], got {begin_axis}")
    return axis, rank


def _layer_norm_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    x, gamma, _ = inputs
    _, mean, variance = outputs
    dy = grads[0] if grads[0] is not None else array_ops.zeros_like(outputs[0])
    return list(gen_ops.fused_layer_norm_grad(dy, x, variance, mean, gamma))


@register("FusedLayerNorm", inputs=["x", "gamma", "beta"],
          attrs={"begin_norm_axis": 0, "begin_params_axis": 0, "epsilon": 0.0000001},
          grad=_layer_norm_grad, stateful=True)
def fused_layer_norm(x, gamma, beta, begin_norm_axis, begin_params_axis, epsilon):
    """(y, mean, variance): normalise over axes ≥ begin_norm_axis, scale/shift by gamma/beta."""
    x = ops.convert_to_tensor(x, name="x")
    axis, rank = _norm_axes(x, begin_norm_axis, "begin_norm_axis")
    _norm_axes(x, begin_params_axis, "begin_params_axis")
    gamma, beta = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (gamma, beta))
    axes = list(range(axis, rank))
    mean = math_ops.reduce_mean(x, axis=axes, keepdims=True)
    variance = math_ops.reduce_mean(math_ops.squared_difference(x, mean), axis=axes, keepdims=True)
    y = (x - mean) * math_ops.rsqrt(variance + constant_op.constant(epsilon, x.dtype)) * gamma + beta
    return [y, mean, variance]


@register("FusedLayerNormGrad", inputs=["dy", "x", "variance", "mean", "gamma"], stateful=True)
def fused_layer_norm_grad(dy, x, variance, mean, gamma):
    """(pd_x, pd_gamma, pd_beta) of FusedLayerNorm (normalised axes: where mean has size 1)."""
    x = ops.convert_to_tensor(x, name="x")
    dy, variance, mean, gamma = (ops.convert_to_tensor(t, dtype=x.dtype) for t in (dy, variance, mean, gamma))
    rank = x.shape.rank
    begin = rank  # the normalised axes are the trailing ones where mean has size 1
    while begin > 0 and mean.shape[begin - 1] == 1:
        begin -= 1
    norm_axes = list(range(min(begin, rank - 1), rank))
    param_axes = list(range(rank - gamma.shape.rank))
    rstd = math_ops.rsqrt(variance + LAYER_NORM_GRAD_EPSILON)
    xhat = (x - mean) * rstd
    pd_gamma = array_ops.reshape(math_ops.reduce_sum(dy * xhat, axis=param_axes), array_ops.shape(gamma))
    pd_beta = array_ops.reshape(math_ops.reduce_sum(dy, axis=param_axes), array_ops.shape(gamma))
    dxhat = dy * gamma
    pd_x = rstd * (dxhat - math_ops.reduce_mean(dxhat, axis=norm_axes, keepdims=True)
                   - xhat * math_ops.reduce_mean(dxhat * xhat, axis=norm_axes, keepdims=True))
    return [pd_x, pd_gamma, pd_beta]


@register("GetShape", inputs=["x"], attrs={"N": 1})
def get_shape(x, N):  # pylint: disable=invalid-name
    """int32 vector: the shapes of the input tensor(s), concatenated."""
    tensors = x if isinstance(x, (list, tuple)) else [x]
    if len(tensors) != int(N) and not (int(N) == 1 and len(tensors) == 1):
        raise ValueError(f"GetShape: N={N} but {len(tensors)} input tensors were given")
    return array_ops.concat([array_ops.shape(ops.convert_to_tensor(t), out_type=dtypes.int32) for t in tensors], 0)
