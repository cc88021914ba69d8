"""Cost primitives: pure functions of shapes, dtypes and a HardwareSpec; every constant comes from the spec.

- ``Cost`` (record): busy cycles per AI Core pipe, FLOPs, HBM bytes, block_dim, the bounding pipe.
- roofline: ``roofline_cycles``, ``peak_ops_per_cycle``, ``ridge_intensity``.
- cube: ``matmul_cost``, ``tile_matmul`` (MMAD padding, block split, L0/L1 tiling).
- vector: ``vector_cycles``, ``elementwise_cost``, ``reduce_cost``, ``lanes``.
- movement: ``mte_cycles``, ``shared_hbm_cycles``, ``l2_split``, ``l1_to_l0_cycles``, ``host_to_device_us``.
- blocks: ``ceil_div``, ``pad_to``, ``split_blocks``, ``waves``, ``wave_cycles``.
- launch: ``task_launch_us``, ``aicpu_us``, ``aicpu_compute_us``.
"""
from ascend_sim.ops.cost.blocks import ceil_div, pad_to, split_blocks, wave_cycles, waves
from ascend_sim.ops.cost.cube import CubeTiling, matmul_cost, tile_matmul
from ascend_sim.ops.cost.dtypes import DTYPE_BYTES, itemsize
from ascend_sim.ops.cost.launch import aicpu_compute_us, aicpu_us, task_launch_us
from ascend_sim.ops.cost.movement import (
    hbm_bytes_per_cycle, host_to_device_us, l0c_to_ub_cycles, l1_to_l0_cycles, l2_split, mte_cycles,
    shared_hbm_cycles,
)
from ascend_sim.ops.cost.record import OFFCORE, PIPES, Cost, CostError
from ascend_sim.ops.cost.roofline import peak_ops_per_cycle, ridge_intensity, roofline_cycles
from ascend_sim.ops.cost.vector import elementwise_cost, lanes, reduce_cost, vector_cycles

__all__ = [
    "Cost", "CostError", "CubeTiling", "DTYPE_BYTES", "OFFCORE", "PIPES", "aicpu_compute_us", "aicpu_us", "ceil_div",
    "elementwise_cost",
    "hbm_bytes_per_cycle", "host_to_device_us", "itemsize", "l0c_to_ub_cycles", "l1_to_l0_cycles", "l2_split", "lanes",
    "matmul_cost", "mte_cycles", "pad_to", "peak_ops_per_cycle", "reduce_cost", "ridge_intensity",
    "roofline_cycles", "shared_hbm_cycles", "split_blocks", "task_launch_us", "tile_matmul", "vector_cycles",
    "wave_cycles", "waves",
]
