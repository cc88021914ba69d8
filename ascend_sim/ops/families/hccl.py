"""Collectives (HCCL tasks; plugin ImplyType HCCL, reference §3.2).

On one rank (``rank_size`` attribute absent or 1, the single-device case) a collective copies its input
into its output buffer in device memory: HBM bandwidth, reads and writes sharing it. Over ``p`` ranks the
first-order ring model applies: all-reduce moves 2(p-1)/p of the buffer over each link, all-gather and
reduce-scatter (p-1)/p of the larger side, broadcast / send / receive the buffer once. Up to
``hccs_port_count + 1`` ranks form a full HCCS mesh (one server half of an Atlas 800, reference §1.5), so
the link is one HCCS port; beyond that the ring crosses RoCE and one RoCE port bounds it. The Remote* ops
move data to or from a parameter server over RoCE. Topology-aware algorithms are a later refinement.
"""
from __future__ import annotations

import functools

from ascend_sim.hw.spec import BYTES_PER_GB, US_PER_S, HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import BITS_PER_BYTE, copy_us, known_bytes
from ascend_sim.ops.opspec import specs

FAMILY = "hccl"
HCCL_DTYPES = ("float16", "float32", "int8", "int32")
# Share of the buffer each rank sends per algorithm, as a function of the rank count p.
TRAFFIC = {
    "all_reduce": lambda p: 2 * (p - 1) / p,
    "scatter_gather": lambda p: (p - 1) / p,
    "once": lambda p: 1.0,
}


def link_bytes_per_us(ranks: int, hw: HardwareSpec, remote: bool = False) -> float:
    ic = hw.interconnect
    mesh = ic.hccs_port_count + 1
    gbit = ic.roce_port_gbit_per_s if remote or ranks > mesh else ic.hccs_port_gbit_per_s
    return gbit / BITS_PER_BYTE * BYTES_PER_GB / US_PER_S


def collective(node: OpInstance, hw: HardwareSpec, *, algorithm: str, remote: bool = False) -> Cost:
    ranks = max(1, int(node.attr("rank_size", "group_size", default=1) or 1))
    read, write = known_bytes(node.inputs), known_bytes(node.outputs)
    buffer = max(read, write)
    if ranks <= 1 and not remote:
        us = copy_us(read, write, hw)
    else:
        us = TRAFFIC[algorithm](ranks) * buffer / link_bytes_per_us(ranks, hw, remote)
    return Cost.of(flops=0, bytes_hbm=read + write, block_dim=1, offcore_us=us)


def _rows(names, algorithm, remote=False, note=""):
    fn = functools.partial(collective, algorithm=algorithm, remote=remote)
    return specs(names, unit="hccl", cost_fn=fn, family=FAMILY, kind="collective", dtypes=HCCL_DTYPES,
                 note=note)


SPECS = (
    *_rows("HcomAllReduce HorovodAllreduce", "all_reduce", note="ImplyType HCCL (reference §3.2)"),
    *_rows("HcomAllGather HcomReduceScatter HcomReduce HorovodAllgather HcomAllToAllV HcomAllToAllVC "
           "HcomGatherAllToAllV", "scatter_gather"),
    *_rows("HcomBroadcast HorovodBroadcast HcomSend HcomReceive", "once"),
    *_rows("HcomRemoteRead HcomRemoteRefRead HcomRemoteWrite HcomRemoteScatterWrite", "once", remote=True),
)
