"""The generic rule kinds applied to a call: each is ``fn(rule, ctx, original, updated) -> new node or None``.

``ctx`` is the engine's view of the file (``engine.Context``): ``code``, ``mode``, ``parent_call``,
``wrapped``, ``record``. A kind returns None when the call needs no change (already migrated, which makes the
tool idempotent), after recording a WARNING when it cannot rewrite safely.
"""
from __future__ import annotations

import re

import libcst as cst

from npu_bridge.convert_tf2npu import cstutil as cu
from npu_bridge.convert_tf2npu.findings import WARNED

_PLACEHOLDER = re.compile(r"\{(\w+)(?:=([^{}]*))?\}")


def _warn(ctx, rule, original, updated, message):
    ctx.record(rule, original, None, anchor=updated, severity="WARNING", action=WARNED, message=message)
    return None


def wrap_arg(rule, ctx, original, updated):
    """``f(param=v)`` → ``f(param=wrapper(keyword=v))``; ``param`` missing → ``param=<inject>`` (if any)."""
    a = rule.args
    limit = a.get("max_positional")
    if limit is not None and cu.positional_count(updated) > limit:
        return _warn(ctx, rule, original, updated,
                     f"{cu.positional_count(updated)} positional arguments: pass {a['param']}= by keyword so "
                     f"it can go through {a['wrapper']}")
    bound = rule.bind(updated)
    arg = bound.get(a["param"])
    if arg is None:
        if not a.get("inject"):
            return None
        if cu.has_star_kwargs(updated):
            return _warn(ctx, rule, original, updated,
                         f"{a['param']} may come through **kwargs: wrap it in {a['wrapper']}(...) by hand")
        new = cu.append_arg(updated, cu.keyword_arg(a["param"], cu.parse_expr(a["inject"])))
        return ctx.record(rule, original, new, message=f"{rule.message}: {a['param']}={a['inject']}")
    if cu.is_call_to(arg.value, a["wrapper"]) or (a.get("skip_wrapped_names") and ctx.wrapped(arg.value, a["wrapper"])):
        return None
    new = cu.set_arg_value(updated, arg, cu.call(a["wrapper"], arg.value, a["keyword"]))
    return ctx.record(rule, original, new)


def set_keywords(rule, ctx, original, updated):
    """Force ``set`` keyword values; add ``add`` ones only when absent (positional uses bind by ``params``)."""
    a = rule.args
    limit = a.get("max_positional")
    if limit is not None and cu.positional_count(updated) > limit:
        return None
    new = updated
    changed = []
    for name, value in list(a.get("set", {}).items()) + list(a.get("add", {}).items()):
        arg = rule.bind(new).get(name)
        if arg is None:
            if name in a.get("add", {}) and cu.has_star_kwargs(new):
                continue
            new = cu.append_arg(new, cu.keyword_arg(name, cu.parse_expr(value)))
            changed.append(f"{name}={value}")
        elif name in a.get("set", {}) and cu.code(arg.value) != value:
            new = cu.set_arg_value(new, arg, cu.parse_expr(value))
            changed.append(f"{name}={value}")
    if not changed:
        return None
    return ctx.record(rule, original, new, message=f"{rule.message}: {', '.join(changed)}")


def wrap_call(rule, ctx, original, updated):
    """``f(...)`` → ``wrapper(f(...))`` unless it is already the argument of ``wrapper``."""
    a = rule.args
    if ctx.parent_call() == a["wrapper"]:
        return None
    return ctx.record(rule, original, cu.call(a["wrapper"], updated, a.get("keyword", "")))


def _fill(template: str, bound: dict, updated, missing: list) -> str:
    def sub(match):
        name, default = match.group(1), match.group(2)
        if name == "receiver":
            return cu.code(updated.func.value) if isinstance(updated.func, cst.Attribute) else ""
        if name == "callee":
            return cu.code(updated.func)
        arg = bound.get(name)
        if arg is not None:
            return cu.code(arg.value)
        if default is None:
            missing.append(name)
            return name
        return default
    return _PLACEHOLDER.sub(sub, template)


def replace(rule, ctx, original, updated):
    """The call becomes ``template`` (placeholders: bound parameters ``{p}`` / ``{p=default}``, ``{callee}``,
    ``{receiver}``); arguments the template does not use are named in a WARNING."""
    a = rule.args
    bound = rule.bind(updated)
    missing: list = []
    text = _fill(a["template"], bound, updated, missing)
    if missing:
        return _warn(ctx, rule, original, updated, f"cannot rewrite without {', '.join(missing)}")
    if re.sub(r"\s+", "", text) == re.sub(r"\s+", "", cu.code(updated)):
        return None
    used = {m[0] for m in _PLACEHOLDER.findall(a["template"])}
    expected = set(a.get("drops", ()))     # parameters the rewrite replaces by design
    dropped = [cu.code(arg).strip().rstrip(",") for arg in updated.args
               if not (arg.keyword is None and not arg.star and _positional_name(rule, updated, arg) in used | expected)
               and not (arg.keyword is not None and arg.keyword.value in used | expected)]
    new = cu.parse_expr(text)
    if dropped:
        return ctx.record(rule, original, new, severity="WARNING",
                          message=f"{rule.message}; arguments dropped: {', '.join(dropped)}")
    return ctx.record(rule, original, new)


def _positional_name(rule, call, arg):
    index = [a for a in call.args if a.keyword is None and not a.star].index(arg)
    return rule.params[index] if index < len(rule.params) else None


def remove(rule, ctx, original, updated):
    """The call goes: its statement is removed (``pass`` where a block would be empty), else it reads ``None``."""
    new = cst.Name("None")
    ctx.removable(new)
    return ctx.record(rule, original, new, after="(removed)")


def warn(rule, ctx, original, updated):
    when = rule.args.get("when_keywords")
    if when and not any(arg.keyword is not None and arg.keyword.value in when for arg in updated.args):
        return None
    return _warn(ctx, rule, original, updated, rule.message)


CALL_KINDS = {"wrap_arg": wrap_arg, "set_keywords": set_keywords, "wrap_call": wrap_call, "replace": replace,
              "remove": remove, "warn": warn}
