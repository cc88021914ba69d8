"""Line:column of a few nodes of a LibCST module, found in one code generation pass.

LibCST's ``PositionProvider`` records a range for every node (about 6× the cost of printing the module); the
reports need the positions of the handful of nodes a migration touched, so this state records only those.
A statement that owns leading blank / comment lines is placed on its first line of code.
"""
from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState


class _LineState(CodegenState):
    def __init__(self, module: cst.Module, wanted: dict):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.found: dict[int, tuple] = {}
        self.line = 1
        self.offset = 0
        self.line_start = 0
        self.newline = "\n" if "\n" in module.default_newline else "\r"

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)
        count = value.count(self.newline)
        if count:
            self.line += count
            self.line_start = self.offset - (len(value) - value.rfind(self.newline) - 1)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def before_codegen(self, node) -> None:
        key = id(node)
        if key in self.wanted and key not in self.found:
            skip = len(getattr(node, "leading_lines", ()) or ())
            if hasattr(node, "leading_lines"):      # a statement: its code starts after the indentation
                col = sum(len(t) for t in self.indent_tokens)
            else:
                col = self.offset - self.line_start
            self.found[key] = (self.line + skip, col)

    def after_codegen(self, node) -> None:
        pass


def locate(module: cst.Module, nodes) -> dict[int, tuple]:
    """``id(node)`` → ``(line, col)`` (1-based line, 0-based column) for the ``nodes`` present in ``module``."""
    wanted = {id(n): n for n in nodes if n is not None}
    if not wanted:
        return {}
    state = _LineState(module, wanted)
    module._codegen(state)
    return state.found
