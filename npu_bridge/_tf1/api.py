"""The ``tensorflow`` module with the TF 1.15 API for TF 1.x code, unchanged for everyone else.

A migrated script's ``import tensorflow as tf`` binds the one ``tensorflow`` module object that
TensorFlow, Keras and the estimator also use.  Installing the v1 names onto that object would change
what ``tf.nn.dropout``, ``tf.shape``, ``tf.summary``, ``tf.keras``, ... mean inside those libraries.
Instead the module's class is switched to :class:`TF1ViewModule`, which answers each attribute
lookup according to who asks (:mod:`npu_bridge._tf1.callers`):

* TF 1.x code gets ``tf.compat.v1.X`` (``tf.Session``, ``tf.placeholder``, ``tf.layers``,
  ``tf.nn.dropout`` with ``keep_prob``, ``tf.keras`` = the v1 Keras API, ...).  Names the v1 API does not
  have fall back to subpackages under TensorFlow's name (``tf.contrib``, ``tf.examples``, ``tf.python``,
  imported on first use) and otherwise raise ``AttributeError`` as TF 1.15 would (``tf.optimizers``,
  ``tf.eig``, ... are TF 2 only).  ``tf.X = value`` from TF 1.x code sets ``tf.compat.v1.X``.
* Code written for TensorFlow 2.15 gets the module as shipped.

Dunder attributes (``__version__``, ``__path__``, ``__spec__``, ...) are never redirected, except
``__all__`` (so ``from tensorflow import *`` in TF 1.x code imports the v1 API).
"""
import importlib
import sys
import types

from npu_bridge._tf1 import callers, keras_paths

_module_getattribute = types.ModuleType.__getattribute__
_module_setattr = types.ModuleType.__setattr__
_module_delattr = types.ModuleType.__delattr__
_module_dir = types.ModuleType.__dir__
_getframe = sys._getframe
_decisions = callers.decisions

# Subpackages TF 1.x code reaches as ``tf.<name>`` that TF 2.15's module does not hold.
LAZY_SUBPACKAGES = frozenset({"contrib", "examples"})

# Same content in both APIs; TensorFlow's own object keeps `import tensorflow.compat.v1 as tf` in TF 1.x
# code bound to the one ``tensorflow.compat.v1`` module (v1's copy of ``compat`` holds other objects).
SHARED = frozenset({"compat"})

_V1_MODULE = "tensorflow.compat.v1"
_state = {"v1": None, "python": None}


def _v1():
    v1 = _state["v1"]
    if v1 is None:
        v1 = _state["v1"] = importlib.import_module(_V1_MODULE)
    return v1


class PythonPackageView(types.ModuleType):
    """``tf.python`` for TF 1.x code: TensorFlow's ``tensorflow.python`` with ``keras`` = Keras 2.15."""

    def __init__(self):
        super().__init__("tensorflow.python", "TF 1.x view of tensorflow.python (keras -> Keras 2.15)")

    def __getattr__(self, name):
        if name == "keras":
            return keras_paths.resolve("")
        return getattr(importlib.import_module("tensorflow.python"), name)


def python_view() -> PythonPackageView:
    view = _state["python"]
    if view is None:
        view = _state["python"] = PythonPackageView()
    return view


def tf1_attribute(module, name):
    """``tf.<name>`` as TF 1.x code sees it (``module`` is the ``tensorflow`` module)."""
    if name in SHARED:
        return _module_getattribute(module, name)
    try:
        return getattr(_v1(), name)
    except AttributeError:
        pass
    if name == "python":
        return python_view()
    if name.startswith("_"):
        return _module_getattribute(module, name)
    full = "tensorflow." + name
    if name in LAZY_SUBPACKAGES or full in sys.modules:
        try:
            return importlib.import_module(full)
        except ModuleNotFoundError as e:
            if e.name != full:
                raise
    raise AttributeError(
        f"module 'tensorflow' has no attribute {name!r}: TF 1.x code sees the TF 1.15 API "
        f"(tf.compat.v1), which has no {name!r} (npu_bridge's TF 1.15 runtime; "
        f"ASCEND_SIM_NO_TF1_RUNTIME=1 turns it off)"
    )


def _caller_wants_tf1() -> bool:
    """Whether the code calling the method that calls this is TF 1.x code."""
    try:
        return callers.frame_wants_tf1(_getframe(2))
    except ValueError:  # no Python caller
        return False


class TF1ViewModule(types.ModuleType):
    """Class of the ``tensorflow`` module while the TF 1.15 runtime is installed."""

    def __getattribute__(self, name):
        # the hot path of every `tf.X` in the process: callers.frame_wants_tf1 inlined
        if name[:2] != "__" or name == "__all__":
            try:
                module_name = _getframe(1).f_globals.get("__name__")
                wants_tf1 = _decisions[module_name]
            except (KeyError, TypeError):
                wants_tf1 = callers.module_wants_tf1(module_name)
            except ValueError:  # no Python caller (a C thread): TensorFlow as shipped
                wants_tf1 = False
            if wants_tf1:
                return tf1_attribute(self, name)
        return _module_getattribute(self, name)

    def __setattr__(self, name, value):
        if name[:2] == "__" or not _caller_wants_tf1():
            _module_setattr(self, name, value)
        else:
            setattr(_v1(), name, value)

    def __delattr__(self, name):
        if name[:2] == "__" or not _caller_wants_tf1():
            _module_delattr(self, name)
        else:
            delattr(_v1(), name)

    def __dir__(self):
        if not _caller_wants_tf1():
            return _module_dir(self)
        names = set(dir(_v1())) | {n for n in _module_dir(self) if n.startswith("__")}
        names.update(n for n in LAZY_SUBPACKAGES if "tensorflow." + n in sys.modules)
        return sorted(names)


def install(tf_module) -> None:
    """Give ``tf_module`` (the ``tensorflow`` module) its TF 1.x face; idempotent."""
    if type(tf_module) is TF1ViewModule:
        return
    if type(tf_module) is not types.ModuleType:
        raise TypeError(
            f"cannot install the TF 1.15 API on {tf_module!r}: its type is {type(tf_module).__name__}, "
            "expected a plain module (is another TensorFlow import hook active?)"
        )
    _v1()
    tf_module.__class__ = TF1ViewModule


def uninstall(tf_module) -> None:
    """Back to the plain module (the runtime does not do this itself; for tests and tools)."""
    if type(tf_module) is TF1ViewModule:
        tf_module.__class__ = types.ModuleType


def is_installed(tf_module) -> bool:
    return type(tf_module) is TF1ViewModule
