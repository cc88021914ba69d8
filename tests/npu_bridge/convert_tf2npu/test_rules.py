"""Every migration rule against its hand-written before/after fixture (tests/data/convert_tf2npu/rules/<id>/),
idempotency over the whole fixture corpus, and the rules table's own consistency."""
import json
import pathlib
import re

import pytest

from npu_bridge.convert_tf2npu import rules as rules_mod
from npu_bridge.convert_tf2npu.engine import DEFAULT_INDEX, Options, migrate_source
from npu_bridge.convert_tf2npu.findings import REWRITTEN, WARNED

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "convert_tf2npu"
RULE_FIXTURES = sorted(p for p in (DATA / "rules").iterdir() if p.is_dir())
ALL_FIXTURES = sorted(DATA.rglob("*.py"))


def _options(folder: pathlib.Path, filename: str) -> Options:
    path = folder / "options.json"
    opts = json.loads(path.read_text()) if path.exists() else {}
    return Options(mode=opts.get("mode"), main=opts.get("main", False), filename=filename)


def test_every_rule_has_a_fixture_named_after_it():
    assert sorted(p.name for p in RULE_FIXTURES) == sorted(r.id for r in rules_mod.RULES)


@pytest.mark.parametrize("folder", RULE_FIXTURES, ids=lambda p: p.name)
def test_rule_fixture(folder):
    before = (folder / "before.py").read_text()
    expected = (folder / "after.py").read_text()
    result = migrate_source(before, _options(folder, "train.py"))
    assert result.output == expected
    fired = [f for f in result.findings if f.rule_id == folder.name]
    assert fired, f"rule {folder.name} did not fire"
    rule = DEFAULT_INDEX.get(folder.name)
    if rule.kind == "warn":
        assert all(f.action == WARNED and f.severity == "WARNING" for f in fired)
    else:
        assert any(f.action == REWRITTEN for f in fired)
    # every finding is located on a line of the output
    lines = result.output.splitlines()
    assert all(1 <= f.line <= len(lines) for f in result.findings)


@pytest.mark.parametrize("folder", RULE_FIXTURES, ids=lambda p: p.name)
def test_rule_located_on_the_rewritten_line(folder):
    """A rewrite's line in the output holds its 'after' text (or the statement that replaced a removed one)."""
    result = migrate_source((folder / "before.py").read_text(), _options(folder, "train.py"))
    lines = result.output.splitlines()
    for f in result.findings:
        if f.action == REWRITTEN and f.after and f.after != "(removed)" and "\n" not in f.after:
            head = re.search(r"\w+", f.after).group(0)
            assert head in lines[f.line - 1], (f.rule_id, f.line, f.after)


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(DATA)))
def test_idempotent_over_every_fixture(path):
    folder = path.parent
    options = _options(folder, path.name)
    once = migrate_source(path.read_text(), options).output
    twice = migrate_source(once, options)
    assert twice.output == once
    assert not [f for f in twice.findings if f.action == REWRITTEN]


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_mode_is_idempotent(path):
    for mode in (None, "horovod", "tf_strategy"):
        options = Options(mode=mode, main=True, filename=path.name)
        once = migrate_source(path.read_text(), options).output
        assert migrate_source(once, options).output == once, mode


def _emitted_texts(rule):
    for key, value in rule.args.items():
        values = value if isinstance(value, tuple) else (value,)
        for text in values:
            if isinstance(text, str) and key in ("template", "inject", "wrapper", "callee", "setup", "teardown",
                                                 "line", "value", "fixed", "dynamic"):
                yield key, re.sub(r"\{(\w+)(=[^{}]*)?\}", r"\1", text)


def test_every_name_the_rewriter_emits_is_star_exported_by_npu_init():
    import ast
    import builtins

    import npu_bridge.npu_init as npu_init
    exported = set(npu_init.__all__)
    for rule in rules_mod.RULES:
        trees = [ast.parse(text.strip()) for key, text in _emitted_texts(rule) if key != "line"]
        assigned = {n.id for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store)}     # set-up statements bind what tear-down uses
        for tree in trees:
            params = set(rule.params) | {"x", "receiver", "callee", "value"}
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    name = node.id
                    if name in assigned or name in params or hasattr(builtins, name):
                        continue
                    assert name in exported, f"rule {rule.id} emits {name!r}, which npu_init does not export"
        for key, text in _emitted_texts(rule):
            if key == "line":
                exec(compile(text, f"<{rule.id}>", "exec"), {})


def test_emitted_calls_bind_to_npu_init_signatures():
    import inspect

    import npu_bridge.npu_init as npu_init
    for rule in rules_mod.RULES:
        for name, *keywords in rule.emits:
            obj = npu_init
            for part in name.split("."):
                obj = getattr(obj, part)
            if callable(obj) and keywords:
                inspect.signature(obj).bind_partial(**{k: None for k in keywords})
