"""The record a workload builder returns, the NPU options of a real run, and the synthetic input pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field

# What the published runs used (reference ascend910.md §5: mixed precision, whole graph sunk to the device)
# and what a migrated TF training script sets for them (npu_bridge_api.md §6): mixed precision, data
# sinking, and many device iterations per Session.run.
DEFAULT_ITERATIONS_PER_LOOP = 100


def npu_options(precision_mode: str = "allow_mix_precision", iterations_per_loop: int = DEFAULT_ITERATIONS_PER_LOOP,
                data_sinking: bool = True) -> dict:
    """The NpuOptimizer parameter_map entries of a training run (as ``ascend_sim.analyze`` takes them)."""
    return {"precision_mode": precision_mode, "iterations_per_loop": iterations_per_loop,
            "enable_data_pre_proc": data_sinking}


@dataclass
class Workload:
    """A built training graph: ``graph`` (tf.Graph), ``fetches`` (train op and loss), ``batch`` (samples per
    step), ``options`` (parameter_map entries for ``ascend_sim.analyze``), ``name`` and ``params`` (the
    builder's arguments, for reports)."""

    name: str
    graph: object
    fetches: list
    batch: int
    options: dict
    params: dict = field(default_factory=dict)

    def with_options(self, **changes) -> "Workload":
        """The same graph with some parameter_map entries changed (precision_mode=..., iterations_per_loop=...)."""
        return Workload(self.name, self.graph, self.fetches, self.batch, {**self.options, **changes}, self.params)


def synthetic_batches(tf, specs: dict, batch: int):
    """``IteratorGetNext`` outputs (a dict name → tensor) of a ``tf.data`` pipeline that generates ``batch``
    samples per step: ``specs`` maps a name to (shape, dtype, maxval); floats are uniform in [0, 1), ints in
    [0, maxval). The generator runs inside the dataset function, so the graph holds no data."""

    def sample(_):
        out = {}
        for name, (shape, dtype, maxval) in specs.items():
            if dtype.is_integer:
                out[name] = tf.random.uniform(shape, 0, maxval, dtype=dtype)
            else:
                out[name] = tf.random.uniform(shape, dtype=dtype)
        return out

    dataset = tf.data.Dataset.from_tensors(0).repeat().map(sample).batch(batch, drop_remainder=True)
    return tf.data.make_one_shot_iterator(dataset).get_next()
