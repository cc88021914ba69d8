"""tf.contrib.training.HParams / parse_values with TF 1.15's semantics."""
import json

import pytest

from npu_bridge._tf1 import contrib

contrib.install()
from tensorflow.contrib.training import HParams, parse_values  # noqa: E402  (after install)


def make():
    return HParams(learning_rate=0.1, num_layers=2, use_bn=True, optimizer="adam", hidden=[64, 32], note=None)


def test_values_are_attributes_with_types_fixed_at_creation():
    hp = make()
    assert hp.learning_rate == 0.1 and hp.num_layers == 2 and hp.hidden == [64, 32]
    assert hp.values() == {"learning_rate": 0.1, "num_layers": 2, "use_bn": True, "optimizer": "adam",
                           "hidden": [64, 32], "note": None}
    assert "num_layers" in hp and "missing" not in hp


def test_parse_casts_each_value_to_the_hparam_type():
    hp = make().parse("learning_rate=1, num_layers=4,use_bn=false,optimizer=sgd,hidden=[8 16,4]")
    assert hp.learning_rate == 1.0 and type(hp.learning_rate) is float  # int -> float is allowed
    assert hp.num_layers == 4 and hp.use_bn is False and hp.optimizer == "sgd"
    assert hp.hidden == [8, 16, 4]


@pytest.mark.parametrize("text, message", [
    ("num_layers=2.5", "Could not parse hparam 'num_layers' of type 'int' with value '2.5'"),
    ("missing=1", "Unknown hyperparameter type for missing"),
    ("num_layers=1,num_layers=2", "Multiple assignments to variable 'num_layers'"),
    ("use_bn=maybe", "Could not parse hparam 'use_bn' of type 'bool'"),
    ("=3", "Malformed hyperparameter value: =3"),
    ("hidden[0]=[1,2]", "Assignment of a list to a list index."),
])
def test_parse_errors(text, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace(".", r"\.")):
        make().parse(text)


def test_bool_accepts_integers_and_indexed_assignment_goes_through_set_hparam():
    assert make().parse("use_bn=0").use_bn is False
    assert parse_values("hidden[1]=7", {"hidden": int}) == {"hidden": {1: 7}}
    with pytest.raises(ValueError, match="Must pass a list for multi-valued parameter: hidden"):
        make().parse("hidden[1]=7")


def test_parse_values_ignore_unknown():
    assert parse_values("a=1,b=2", {"a": int}, ignore_unknown=True) == {"a": 1}


def test_set_hparam_refuses_lossy_casts():
    hp = make()
    hp.set_hparam("learning_rate", 3)
    assert hp.learning_rate == 3.0
    for name, value in [("num_layers", 2.5), ("use_bn", 1), ("num_layers", True), ("optimizer", 3),
                        ("learning_rate", "0.1")]:
        with pytest.raises(ValueError, match=f"Could not cast hparam '{name}'"):
            hp.set_hparam(name, value)
    with pytest.raises(ValueError, match="Must not pass a list for single-valued parameter: num_layers"):
        hp.set_hparam("num_layers", [1])
    with pytest.raises(KeyError):
        hp.set_hparam("missing", 1)
    hp.set_hparam("note", 3)  # a None-typed hparam takes anything
    assert hp.note == 3


def test_add_and_delete():
    hp = make()
    hp.add_hparam("dropout", 0.5)
    assert hp.dropout == 0.5
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: dropout"):
        hp.add_hparam("dropout", 0.1)
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: values"):
        hp.add_hparam("values", 1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: empty"):
        hp.add_hparam("empty", [])
    hp.del_hparam("dropout")
    assert "dropout" not in hp and not hasattr(hp, "dropout")


def test_json_round_trip_and_override_from_dict():
    hp = make()
    hp.add_hparam("schedule", [1.0, 2.0])
    text = hp.to_json(sort_keys=True)
    assert json.loads(text)["hidden"] == [64, 32]
    other = make()
    other.add_hparam("schedule", [0.0])
    other.parse_json(text)
    assert other.values() == hp.values()
    assert other.override_from_dict({"num_layers": 7}) is other and other.num_layers == 7


def test_to_json_leaves_callables_out():
    hp = HParams(a=1, fn=len)
    assert json.loads(hp.to_json()) == {"a": 1}


def test_get_with_default_checks_the_type():
    hp = make()
    assert hp.get("num_layers", 5) == 2 and hp.get("missing", 5) == 5
    with pytest.raises(ValueError, match="Hparam 'num_layers' of type .* is incompatible with default=1.5"):
        hp.get("num_layers", 1.5)
    with pytest.raises(ValueError, match="incompatible with default"):
        hp.get("hidden", 3)


def test_str_parses_back_and_repr_is_sorted():
    hp = HParams(b=2, a="x")
    assert str(hp) == "b=2,a=x"
    assert HParams(b=0, a="").parse(str(hp)).values() == hp.values()
    assert repr(hp) == "HParams([('a', 'x'), ('b', 2)])"


def test_model_structure_and_proto_not_provided():
    hp = HParams(model_structure={"k": 1}, a=1)
    assert hp.get_model_structure() == {"k": 1}
    hp.set_model_structure("s")
    assert hp.get_model_structure() == "s"
    with pytest.raises(NotImplementedError, match="HParamDef"):
        hp.to_proto()
    with pytest.raises(NotImplementedError, match="HParamDef"):
        HParams(hparam_def=object())
