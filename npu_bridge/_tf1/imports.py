"""Import statements of TF 1.x code: ``tensorflow.keras``, ``tensorflow.python.keras``, ``tensorflow.examples``.

Two mechanisms, both installed by :func:`install` and both idempotent:

* **Redirects** (per caller).  ``builtins.__import__`` is wrapped so that an import statement in TF 1.x
  code (:mod:`npu_bridge._tf1.callers`) naming

  - ``tensorflow.keras[.X]`` gets ``keras.api._v1.keras[.X]``, the TF 1.x Keras API (its optimizers
    are the ones that work in graph mode), and
  - ``tensorflow.python.keras[.X]`` gets the Keras 2.15 counterpart (:mod:`npu_bridge._tf1.keras_paths`).

  TensorFlow's, Keras's and the estimator's own imports are untouched, and ``sys.modules`` is not
  modified.  ``importlib.import_module`` does not go through ``__import__``: it is not redirected.
* **Aliases** (for everyone).  Packages that TF 2.15 lacks entirely are served under TensorFlow's name
  by a meta-path finder: ``tensorflow.examples.tutorials.mnist.input_data`` is
  :mod:`npu_bridge._tf1.mnist`.  :func:`alias_package` registers more such subtrees.
"""
import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

from npu_bridge._tf1 import callers, keras_paths

_KERAS = "tensorflow.keras"
_PYTHON_KERAS = keras_paths.ALIAS_ROOT
_V1_KERAS = "keras.api._v1.keras"

# Subtrees provided under TensorFlow's name: alias module name -> target module name (None: an empty package).
ALIASES = {
    "tensorflow.examples": None,
    "tensorflow.examples.tutorials": None,
    "tensorflow.examples.tutorials.mnist": None,
    "tensorflow.examples.tutorials.mnist.input_data": "npu_bridge._tf1.mnist",
    "tensorflow.examples.tutorials.mnist.mnist": "npu_bridge._tf1.mnist_model",
}
# Alias prefix -> target prefix, for whole subtrees (see alias_package).
_SUBTREE_ALIASES = {}


def _under(name: str, root: str) -> bool:
    return name == root or name.startswith(root + ".")


# --------------------------------------------------------------------------- redirects (per caller)

def redirect(name: str):
    """The module TF 1.x code gets for ``import <name>``, or None when ``name`` is not redirected."""
    if _under(name, _PYTHON_KERAS):
        return keras_paths.resolve(name[len(_PYTHON_KERAS) + 1:])
    if _under(name, _KERAS):
        target = _V1_KERAS + name[len(_KERAS):]
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError as e:
            if e.name and _under(target, e.name):
                return None  # not in the TF 1.x Keras API: let TensorFlow's own path answer
            raise
    return None


def _load_fromlist(module, fromlist) -> None:
    """Import submodules named in ``from <module> import a, b`` that are not attributes yet."""
    if isinstance(module, keras_paths.KerasPathModule):
        return  # resolves its attributes itself
    for item in fromlist:
        if item == "*" or hasattr(module, item):
            continue
        try:
            importlib.import_module(f"{module.__name__}.{item}")
        except ModuleNotFoundError as e:
            if e.name != f"{module.__name__}.{item}":
                raise


def _make_import(original):
    def tf1_import(name, globals=None, locals=None, fromlist=(), level=0):
        if (
            level == 0
            and name.startswith("tensorflow.")
            and (_under(name, _KERAS) or _under(name, _PYTHON_KERAS))
            and callers.module_wants_tf1(globals.get("__name__") if globals else None)
        ):
            module = redirect(name)
            if module is not None:
                if fromlist:
                    _load_fromlist(module, fromlist)
                    return module
                # `import tensorflow.keras.x [as y]`: Python binds `tensorflow` or walks its attributes,
                # which the TF 1.x view of the tensorflow module answers.
                return original("tensorflow", globals, locals, None, 0)
        return original(name, globals, locals, fromlist, level)

    tf1_import.__wrapped__ = original
    tf1_import._npu_bridge_tf1_import = True
    return tf1_import


def is_redirect_installed() -> bool:
    return getattr(builtins.__import__, "_npu_bridge_tf1_import", False)


# --------------------------------------------------------------------------- aliases (for everyone)

class _AliasLoader(importlib.abc.Loader):
    """Loads an alias name as an existing module (or a new empty package), leaving the target intact."""

    def __init__(self, target):
        self._target = target

    def create_module(self, spec):
        if self._target is None:
            module = types.ModuleType(spec.name, f"{spec.name}: provided by npu_bridge's TF 1.15 runtime")
            module.__path__ = []
            return module
        module = importlib.import_module(self._target)
        self._target_spec = module.__spec__
        return module

    def exec_module(self, module):
        if self._target is not None:
            module.__spec__ = self._target_spec  # importlib set the alias spec on the shared module


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the alias names of :data:`ALIASES` and of :func:`alias_package` subtrees."""

    _npu_bridge_tf1_alias_finder = True

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("tensorflow."):
            return None
        if fullname in ALIASES:
            target_name = ALIASES[fullname]
        else:
            target_name = None
            for prefix, target_prefix in _SUBTREE_ALIASES.items():
                if _under(fullname, prefix):
                    target_name = target_prefix + fullname[len(prefix):]
                    break
            else:
                return None
            if importlib.util.find_spec(target_name) is None:
                return None
        is_package = target_name is None or any(k.startswith(fullname + ".") for k in ALIASES) or any(
            _under(fullname, p) for p in _SUBTREE_ALIASES
        )
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name), is_package=is_package)


def alias_package(alias_prefix: str, target_prefix: str) -> None:
    """Serve ``<target_prefix>[.X]`` as ``<alias_prefix>[.X]`` (e.g. ``tensorflow.contrib`` -> a package of ours)."""
    if not alias_prefix.startswith("tensorflow."):
        raise ValueError(f"alias_prefix must start with 'tensorflow.', got {alias_prefix!r}")
    _SUBTREE_ALIASES[alias_prefix] = target_prefix
    _install_finder()


def _install_finder() -> None:
    if not any(getattr(f, "_npu_bridge_tf1_alias_finder", False) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())


def install() -> None:
    """Wrap ``builtins.__import__`` (once) and register the alias finder (once)."""
    if not is_redirect_installed():
        builtins.__import__ = _make_import(builtins.__import__)
    _install_finder()
