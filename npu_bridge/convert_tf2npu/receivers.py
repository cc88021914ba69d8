"""What an expression is, for method rules: a tf.data Dataset, an Estimator, a Keras model, a Supervisor
(``rules.RECEIVERS``), ``FOREIGN`` (provably something else: a literal, another library's object, a user class)
or ``None`` (cannot tell: a parameter, a function result).

Bindings are tracked per scope in source order, flow-insensitively: ``ds = tf.data.TFRecordDataset(f)`` then
``ds = ds.map(parse)`` keeps ``ds`` a dataset; ``self.model = tf.keras.Sequential(...)`` is remembered by its
text for the rest of the file. A binding stores the kind computed when it was made, so ``ds = ds.batch(8)``
never recurses.
"""
from __future__ import annotations

import fnmatch

import libcst as cst

from npu_bridge.convert_tf2npu.names import cst_dotted, is_api

FOREIGN = "foreign"
_LITERALS = (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
             cst.Integer, cst.Float, cst.ListComp, cst.DictComp, cst.SetComp, cst.GeneratorExp)


class Binding:
    __slots__ = ("kind", "value")

    def __init__(self, kind, value):
        self.kind, self.value = kind, value


class Bindings:
    def __init__(self, imap, receivers, classes: dict):
        self.imap = imap
        self.receivers = receivers
        self.classes = classes          # local class name → base class nodes
        self.scopes: list[dict] = [{}]
        self.attrs: dict[str, Binding] = {}
        self.class_stack: list[str] = []

    # ---- scopes
    def push(self):
        self.scopes.append({})

    def pop(self):
        self.scopes.pop()

    def lookup(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def assign(self, target, value):
        binding = Binding(self.kind(value), value)
        if isinstance(target, cst.Name):
            self.scopes[-1][target.value] = binding
        elif isinstance(target, cst.Attribute):
            parts = cst_dotted(target)
            if parts:
                self.attrs[".".join(parts)] = binding
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.assign_unknown(element.value)

    def assign_unknown(self, target):
        if isinstance(target, cst.Name):
            self.scopes[-1][target.value] = Binding(None, None)

    # ---- kinds
    def kind_of_name(self, canonical: str | None) -> str | None:
        if canonical is None:
            return None
        for kind, spec in self.receivers.items():
            if any(fnmatch.fnmatchcase(canonical, p) for p in spec["producers"]):
                return kind
        return None if is_api(canonical) else FOREIGN

    def class_kind(self, name: str, seen=()) -> str:
        for base in self.classes.get(name, ()):
            parts = cst_dotted(base)
            if not parts:
                continue
            canonical = self.imap.resolve(parts)
            for kind, spec in self.receivers.items():
                if canonical and any(fnmatch.fnmatchcase(canonical, p) for p in spec.get("subclass", ())):
                    return kind
            if len(parts) == 1 and parts[0] in self.classes and parts[0] not in seen:
                inherited = self.class_kind(parts[0], (*seen, name))
                if inherited != FOREIGN:
                    return inherited
        return FOREIGN

    def kind(self, node, depth: int = 0) -> str | None:
        if depth > 50:
            return None
        if isinstance(node, _LITERALS):
            return FOREIGN
        if isinstance(node, cst.Call):
            return self._call_kind(node, depth)
        if isinstance(node, cst.Name):
            if node.value == "self" and self.class_stack:
                kind = self.class_kind(self.class_stack[-1])
                return kind if kind != FOREIGN else None
            binding = self.lookup(node.value)
            if binding is not None:
                return binding.kind
            if node.value in self.imap.bindings:
                return self.kind_of_name(self.imap.resolve([node.value]))
            return None
        if isinstance(node, cst.Attribute):
            parts = cst_dotted(node)
            if parts and ".".join(parts) in self.attrs:
                return self.attrs[".".join(parts)].kind
            return None
        return None

    def _call_kind(self, node: cst.Call, depth: int) -> str | None:
        func = node.func
        parts = cst_dotted(func)
        canonical = self.imap.resolve(parts) if parts else None
        if canonical is not None:
            return self.kind_of_name(canonical)
        if isinstance(func, cst.Name) and func.value in self.classes and self.lookup(func.value) is None:
            return self.class_kind(func.value)
        if isinstance(func, cst.Attribute):
            receiver = self.kind(func.value, depth + 1)
            if receiver == FOREIGN:
                return FOREIGN
            spec = self.receivers.get(receiver)
            if spec is not None and func.attr.value in spec.get("chain", ()):
                return receiver
        return None

    def value_of(self, node):
        """The expression a Name was last bound to (None when unknown)."""
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            return binding.value if binding else None
        return None


def local_classes(module: cst.Module) -> dict:
    """Class name → base expressions, for the classes a module defines at top level."""
    return {stmt.name.value: [arg.value for arg in stmt.bases if arg.keyword is None]
            for stmt in module.body if isinstance(stmt, cst.ClassDef)}
