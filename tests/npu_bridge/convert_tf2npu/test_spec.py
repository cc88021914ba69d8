"""The rule spec: validation with the legal values named, the index (exact names, globs, excludes), binding."""
import libcst as cst
import pytest

from npu_bridge.convert_tf2npu import rules as rules_mod
from npu_bridge.convert_tf2npu.spec import Rule, RuleError, RuleIndex, make


def test_rule_ids_unique_and_kinds_known():
    ids = [r.id for r in rules_mod.RULES]
    assert len(ids) == len(set(ids))
    with pytest.raises(RuleError, match="declared twice"):
        RuleIndex([rules_mod.RULES[0], rules_mod.RULES[0]])
    with pytest.raises(RuleError, match="unknown kind 'rename_everything'; kinds: wrap_arg"):
        make("x", "rename_everything", targets=("tf.x",))
    with pytest.raises(RuleError, match="unknown mode 'gpu'"):
        make("x", "warn", targets=("tf.x",), mode="gpu")
    with pytest.raises(RuleError, match="needs a receiver kind"):
        make("x", "warn", method="fit")


def test_method_rules_name_known_receivers():
    for rule in rules_mod.RULES:
        if rule.method:
            assert rule.receiver in rules_mod.RECEIVERS, rule.id


def test_index_globs_and_excludes():
    index = RuleIndex(rules_mod.RULES)
    assert [r.id for r in index.for_name("tf.train.MomentumOptimizer")] == ["strategy_optimizer"]
    assert index.for_name("tf.train.experimental.MixedPrecisionLossScaleOptimizer")[0].id == "loss_scale_optimizer"
    assert "strategy_optimizer" not in [r.id for r in index.for_name("tf.contrib.opt.ScipyOptimizerInterface")]
    assert index.for_name("tf.nn.relu") == ()
    with pytest.raises(KeyError, match="unknown rule id 'nope'; rule ids: star_import"):
        index.get("nope")


def test_bind_positional_and_keyword():
    rule = Rule(id="r", kind="warn", targets=("f",), params=("a", "b", "c"))
    call = cst.parse_expression("f(1, 2, c=3, *rest, **kw)")
    bound = rule.bind(call)
    assert {k: cst.Module([]).code_for_node(v.value) for k, v in bound.items()} == {"a": "1", "b": "2", "c": "3"}


def test_modes():
    rule = make("x", "warn", targets=("tf.x",), mode="single")
    assert rule.active(None) and not rule.active("horovod")
    rule = make("y", "warn", targets=("tf.x",), mode="distributed")
    assert rule.active("horovod") and rule.active("tf_strategy") and not rule.active(None)
