"""Who is asking: TF 1.x code (scripts being run) or code written for TensorFlow 2.15 as shipped.

The TF 1.15 runtime gives one ``tensorflow`` module object two faces.  The decision is made per
calling module, from its ``__name__``:

* packages written for the TensorFlow 2.15 API, or against its internals, see TensorFlow unchanged:
  TensorFlow itself, the estimator, Keras, TensorBoard, tf-slim, the import machinery, and this
  project's own packages (which use ``tensorflow.compat.v1`` explicitly);
* everything else -- the user's scripts and modules, ``__main__``, tests -- is TF 1.x code and sees
  the TF 1.15 API.

``ASCEND_SIM_TF2_PACKAGES=pkg1,pkg2`` adds top-level packages to the first group (for a TF 2 library
that a migrated script happens to import).
"""
import os

TF2_PACKAGES_ENV = "ASCEND_SIM_TF2_PACKAGES"

# Top-level packages whose code is written for TensorFlow 2.15 as shipped (or for its internals).
TF2_PACKAGES = frozenset({
    "tensorflow",
    "tensorflow_estimator",
    "keras",
    "tf_keras",
    "tensorboard",
    "tf_slim",
    "importlib",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "npu_bridge",
    "hccl",
    "ascend_sim",
})
# Any top-level package with this prefix is a TF 2 add-on (tensorflow_hub, tensorflow_probability, ...).
TF2_PACKAGE_PREFIX = "tensorflow_"
# TF 1.x packages the runtime provides under TensorFlow's name: their code is TF 1.x code.
TF1_SUBPACKAGES = ("tensorflow.contrib", "tensorflow.examples")

# module name -> decision; read directly by the tensorflow module's attribute lookup (api.py)
decisions = {}


def _extra_packages():
    raw = os.environ.get(TF2_PACKAGES_ENV, "")
    return frozenset(p.strip() for p in raw.split(",") if p.strip())


def _classify(module_name) -> bool:
    if not isinstance(module_name, str) or not module_name:
        return True
    for prefix in TF1_SUBPACKAGES:
        if module_name == prefix or module_name.startswith(prefix + "."):
            return True
    top = module_name.split(".", 1)[0]
    if top in TF2_PACKAGES or top.startswith(TF2_PACKAGE_PREFIX):
        return False
    return top not in _extra_packages()


def module_wants_tf1(module_name) -> bool:
    """True when code of module ``module_name`` is TF 1.x code (sees the TF 1.15 API)."""
    try:
        return decisions[module_name]
    except (KeyError, TypeError):
        pass
    answer = _classify(module_name)
    try:
        decisions[module_name] = answer
    except TypeError:  # an unhashable __name__: do not cache
        pass
    return answer


def frame_wants_tf1(frame) -> bool:
    """True when the code running in ``frame`` is TF 1.x code."""
    return module_wants_tf1(frame.f_globals.get("__name__"))


def clear_cache() -> None:
    """Forget past decisions (after changing ``ASCEND_SIM_TF2_PACKAGES``)."""
    decisions.clear()
