"""Canonical names: every spelling of a TensorFlow / Horovod reference resolves to one name; others do not."""
import ast

import libcst as cst
import pytest

from npu_bridge.convert_tf2npu.names import canonicalize, imports_of_ast, imports_of_cst, is_api

CASES = [
    ("import tensorflow as tf", "tf.nn.dropout", "tf.nn.dropout"),
    ("import tensorflow.compat.v1 as tf", "tf.Session", "tf.Session"),
    ("import tensorflow as tf", "tf.compat.v1.Session", "tf.Session"),
    ("from tensorflow.contrib import tpu", "tpu.TPUEstimator", "tf.contrib.tpu.TPUEstimator"),
    ("from tensorflow import keras", "keras.layers.Dense", "tf.keras.layers.Dense"),
    ("import keras", "keras.models.load_model", "tf.keras.models.load_model"),
    ("from tensorflow.python.keras import backend as K", "K.clear_session", "tf.keras.backend.clear_session"),
    ("import horovod.tensorflow as hvd", "hvd.rank", "hvd.rank"),
    ("import horovod.tensorflow.keras as hvd", "hvd.callbacks.BroadcastGlobalVariablesCallback",
     "hvd.callbacks.BroadcastGlobalVariablesCallback"),
    ("from tensorflow_estimator import estimator as est", "est.Estimator", "tf.estimator.Estimator"),
    ("import tensorflow\nimport tensorflow.compat.v1", "tensorflow.compat.v1.train.Saver", "tf.train.Saver"),
    ("from npu_bridge.npu_init import *", "tf.layers.dense", "tf.layers.dense"),
    ("import tensorflow as tf2\ntf = tf2.compat.v1", "tf.Session", "tf.Session"),
]


@pytest.mark.parametrize("imports, ref, canonical", CASES)
def test_resolution_is_the_same_from_libcst_and_ast(imports, ref, canonical):
    for imap in (imports_of_cst(cst.parse_module(imports + "\n")), imports_of_ast(ast.parse(imports))):
        assert imap.resolve(ref.split(".")) == canonical
        assert is_api(canonical)


def test_other_libraries_and_locals_are_not_api():
    imap = imports_of_cst(cst.parse_module("import numpy as np\nfrom sklearn.svm import SVC\nfrom . import data\n"))
    assert imap.resolve(["np", "tanh"]) == "numpy.tanh" and not is_api("numpy.tanh")
    assert imap.resolve(["SVC"]) == "sklearn.svm.SVC"
    assert imap.resolve(["data", "batch"]) == ".data.batch" and not is_api(".data.batch")
    assert imap.resolve(["model", "fit"]) is None
    assert not imap.uses_api()


def test_function_level_imports_count():
    imap = imports_of_cst(cst.parse_module("def f():\n    import tensorflow as tf\n    return tf.ones(1)\n"))
    assert imap.resolve(["tf", "ones"]) == "tf.ones"


def test_canonicalize_prefixes():
    assert canonicalize("tensorflow.compat.v2.nn.relu") == "tf.compat.v2.nn.relu"
    assert canonicalize("tensorflow.compat.v1.compat.v1.layers") == "tf.layers"
    assert canonicalize("horovod.keras.callbacks.X") == "hvd.callbacks.X"
    assert canonicalize("kerastuner.Hyperband") == "kerastuner.Hyperband"     # a prefix of the text, not a module
