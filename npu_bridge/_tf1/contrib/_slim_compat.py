"""Let ``tf_slim`` 1.1.0 (the maintained successor of ``tf.contrib.slim``/``layers``) run on TF 2.15.

tf_slim reaches a few TensorFlow internals at their TF 1.x locations, which TF 2.15 moved:
``ops.Tensor``, ``ops.IndexedSlices``, ``array_ops.stack``/``unstack``, ``control_flow_ops.cond``/
``Assert``/``case``/``while_loop`` and ``variable_scope.variable``; and its ``batch_norm`` builds
``tensorflow.python.layers.normalization.BatchNormalization``, which TF 2.15 loads from the separate
``tf_keras`` package.  :func:`apply` adds each missing attribute back, pointing at the object TF 2.15
itself uses (nothing existing is replaced), and, when ``tf_keras`` is not installed, lets that
normalization module answer with ``tf.compat.v1.layers``' classes (Keras 2.15's legacy TF layers,
the ones ``tf.layers.batch_normalization`` uses).  The patch is additive and idempotent.
"""
import importlib
import importlib.util
import logging

_log = logging.getLogger("npu_bridge")

# (module that lacks the attribute, attribute, module that has it now, its name there)
MOVED = (
    ("tensorflow.python.framework.ops", "Tensor", "tensorflow.python.framework.tensor", "Tensor"),
    ("tensorflow.python.framework.ops", "IndexedSlices", "tensorflow.python.framework.indexed_slices",
     "IndexedSlices"),
    ("tensorflow.python.ops.array_ops", "stack", "tensorflow.python.ops.array_ops_stack", "stack"),
    ("tensorflow.python.ops.array_ops", "unstack", "tensorflow.python.ops.array_ops_stack", "unstack"),
    ("tensorflow.python.ops.control_flow_ops", "cond", "tensorflow.python.ops.cond", "cond"),
    ("tensorflow.python.ops.control_flow_ops", "Assert", "tensorflow.python.ops.control_flow_assert", "Assert"),
    ("tensorflow.python.ops.control_flow_ops", "case", "tensorflow.python.ops.control_flow_case", "case"),
    ("tensorflow.python.ops.control_flow_ops", "while_loop", "tensorflow.python.ops.while_loop", "while_loop"),
    ("tensorflow.python.ops.variable_scope", "variable", "tensorflow.python.ops.variable_v1", "VariableV1"),
)

_APPLIED = False


class _V1Normalization:
    """Stands in for ``tf_keras.legacy_tf_layers.normalization``: the classes ``tf.compat.v1.layers`` uses."""

    def __getattr__(self, name):
        import tensorflow.compat.v1 as tf1

        return getattr(tf1.layers, name)


def apply() -> None:
    """Add the TF 1.x locations tf_slim needs (once per process)."""
    global _APPLIED
    if _APPLIED:
        return
    added = []
    for module_name, attr, source_name, source_attr in MOVED:
        module = importlib.import_module(module_name)
        if not hasattr(module, attr):
            setattr(module, attr, getattr(importlib.import_module(source_name), source_attr))
            added.append(f"{module_name}.{attr}")
    normalization = importlib.import_module("tensorflow.python.layers.normalization")
    if importlib.util.find_spec("tf_keras") is None and not isinstance(
            vars(normalization).get("normalization"), _V1Normalization):
        normalization.normalization = _V1Normalization()
        added.append("tensorflow.python.layers.normalization (tf.compat.v1.layers)")
    _APPLIED = True
    if added:
        _log.debug("tf_slim compatibility on TF 2.15: added %s", ", ".join(added))
