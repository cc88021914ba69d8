"""The TF 1.15 runtime: install, the two faces of the tensorflow module, the switch-off variable, the eager warning.

This test module is TF 1.x code (its ``__name__`` is not a TensorFlow 2 package), so its own
``tf.X`` sees the TF 1.15 API; code run with a TensorFlow/Keras/estimator ``__name__`` sees TF 2.15.
"""
import builtins
import json
import os
import subprocess
import sys
import types

import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import npu_bridge._tf1 as runtime
from npu_bridge._tf1 import api, imports
from testsupport.scripts import ROOT


def run_as(module_name, source, **names):
    """Execute ``source`` as code of module ``module_name``; returns its namespace."""
    namespace = {"__name__": module_name, "tf": tf, **names}
    exec(compile(source, f"<{module_name}>", "exec"), namespace)
    return namespace


def run_python(code, **env):
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", **env)
    proc = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(result[-1][7:]), proc.stderr


def test_installed_in_this_process_and_idempotent():
    assert runtime.is_installed()
    module_class = type(sys.modules["tensorflow"])
    import_hook = builtins.__import__
    finders = len(sys.meta_path)
    assert runtime.install() is True
    api.install(sys.modules["tensorflow"])
    imports.install()
    assert type(sys.modules["tensorflow"]) is module_class is api.TF1ViewModule
    assert builtins.__import__ is import_hook and not hasattr(import_hook.__wrapped__, "_npu_bridge_tf1_import")
    assert len(sys.meta_path) == finders
    assert not tf1.executing_eagerly()


@pytest.mark.parametrize("name", [
    "Session", "placeholder", "layers", "get_variable", "variable_scope", "app", "flags", "gfile", "logging",
    "train", "nn", "keras", "estimator", "data", "summary", "losses", "metrics", "ConfigProto", "to_float",
])
def test_tf1_code_sees_the_v1_api(name):
    assert getattr(tf, name) is getattr(tf1, name)


def test_tf2_packages_see_tensorflow_as_shipped():
    for module_name in ("tensorflow_estimator.python.estimator.fake", "keras.src.fake", "tensorflow.python.fake",
                        "npu_bridge.fake", "tf_slim.fake"):
        ns = run_as(module_name, "has_session = hasattr(tf, 'Session'); dropout = tf.nn.dropout; k = tf.keras")
        assert not ns["has_session"], module_name
        assert ns["dropout"] is tf1.compat.v2.nn.dropout
        assert ns["k"] is not tf1.keras


def test_the_two_faces_of_keras_and_summary():
    v1 = run_as("user_script", "k = tf.keras.optimizers.Adam; s = tf.summary.scalar")
    v2 = run_as("tensorflow_estimator.fake", "k = tf.keras.optimizers.Adam; s = tf.summary.scalar")
    assert v1["k"].__module__ == "keras.src.optimizers.legacy.adam"
    assert v2["k"].__module__ == "keras.src.optimizers.adam"
    assert v1["s"] is tf1.summary.scalar and v2["s"] is not tf1.summary.scalar


def test_tf2_only_names_are_absent_for_tf1_code():
    for name in ("optimizers", "eig", "autodiff"):
        with pytest.raises(AttributeError, match=f"'{name}'.*TF 1.15 API"):
            getattr(tf, name)
        assert run_as("keras.fake", f"v = tf.{name}")["v"] is not None
    assert not hasattr(tf.nn, "gelu")  # TF 1.15 has no tf.nn.gelu; tf.compat.v1.nn neither


def test_dunder_attributes_are_never_redirected():
    module = sys.modules["tensorflow"]
    assert tf.__name__ == "tensorflow" and tf.__version__.startswith("2.15")
    assert tf.__dict__ is module.__dict__ and tf.__path__ is module.__path__


def test_assignment_from_tf1_code_sets_the_v1_api_only():
    marker = object()
    tf.npu_test_marker = marker
    try:
        assert tf1.npu_test_marker is marker and tf.npu_test_marker is marker
        assert "npu_test_marker" not in sys.modules["tensorflow"].__dict__
        assert not run_as("tensorflow.fake", "v = hasattr(tf, 'npu_test_marker')")["v"]
    finally:
        del tf.npu_test_marker
    assert not hasattr(tf1, "npu_test_marker")


def test_monkey_patching_a_v1_submodule_is_seen_by_tf1_code():
    original = tf.nn.dropout
    replacement = lambda *a, **k: "patched"  # noqa: E731
    tf.nn.dropout = replacement
    try:
        assert tf1.nn.dropout is replacement
        assert run_as("user_module", "v = tf.nn.dropout(1, 0.5)")["v"] == "patched"
        assert run_as("tensorflow.fake", "v = tf.nn.dropout")["v"] is not replacement
    finally:
        tf.nn.dropout = original


def test_dir_lists_the_v1_api_for_tf1_code():
    names = dir(tf)
    assert "Session" in names and "placeholder" in names and "optimizers" not in names
    assert "Session" not in run_as("tensorflow.fake", "v = dir(tf)")["v"]


def test_tf_python_keras_is_keras_2_15_for_tf1_code():
    from keras.src.layers.rnn.lstm_v1 import LSTM

    assert isinstance(tf.python, api.PythonPackageView)
    assert tf.python.keras.layers.LSTM is LSTM
    assert tf.python.framework.ops is sys.modules["tensorflow.python.framework.ops"]
    assert tf.python.keras.backend.set_session is tf1.keras.backend.set_session


def test_install_refuses_a_foreign_module_type():
    class Foreign(types.ModuleType):
        pass

    with pytest.raises(TypeError, match="expected a plain module"):
        api.install(Foreign("tensorflow"))


def test_install_and_uninstall_on_a_plain_module():
    module = types.ModuleType("tensorflow_like")
    api.install(module)
    assert api.is_installed(module)
    api.uninstall(module)
    assert type(module) is types.ModuleType


def test_env_var_turns_the_runtime_off():
    result, _ = run_python(
        "import json, sys, builtins, tensorflow as tf, npu_bridge._tf1 as r\n"
        "print('RESULT ' + json.dumps({'installed': r.is_installed(), 'eager': tf.executing_eagerly(),"
        " 'module_class': type(sys.modules['tensorflow']).__name__, 'has_session': hasattr(tf, 'Session'),"
        " 'hooked': hasattr(builtins.__import__, '_npu_bridge_tf1_import')}))",
        ASCEND_SIM_NO_TF1_RUNTIME="1",
    )
    assert result == {"installed": False, "eager": True, "module_class": "module", "has_session": False,
                      "hooked": False}


def test_runtime_on_in_a_fresh_process_without_star_import():
    result, stderr = run_python(
        "import json, tensorflow as tf\nimport npu_bridge\n"
        "x = tf.placeholder(tf.float32, [2])\n"
        "with tf.Session() as s: v = s.run(tf.nn.dropout(x, 1.0), {x: [1.0, 2.0]})\n"
        "print('RESULT ' + json.dumps({'v': v.tolist(), 'eager': tf.executing_eagerly()}))",
    )
    assert result == {"v": [1.0, 2.0], "eager": False}
    assert "eager tensor" not in stderr


def test_warns_when_eager_tensors_exist_before_install():
    result, stderr = run_python(
        "import json, tensorflow as tf\nearly = tf.constant([1.0, 2.0])\nimport npu_bridge\n"
        "print('RESULT ' + json.dumps({'eager': tf.executing_eagerly()}))",
    )
    assert result == {"eager": False}
    assert "1 eager tensor(s) were created before" in stderr
    assert "ASCEND_SIM_NO_TF1_RUNTIME" in stderr


def test_count_eager_tensors_is_zero_in_graph_mode():
    assert runtime.count_eager_tensors() == 0 or not tf1.executing_eagerly()


def test_import_compat_v1_in_tf1_code_binds_tensorflows_module():
    ns = run_as("user_script", "import tensorflow.compat.v1 as t1\nimport tensorflow.compat.v2 as t2\nc = tf.compat")
    assert ns["t1"] is sys.modules["tensorflow.compat.v1"]
    assert ns["t2"] is sys.modules["tensorflow.compat.v2"]
    assert ns["c"].as_bytes("x") == b"x"


def test_star_import_of_tensorflow_gives_the_v1_api():
    ns = run_as("user_script", "from tensorflow import *")
    assert ns["Session"] is tf1.Session and ns["placeholder"] is tf1.placeholder and "eig" not in ns
    assert "Session" not in run_as("keras.fake", "from tensorflow import *")
