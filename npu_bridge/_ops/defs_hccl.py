"""HCCL collective ops (upstream ``hccl/hccl_ops.cc``) with single-rank semantics.

The emulator runs one rank: every collective is computed for a world of ``rank_size`` equal to 1
(allreduce/broadcast/allgather/reduce_scatter are the identity).  Multi-rank requests are refused
by the Python wrappers in ``npu_bridge.hccl.hccl_ops`` before an op is built, and by the builders
here when a ``rank_size`` attribute asks for more than one rank.
"""
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops

from npu_bridge._ops.registry import REQUIRED, register

_REDUCTIONS = ("min", "max", "prod", "sum")


def _check_reduction(op, reduction):
    r = reduction.decode() if isinstance(reduction, bytes) else reduction
    if r not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {list(_REDUCTIONS)}, got {reduction!r}")


def _require_one_rank(op, rank_size):
    """The ops compute a world of one rank; a larger ``rank_size`` attribute is refused."""
    from npu_bridge import _distribution  # pylint: disable=import-outside-toplevel

    _distribution.require_single_rank(f"{op}(rank_size={int(rank_size)})", int(rank_size))


def _identity_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    # upstream registers allreduce(grad, "sum", fusion=0) as the gradient of HcomAllReduce
    return [gen_ops.hcom_all_reduce(grads[0], "sum", "hccl_world_group", 0, -1)]


@register(
    "HcomAllReduce",
    inputs=["input"],
    attrs={"reduction": REQUIRED, "group": REQUIRED, "fusion": REQUIRED, "fusion_id": REQUIRED},
    grad=_identity_grad,
)
def hcom_all_reduce(input, reduction, group, fusion, fusion_id):  # pylint: disable=redefined-builtin
    """Reduction over one rank: the input itself."""
    _check_reduction("HcomAllReduce", reduction)
    return array_ops.identity(input)


@register("HcomAllGather", inputs=["input"], attrs={"group": REQUIRED, "rank_size": REQUIRED, "fusion": 0, "fusion_id": -1})
def hcom_all_gather(input, group, rank_size, fusion, fusion_id):  # pylint: disable=redefined-builtin
    """Concatenation along dim 0 over ``rank_size`` (= 1) ranks: the input itself."""
    _require_one_rank("HcomAllGather", rank_size)
    return array_ops.identity(input)


@register("HcomBroadcast", inputs=["input"], attrs={"root_rank": REQUIRED, "group": REQUIRED, "fusion": 2, "fusion_id": 0})
def hcom_broadcast(input, root_rank, group, fusion, fusion_id):  # pylint: disable=redefined-builtin
    """A list of tensors, each received from ``root_rank`` (this rank): identities."""
    return [array_ops.identity(t) for t in input]


@register(
    "HcomReduce",
    inputs=["input"],
    attrs={"reduction": REQUIRED, "group": REQUIRED, "root_rank": REQUIRED, "fusion": 0, "fusion_id": -1},
)
def hcom_reduce(input, reduction, group, root_rank, fusion, fusion_id):  # pylint: disable=redefined-builtin
    """Reduction to ``root_rank`` over one rank: the input itself."""
    _check_reduction("HcomReduce", reduction)
    return array_ops.identity(input)


@register(
    "HcomReduceScatter",
    inputs=["input"],
    attrs={"reduction": REQUIRED, "group": REQUIRED, "rank_size": REQUIRED, "fusion": 0, "fusion_id": -1},
)
def hcom_reduce_scatter(input, reduction, group, rank_size, fusion, fusion_id):  # pylint: disable=redefined-builtin
    """Reduce then scatter dim 0 over one rank: the input itself."""
    _check_reduction("HcomReduceScatter", reduction)
    _require_one_rank("HcomReduceScatter", rank_size)
    return array_ops.identity(input)


def _no_peer(op):
    raise RuntimeError(
        f"{op} needs a peer rank; ascend-sim emulates a single device (RANK_SIZE=1), so there is "
        "no other rank to exchange data with"
    )


@register("HcomSend", inputs=["input"], attrs={"group": REQUIRED, "sr_tag": REQUIRED, "dest_rank": REQUIRED})
def hcom_send(input, group, sr_tag, dest_rank):  # pylint: disable=redefined-builtin
    """Point-to-point send: no peer exists on one rank."""
    _no_peer("HcomSend")


@register("HcomReceive", inputs=[], attrs={"shape": REQUIRED, "T": REQUIRED, "group": REQUIRED, "sr_tag": REQUIRED, "src_rank": REQUIRED})
def hcom_receive(shape, T, group, sr_tag, src_rank):  # pylint: disable=invalid-name
    """Point-to-point receive: no peer exists on one rank."""
    _no_peer("HcomReceive")


@register("HcomRemoteRead", inputs=["remote"], attrs={"dtype": REQUIRED})
def hcom_remote_read(remote, dtype):
    """RDMA read from a remote host's memory: needs peers."""
    _no_peer("HcomRemoteRead")


@register("HcomRemoteRefRead", inputs=["remote", "cache_var", "local_offset"], attrs={"dtype": REQUIRED})
def hcom_remote_ref_read(remote, cache_var, local_offset, dtype):
    """RDMA read into a cache variable: needs peers."""
    _no_peer("HcomRemoteRefRead")


@register("HcomRemoteWrite", inputs=["remote", "local"])
def hcom_remote_write(remote, local):
    """RDMA write to a remote host's memory: needs peers."""
    _no_peer("HcomRemoteWrite")


@register("HcomRemoteScatterWrite", inputs=["remote", "local", "local_offset"])
def hcom_remote_scatter_write(remote, local, local_offset):
    """RDMA scatter write: needs peers."""
    _no_peer("HcomRemoteScatterWrite")


@register("HcomAllToAllV", inputs=["send_data", "send_counts", "send_displacements", "recv_counts", "recv_displacements"], attrs={"group": REQUIRED})
def hcom_all_to_all_v(send_data, send_counts, send_displacements, recv_counts, recv_displacements, group):
    """All-to-all over one rank: this rank's own slice of ``send_data``."""
    start = ops.convert_to_tensor(send_displacements)[0]
    count = ops.convert_to_tensor(send_counts)[0]
    return array_ops.slice(send_data, array_ops.reshape(start, [1]), array_ops.reshape(count, [1]))


@register("HcomAllToAllVC", inputs=["send_data", "send_count_matrix"], attrs={"rank": REQUIRED, "group": REQUIRED, "fusion": 0, "fusion_id": -1})
def hcom_all_to_all_vc(send_data, send_count_matrix, rank, group, fusion, fusion_id):
    """All-to-all with a count matrix over one rank: the first ``matrix[0][0]`` elements."""
    count = ops.convert_to_tensor(send_count_matrix)
    count = array_ops.reshape(count, [-1])[0]
    return array_ops.slice(send_data, [0], array_ops.reshape(count, [1]))


@register(
    "HcomGatherAllToAllV",
    inputs=["addrinfo", "addrinfo_count_per_rank", "recv_counts", "recv_displacements"],
    attrs={"group": REQUIRED, "dtype": REQUIRED, "addr_length": REQUIRED},
)
def hcom_gather_all_to_all_v(addrinfo, addrinfo_count_per_rank, recv_counts, recv_displacements, group, dtype, addr_length):
    """Gathers memory described by address records: needs a device address space."""
    _no_peer("HcomGatherAllToAllV")
