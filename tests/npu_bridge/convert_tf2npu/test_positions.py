"""positions.locate agrees with LibCST's PositionProvider (computed independently) on calls and statements."""
import pathlib

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from npu_bridge.convert_tf2npu import positions

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "convert_tf2npu"


def test_locate_matches_position_provider():
    for path in sorted(DATA.rglob("before.py")):
        module = cst.parse_module(path.read_text())
        nodes = []

        class Collect(cst.CSTVisitor):
            def visit_Call(self, node):
                nodes.append(node)

            def visit_SimpleStatementLine(self, node):
                nodes.append(node)

        module.visit(Collect())
        found = positions.locate(module, nodes)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node in nodes:
            start = expected[node].start
            assert found[id(node)] == (start.line, start.column), (path, cst.Module([]).code_for_node(node))


def test_only_present_nodes_are_located():
    module = cst.parse_module("x = f(1)\n")
    stray = cst.parse_expression("g()")
    assert positions.locate(module, [stray, None]) == {}
