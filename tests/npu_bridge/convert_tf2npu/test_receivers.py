"""Receiver kinds: what an expression can be traced to, through bindings, chains, attributes and classes."""
import libcst as cst
import pytest

from npu_bridge.convert_tf2npu.names import imports_of_cst
from npu_bridge.convert_tf2npu.receivers import FOREIGN, Bindings, local_classes
from npu_bridge.convert_tf2npu.rules import RECEIVERS

HEADER = ("import tensorflow as tf\nfrom sklearn.svm import SVC\nfrom tensorflow import keras\n"
          "class Net(keras.Model):\n    pass\nclass Deeper(Net):\n    pass\nclass Plain:\n    pass\n")


def _bindings(assignments=""):
    module = cst.parse_module(HEADER + assignments)
    b = Bindings(imports_of_cst(module), RECEIVERS, local_classes(module))
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign):
            b.assign(stmt.body[0].targets[0].target, stmt.body[0].value)
    return b


@pytest.mark.parametrize("expr, kind", [
    ("tf.data.TFRecordDataset(f).map(g).shuffle(4)", "dataset"),
    ("tf.data.Dataset.range(3).make_one_shot_iterator()", None),
    ("tf.estimator.DNNClassifier([1], cols)", "estimator"),
    ("keras.Sequential()", "keras_model"),
    ("Net()", "keras_model"),
    ("Deeper()", "keras_model"),
    ("Plain()", FOREIGN),
    ("SVC()", FOREIGN),
    ("[1, 2]", FOREIGN),
    ("tf.train.Supervisor(logdir='x')", "supervisor"),
    ("make_dataset()", None),
    ("tf.ones([2])", None),
])
def test_kind_of_expressions(expr, kind):
    assert _bindings().kind(cst.parse_expression(expr)) == kind


def test_bindings_follow_reassignment_and_attributes():
    b = _bindings("ds = tf.data.TextLineDataset(f)\nds = ds.batch(2)\nself.m = Net()\nclf = SVC()\n")
    assert b.kind(cst.parse_expression("ds")) == "dataset"
    assert b.kind(cst.parse_expression("ds.prefetch(1)")) == "dataset"
    assert b.kind(cst.parse_expression("self.m")) == "keras_model"
    assert b.kind(cst.parse_expression("clf")) == FOREIGN
    assert b.kind(cst.parse_expression("clf.fit(x)")) == FOREIGN
    assert b.kind(cst.parse_expression("unknown")) is None


def test_inner_scopes_shadow_and_pop():
    b = _bindings("ds = tf.data.TextLineDataset(f)\n")
    b.push()
    b.assign(cst.Name("ds"), cst.parse_expression("[1]"))
    assert b.kind(cst.Name("ds")) == FOREIGN
    b.pop()
    assert b.kind(cst.Name("ds")) == "dataset"
