"""``path_on_tf``: let ``tf.train.Optimizer`` accept ``NpuEmbeddingResource`` as a variable.

Upstream replaces ``tensorflow.python.training.optimizer._get_processor`` with a copy that also
knows the embedding resource.  This patch wraps TensorFlow's own function instead, so every
other kind of variable gets exactly TensorFlow's processor; applying it twice changes nothing.
"""
from tensorflow.python.eager import context  # noqa: F401  (upstream module namespace)
from tensorflow.python.framework import ops  # noqa: F401  (upstream module namespace)
from tensorflow.python.ops import resource_variable_ops  # noqa: F401  (upstream module namespace)
from tensorflow.python.ops import variables  # noqa: F401  (upstream module namespace)
from tensorflow.python.training import optimizer as embeddingOptimizer  # pylint: disable=invalid-name

from npu_bridge.embedding.embedding_resource import NpuEmbeddingResource


class _NpuEmbeddingResourceProcessor(embeddingOptimizer._OptimizableVariable):  # pylint: disable=protected-access
    """Processor for an ``NpuEmbeddingResource``: sparse updates only."""

    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v

    def update_op(self, optimizer, g):
        if not hasattr(g, "indices"):
            raise TypeError(f"the gradient of {self._v!r} must be IndexedSlices (values, ids), got {type(g).__name__}")
        return optimizer._resource_apply_sparse(g.values, self._v, g.indices)  # pylint: disable=protected-access


def _wrap(original):
    def _get_processor(v):
        """The processor of v (TensorFlow's, plus ``NpuEmbeddingResource``)."""
        if isinstance(v, NpuEmbeddingResource):
            return _NpuEmbeddingResourceProcessor(v)
        return original(v)

    _get_processor.ascend_sim_original = original
    return _get_processor


def path_on_tf():
    """Install the patched ``_get_processor`` into ``tensorflow.python.training.optimizer`` (idempotent)."""
    current = embeddingOptimizer._get_processor  # pylint: disable=protected-access
    if getattr(current, "ascend_sim_original", None) is None:
        embeddingOptimizer._get_processor = _wrap(current)  # pylint: disable=protected-access
