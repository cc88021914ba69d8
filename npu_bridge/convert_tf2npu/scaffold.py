"""Module-level rule kinds: imports to add or remove, the entry script's set-up / tear-down, function bodies.

Each ``fn(rule, ctx, module) -> module`` runs once the calls of the file are rewritten, and checks first that
its edit is absent (idempotent). ``function_def(rule, ctx, original, updated)`` runs on each ``def``.
"""
from __future__ import annotations

import libcst as cst

from npu_bridge.convert_tf2npu import cstutil as cu
from npu_bridge.convert_tf2npu.findings import FAILED, WARNED
from npu_bridge.convert_tf2npu.names import api_root, canonicalize, cst_dotted, cst_module_name


def _is_docstring(stmt) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _is_import(stmt, future=None) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or not stmt.body:
        return False
    small = stmt.body[0]
    if future is None:
        return isinstance(small, (cst.Import, cst.ImportFrom))
    is_future = isinstance(small, cst.ImportFrom) and cst_module_name(small.module) == "__future__"
    return is_future == future


def _find_line(module, text):
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and cu.code(stmt.with_changes(leading_lines=[])).strip() == text:
            return i
    return None


def _insert(module, index, stmt, take_comments=False):
    body = list(module.body)
    if take_comments and index < len(body) and body[index].leading_lines:
        # the comments above the first statement (a licence header) stay above the inserted line
        stmt = stmt.with_changes(leading_lines=body[index].leading_lines)
        body[index] = body[index].with_changes(leading_lines=[])
    body.insert(index, stmt)
    return module.with_changes(body=body), stmt


FIRST_STATEMENTS = 5     # the star import goes before the first import among the first statements (as upstream)


def _first_import(module):
    """Where the star import goes: before the first import among the first statements after the docstring and
    the ``__future__`` imports; right after those when there is no import near the top."""
    body = module.body
    start = 1 if body and _is_docstring(body[0]) else 0
    while start < len(body) and _is_import(body[start], future=True):
        start += 1
    for i in range(start, min(len(body), start + FIRST_STATEMENTS)):
        if _is_import(body[i]):
            return i
    return start


def star_import(rule, ctx, module):
    line = rule.args["line"]
    if _find_line(module, line) is not None or ctx.filename.rsplit("/", 1)[-1] in rule.args["skip_files"]:
        return module
    if not (ctx.imap.uses_api() or ctx.rewrote):
        return module
    stmt = cu.parse_stmt(line)
    module, stmt = _insert(module, _first_import(module), stmt, take_comments=True)
    ctx.record(rule, None, stmt, after=line)
    return module


def import_when_used(rule, ctx, module):
    if not any(t in ctx.used for t in rule.targets):
        return module
    line = rule.args["line"]
    if _find_line(module, line) is not None:
        return module
    star = _find_line(module, ctx.index.of_kind("star_import")[0].args["line"]) if ctx.index.of_kind("star_import") else None
    stmt = cu.parse_stmt(line)
    module, stmt = _insert(module, star + 1 if star is not None else _first_import(module), stmt)
    ctx.record(rule, None, stmt, after=line)
    return module


class _Refs(cst.CSTVisitor):
    """Uses of the names an import of the API ``root`` bound (imports themselves excluded)."""

    def __init__(self, names):
        super().__init__()
        self.names, self.found = names, []

    def visit_Import(self, node):
        return False

    def visit_ImportFrom(self, node):
        return False

    def visit_Attribute(self, node):
        parts = cst_dotted(node)
        if parts and parts[0] in self.names:
            self.found.append(".".join(parts))
            return False
        return True

    def visit_Name(self, node):
        if node.value in self.names:
            self.found.append(node.value)


def _drop_from_line(line, root):
    """The import line without the imports of ``root`` (None: nothing left), and the import texts dropped."""
    keep_small, dropped = [], []
    for small in line.body:
        if isinstance(small, cst.Import):
            names = [a for a in small.names if api_root(canonicalize(cst_module_name(a.name))) != root]
            if len(names) != len(small.names):
                dropped.append(cu.code(small))
                if names:
                    keep_small.append(small.with_changes(
                        names=[*names[:-1], names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]))
                continue
        elif (isinstance(small, cst.ImportFrom) and not small.relative
              and api_root(canonicalize(cst_module_name(small.module))) == root):
            dropped.append(cu.code(small))
            continue
        keep_small.append(small)
    if not dropped:
        return line, dropped
    return (line.with_changes(body=keep_small) if keep_small else None), dropped


def _drop_imports(module, root):
    """Remove the imports of ``root``: top-level lines in place (the other statements stay the same objects, so
    findings keep their positions); nested ones (in try / if blocks) through ``deep_replace``."""
    body, removed, carry = [], [], None
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            new, dropped = _drop_from_line(stmt, root)
            removed += dropped
            if new is None:
                carry = [*(carry or []), *stmt.leading_lines]
                continue
            stmt = new
        if carry:
            stmt = stmt.with_changes(leading_lines=[*carry, *stmt.leading_lines])
            carry = None
        body.append(stmt)
    module = module.with_changes(body=body)
    nested = [n for n in _import_lines(module) if _drop_from_line(n, root)[1]]
    for line in nested:
        new, dropped = _drop_from_line(line, root)
        removed += dropped
        module = module.deep_replace(line, new if new is not None else cst.SimpleStatementLine(body=[cst.Pass()]))
    return module, removed


def _import_lines(node):
    found = []

    class _Lines(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, line):
            if any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in line.body):
                found.append(line)
            return False

    for stmt in node.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            stmt.visit(_Lines())
    return found


def remove_import(rule, ctx, module):
    """Remove the imports of ``root`` once no use of them is left; otherwise keep them and say why."""
    root = rule.args["root"]
    names = ctx.imap.api_locals(root)
    if not names:
        return module
    refs = _Refs(names)
    module.visit(refs)
    anchor = ctx.first_statement_importing(module, root)
    if ctx.mode != rule.args["mode"]:
        if refs.found:
            ctx.record(rule, None, None, anchor=anchor, severity="WARNING", action=WARNED,
                       message=f"{root} API used ({', '.join(sorted(set(refs.found))[:5])}) but -d "
                               f"{rule.args['mode']} not given: left as it is")
        return module
    if refs.found:
        ctx.record(rule, None, None, anchor=anchor, severity="ERROR", action=FAILED,
                   message=f"import kept: {len(refs.found)} use(s) have no NPU rewrite "
                           f"({', '.join(sorted(set(refs.found))[:5])}); migrate them by hand")
        return module
    index = next((i for i, stmt in enumerate(module.body) if stmt is anchor), None)
    module, removed = _drop_imports(module, root)
    if index is not None and module.body:
        anchor = module.body[min(index, len(module.body) - 1)]
    for text in removed:
        ctx.record(rule, None, None, anchor=anchor, before=text, after="(removed)")
    return module


def _main_guard(module):
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.If) and isinstance(stmt.test, cst.Comparison) and len(stmt.test.comparisons) == 1:
            left, right = stmt.test.left, stmt.test.comparisons[0].comparator
            sides = {cu.code(left).strip(), cu.code(right).strip()}
            if "__name__" in sides and ({"'__main__'", '"__main__"'} & sides):
                return i
    return None


def main_guard(rule, ctx, module):
    """In the entry script: set-up before the ``__main__`` body, tear-down in a ``finally`` after it (or at
    module level, when the entry script has no guard)."""
    a = rule.args
    if not ctx.main or not rule.active(ctx.mode) or (a["when"] == "keras" and not ctx.uses_keras()):
        return module
    setup = [cu.parse_stmt(s) for s in a["setup"]]
    teardown = [cu.parse_stmt(s) for s in a["teardown"]]
    guard_index = _main_guard(module)
    if guard_index is None:
        if any(_find_line(module, s) is not None for s in a["setup"]):
            return module
        at = _first_import(module)
        while at < len(module.body) and _is_import(module.body[at]):
            at += 1
        body = list(module.body)
        body[at:at] = setup
        body.extend(teardown)
        ctx.record(rule, None, setup[0], after="; ".join(a["setup"] + a["teardown"]))
        return module.with_changes(body=body)
    guard = module.body[guard_index]
    if a["setup"][0] in cu.code(guard):
        return module
    block = guard.body
    inner = block.body if isinstance(block, cst.IndentedBlock) else [cst.SimpleStatementLine(body=list(block.body))]
    try_stmt = cst.Try(body=cst.IndentedBlock(body=list(inner)),
                       finalbody=cst.Finally(body=cst.IndentedBlock(body=teardown)))
    new_block = cst.IndentedBlock(body=[*setup, try_stmt],
                                  header=block.header if isinstance(block, cst.IndentedBlock) else cst.TrailingWhitespace())
    body = list(module.body)
    body[guard_index] = guard.with_changes(body=new_block)
    ctx.record(rule, None, setup[0], after="; ".join(a["setup"]) + " / finally: " + "; ".join(a["teardown"]))
    return module.with_changes(body=body)


def function_def(rule, ctx, original, updated, api_calls: int):
    """``def <target>(x): <TF code>`` → body ``template`` (the docstring kept); left alone when the body uses no
    TensorFlow API (a user function of the same name) or is already the template."""
    if updated.name.value not in rule.targets or not api_calls:
        return updated
    params = [p.name.value for p in updated.params.params]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        ctx.record(rule, original, None, anchor=updated.name, severity="WARNING", action=WARNED,
                   message=f"{updated.name.value}() takes no input: not rewritten")
        return updated
    body = list(updated.body.body) if isinstance(updated.body, cst.IndentedBlock) else []
    keep = [body[0]] if body and _is_docstring(body[0]) else []
    new_stmt = cu.parse_stmt(rule.args["template"].format(x=params[0]))
    new = updated.with_changes(body=cst.IndentedBlock(body=[*keep, new_stmt],
                                                      header=getattr(updated.body, "header", cst.TrailingWhitespace())))
    ctx.record(rule, original, None, anchor=new_stmt, after=cu.code(new_stmt).strip())
    return new


MODULE_KINDS = {"remove_import": remove_import, "star_import": star_import, "import_when_used": import_when_used,
                "main_guard": main_guard}
