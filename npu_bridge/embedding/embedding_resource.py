"""``NpuEmbeddingResource``: what an Embedding Service optimizer updates in place of a variable.

It stands for the PS table ``table_id``; its ``handle`` is the ``TableToResource`` output (the
table id here).  ``path_on_tf`` teaches ``tf.train.Optimizer`` to route its gradients to the
optimizer's ``_resource_apply_sparse``.
"""
from tensorflow.python.framework import ops

from npu_bridge.helper import helper

gen_npu_cpu_ops = helper.get_gen_ops()


class NpuEmbeddingResource:
    """Handle of the Embedding Service table ``table_id`` (used as an optimizer "variable")."""

    def __init__(self, table_id):
        self.name = table_id
        self._tensor = gen_npu_cpu_ops.table_to_resource(ops.convert_to_tensor(table_id))

    @property
    def handle(self):
        return self._tensor

    @property
    def graph(self):
        return self._tensor.graph

    @property
    def op(self):
        return self._tensor.op

    @property
    def device(self):
        return self._tensor.device

    def __repr__(self):
        return f"NpuEmbeddingResource(table_id={self.name!r})"
