"""Canonical API names: what a dotted reference in a script means, whatever import bound it.

A script may write ``tf.nn.dropout``, ``tf1.nn.dropout`` (``import tensorflow.compat.v1 as tf1``), ``nn.dropout``
(``from tensorflow import nn``) or ``dropout`` (``from tensorflow.nn import dropout``): all four resolve to the
canonical name ``tf.nn.dropout``, the spelling the support list and the rules table use. Names that no import
binds resolve to ``None`` (a local variable); names bound by other libraries resolve to their module path
(``sklearn.linear_model.LogisticRegression``) and are not TensorFlow API.

The module-path → canonical-prefix table is data (``MODULE_PREFIXES``); ``ImportMap`` is built from either a
LibCST module or a stdlib ``ast`` tree, so the rewriter and the output scan agree on every name.
"""
from __future__ import annotations

import ast

import libcst as cst

# Python module path prefix → canonical prefix; the longest matching prefix wins.
MODULE_PREFIXES = (
    ("tensorflow.compat.v1", "tf"),
    ("tensorflow.compat.v2", "tf.compat.v2"),
    ("tensorflow.python.keras", "tf.keras"),
    ("tensorflow_estimator.python.estimator.api._v1.estimator", "tf.estimator"),
    ("tensorflow_estimator", "tf"),
    ("tensorflow", "tf"),
    ("tf_keras", "tf.keras"),
    ("keras", "tf.keras"),
    ("horovod.tensorflow.keras", "hvd"),
    ("horovod.keras", "hvd"),
    ("horovod.tensorflow", "hvd"),
    ("horovod", "hvd"),
)
# Canonical roots that are the TensorFlow / Horovod API (what rules and the API scan look at).
API_ROOTS = ("tf", "hvd")
# A star import of this module binds ``tf`` (npu_init exports it), as in already-migrated scripts.
NPU_STAR_MODULE = "npu_bridge.npu_init"
NPU_STAR_BINDS = {"tf": "tensorflow"}


def canonicalize(path: str) -> str:
    """Python dotted path (``tensorflow.compat.v1.Session``) → canonical name (``tf.Session``)."""
    for prefix, canon in MODULE_PREFIXES:
        if path == prefix or path.startswith(prefix + "."):
            rest = path[len(prefix):]
            path = canon + rest
            break
    # tf.compat.v1.X reached through an attribute chain (``tf.compat.v1.Session``) is tf.X too
    while path.startswith("tf.compat.v1.") or path == "tf.compat.v1":
        path = "tf" + path[len("tf.compat.v1"):]
    return path


def is_api(canonical: str | None) -> bool:
    return bool(canonical) and canonical.split(".", 1)[0] in API_ROOTS


def api_root(canonical: str | None) -> str:
    return canonical.split(".", 1)[0] if canonical else ""


class ImportMap:
    """Local name → python module path, for every import in a file (function-level imports included)."""

    def __init__(self):
        self.bindings: dict[str, str] = {}
        self.star_modules: list[str] = []

    def bind(self, local: str, path: str):
        self.bindings[local] = path

    def add_import(self, module: str, asname: str | None):
        if asname:
            self.bind(asname, module)
        else:
            top = module.split(".", 1)[0]
            self.bind(top, top)

    def add_from(self, module: str, name: str, asname: str | None, level: int = 0):
        if level:   # relative import: a module of the user's own project
            module = "." * level + module
        if name == "*":
            self.star_modules.append(module)
            if module == NPU_STAR_MODULE:
                for local, path in NPU_STAR_BINDS.items():
                    self.bindings.setdefault(local, path)
            return
        joined = f"{module}{name}" if module.endswith(".") else f"{module}.{name}" if module else name
        self.bind(asname or name, joined)

    def alias(self, local: str, parts) -> None:
        """``local = tf.compat.v1`` at module level: ``local`` names the same API."""
        canonical = self.resolve(parts) if parts else None
        if is_api(canonical):
            self.bind(local, canonical)

    def resolve(self, parts) -> str | None:
        """Canonical name of the dotted reference ``parts`` (``['tf', 'nn', 'dropout']``), None if unbound."""
        if not parts:
            return None
        path = self.bindings.get(parts[0])
        if path is None:
            return None
        return canonicalize(".".join([path, *parts[1:]]))

    def api_locals(self, root: str) -> set[str]:
        """Local names bound to the API ``root`` (``hvd``: every name an import of horovod bound)."""
        return {local for local, path in self.bindings.items() if api_root(canonicalize(path)) == root}

    def uses_api(self) -> bool:
        return any(is_api(canonicalize(path)) for path in self.bindings.values())

    def imports_prefix(self, canonical_prefix: str) -> bool:
        return any(canonicalize(p) == canonical_prefix or canonicalize(p).startswith(canonical_prefix + ".")
                   for p in self.bindings.values())


# ---- LibCST side

def cst_module_name(node) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{cst_module_name(node.value)}.{node.attr.value}"
    return ""


def cst_dotted(node) -> list[str] | None:
    """``a.b.c`` (Name / Attribute chain) → ``['a', 'b', 'c']``; None for anything else."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return parts[::-1]


def _cst_add(imap: ImportMap, stmt):
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            imap.add_import(cst_module_name(alias.name), asname)
    elif isinstance(stmt, cst.ImportFrom):
        module = cst_module_name(stmt.module)
        level = len(stmt.relative)
        if isinstance(stmt.names, cst.ImportStar):
            imap.add_from(module, "*", None, level)
            return
        for alias in stmt.names:
            asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            imap.add_from(module, cst_module_name(alias.name), asname, level)


class _CstImports(cst.CSTVisitor):
    def __init__(self, imap):
        super().__init__()
        self.imap = imap

    def visit_Import(self, node):
        _cst_add(self.imap, node)
        return False

    def visit_ImportFrom(self, node):
        _cst_add(self.imap, node)
        return False

    # imports live in statements: no need to walk into expressions
    def visit_SimpleStatementLine(self, node):
        return any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)


def imports_of_cst(module: cst.Module) -> ImportMap:
    imap = ImportMap()
    module.visit(_CstImports(imap))
    for stmt in module.body:      # module-level aliases: tf = tf2
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)):
                    imap.alias(small.targets[0].target.value, cst_dotted(small.value))
    return imap


# ---- stdlib ast side (the post-edit scan)

def ast_dotted(node) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def imports_of_ast(tree) -> ImportMap:
    imap = ImportMap()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imap.add_import(alias.name, alias.asname)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                imap.add_from(node.module or "", alias.name, alias.asname, node.level)
    for node in getattr(tree, "body", ()):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            imap.alias(node.targets[0].id, ast_dotted(node.value))
    return imap
