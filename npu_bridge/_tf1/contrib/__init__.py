"""``tensorflow.contrib`` for ascend-sim's TF 1.15 runtime.

:func:`install` makes ``tensorflow.contrib`` a real importable package: ``tf.contrib.X`` (on the
``tensorflow`` module and on ``tf.compat.v1``), ``from tensorflow.contrib import X``,
``import tensorflow.contrib.X as Y`` and ``from tensorflow.contrib.X import name`` all work for the
modules and names in ``_registry.py``.  Names resolve on first use, so installing costs no imports.
A TF 1.15 contrib module or name that is not provided raises ``AttributeError`` (attribute access) or
``ImportError`` (import) naming it, saying why when the reason is known, and listing what the
enclosing module does provide.

``coverage()`` lists what is provided per contrib module; ``measure(names)`` checks a list of TF 1.15
API names (``tf.contrib.layers.conv2d``, ...) against it; ``python -m npu_bridge._tf1.contrib NAMES_FILE``
prints that measurement per module.
"""
import collections
import importlib
import sys
from typing import Dict, Iterable, List, Tuple

from npu_bridge._tf1.contrib import _module, _registry, _slim_compat

ROOT = _registry.ROOT


def install():
    """Install the ``tensorflow.contrib`` import hook and attributes; idempotent. Returns the package."""
    import tensorflow  # noqa: F401  (the parent package must exist)

    _slim_compat.apply()
    contrib = _module.install_finder()
    v1 = importlib.import_module("tensorflow.compat.v1")
    # tf.contrib, tf.compat.v1.contrib, and tf.compat.v1.compat.v1.contrib (what TF 1.x code reaches as
    # tf.compat.v1 under the runtime's v1 view of the tensorflow module).
    for module in (sys.modules["tensorflow"], v1, v1.compat.v1):
        if getattr(module, "contrib", None) is not contrib:
            setattr(module, "contrib", contrib)
    return contrib


def is_installed() -> bool:
    """True once :func:`install` has run in this process."""
    return any(isinstance(finder, _module.ContribFinder) for finder in sys.meta_path)


def coverage() -> Dict[str, List[str]]:
    """``{"tensorflow.contrib.layers": [provided names], ...}`` for every registered contrib module."""
    return {f"{ROOT}.{path}" if path else ROOT: _module.provided_names(f"{ROOT}.{path}" if path else ROOT)
            for path in sorted(_registry.MODULES)}


def not_provided() -> Dict[str, str]:
    """TF 1.15 contrib modules deliberately not provided, with the reason."""
    return {f"{ROOT}.{name}": reason for name, reason in sorted(_registry.NOT_PROVIDED.items())}


def _resolves(api_name: str) -> bool:
    """Whether ``tf.contrib.X.Y`` resolves under the installed ``tensorflow.contrib``."""
    parts = api_name.split(".")[2:]
    try:
        value = importlib.import_module(ROOT)
        for part in parts:
            value = getattr(value, part)
    except (AttributeError, ImportError):
        return False
    return True


def measure(api_names: Iterable[str]) -> Dict[str, Tuple[List[str], List[str]]]:
    """``{contrib module: (provided names, missing names)}`` for TF 1.15 names ``tf.contrib.<module>...``."""
    install()
    result = collections.defaultdict(lambda: ([], []))
    for api_name in api_names:
        parts = api_name.split(".")
        if len(parts) < 3 or parts[:2] != ["tf", "contrib"]:
            raise ValueError(f"not a tf.contrib API name: {api_name!r}")
        result[parts[2]][0 if _resolves(api_name) else 1].append(api_name)
    return dict(result)
