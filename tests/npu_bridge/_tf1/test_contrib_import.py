"""tensorflow.contrib as an importable package: import forms, lazy names, errors for what is not provided,
the registry resolving, coverage against the TF 1.15 contrib API list."""
import importlib
import pathlib
import subprocess
import sys
import textwrap

import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._tf1 import contrib
from npu_bridge._tf1.contrib import _module, _registry

NAMES_FILE = pathlib.Path(__file__).resolve().parents[2] / "data" / "tf115_contrib_api.txt"


def tf115_names():
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@pytest.fixture(scope="module", autouse=True)
def installed():
    return contrib.install()


def test_install_is_idempotent_and_sets_the_attributes(installed):
    assert contrib.install() is installed
    assert sum(isinstance(f, _module.ContribFinder) for f in sys.meta_path) == 1
    assert sys.modules["tensorflow.contrib"] is installed
    assert tf.contrib is installed
    assert importlib.import_module("tensorflow").compat.v1.contrib is installed
    assert contrib.is_installed()


def test_import_forms_give_the_same_objects():
    import tensorflow.contrib.layers as layers_a
    from tensorflow.contrib import layers as layers_b
    from tensorflow.contrib.layers import xavier_initializer
    import tensorflow.contrib.slim as slim

    assert layers_a is layers_b is tf.contrib.layers
    assert xavier_initializer is tf.contrib.layers.xavier_initializer
    assert slim.conv2d is tf.contrib.slim.conv2d is tf.contrib.layers.conv2d
    from tensorflow.contrib.slim.nets import resnet_v1
    import tensorflow.contrib.slim.nets.vgg as vgg

    assert callable(resnet_v1.resnet_v1_50) and callable(vgg.vgg_16)
    from tensorflow.contrib.framework.python.ops import arg_scope, add_arg_scope

    assert arg_scope is tf.contrib.framework.arg_scope and add_arg_scope is tf.contrib.framework.add_arg_scope
    from tensorflow.contrib.training.python.training.hparam import HParams

    assert HParams is tf.contrib.training.HParams


def test_names_resolve_lazily_and_are_cached():
    module = importlib.import_module("tensorflow.contrib.lookup")
    assert "HashTable" not in vars(module)
    table = module.HashTable
    assert vars(module)["HashTable"] is table


def test_dir_and_star_import_list_the_provided_names():
    assert "layer_norm" in dir(tf.contrib.layers)
    assert {"layers", "slim", "rnn", "tpu"} <= set(dir(tf.contrib))
    namespace = {}
    exec("from tensorflow.contrib.seq2seq import *", namespace)  # pylint: disable=exec-used
    assert "sequence_loss" in namespace and "BasicDecoder" in namespace


def test_missing_name_attribute_error_names_it_and_lists_what_is_provided():
    with pytest.raises(AttributeError) as err:
        tf.contrib.layers.real_valued_column  # pylint: disable=pointless-statement
    message = str(err.value)
    assert message.startswith("tensorflow.contrib.layers.real_valued_column is not provided by ascend-sim's TF 1.15 runtime")
    assert "use tf.feature_column" in message
    assert "provides: " in message and "xavier_initializer" in message


def test_missing_name_from_import_is_an_import_error_naming_it():
    with pytest.raises(ImportError, match=r"tensorflow\.contrib\.rnn\.NASCell is not provided"):
        from tensorflow.contrib.rnn import NASCell  # noqa: F401  pylint: disable=unused-import


@pytest.mark.parametrize("statement, name", [
    ("import tensorflow.contrib.cudnn_rnn", "tensorflow.contrib.cudnn_rnn"),
    ("from tensorflow.contrib import cudnn_rnn", "tensorflow.contrib.cudnn_rnn"),
    ("import tensorflow.contrib.layers.no_such_module", "tensorflow.contrib.layers.no_such_module"),
    ("from tensorflow.contrib.slim.nets import no_such_net", "tensorflow.contrib.slim.nets.no_such_net"),
])
def test_modules_not_provided_fail_to_import_with_the_reason(statement, name):
    with pytest.raises(ImportError) as err:
        exec(statement, {})  # pylint: disable=exec-used
    assert str(err.value).startswith(f"{name} is not provided by ascend-sim's TF 1.15 runtime")


def test_uncovered_module_attribute_says_why():
    with pytest.raises(AttributeError, match="needs NVIDIA CUDA kernels"):
        tf.contrib.cudnn_rnn  # pylint: disable=pointless-statement
    assert not hasattr(tf.contrib, "learn")


def test_private_and_dunder_names_are_plain_attribute_errors():
    with pytest.raises(AttributeError, match="has no attribute '_private'"):
        tf.contrib.layers._private  # pylint: disable=pointless-statement,protected-access
    assert not hasattr(tf.contrib.layers, "__wrapped__")


def test_every_registry_entry_resolves():
    failures = []
    for path in sorted(_registry.MODULES):
        name = f"{_registry.ROOT}.{path}" if path else _registry.ROOT
        module = importlib.import_module(name)
        for attr in _module.provided_names(name):
            try:
                getattr(module, attr)
            except Exception as exc:  # pylint: disable=broad-except
                failures.append(f"{name}.{attr}: {exc!r}")
    assert not failures


def test_registry_names_are_tf115_contrib_names():
    """Entries we list by name are TF 1.15 contrib API names (catches typos); modules that delegate
    (slim, losses, signal, ...) carry whatever their library exports."""
    known = {name[len("tf.contrib."):] for name in tf115_names()}
    extras = {"layers.OPTIMIZER_CLS_NAMES", "layers.OPTIMIZER_SUMMARIES", "data.AUTOTUNE"}
    unknown = [f"{path}.{name}" for path, module_def in _registry.MODULES.items() if path and "." not in path
               for name in module_def.entries if f"{path}.{name}" not in known | extras]
    assert not unknown


def test_not_provided_reasons_name_real_tf115_modules():
    modules = {name.split(".")[2] for name in tf115_names()}
    assert set(_registry.NOT_PROVIDED) <= modules | {"nccl", "boosted_trees", "gan"}
    assert not set(_registry.NOT_PROVIDED) & {p.split(".")[0] for p in _registry.MODULES if p}


def test_measure_counts_the_most_used_names_as_provided():
    result = contrib.measure(tf115_names())
    for module in ("layers", "framework", "rnn", "data", "training", "opt", "metrics", "tpu", "seq2seq",
                   "mixed_precision", "losses"):
        assert result[module][0], module
    top_symbols = ["tf.contrib.tpu.InputPipelineConfig", "tf.contrib.data.map_and_batch",
                   "tf.contrib.tpu.TPUEstimatorSpec", "tf.contrib.cluster_resolver.TPUClusterResolver",
                   "tf.contrib.layers.xavier_initializer", "tf.contrib.layers.layer_norm",
                   "tf.contrib.layers.l2_regularizer", "tf.contrib.tpu.CrossShardOptimizer",
                   "tf.contrib.data.parallel_interleave", "tf.contrib.layers.batch_norm",
                   "tf.contrib.training.HParams", "tf.contrib.opt.LazyAdamOptimizer"]
    provided = {name for names, _ in result.values() for name in names}
    assert set(top_symbols) <= provided
    assert "tf.contrib.cudnn_rnn.CudnnLSTM" in result["cudnn_rnn"][1]
    with pytest.raises(ValueError, match="not a tf.contrib API name"):
        contrib.measure(["tf.layers.dense"])


def test_coverage_lists_modules_and_not_provided_gives_reasons():
    coverage = contrib.coverage()
    assert "conv2d" in coverage["tensorflow.contrib.layers"]
    assert "tensorflow.contrib.slim.nets" in coverage
    assert "needs NVIDIA CUDA kernels" in contrib.not_provided()["tensorflow.contrib.cudnn_rnn"]


def test_coverage_command_prints_a_table(capsys):
    from npu_bridge._tf1.contrib.__main__ import main

    assert main([str(NAMES_FILE)]) == 0
    out = capsys.readouterr().out
    total = [line for line in out.splitlines() if line.startswith("total")][0].split()
    assert int(total[2]) == len(tf115_names()) and 0 < int(total[1]) < int(total[2])


def test_plain_tf1_script_reaches_contrib_through_the_tensorflow_module(tmp_path):
    """Under the runtime, TF 1.x code's ``tf.contrib`` and ``tf.compat.v1.contrib`` are the package."""
    script = tmp_path / "uses_contrib.py"
    script.write_text(textwrap.dedent("""
        import tensorflow as tf
        from npu_bridge.npu_init import *
        import tensorflow.contrib.layers as layers
        assert tf.contrib.layers is layers
        assert tf.compat.v1.contrib is tf.contrib
        print("OK", tf.contrib.layers.l2_regularizer(0.5).__name__)
    """))
    root = pathlib.Path(__file__).resolve().parents[3]
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(root), "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("OK l2")
