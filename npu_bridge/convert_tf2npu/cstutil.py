"""Small LibCST helpers the typed transformers share: building calls and arguments in the file's own style."""
from __future__ import annotations

import libcst as cst

_EMPTY = cst.SimpleWhitespace("")
_CODEGEN = cst.Module(body=[])


def code(node) -> str:
    return _CODEGEN.code_for_node(node)


def parse_expr(text: str) -> cst.BaseExpression:
    """A new node each call (not cached: a node anchors its finding, two findings never share one)."""
    return cst.parse_expression(text)


def parse_stmt(text: str):
    """A new statement node each call (statements anchor findings: two must never be the same object)."""
    return cst.parse_statement(text)


def keyword_arg(name: str, value) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=_EMPTY, whitespace_after=_EMPTY))


def call(func: str, value, keyword: str = "") -> cst.Call:
    """``func(value)`` or ``func(keyword=value)``, ``value`` kept as it is written."""
    arg = keyword_arg(keyword, value) if keyword else cst.Arg(value=value)
    return cst.Call(func=parse_expr(func), args=[arg])


def is_call_to(node, func: str) -> bool:
    return isinstance(node, cst.Call) and code(node.func) == func


def positional_count(node: cst.Call) -> int:
    return sum(1 for a in node.args if a.keyword is None and not a.star)


def has_star_kwargs(node: cst.Call) -> bool:
    return any(a.star == "**" for a in node.args)


def _has_newline(ws) -> bool:
    return isinstance(ws, cst.ParenthesizedWhitespace)


def append_arg(node: cst.Call, arg: cst.Arg) -> cst.Call:
    """Add ``arg`` last, in the layout of the call (one line, or one argument per line, trailing comma kept)."""
    args = list(node.args)
    if not args:
        return node.with_changes(args=[arg])
    last = args[-1]
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        separator = args[-2].comma.whitespace_after
    elif _has_newline(node.whitespace_before_args):
        separator = node.whitespace_before_args
    else:
        separator = cst.SimpleWhitespace(" ")
    if isinstance(last.comma, cst.Comma):
        tail = last.comma.whitespace_after
        new = arg.with_changes(comma=cst.Comma(whitespace_before=_EMPTY, whitespace_after=tail))
        if not _has_newline(tail):   # f(a, ) → f(a, b, )
            separator = last.comma.whitespace_after if not _has_newline(separator) else separator
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_before=last.comma.whitespace_before,
                                                     whitespace_after=separator))
    else:
        new = arg.with_changes(whitespace_after_arg=last.whitespace_after_arg)
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_before=_EMPTY, whitespace_after=separator),
                                     whitespace_after_arg=_EMPTY)
    args.append(new)
    return node.with_changes(args=args)


def set_arg_value(node: cst.Call, arg: cst.Arg, value) -> cst.Call:
    """The call with ``arg`` (one of its Args) now holding ``value``."""
    return node.with_changes(args=[a.with_changes(value=value) if a is arg else a for a in node.args])


def atom(node) -> bool:
    """Can ``node`` be an operand of a binary operator without parentheses?"""
    if getattr(node, "lpar", ()):
        return True
    return isinstance(node, (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.Imaginary, cst.Call,
                             cst.Subscript, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                             cst.List, cst.Tuple, cst.Dict, cst.Set))


def string_value(node) -> str | None:
    """The value of a plain string literal (None for anything else, f-strings included)."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return None if left is None or right is None else left + right
    return None


def number_literal(node) -> bool:
    if isinstance(node, cst.UnaryOperation):
        node = node.expression
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    return isinstance(node, cst.BinaryOperation) and number_literal(node.left) and number_literal(node.right)
