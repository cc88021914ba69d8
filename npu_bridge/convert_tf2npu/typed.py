"""Call kinds with their own logic: dropout arithmetic, device placement, loss-scale optimizer arguments.

Same contract as ``edits``: ``fn(rule, ctx, original, updated) -> new node or None``.
"""
from __future__ import annotations

import libcst as cst

from npu_bridge.convert_tf2npu import cstutil as cu
from npu_bridge.convert_tf2npu.edits import _warn


def dropout(rule, ctx, original, updated):
    """``dropout(x, rate=r)`` → ``<callee>(x, keep_prob=1 - (r))`` (parentheses only where precedence needs
    them); ``keep_prob`` passes as is; the ``keep`` parameters pass through by keyword; a call with one of the
    ``skip_when`` parameters is left alone with a WARNING saying why."""
    a = rule.args
    bound = rule.bind(updated)
    x = bound.get("x")
    if x is None or any(arg.star for arg in updated.args):
        return _warn(ctx, rule, original, updated, "dropout input not found (or *args / **kwargs): not rewritten")
    keep_prob, rate = bound.get("keep_prob"), bound.get("rate")
    if keep_prob is not None and rate is not None:
        return _warn(ctx, rule, original, updated, "both keep_prob and rate given: not rewritten")
    if keep_prob is not None:
        prob = cu.code(keep_prob.value)
    elif rate is not None:
        value = rate.value
        prob = "1 - " + (cu.code(value) if cu.atom(value) else f"({cu.code(value)})")
    else:
        return _warn(ctx, rule, original, updated, "neither keep_prob nor rate given: not rewritten")
    for name, why in a.get("skip_when", {}).items():
        if name in bound:
            return _warn(ctx, rule, original, updated, f"{name} given: not rewritten ({why})")
    known = {"x", "keep_prob", "rate", *a["keep"]}
    unknown = [name for name in bound if name not in known]
    if unknown:
        return _warn(ctx, rule, original, updated, f"unknown arguments {', '.join(unknown)}: not rewritten")
    extra = "".join(f", {name}={cu.code(bound[name].value)}" for name in a["keep"] if name in bound)
    new = cu.parse_expr(f"{a['callee']}({cu.code(x.value)}, keep_prob={prob}{extra})")
    return ctx.record(rule, original, new)


def device(rule, ctx, original, updated):
    """Pin device placement to ``value`` unless the device already names one of ``keep`` (the CPU) or is None;
    a device computed at run time is pinned with a WARNING naming it."""
    a = rule.args
    arg = rule.bind(updated).get(rule.params[0])
    if arg is None:
        return None
    text = cu.string_value(arg.value)
    if isinstance(arg.value, cst.Name) and arg.value.value in a["keep"]:
        return None
    if text is not None and any(k.lower() in text.lower() for k in a["keep"]):
        return None
    new = cu.set_arg_value(updated, arg, cu.parse_expr(a["value"]))
    if text is None:
        return ctx.record(rule, original, new, severity="WARNING",
                          message=f"{rule.message}: the computed device {cu.code(arg.value)} is replaced")
    return ctx.record(rule, original, new)


def loss_scale_optimizer(rule, ctx, original, updated):
    """``MixedPrecisionLossScaleOptimizer(opt, loss_scale)`` → ``<callee>(opt, loss_scale_manager=m)``; a number
    becomes the ``fixed`` manager, ``'dynamic'`` the ``dynamic`` one; ``is_distributed=True`` with ``-d``."""
    a = rule.args
    bound = rule.bind(updated)
    opt, scale = bound.get("opt"), bound.get("loss_scale")
    if opt is None or scale is None or len(bound) > 2:
        return _warn(ctx, rule, original, updated, "expected (opt, loss_scale): not rewritten")
    if cu.string_value(scale.value) == "dynamic":
        manager = a["dynamic"]
    elif cu.number_literal(scale.value):
        manager = a["fixed"].format(value=cu.code(scale.value))
    else:
        manager = cu.code(scale.value)
    distributed = ", is_distributed=True" if ctx.mode else ""
    new = cu.parse_expr(f"{a['callee']}({cu.code(opt.value)}, loss_scale_manager={manager}{distributed})")
    return ctx.record(rule, original, new)


CALL_KINDS = {"dropout": dropout, "device": device, "loss_scale_optimizer": loss_scale_optimizer}
