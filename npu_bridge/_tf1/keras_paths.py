"""``tensorflow.python.keras`` for TF 1.x code: the Keras that ``tf.keras`` uses in TF 2.15.

In TF 1.15, ``tensorflow.python.keras`` *was* ``tf.keras``.  In TF 2.15 it is a frozen legacy copy
(``LSTM`` is gone from its ``layers``; a session set on its ``backend`` is ignored by ``tf.keras``
models) and Keras itself lives in the ``keras`` 2.15 package.  TF 1.x code asking for
``tensorflow.python.keras.<path>`` gets a module whose attributes come from the Keras 2.15 modules
that hold the same objects, searched in order:

* the path's entry in :data:`MODULES` (TF 1.15 modules that Keras moved or split), else
* a subtree rename from :data:`SUBTREES`, else
* ``keras.api._v1.keras.<path>`` (the TF 1.x public API: v1 ``LSTM``/``GRU``/``BatchNormalization``,
  the optimizers that work in graph mode), then ``keras.src.<path>``.

TensorFlow's own modules keep importing the legacy copy; only TF 1.x code is redirected (see
:mod:`npu_bridge._tf1.imports`).
"""
import importlib
import types

ALIAS_ROOT = "tensorflow.python.keras"
V1_API = "keras.api._v1.keras"
SRC = "keras.src"

# TF 1.15 path (relative to tensorflow.python.keras) -> Keras 2.15 modules, searched in order.
MODULES = {
    "": (V1_API, SRC),
    "backend": ("keras.src.backend",),
    "layers": (V1_API + ".layers", "keras.src.layers"),
    "layers.core": ("keras.src.layers.core", "keras.src.layers.regularization", "keras.src.layers.reshaping"),
    "layers.convolutional": ("keras.src.layers.convolutional", "keras.src.layers.reshaping"),
    "layers.pooling": ("keras.src.layers.pooling",),
    "layers.normalization": (
        "keras.src.layers.normalization.batch_normalization_v1",
        "keras.src.layers.normalization.layer_normalization",
    ),
    "layers.normalization_v2": ("keras.src.layers.normalization.batch_normalization",),
    "layers.recurrent": (
        "keras.src.layers.rnn.lstm_v1",
        "keras.src.layers.rnn.gru_v1",
        "keras.src.layers.rnn.base_rnn",
        "keras.src.layers.rnn.simple_rnn",
        "keras.src.layers.rnn.stacked_rnn_cells",
        "keras.src.layers.rnn.abstract_rnn_cell",
        "keras.src.layers.rnn",
    ),
    "layers.recurrent_v2": ("keras.src.layers.rnn.lstm", "keras.src.layers.rnn.gru"),
    "layers.cudnn_recurrent": ("keras.src.layers.rnn.cudnn_lstm", "keras.src.layers.rnn.cudnn_gru"),
    "layers.convolutional_recurrent": ("keras.src.layers.rnn.conv_lstm2d", "keras.src.layers.rnn"),
    "layers.wrappers": (
        "keras.src.layers.rnn.base_wrapper",
        "keras.src.layers.rnn.bidirectional",
        "keras.src.layers.rnn.time_distributed",
    ),
    "layers.merge": ("keras.src.layers.merging",),
    "layers.embeddings": ("keras.src.layers.core.embedding",),
    "layers.advanced_activations": ("keras.src.layers.activation",),
    "layers.noise": ("keras.src.layers.regularization",),
    "layers.local": ("keras.src.layers.locally_connected",),
    "layers.dense_attention": ("keras.src.layers.attention",),
    "engine.base_layer": ("keras.src.engine.base_layer", "keras.src.engine.input_spec"),
    "engine.network": ("keras.src.engine.functional",),
    "optimizers": (V1_API + ".optimizers", "keras.src.optimizers.legacy.optimizer_v2"),
    "optimizer_v2": ("keras.src.optimizers.legacy",),
    "optimizer_v2.learning_rate_schedule": ("keras.src.optimizers.schedules.learning_rate_schedule",),
    "utils.generic_utils": (
        "keras.src.utils.generic_utils",
        "keras.src.saving.object_registration",
        "keras.src.saving.legacy.serialization",
    ),
    "saving.hdf5_format": ("keras.src.saving.legacy.hdf5_format",),
    "saving.saving_utils": ("keras.src.saving.legacy.saving_utils",),
    "saving.save": ("keras.src.saving.legacy.save",),
}

# TF 1.15 subtree -> Keras 2.15 subtree (for paths below it that MODULES does not list).
SUBTREES = {
    "optimizer_v2": "keras.src.optimizers.legacy",
}

# Names TF 1.15 had that Keras 2.15 renamed: (path, name) -> (module, name).
RENAMED = {
    ("engine.network", "Network"): ("keras.src.engine.functional", "Functional"),
    ("optimizer_v2.gradient_descent", "SGD"): ("keras.src.optimizers.legacy.gradient_descent", "SGD"),
}

_modules = {}


def _import_existing(name):
    """The module ``name``, or None when it does not exist (other import errors propagate)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name and (name == e.name or name.startswith(e.name + ".")):
            return None
        raise


def candidates(path: str):
    """Keras 2.15 module names searched for ``tensorflow.python.keras.<path>``, in order."""
    if path in MODULES:
        return MODULES[path]
    for old, new in SUBTREES.items():
        if path.startswith(old + "."):
            return (new + path[len(old):],)
    return (f"{V1_API}.{path}", f"{SRC}.{path}")


def _full_name(path: str) -> str:
    return f"{ALIAS_ROOT}.{path}" if path else ALIAS_ROOT


class KerasPathModule(types.ModuleType):
    """``tensorflow.python.keras.<path>`` as TF 1.x code sees it: attributes from Keras 2.15 modules."""

    def __init__(self, path, sources):
        super().__init__(_full_name(path))
        self.__dict__["_tf1_path"] = path
        self.__dict__["_tf1_sources"] = tuple(sources)
        self.__dict__["__path__"] = []  # a package: `from <this> import submodule` works
        self.__dict__["__doc__"] = (
            f"TF 1.15's {_full_name(path)} on Keras 2.15: attributes of "
            + ", ".join(m.__name__ for m in sources) + "."
        )

    def __getattr__(self, name):
        if name == "__all__":
            return sorted({n for m in self._tf1_sources for n in dir(m) if not n.startswith("_")})
        if name.startswith("__"):
            raise AttributeError(name)
        return lookup(self._tf1_path, name)

    def __dir__(self):
        names = set(self.__dict__)
        for m in self._tf1_sources:
            names.update(dir(m))
        return sorted(names)

    def __repr__(self):
        return f"<module {self.__name__!r} (TF 1.15 path on Keras 2.15)>"


def resolve(path: str):
    """The module TF 1.x code gets for ``tensorflow.python.keras.<path>``; ModuleNotFoundError if none."""
    if path in _modules:
        return _modules[path]
    names = candidates(path)
    sources = [m for m in (_import_existing(n) for n in names) if m is not None]
    if not sources:
        raise ModuleNotFoundError(
            f"No module named {_full_name(path)!r}: TF 1.15's module has no counterpart in Keras 2.15 "
            f"(looked for {', '.join(names)})",
            name=_full_name(path),
        )
    if len(sources) == 1 and not _has_mapped_children(path):
        module = sources[0]
    else:
        module = KerasPathModule(path, sources)
    _modules[path] = module
    return module


def _has_mapped_children(path: str) -> bool:
    """Whether the tables map something below ``path`` (then the Keras module itself is not enough)."""
    below = path + "."
    return any(k.startswith(below) for k in MODULES) or any(p == path for p, _ in RENAMED)


def lookup(path: str, name: str):
    """Attribute ``name`` of ``tensorflow.python.keras.<path>`` for TF 1.x code."""
    renamed = RENAMED.get((path, name))
    if renamed is not None:
        return getattr(importlib.import_module(renamed[0]), renamed[1])
    child = f"{path}.{name}" if path else name
    if child in MODULES:
        return resolve(child)
    module = resolve(path)
    sources = module._tf1_sources if isinstance(module, KerasPathModule) else (module,)
    for source in sources:
        try:
            return getattr(source, name)
        except AttributeError:
            continue
    try:
        return resolve(child)
    except ModuleNotFoundError:
        raise AttributeError(
            f"module {_full_name(path)!r} has no attribute {name!r} "
            f"(TF 1.15 path mapped onto Keras 2.15: {', '.join(candidates(path))})"
        ) from None
