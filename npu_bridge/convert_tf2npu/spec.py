"""The shape of a migration rule, its validation, and the lookup the engine uses to find the rules of a call.

A rule is data (``rules.RULES``): an id, a kind (which typed transformer in ``edits`` / ``typed`` applies it),
what it matches (canonical callee names, glob patterns allowed, or a method name on a traced receiver kind),
the mode it needs, the callee's positional parameter names (so positional and keyword uses bind alike) and the
kind's arguments. The engine knows kinds, never TensorFlow symbols.
"""
from __future__ import annotations

import dataclasses
import fnmatch
from types import MappingProxyType

MODES = ("always", "horovod", "tf_strategy", "distributed", "single")   # single: without -d
SEVERITIES = ("INFO", "WARNING", "ERROR")
# kinds applied to a call (edits.CALL_KINDS / typed.CALL_KINDS) and to the module / a function definition
CALL_KINDS = ("wrap_arg", "set_keywords", "wrap_call", "replace", "remove", "warn", "dropout", "device",
              "loss_scale_optimizer")
MODULE_KINDS = ("star_import", "import_when_used", "remove_import", "main_guard", "function_def")
KINDS = CALL_KINDS + MODULE_KINDS


class RuleError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    targets: tuple = ()        # canonical callee names; fnmatch globs allowed ("tf.train.*Optimizer")
    exclude: tuple = ()        # canonical names / globs never matched
    method: str = ""           # method rules: the attribute name ("batch")
    receiver: str = ""         # ... and the receiver kind it needs (rules.RECEIVERS)
    mode: str = "always"
    params: tuple = ()         # the callee's positional parameters, in order
    args: MappingProxyType = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    severity: str = "INFO"
    report: tuple = ("", "")   # success_report.txt: change <from> to <to> (upstream's ast.json columns)
    message: str = ""          # what the finding says
    emits: tuple = ()          # npu_init names the rewritten code calls: (name, keyword names...)
    upstream: str = ""         # upstream's behaviour, when ours differs (docs, closing note)

    def active(self, mode: str | None) -> bool:
        if self.mode == "always":
            return True
        if self.mode == "distributed":
            return mode is not None
        if self.mode == "single":
            return mode is None
        return self.mode == mode

    def bind(self, call) -> dict:
        """Parameter name → the call's Arg (positional args bound through ``params``)."""
        bound = {}
        position = 0
        for arg in call.args:
            if arg.star:
                continue
            if arg.keyword is not None:
                bound[arg.keyword.value] = arg
            else:
                if position < len(self.params):
                    bound[self.params[position]] = arg
                position += 1
        return bound


def make(id, kind, **fields) -> Rule:
    fields = dict(fields)
    for key in ("targets", "exclude", "params", "emits"):
        if key in fields:
            fields[key] = tuple(fields[key])
    if "args" in fields:
        fields["args"] = MappingProxyType(dict(fields["args"]))
    rule = Rule(id=id, kind=kind, **fields)
    validate(rule)
    return rule


def validate(rule: Rule):
    if rule.kind not in KINDS:
        raise RuleError(f"rule {rule.id!r}: unknown kind {rule.kind!r}; kinds: {', '.join(KINDS)}")
    if rule.mode not in MODES:
        raise RuleError(f"rule {rule.id!r}: unknown mode {rule.mode!r}; modes: {', '.join(MODES)}")
    if rule.severity not in SEVERITIES:
        raise RuleError(f"rule {rule.id!r}: unknown severity {rule.severity!r}; severities: {', '.join(SEVERITIES)}")
    if rule.kind in CALL_KINDS and not (rule.targets or rule.method):
        raise RuleError(f"rule {rule.id!r}: a {rule.kind} rule needs targets or a method")
    if rule.method and not rule.receiver:
        raise RuleError(f"rule {rule.id!r}: method rule {rule.method!r} needs a receiver kind")


class RuleIndex:
    """Call rules by exact canonical name, by glob and by method name; module rules by kind."""

    def __init__(self, rules):
        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise RuleError(f"rule ids declared twice: {', '.join(dupes)}")
        self.rules = tuple(rules)
        self.by_name: dict[str, list] = {}
        self.globs: list = []
        self.by_method: dict[str, list] = {}
        self.by_kind: dict[str, list] = {}
        for rule in rules:
            self.by_kind.setdefault(rule.kind, []).append(rule)
            if rule.kind not in CALL_KINDS:
                continue
            if rule.method:
                self.by_method.setdefault(rule.method, []).append(rule)
            for target in rule.targets:
                if any(ch in target for ch in "*?["):
                    self.globs.append((target, rule))
                else:
                    self.by_name.setdefault(target, []).append(rule)
        self._cache: dict[str, tuple] = {}

    def for_name(self, canonical: str) -> tuple:
        hit = self._cache.get(canonical)
        if hit is None:
            found = list(self.by_name.get(canonical, ()))
            found += [rule for pattern, rule in self.globs
                      if fnmatch.fnmatchcase(canonical, pattern) and rule not in found]
            found = [r for r in found if not any(fnmatch.fnmatchcase(canonical, x) for x in r.exclude)]
            hit = self._cache[canonical] = tuple(sorted(found, key=self.rules.index))
        return hit

    def for_method(self, name: str) -> tuple:
        return tuple(self.by_method.get(name, ()))

    def of_kind(self, kind: str) -> tuple:
        return tuple(self.by_kind.get(kind, ()))

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"unknown rule id {rule_id!r}; rule ids: {', '.join(r.id for r in self.rules)}")
