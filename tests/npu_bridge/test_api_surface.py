"""API-surface test: every upstream npu_bridge module path, public name and signature exists here.

Driven by the upstream surface table (``tests/data/npu_bridge_surface.json``, extracted from
upstream's sources): every module imports; every name exists with the right kind; functions and
classes take upstream's parameters in upstream's order with upstream's defaults.  Deliberate
extensions (extra trailing keyword parameters that upstream scripts pass) are listed in
``EXTENSIONS`` and documented in docs/npu_bridge.md.
"""
import importlib
import inspect

import pytest
import tensorflow as tf
from tensorflow.core.protobuf import saver_pb2
from tensorflow.python.framework import dtypes

from testsupport.surface import iter_modules, iter_names, load_surface

SURFACE = load_surface()

# (module, name) -> extra parameters we accept after upstream's, each with a default.
EXTENSIONS = {
    # 2021-era keywords still passed by migrated scripts (reference §8.2 / §10.3)
    ("npu_bridge.estimator.npu.npu_config", "NPURunConfig"): {"auto_tune_mode", "mstune_mode"},
    ("npu_bridge.estimator.npu.npu_plugin", "npu_resource_init"): {"auto_tune_mode", "mstune_mode"},
    # TPUEstimator leftovers that migrated NPUEstimator calls still pass (reference §10.8.7)
    ("npu_bridge.estimator.npu.npu_estimator", "NPUEstimator"): {"use_tpu", "train_batch_size", "eval_batch_size"},
    # one migrated script passes is_training= (reference §10.3)
}

KIND_MAP = {
    "pos": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "pos_only": inspect.Parameter.POSITIONAL_ONLY,
    "var_pos": inspect.Parameter.VAR_POSITIONAL,
    "kw_only": inspect.Parameter.KEYWORD_ONLY,
    "var_kw": inspect.Parameter.VAR_KEYWORD,
}


def _names():
    return [pytest.param(m, n, i, id=f"{m}:{n}") for m, n, i in iter_names(SURFACE)]


@pytest.mark.parametrize("module", [m for m, _ in iter_modules(SURFACE)])
def test_module_imports(module):
    importlib.import_module(module)


def _signature_of(obj, info):
    if inspect.isclass(obj):
        target = obj.__new__ if info.get("params_from") == "__new__" else obj.__init__
        params = list(inspect.signature(target).parameters.values())[1:]  # drop self / cls
        return params
    return list(inspect.signature(obj).parameters.values())


def _evaluate_default(text, module):
    namespace = {"dtypes": dtypes, "tf": tf.compat.v1, "saver_pb2": saver_pb2}
    namespace.update(vars(module))
    return eval(text, namespace)  # noqa: S307 - trusted spec table


@pytest.mark.parametrize("module_name,name,info", _names())
def test_name_and_signature(module_name, name, info):
    module = importlib.import_module(module_name)
    assert hasattr(module, name), f"{module_name} lacks upstream name {name!r}"
    obj = getattr(module, name)
    kind = info["kind"]
    if kind == "import":
        src_module, _, attr = info["from"].partition(":")
        expected = getattr(importlib.import_module(src_module), attr)
        assert obj is expected, f"{module_name}.{name} should be {info['from']}"
        return
    if kind == "class":
        assert inspect.isclass(obj), f"{module_name}.{name} should be a class"
    elif kind == "function":
        assert callable(obj), f"{module_name}.{name} should be callable"
    if info.get("params") is None:
        return
    actual = _signature_of(obj, info)
    expected = info["params"]
    assert len(actual) >= len(expected), f"{name}: expected parameters {[p['name'] for p in expected]}"
    for want, got in zip(expected, actual):
        assert got.name == want["name"], f"{name}: parameter {got.name!r} where upstream has {want['name']!r}"
        assert got.kind == KIND_MAP[want["kind"]], f"{name}({got.name}): kind {got.kind} != {want['kind']}"
        if "default" in want:
            assert got.default is not inspect.Parameter.empty, f"{name}({got.name}) needs default {want['default']}"
            assert got.default == _evaluate_default(want["default"], module), (
                f"{name}({got.name}): default {got.default!r} != upstream {want['default']}"
            )
        else:
            assert got.default is inspect.Parameter.empty, f"{name}({got.name}) must have no default"
    extras = actual[len(expected):]
    allowed = EXTENSIONS.get((module_name, name), set())
    for p in extras:
        if p.kind in (inspect.Parameter.VAR_KEYWORD,) and p.name in allowed:
            continue
        assert p.name in allowed, f"{name}: parameter {p.name!r} is not upstream's and not a documented extension"
        assert p.default is not inspect.Parameter.empty, f"{name}({p.name}): an extension must have a default"


def test_star_import_exports_upstream_names():
    namespace = {}
    exec("from npu_bridge.npu_init import *", namespace)  # noqa: S102
    exported = {k for k in namespace if k != "__builtins__"}
    upstream = set(SURFACE["star_exports"]["names"])
    legacy = set(SURFACE["legacy"]["npu_bridge.npu_init"])
    missing = upstream - exported
    assert not missing, f"star import lacks {sorted(missing)}"
    extra = exported - upstream - legacy
    assert not extra, f"star import leaks names upstream does not export: {sorted(extra)}"


def test_star_import_tf_is_v1_api_and_os_is_stdlib():
    import os

    namespace = {}
    exec("from npu_bridge.npu_init import *", namespace)  # noqa: S102
    assert namespace["os"] is os
    assert namespace["tf"].Session is tf.compat.v1.Session
    assert namespace["tf"].placeholder is tf.compat.v1.placeholder
    from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2

    assert namespace["config_pb2"] is config_pb2
    assert namespace["RewriterConfig"] is rewriter_config_pb2.RewriterConfig
    assert callable(namespace["npu_unary_ops"].gelu)
    assert callable(namespace["npu_ops"].dropout)
    assert callable(namespace["util"].set_iteration_per_loop)
    assert callable(namespace["hccl_ops"].allreduce)


def test_surface_table_is_complete_in_size():
    """Guard against a truncated vendored table: upstream has 48 modules and 278 module-level names."""
    assert len(SURFACE["modules"]) == 48
    assert sum(len(v["names"]) for v in SURFACE["modules"].values()) == 278


def test_star_import_tf_is_the_tensorflow_module_with_the_tf1_runtime():
    """Upstream's npu_init does ``import tensorflow as tf``: scripts reach tf.python / tf.examples / tf.contrib."""
    import sys

    from npu_bridge import _tf1

    assert _tf1.is_installed()
    namespace = {}
    exec("from npu_bridge.npu_init import *", namespace)  # noqa: S102
    assert namespace["tf"] is sys.modules["tensorflow"]


def test_star_import_tf_is_the_v1_api_with_the_runtime_off():
    import subprocess
    import sys

    from testsupport.scripts import ROOT, UPSTREAM_ENV

    code = (
        "import tensorflow\n"
        "from npu_bridge.npu_init import *\n"
        "print('V1' if tf is tensorflow.compat.v1 else 'OTHER')\n"
    )
    env = dict(UPSTREAM_ENV, PYTHONPATH=str(ROOT), ASCEND_SIM_NO_TF1_RUNTIME="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("V1")
