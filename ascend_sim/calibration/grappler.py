"""TensorFlow grappler's analytical cost estimator on the same workloads, given the 910's peak and bandwidth.

The side-by-side peer (reference performance_anchors.md §4): the workload's graph is exported as a
MetaGraphDef (its train op registered in the ``train_op`` collection), every node placed on one virtual GPU
whose peak equals the chip's cube peak and whose memory bandwidth equals its HBM bandwidth, and
``Cluster.MeasureCosts`` on that virtual cluster (``AnalyticalCostEstimator`` + ``VirtualScheduler``;
nothing executes) predicts the step time. Grappler's GPU peak is num_cores × MHz × 1e-3 × 64 × 2 GFLOP/s
for ``architecture`` 7, so the chip's AI Core count goes in ``num_cores`` and 64 × its clock in
``frequency``. It has no Cube/Vector split, adds compute and memory time instead of overlapping them,
truncates per-op costs to whole µs, has no launch cost and costs the graph in the dtypes TensorFlow wrote
(fp32 here: it does not know ``allow_mix_precision``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ascend_sim.hw.spec import FLOPS_PER_MAC

logger = logging.getLogger(__name__)

DEVICE = "/job:localhost/replica:0/task:0/device:GPU:0"
ARCHITECTURE = "7"
CORES_PER_SM = 64          # grappler's cores per SM for architecture major >= 6 (op_level_cost_estimator.cc)
KB_PER_GB = 1e6


@dataclass(frozen=True)
class GrapplerDevice:
    num_cores: int
    frequency_mhz: float
    bandwidth_kb_per_s: float

    @property
    def peak_flops(self) -> float:
        return self.num_cores * self.frequency_mhz * 1e6 * CORES_PER_SM * 2

    @property
    def bandwidth_bytes_per_s(self) -> float:
        return self.bandwidth_kb_per_s * 1e3


def device_for(hw) -> GrapplerDevice:
    """The virtual GPU with ``hw``'s fp16 cube peak and HBM bandwidth."""
    peak = hw.chip.ai_core_count * hw.cube_macs_per_cycle("float16") * FLOPS_PER_MAC * hw.clock_hz
    cores = hw.chip.ai_core_count
    return GrapplerDevice(cores, peak / (cores * CORES_PER_SM * 2 * 1e6), hw.chip.hbm_bandwidth_gb_per_s * KB_PER_GB)


def step_time_us(workload, hw) -> float:
    """Grappler's predicted step time for ``workload`` (a ``workloads.Workload``) on a virtual ``hw``."""
    import tensorflow.compat.v1 as tf
    from tensorflow.core.protobuf import device_properties_pb2
    from tensorflow.python.grappler import cluster, item

    dev = device_for(hw)
    props = device_properties_pb2.DeviceProperties(
        type="GPU", num_cores=dev.num_cores, frequency=int(round(dev.frequency_mhz)),
        bandwidth=int(dev.bandwidth_kb_per_s), environment={"architecture": ARCHITECTURE})
    named = device_properties_pb2.NamedDevice(name=DEVICE, properties=props)
    meta = tf.train.export_meta_graph(graph=workload.graph)
    ops = [f if isinstance(f, tf.Operation) else f.op for f in workload.fetches]
    meta.collection_def["train_op"].node_list.value.extend(op.name for op in ops)
    for node in meta.graph_def.node:
        node.device = DEVICE
    virtual = cluster.Cluster(devices=[named])
    try:
        _, run_time_s, _ = virtual.MeasureCosts(item.Item(meta))
    finally:
        virtual.Shutdown()
    logger.info("grappler: %s %.1f ms", workload.name, run_time_s * 1e3)
    return run_time_s * 1e6
