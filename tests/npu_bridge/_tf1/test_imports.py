"""Alias packages under TensorFlow's name (tensorflow.examples, and what alias_package registers)."""
import importlib
import json
import json.decoder
import sys

import pytest

from npu_bridge._tf1 import imports


@pytest.fixture()
def json_alias():
    imports.alias_package("tensorflow.npu_test_alias", "json")
    yield "tensorflow.npu_test_alias"
    imports._SUBTREE_ALIASES.pop("tensorflow.npu_test_alias")
    for name in [n for n in sys.modules if n.startswith("tensorflow.npu_test_alias")]:
        del sys.modules[name]


def test_alias_package_serves_an_existing_subtree(json_alias):
    import tensorflow.npu_test_alias.decoder as decoder

    assert decoder is json.decoder
    assert importlib.import_module(json_alias) is json
    assert json.__spec__.name == "json" and json.decoder.__spec__.name == "json.decoder"


def test_alias_package_missing_target_is_module_not_found(json_alias):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("tensorflow.npu_test_alias.no_such_module")


def test_alias_prefix_must_be_under_tensorflow():
    with pytest.raises(ValueError, match="alias_prefix must start with 'tensorflow.'"):
        imports.alias_package("contrib", "json")


def test_examples_packages_exist_and_are_empty_packages():
    import tensorflow.examples.tutorials as tutorials

    assert tutorials.__path__ == [] and "npu_bridge" in tutorials.__doc__


def test_finder_registered_once():
    imports.install()
    imports.install()
    assert sum(isinstance(f, imports.AliasFinder) for f in sys.meta_path) == 1


def test_redirect_leaves_other_tensorflow_imports_alone():
    assert imports.redirect("tensorflow.compat.v1") is None
    assert imports.redirect("tensorflow.keras.no_such_module") is None
