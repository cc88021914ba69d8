"""NPU map / map-and-batch datasets (upstream ``npu_bridge.experimental.dataset_ops``).

Upstream runs ``map_func`` on the device (``NpuMapDataset`` / ``NpuMapAndBatchDataset`` with
``num_parallel_npu`` NPU workers).  ascend-sim runs it on the host with TensorFlow's parallel map
(``ParallelMapDatasetV2`` / ``MapAndBatchDataset``, ``num_parallel_npu`` threads); the dataset
node carries ``_ascend_op_type`` = the upstream op type.  Elements are the same: ``map`` yields
``map_func(element)`` and ``map_and_batch`` yields batches of ``batch_size`` mapped elements.

With ``output_device="npu"`` upstream keeps the elements on the device and refuses further host
transformations (it prints a message and returns None).  Here such a transformation raises
``ValueError`` naming it, since a ``None`` dataset would only fail later.
"""
import functools
import logging

from tensorflow.core.framework import attr_value_pb2
from tensorflow.python.data.ops import dataset_ops
from tensorflow.python.data.ops.dataset_ops import StructuredFunctionWrapper
from tensorflow.python.data.util import nest
from tensorflow.python.eager import context
from tensorflow.python.framework import dtypes, ops, tensor_util
from tensorflow.python.ops import gen_dataset_ops
from tensorflow.python.ops import gen_experimental_dataset_ops as ged_ops

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()
logger = logging.getLogger("npu_bridge.experimental")

OUTPUT_DEVICES = ("cpu", "npu")
_HOST_TRANSFORMATIONS = ("map", "concatenate", "prefetch", "repeat", "enumerate", "shuffle", "cache", "take", "skip",
                         "shard", "batch", "padded_batch", "flat_map", "interleave", "filter", "apply", "window",
                         "unbatch", "with_options")


def _mark(variant_tensor, op_type):
    if not context.executing_eagerly():
        # pylint: disable=protected-access
        variant_tensor.op._set_attr("_ascend_op_type", attr_value_pb2.AttrValue(s=op_type.encode()))


class NpuUnaryDataset(dataset_ops.UnaryDataset):
    """A dataset with one input whose elements live on ``output_device`` ("cpu" or "npu")."""

    def __init__(self, input_dataset, variant_tensor, output_device="cpu"):
        if output_device not in OUTPUT_DEVICES:
            raise ValueError(f"Invalid type for output_device: {output_device} , available value: cpu or npu.")
        self._output_device = output_device
        super().__init__(input_dataset, variant_tensor)

    def check_output_device(self, func_name=""):
        """True when host transformations such as ``func_name`` may follow (output on the cpu)."""
        if self._output_device == "cpu":
            return True
        logger.warning("Current dataset whose output is %s is not support %s() function.",
                       self._output_device, func_name)
        return False


def _host_only(name):
    base = getattr(dataset_ops.DatasetV2, name)

    @functools.wraps(base)
    def method(self, *args, **kwargs):
        if not self.check_output_device(name):
            raise ValueError(f"{type(self).__name__}.{name}(): the dataset's output_device is "
                             f"{self._output_device!r}; host transformations need output_device='cpu'")
        return base(self, *args, **kwargs)

    return method


for _name in _HOST_TRANSFORMATIONS:
    setattr(NpuUnaryDataset, _name, _host_only(_name))


def _deterministic(value):
    return "default" if value is None else ("true" if value else "false")


class MapDataset(NpuUnaryDataset):
    """``map_func`` over the elements of ``input_dataset``, ``num_parallel_npu`` at a time."""

    def __init__(self, input_dataset, map_func, num_parallel_npu, deterministic=False, output_device="cpu",
                 preserve_cardinality=False, use_legacy_function=False):
        self._input_dataset = input_dataset
        self._map_func = StructuredFunctionWrapper(map_func, self._transformation_name(), dataset=input_dataset,
                                                   use_legacy_function=use_legacy_function)
        self._deterministic = deterministic
        self._preserve_cardinality = preserve_cardinality
        self._num_parallel_npu = ops.convert_to_tensor(num_parallel_npu, dtype=dtypes.int64, name="num_parallel_npu")
        variant_tensor = gen_dataset_ops.parallel_map_dataset_v2(
            input_dataset._variant_tensor,  # pylint: disable=protected-access
            self._map_func.function.captured_inputs, f=self._map_func.function,
            num_parallel_calls=self._num_parallel_npu, deterministic=_deterministic(deterministic),
            preserve_cardinality=preserve_cardinality, **self._flat_structure)
        _mark(variant_tensor, "NpuMapDataset")
        super().__init__(input_dataset, variant_tensor, output_device)

    @property
    def element_spec(self):
        return self._map_func.output_structure

    def _functions(self):
        return [self._map_func]

    def _transformation_name(self):
        return "Dataset.experimental.map()"


class MapAndBatchDataset(NpuUnaryDataset):
    """Batches of ``batch_size`` consecutive elements mapped by ``map_func``."""

    def __init__(self, input_dataset, map_func, batch_size, drop_remainder, num_parallel_npu, output_device,
                 use_legacy_function=False):
        self._input_dataset = input_dataset
        self._map_func = StructuredFunctionWrapper(map_func, "tf.data.experimental.map_and_batch()",
                                                   dataset=input_dataset, use_legacy_function=use_legacy_function)
        self._batch_size_t = ops.convert_to_tensor(batch_size, dtype=dtypes.int64, name="batch_size")
        self._drop_remainder_t = ops.convert_to_tensor(drop_remainder, dtype=dtypes.bool, name="drop_remainder")
        self._num_parallel_npu_t = ops.convert_to_tensor(num_parallel_npu, dtype=dtypes.int64,
                                                         name="num_parallel_npu")
        static_batch = tensor_util.constant_value(self._batch_size_t) if tensor_util.constant_value(
            self._drop_remainder_t) else None
        self._element_spec = nest.map_structure(
            lambda spec: spec._batch(static_batch), self._map_func.output_structure)  # pylint: disable=protected-access
        variant_tensor = ged_ops.map_and_batch_dataset(
            input_dataset._variant_tensor,  # pylint: disable=protected-access
            self._map_func.function.captured_inputs, f=self._map_func.function, batch_size=self._batch_size_t,
            num_parallel_calls=self._num_parallel_npu_t, drop_remainder=self._drop_remainder_t,
            preserve_cardinality=True, **self._flat_structure)
        _mark(variant_tensor, "NpuMapAndBatchDataset")
        super().__init__(input_dataset, variant_tensor, output_device)

    @property
    def element_spec(self):
        return self._element_spec

    def _functions(self):
        return [self._map_func]


def map(map_func, num_parallel_calls=None, num_parallel_npu=28,  # pylint: disable=redefined-builtin
        deterministic=None, output_device="cpu"):
    """A ``Dataset.apply`` transformation: ``map_func`` over the elements (see ``MapDataset``)."""
    del num_parallel_calls  # upstream accepts and ignores it: the NPU workers set the parallelism

    def _apply_fn(dataset):
        return MapDataset(dataset, map_func, num_parallel_npu=num_parallel_npu, deterministic=deterministic,
                          output_device=output_device)

    return _apply_fn


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False, num_parallel_calls=None,
                  num_parallel_npu=28, output_device="cpu"):
    """A ``Dataset.apply`` transformation: ``map`` then ``batch(batch_size, drop_remainder)``, fused.

    Raises ValueError if both ``num_parallel_batches`` and ``num_parallel_calls`` are given.
    """
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError(
            "`map_and_batch` allows only one of `num_parallel_batches` and `num_parallel_calls` to be set, but "
            f"`num_parallel_batches` was set to {num_parallel_batches} "
            f"and `num_parallel_calls` as set to {num_parallel_calls}.")

    def _apply_fn(dataset):
        return MapAndBatchDataset(dataset, map_func, batch_size, drop_remainder, num_parallel_npu, output_device)

    return _apply_fn
