"""HCCL collective-communication wrappers (upstream ``npu_bridge.hccl.hccl_ops``).

Thin wrappers that validate their arguments like upstream and build the registered ``Hcom*`` ops
of the (emulated) generated op module.  ascend-sim emulates one device: on one rank the
collectives are the identity (allreduce, broadcast, reduce, allgather/reduce_scatter with
``rank_size`` 1).  Anything that would need more ranks than one raises the RuntimeError of
:func:`npu_bridge._distribution.require_single_rank`; point-to-point and RDMA ops, which need a
peer or device memory addresses, raise a RuntimeError naming the function.

The gradient of ``HcomAllReduce`` (``allreduce(grad, "sum", fusion=0)``, as upstream) is
registered with the op in :mod:`npu_bridge._ops.defs_hccl`.
"""
from tensorflow.python.framework import tensor_shape

from npu_bridge import _distribution
from npu_bridge.helper import helper

gen_hccl_ops = helper.get_gen_ops()

WORLD_GROUP = "hccl_world_group"
_REDUCTIONS = ("min", "max", "prod", "sum")


def _check_reduction(func, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{func}: reduction must be one of {list(_REDUCTIONS)}, got {reduction!r}")


def _check_group(func, group):
    if not isinstance(group, str) or not group:
        raise ValueError(f"{func}: group must be a non-empty str, got {group!r}")


def _check_world(func, group):
    """A collective over the world group needs every rank of the world: one here."""
    _check_group(func, group)
    if group == WORLD_GROUP:
        _distribution.require_single_rank(f"hccl_ops.{func} over {WORLD_GROUP!r}")


def _check_rank_size(func, rank_size):
    if isinstance(rank_size, bool) or not isinstance(rank_size, int) or rank_size <= 0:
        raise ValueError(f"{func}: rank_size must be a positive int, got {rank_size!r}")


def _check_rank(func, arg, rank):
    """A rank id argument; rank ``r`` exists only in a world of at least ``r + 1`` ranks."""
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 0:
        raise ValueError(f"{func}: {arg} must be a non-negative int, got {rank!r}")
    if rank > 0:
        raise _distribution.multi_rank_error(f"hccl_ops.{func}({arg}={rank})", rank + 1)


def _no_device_memory(func):
    return RuntimeError(
        f"hccl_ops.{func} reads or writes remote device memory by address (RDMA); ascend-sim "
        "emulates one device without a device address space, so it cannot run"
    )


def allreduce(tensor, reduction, fusion=1, fusion_id=-1, group="hccl_world_group"):
    """Reduce ``tensor`` with ``reduction`` (min/max/prod/sum) over the group; same shape."""
    _check_reduction("allreduce", reduction)
    _check_world("allreduce", group)
    return gen_hccl_ops.hcom_all_reduce(
        input=tensor, reduction=reduction, fusion=fusion, fusion_id=fusion_id, group=group
    )


def allgather(tensor, rank_size, group="hccl_world_group", fusion=0, fusion_id=-1):
    """Concatenate ``tensor`` from ``rank_size`` ranks along dim 0."""
    _check_rank_size("allgather", rank_size)
    _check_group("allgather", group)
    _distribution.require_single_rank("hccl_ops.allgather", rank_size)
    _check_world("allgather", group)
    return gen_hccl_ops.hcom_all_gather(
        input=tensor, group=group, rank_size=rank_size, fusion=fusion, fusion_id=fusion_id
    )


def broadcast(tensor, root_rank, fusion=2, fusion_id=0, group="hccl_world_group"):
    """Broadcast a **list** of tensors from ``root_rank``; returns a list aligned with the input."""
    if not isinstance(tensor, (list, tuple)):
        raise TypeError(f"broadcast: tensor must be a list of tensors, got {type(tensor).__name__}")
    _check_rank("broadcast", "root_rank", root_rank)
    _check_world("broadcast", group)
    result = gen_hccl_ops.hcom_broadcast(
        input=list(tensor), fusion=fusion, fusion_id=fusion_id, group=group, root_rank=root_rank
    )
    return list(result)


def reduce(tensor, reduction, root_rank, fusion=0, fusion_id=-1, group="hccl_world_group"):
    """Reduce ``tensor`` onto ``root_rank``."""
    _check_reduction("reduce", reduction)
    _check_rank("reduce", "root_rank", root_rank)
    _check_world("reduce", group)
    return gen_hccl_ops.hcom_reduce(
        input=tensor, reduction=reduction, group=group, root_rank=root_rank, fusion=fusion, fusion_id=fusion_id
    )


def reduce_scatter(tensor, reduction, rank_size, group="hccl_world_group", fusion=0, fusion_id=-1):
    """Reduce, then scatter dim 0 over ``rank_size`` ranks (dim 0 must divide by ``rank_size``)."""
    _check_reduction("reduce_scatter", reduction)
    _check_rank_size("reduce_scatter", rank_size)
    _check_group("reduce_scatter", group)
    shape = tensor_shape.TensorShape(getattr(tensor, "shape", None))
    if shape.rank is not None and shape.rank > 0 and shape[0] is not None and shape[0] % rank_size:
        raise ValueError(f"reduce_scatter: dim 0 of tensor ({shape[0]}) must be divisible by rank_size ({rank_size})")
    _distribution.require_single_rank("hccl_ops.reduce_scatter", rank_size)
    _check_world("reduce_scatter", group)
    return gen_hccl_ops.hcom_reduce_scatter(
        input=tensor, reduction=reduction, group=group, rank_size=rank_size, fusion=fusion, fusion_id=fusion_id
    )


def send(tensor, sr_tag, dest_rank, group="hccl_world_group"):
    """Point-to-point send to ``dest_rank`` (needs a peer rank)."""
    _check_group("send", group)
    raise _distribution.multi_rank_error(f"hccl_ops.send(dest_rank={dest_rank!r})", max(2, _as_rank(dest_rank) + 1))


def receive(shape, data_type, sr_tag, src_rank, group="hccl_world_group"):
    """Point-to-point receive from ``src_rank`` (needs a peer rank)."""
    _check_group("receive", group)
    raise _distribution.multi_rank_error(f"hccl_ops.receive(src_rank={src_rank!r})", max(2, _as_rank(src_rank) + 1))


def _as_rank(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def remote_read(tensorRemote, data_type):  # pylint: disable=invalid-name
    """RDMA read of remote host memory described by ``tensorRemote``."""
    raise _no_device_memory("remote_read")


def remote_ref_read(tensorRemote, cache, offset):  # pylint: disable=invalid-name
    """RDMA read of remote memory into ``cache`` at ``offset``."""
    raise _no_device_memory("remote_ref_read")


def remote_write(tensorRemote, tensorLocal, data_type):  # pylint: disable=invalid-name
    """RDMA write of ``tensorLocal`` to remote memory (``data_type`` is unused, as upstream)."""
    raise _no_device_memory("remote_write")


def remote_scatter_write(tensorRemote, tensorLocal, offset):  # pylint: disable=invalid-name
    """RDMA scatter write of ``tensorLocal`` to remote memory."""
    raise _no_device_memory("remote_scatter_write")


def gather_all_to_all_v(addrinfo, addrinfo_count_per_rank, recv_counts, recv_displacements, dtype, addr_length,
                        group="hccl_world_group"):
    """Gather memory described by address records from every rank; returns (recv_data, gathered)."""
    _check_group("gather_all_to_all_v", group)
    raise _no_device_memory("gather_all_to_all_v")


def all_to_all_v(send_data, send_counts, send_displacements, recv_counts, recv_displacements,
                 group="hccl_world_group"):
    """All-to-all with per-rank counts and displacements; on one rank, this rank's own slice."""
    _check_world("all_to_all_v", group)
    return gen_hccl_ops.hcom_all_to_all_v(
        send_data=send_data,
        send_counts=send_counts,
        send_displacements=send_displacements,
        recv_counts=recv_counts,
        recv_displacements=recv_displacements,
        group=group,
    )


def all_to_all_v_c(send_data, send_count_matrix, rank, fusion=0, fusion_id=-1, group="hccl_world_group"):
    """All-to-all driven by a rank×rank count matrix; on one rank, the first ``matrix[0][0]`` elements."""
    _check_rank("all_to_all_v_c", "rank", rank)
    _check_world("all_to_all_v_c", group)
    return gen_hccl_ops.hcom_all_to_all_vc(
        send_data=send_data, send_count_matrix=send_count_matrix, rank=rank, fusion=fusion, fusion_id=fusion_id,
        group=group,
    )

