"""Registry of the custom ops that upstream's ``_tf_adapter.so`` registers.

Upstream loads a native op library and binds the resulting *generated op module* under many names
(``gen_npu_ops``, ``npu_unary_ops``, ``gen_hccl_ops``, ...).  We have no native library: each op is
declared here as data (:class:`OpDef`: inputs, attributes with defaults, number of outputs) plus a
small builder that computes the op's result with ordinary TensorFlow ops.

Every node a builder creates is stamped with ``_ascend_composite = <op instance name>`` and the
node that stands for the op (an ``IdentityN`` named like upstream's node, e.g. ``Gelu``) carries
``_ascend_op_type = <Ascend op type>``.  The emulator's lowering uses these attributes to see one
Ascend op instead of the TensorFlow ops that compute it.
"""
from __future__ import annotations

import inspect
import json
import re
import types
from dataclasses import dataclass, field
from typing import Callable

from tensorflow.core.framework import attr_value_pb2
from tensorflow.python.eager import context
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, control_flow_ops

ASCEND_OP_TYPE_ATTR = "_ascend_op_type"
ASCEND_COMPOSITE_ATTR = "_ascend_composite"


class _Required:
    """Marker for an attribute that has no default (it becomes a positional parameter)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()


@dataclass(frozen=True)
class OpDef:
    """One custom op: its Ascend type, Python wrapper signature, and how to compute it."""

    op_type: str
    inputs: tuple[str, ...]
    attrs: tuple[tuple[str, object], ...]
    build: Callable
    grad: Callable | None = None
    stateful: bool = False
    doc: str = ""
    wrapper_name: str = field(default="")

    def python_name(self) -> str:
        return self.wrapper_name or snake_case(self.op_type)


_REGISTRY: dict[str, OpDef] = {}


def snake_case(op_type: str) -> str:
    """TensorFlow's op-name → Python-wrapper-name rule (``DropOutGenMask`` → ``drop_out_gen_mask``)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", op_type)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


def register(op_type: str, inputs=(), attrs=(), grad=None, stateful=False, wrapper_name=""):
    """Decorator: declare op ``op_type`` computed by the decorated builder.

    The builder is called with the op's inputs (as tensors or lists of tensors) and attributes as
    keyword arguments and returns a tensor, a list/tuple of tensors, or an Operation (no outputs).
    ``grad(op_inputs, op_outputs, output_grads) -> input_grads`` replaces autodiff through the
    builder when given.
    """

    def deco(build):
        if op_type in _REGISTRY:
            raise ValueError(f"op {op_type!r} is registered twice")
        _REGISTRY[op_type] = OpDef(
            op_type=op_type,
            inputs=tuple(inputs),
            attrs=tuple(attrs.items() if isinstance(attrs, dict) else attrs),
            build=build,
            grad=grad,
            stateful=stateful,
            doc=(build.__doc__ or "").strip(),
            wrapper_name=wrapper_name,
        )
        return build

    return deco


def lookup(op_type: str) -> OpDef:
    try:
        return _REGISTRY[op_type]
    except KeyError:
        raise KeyError(
            f"unknown NPU op type {op_type!r}; registered op types: {', '.join(sorted(_REGISTRY))}"
        ) from None


def registered_op_types() -> list[str]:
    return sorted(_REGISTRY)


def _set_string_attr(op, key: str, value: str) -> None:
    op._set_attr(key, attr_value_pb2.AttrValue(s=value.encode()))  # pylint: disable=protected-access


def _grad_name(op_type: str) -> str:
    return f"AscendSim{op_type}Grad"


def _register_gradient(opdef: OpDef) -> None:
    """Register the IdentityN gradient override for ``opdef`` (outputs..., differentiable inputs...)."""

    @ops.RegisterGradient(_grad_name(opdef.op_type))
    def _grad(op, *grads):  # pragma: no cover - exercised through tf.gradients in tests
        n_out = op.get_attr(ASCEND_NUM_OUTPUTS_ATTR)
        outputs = list(op.outputs[:n_out])
        inputs = list(op.inputs[n_out:])
        input_grads = opdef.grad(inputs, outputs, list(grads[:n_out]))
        # No gradient flows back through the builder's own ops: only into the real inputs.
        return [None] * n_out + list(input_grads)


def _flatten_inputs(values) -> list:
    flat = []
    for v in values:
        if isinstance(v, (list, tuple)):
            flat.extend(v)
        else:
            flat.append(v)
    return flat


ASCEND_ATTRS_ATTR = "_ascend_attrs"
ASCEND_NUM_OUTPUTS_ATTR = "_ascend_num_outputs"


def _plain(value):
    """A JSON-friendly form of an attribute value (dtypes by name, bytes as text)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "as_datatype_enum"):  # tf.DType
        return value.name
    return str(value)


def _tag(node, opdef: OpDef, instance: str, attrs: dict, num_outputs: int) -> None:
    """Mark ``node`` as the node that stands for one instance of ``opdef``, with its attributes."""
    _set_string_attr(node, ASCEND_OP_TYPE_ATTR, opdef.op_type)
    _set_string_attr(node, ASCEND_COMPOSITE_ATTR, instance)
    _set_string_attr(node, ASCEND_ATTRS_ATTR, json.dumps({k: _plain(v) for k, v in attrs.items()}, sort_keys=True))
    node._set_attr(ASCEND_NUM_OUTPUTS_ATTR, attr_value_pb2.AttrValue(i=num_outputs))  # pylint: disable=protected-access


def call_op(opdef: OpDef, args: dict, name=None):
    """Build ``opdef`` in the current graph (or run its builder eagerly) and return its outputs.

    In a graph, the builder's nodes are stamped ``_ascend_composite = <instance>`` and the outputs pass
    through one ``IdentityN`` named like upstream's node (``Gelu``, ``Gelu_1``, ...) that carries
    ``_ascend_op_type``, ``_ascend_attrs`` (JSON) and ``_ascend_num_outputs``.  When the op has a
    gradient, the real inputs are appended to that ``IdentityN`` so the override can route the
    gradient to them.
    """
    inputs = {k: args[k] for k in opdef.inputs}
    attrs = {k: args[k] for k, _ in opdef.attrs}
    if context.executing_eagerly():
        return opdef.build(**inputs, **attrs)
    graph = ops.get_default_graph()
    # The gradient reads the op's real inputs through the IdentityN; they are converted here, in the caller's
    # scope, so that a variable's read is not an inner node of the composite that the gradient reads from outside.
    extra = [ops.convert_to_tensor(t) for t in _flatten_inputs(inputs.values())] if opdef.grad is not None else []
    with ops.name_scope(name, opdef.op_type) as scope:
        instance = scope.rstrip("/")
        stamp = {ASCEND_COMPOSITE_ATTR: attr_value_pb2.AttrValue(s=instance.encode())}
        with graph._attr_scope(stamp):  # pylint: disable=protected-access
            result = opdef.build(**inputs, **attrs)
        if result is None or isinstance(result, ops.Operation):
            node = result if result is not None else control_flow_ops.no_op(name=scope)
            _tag(node, opdef, instance, attrs, num_outputs=0)
            return node
        single = not isinstance(result, (list, tuple))
        outputs = [result] if single else list(result)
        if opdef.grad is not None:
            with graph.gradient_override_map({"IdentityN": _grad_name(opdef.op_type)}):
                marked = array_ops.identity_n(outputs + extra, name=scope)
        else:
            marked = array_ops.identity_n(outputs, name=scope)
        _tag(marked[0].op, opdef, instance, attrs, num_outputs=len(outputs))
        outs = list(marked[: len(outputs)])
        if single:
            return outs[0]
        return tuple(outs) if isinstance(result, tuple) else outs


def make_wrapper(opdef: OpDef):
    """The generated-wrapper function for ``opdef``: inputs, required attrs, defaulted attrs, name."""
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in opdef.inputs]
    required = [(n, d) for n, d in opdef.attrs if d is REQUIRED]
    defaulted = [(n, d) for n, d in opdef.attrs if d is not REQUIRED]
    params += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n, _ in required]
    params += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d) for n, d in defaulted]
    params.append(inspect.Parameter("name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    sig = inspect.Signature(params)

    def wrapper(*args, **kwargs):
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{opdef.python_name()}{sig}: {exc}") from None
        bound.apply_defaults()
        values = dict(bound.arguments)
        name = values.pop("name")
        return call_op(opdef, values, name=name)

    wrapper.__name__ = opdef.python_name()
    wrapper.__qualname__ = opdef.python_name()
    wrapper.__signature__ = sig
    wrapper.__doc__ = f"Emulation of the Ascend custom op `{opdef.op_type}`.\n\n{opdef.doc}"
    return wrapper


class GeneratedOpModule(types.ModuleType):
    """Stand-in for the module ``tf.load_op_library('_tf_adapter.so')`` returns upstream."""

    def __init__(self):
        super().__init__("npu_bridge._tf_adapter", "Emulated custom NPU ops (one wrapper per op).")
        self.OP_LIST = None  # upstream exposes the OpList proto here; we expose the op types instead
        self._built: set[str] = set()
        self.refresh()

    def refresh(self) -> None:
        """Create wrappers for every op registered so far (idempotent)."""
        for op_type, opdef in _REGISTRY.items():
            if op_type in self._built:
                continue
            if opdef.grad is not None:
                _register_gradient(opdef)
            setattr(self, opdef.python_name(), make_wrapper(opdef))
            self._built.add(op_type)
        self.OP_LIST = sorted(self._built)

    def __getattr__(self, item):
        raise AttributeError(
            f"the NPU op module has no op wrapper {item!r}; available: {', '.join(sorted(snake_case(o) for o in _REGISTRY))}"
        )
