"""Argument appending keeps the call's layout; atoms and literals are recognised."""
import libcst as cst
import pytest

from npu_bridge.convert_tf2npu import cstutil as cu


@pytest.mark.parametrize("before, after", [
    ("f()", "f(k=v)"),
    ("f(a)", "f(a, k=v)"),
    ("f(a, )", "f(a, k=v, )"),
    ("f(\n    a,\n    b,\n)", "f(\n    a,\n    b,\n    k=v,\n)"),
    ("f(\n    a,\n    b\n)", "f(\n    a,\n    b,\n    k=v\n)"),
    ("f(a, b,\n  c)", "f(a, b,\n  c,\n  k=v)"),
    ("f(a, *rest, **kw)", "f(a, *rest, **kw, k=v)"),
])
def test_append_arg_layouts(before, after):
    new = cu.append_arg(cst.parse_expression(before), cu.keyword_arg("k", cst.Name("v")))
    assert cu.code(new) == after
    compile(cu.code(new), "<expr>", "eval")


def test_atoms_and_literals():
    assert cu.atom(cst.parse_expression("a.b(c)[0]")) and cu.atom(cst.parse_expression("(a + b)"))
    assert not cu.atom(cst.parse_expression("a + b")) and not cu.atom(cst.parse_expression("-a"))
    assert cu.string_value(cst.parse_expression("'/gpu:' '0'")) == "/gpu:0"
    assert cu.string_value(cst.parse_expression("f'/gpu:{i}'")) is None
    assert cu.number_literal(cst.parse_expression("-2**15")) and not cu.number_literal(cst.parse_expression("n"))


def test_new_nodes_are_distinct():
    assert cu.parse_expr("f()") is not cu.parse_expr("f()")
    assert cu.parse_stmt("x = 1") is not cu.parse_stmt("x = 1")
