"""The ``tensorflow.contrib`` module objects and the import hook that creates them.

Every ``tensorflow.contrib[.X[.Y]]`` module is a :class:`ContribModule`: a package (empty
``__path__``) whose public names resolve lazily, on first access, from the registry
(``_registry.MODULES``) and are then cached in the module's namespace.  A name the registry does
not provide raises ``AttributeError`` naming it; importing a module path it does not provide raises
``ImportError`` naming it.  Because every contrib module is a package, ``from tensorflow.contrib.layers
import foo`` asks the import hook for ``tensorflow.contrib.layers.foo`` when ``foo`` is missing, so
that form also fails with the descriptive ``ImportError`` rather than a bare "cannot import name".
"""
import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import List, Optional

from npu_bridge._tf1.contrib import _registry
from npu_bridge._tf1.contrib._registry import ROOT, ModuleDef

_RUNTIME = "ascend-sim's TF 1.15 runtime"


def _relative(fullname: str) -> Optional[str]:
    """``"layers"`` for ``tensorflow.contrib.layers``, ``""`` for the root, None outside contrib."""
    if fullname == ROOT:
        return ""
    if fullname.startswith(ROOT + "."):
        return fullname[len(ROOT) + 1:]
    return None


def _import(module_name: str):
    if module_name.split(".")[0] == "tf_slim":
        from npu_bridge._tf1.contrib import _slim_compat

        _slim_compat.apply()
    return importlib.import_module(module_name)


def load_entry(spec: str):
    """The object behind a registry entry ``"python.module:attr[.attr...]"``."""
    module_name, _, attr_path = spec.partition(":")
    value = _import(module_name)
    for attr in attr_path.split(".") if attr_path else ():
        value = getattr(value, attr)
    return value


def definition(fullname: str) -> Optional[ModuleDef]:
    """The registry entry for a contrib module path; children of a delegating module delegate to the
    matching child module (``slim.nets.resnet_v1`` → ``tf_slim.nets.resnet_v1``)."""
    rel = _relative(fullname)
    if rel is None:
        return None
    if rel in _registry.MODULES:
        return _registry.MODULES[rel]
    parent, _, child = fullname.rpartition(".")
    parent_def = definition(parent)
    if parent_def is None or parent_def.delegate is None:
        return None
    target = f"{parent_def.delegate}.{child}"
    try:
        _import(parent_def.delegate)
        found = importlib.util.find_spec(target)
    except ImportError:
        found = None
    return ModuleDef(delegate=target) if found is not None else None


def submodules(fullname: str) -> List[str]:
    """The registered child module names of a contrib module."""
    rel = _relative(fullname)
    prefix = rel + "." if rel else ""
    return sorted({path[len(prefix):].split(".")[0] for path in _registry.MODULES
                   if path.startswith(prefix) and path != rel and path})


def provided_names(fullname: str) -> List[str]:
    """Every public name a contrib module provides (its entries, its delegate's public names, its children)."""
    module_def = definition(fullname)
    if module_def is None:
        return []
    names = set(module_def.entries) | set(submodules(fullname))
    if module_def.delegate is not None:
        delegate = _import(module_def.delegate)
        public = getattr(delegate, "__all__", None) or [n for n in vars(delegate) if not n.startswith("_")]
        names.update(public)
    return sorted(names)


def _reason(fullname: str) -> Optional[str]:
    rel = _relative(fullname) or ""
    if rel in _registry.NOT_PROVIDED:
        return _registry.NOT_PROVIDED[rel]
    parent, _, name = rel.rpartition(".")
    return _registry.NOT_PROVIDED_NAMES.get(parent, {}).get(name)


def not_provided_message(fullname: str) -> str:
    """``"<name> is not provided by ascend-sim's TF 1.15 runtime (<why>); provided: ..."``."""
    parent = fullname.rpartition(".")[0]
    reason = _reason(fullname)
    message = f"{fullname} is not provided by {_RUNTIME}"
    if reason:
        message += f" ({reason})"
    if definition(parent) is not None:
        message += f"; {parent} provides: " + ", ".join(provided_names(parent))
    return message


class ContribModule(types.ModuleType):
    """A ``tensorflow.contrib`` (sub)module whose names resolve lazily from the registry."""

    def __getattr__(self, name):
        if name == "__all__":
            value = provided_names(self.__name__)
        elif name.startswith("_"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        else:
            value = _resolve(self.__name__, name)
        setattr(self, name, value)
        return value

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(provided_names(self.__name__)))


def _resolve(module_name: str, name: str):
    module_def = definition(module_name)
    if name in module_def.entries:
        return load_entry(module_def.entries[name])
    child = f"{module_name}.{name}"
    if name in submodules(module_name):
        return importlib.import_module(child)
    if module_def.delegate is not None:
        delegate = _import(module_def.delegate)
        if hasattr(delegate, name):
            return getattr(delegate, name)
        if definition(child) is not None:
            return importlib.import_module(child)
    raise AttributeError(not_provided_message(child))


class ContribFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and creates the ``tensorflow.contrib`` modules; refuses, by name, paths it does not provide."""

    def find_spec(self, fullname, path=None, target=None):
        if _relative(fullname) is None:
            return None
        if definition(fullname) is None:
            raise ImportError(not_provided_message(fullname), name=fullname)
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        module_def = definition(spec.name)
        module = ContribModule(spec.name, module_def.doc or f"{spec.name} as provided by {_RUNTIME}.")
        return module

    def exec_module(self, module):
        """Nothing to run: names resolve on first access."""

    def __repr__(self):
        return f"<{ROOT} import hook of {_RUNTIME}>"


FINDER = ContribFinder()


def install_finder():
    """Put the finder first on ``sys.meta_path`` (once) and return the ``tensorflow.contrib`` module."""
    if not any(isinstance(finder, ContribFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, FINDER)
    return importlib.import_module(ROOT)
