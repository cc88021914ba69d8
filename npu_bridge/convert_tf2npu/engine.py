"""The migration engine: ``migrate_source(text, options) -> Result`` rewrites one file in memory.

Generic by construction: it resolves every callee to its canonical name (``names``), asks the rule index
which rules apply (``spec.RuleIndex`` over ``rules.RULES``), and lets the rule's kind rewrite the call
(``edits``, ``typed``) or the module (``scaffold``). It never names a TensorFlow symbol. Findings are located
in the output (``positions``); the output's API calls are classified afterwards (``apis``).
"""
from __future__ import annotations

import ast
import dataclasses
import re

import libcst as cst

from npu_bridge.convert_tf2npu import cstutil as cu
from npu_bridge.convert_tf2npu import edits, positions, scaffold, typed
from npu_bridge.convert_tf2npu.findings import FAILED, REWRITTEN, WARNED, Finding
from npu_bridge.convert_tf2npu.names import (MODULE_PREFIXES, NPU_STAR_MODULE, api_root, canonicalize, cst_dotted,
                                             cst_module_name, imports_of_cst, is_api)
from npu_bridge.convert_tf2npu.receivers import Bindings, local_classes
from npu_bridge.convert_tf2npu.rules import RECEIVERS, RULES
from npu_bridge.convert_tf2npu.spec import RuleIndex

CALL_KINDS = {**edits.CALL_KINDS, **typed.CALL_KINDS}
DEFAULT_INDEX = RuleIndex(RULES)
# A file none of whose text matches this has nothing for any rule (it imports none of the modules that
# names.MODULE_PREFIXES maps to the API, nor npu_bridge, and calls no bare-name rule target): it is only
# checked for syntax.
_TRIGGER = re.compile("|".join(sorted(
    {prefix.split(".", 1)[0] for prefix, _ in MODULE_PREFIXES} | {NPU_STAR_MODULE.split(".", 1)[0]}
    | {t.rsplit(".", 1)[-1] for r in RULES if r.args.get("bare_name") for t in r.targets
       if "." not in t or t.startswith("*.")})))
SNIPPET = 160
# Nodes no rule looks inside: skipping them saves LibCST rebuilding about half the tree.
_LEAVES = (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Comment, cst.EmptyLine,
           cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline, cst.Comma,
           cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
           cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.BaseBinaryOp, cst.BaseBooleanOp,
           cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.Import, cst.ImportFrom, cst.Annotation, cst.AsName)


@dataclasses.dataclass(frozen=True)
class Options:
    mode: str | None = None             # None / "horovod" / "tf_strategy"
    main: bool = False                  # the entry script: gets the set-up / tear-down code
    assume_estimator_train: bool = False  # an untraceable x.train(...) is Estimator.train (tf_strategy)
    filename: str = "<string>"


@dataclasses.dataclass
class Result:
    filename: str
    source: str
    output: str
    findings: list
    error: str = ""                    # why the file could not be parsed ("" when it was)
    uses_api: bool = False

    @property
    def changed(self) -> bool:
        return self.output != self.source


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 3] + "..."


class Context:
    """The engine's view of one file, handed to the rule kinds."""

    def __init__(self, module, options: Options, index: RuleIndex):
        self.module = module
        self.options = options
        self.mode = options.mode
        self.main = options.main
        self.filename = options.filename
        self.index = index
        self.imap = imports_of_cst(module)
        self.bindings = Bindings(self.imap, RECEIVERS, local_classes(module))
        self.findings: list[Finding] = []
        self.used: set[str] = set()
        self.call_stack: list = []
        self.removed_ids: set[int] = set()
        self._removed_nodes: list = []
        self.rewrote = False

    # ---- for the kinds
    def code(self, node) -> str:
        return cu.code(node)

    def parent_call(self) -> str | None:
        """The callee text of the call whose direct argument is the call being left."""
        if len(self.call_stack) < 2:
            return None
        current, parent = self.call_stack[-1], self.call_stack[-2]
        if any(arg.value is current for arg in parent.args):
            return cu.code(parent.func)
        return None

    def wrapped(self, value, wrapper: str) -> bool:
        """Is ``value`` (a name) bound to a call that ``wrapper`` wraps, or wrapped already?"""
        bound = self.bindings.value_of(value)
        if not isinstance(bound, cst.Call):
            return False
        if cu.is_call_to(bound, wrapper):
            return True
        parts = cst_dotted(bound.func)
        canonical = self.imap.resolve(parts) if parts else None
        return bool(canonical) and any(r.kind == "wrap_call" and r.args.get("wrapper") == wrapper and r.active(self.mode)
                                       for r in self.index.for_name(canonical))

    def removable(self, node):
        self.removed_ids.add(id(node))
        self._removed_nodes.append(node)

    def record(self, rule, original, new, *, anchor=None, severity=None, action=REWRITTEN, message=None,
               before=None, after=None):
        if action == REWRITTEN:
            self.rewrote = True
        api = ""
        if isinstance(original, cst.Call):
            parts = cst_dotted(original.func)
            api = (self.imap.resolve(parts) if parts else None) or (parts[-1] if parts else "")
        self.findings.append(Finding(
            rule_id=rule.id, severity=severity or rule.severity, action=action, message=message or rule.message,
            api=api, before=_snippet(before if before is not None else (cu.code(original) if original is not None else "")),
            after=_snippet(after if after is not None else (cu.code(new) if new is not None else "")),
            report=rule.report, anchor=new if new is not None else anchor))
        return new

    def uses_keras(self) -> bool:
        return self.imap.imports_prefix("tf.keras") or any(u.startswith("tf.keras.") for u in self.used)

    def first_statement_importing(self, module, root):
        for stmt in module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    names = (small.names if isinstance(small, cst.Import) else [])
                    paths = [cst_module_name(a.name) for a in names]
                    if isinstance(small, cst.ImportFrom) and not small.relative:
                        paths.append(cst_module_name(small.module))
                    if any(api_root(canonicalize(p)) == root for p in paths):
                        return stmt
        return module.body[0] if module.body else None


class _Transformer(cst.CSTTransformer):
    def __init__(self, ctx: Context):
        super().__init__()
        self.ctx = ctx
        self.api_calls = [0]
        self.stmt_marks: list[int] = []
        self.placeholders: dict[int, list] = {}

    # ---- scopes
    def visit_ClassDef(self, node):
        self.ctx.bindings.class_stack.append(node.name.value)
        self.ctx.bindings.push()

    def leave_ClassDef(self, original, updated):
        self.ctx.bindings.class_stack.pop()
        self.ctx.bindings.pop()
        return updated

    def visit_FunctionDef(self, node):
        self.ctx.bindings.push()
        self.api_calls.append(0)

    def leave_FunctionDef(self, original, updated):
        self.ctx.bindings.pop()
        calls = self.api_calls.pop()
        self.api_calls[-1] += calls
        for rule in self.ctx.index.of_kind("function_def"):
            if rule.active(self.ctx.mode):
                updated = scaffold.function_def(rule, self.ctx, original, updated, calls)
        return updated

    # ---- bindings
    def leave_Assign(self, original, updated):
        for target in original.targets:
            self.ctx.bindings.assign(target.target, original.value)
        return updated

    def leave_AnnAssign(self, original, updated):
        if original.value is not None:
            self.ctx.bindings.assign(original.target, original.value)
        return updated

    def leave_NamedExpr(self, original, updated):
        self.ctx.bindings.assign(original.target, original.value)
        return updated

    def visit_For(self, node):
        self.ctx.bindings.assign_unknown(node.target)

    # ---- statements: anchors for findings, removed calls
    def visit_SimpleStatementLine(self, node):
        self.stmt_marks.append(len(self.ctx.findings))

    def leave_Expr(self, original, updated):
        if id(updated.value) in self.ctx.removed_ids:
            return cst.RemoveFromParent()
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        mark = self.stmt_marks.pop()
        if not updated.body:
            updated = updated.with_changes(body=[cst.Pass()])
            comments = any(line.comment for line in original.leading_lines) or original.trailing_whitespace.comment
            if not comments:
                # dropped by the enclosing block (_drop_placeholders); its findings move to the next statement
                self.placeholders[id(updated)] = self.ctx.findings[mark:]
                return updated
        for finding in self.ctx.findings[mark:]:
            if finding.fallback is None:
                finding.fallback = updated
        return updated

    def _drop_placeholders(self, body):
        if not any(id(stmt) in self.placeholders for stmt in body):
            return None
        kept, pending, carry = [], [], []
        for stmt in body:
            if id(stmt) in self.placeholders:
                pending += self.placeholders.pop(id(stmt))
                carry += list(stmt.leading_lines)
                continue
            if carry:
                new = stmt.with_changes(leading_lines=[*carry, *stmt.leading_lines])
                for finding in self.ctx.findings:
                    if finding.fallback is stmt:
                        finding.fallback = new
                stmt, carry = new, []
            for finding in pending:
                finding.fallback = stmt
            pending = []
            kept.append(stmt)
        if not kept:    # the block would be empty: keep a pass
            stmt = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=carry)
            kept.append(stmt)
        for finding in pending:
            finding.fallback = kept[-1]
        return kept

    def leave_IndentedBlock(self, original, updated):
        body = self._drop_placeholders(updated.body)
        return updated if body is None else updated.with_changes(body=body)

    # ---- calls
    def visit_Call(self, node):
        self.ctx.call_stack.append(node)

    def leave_Call(self, original, updated):
        ctx = self.ctx
        mark = len(ctx.findings)
        try:
            for rule in self._rules(original):
                new = CALL_KINDS[rule.kind](rule, ctx, original, updated)
                if new is not None:
                    updated = new
                    if not isinstance(updated, cst.Call):
                        break
            for finding in ctx.findings[mark:]:     # several rules on one call: all point at the final node
                if finding.anchor is not None:
                    finding.anchor = updated
            return updated
        finally:
            ctx.call_stack.pop()

    # compound statements: findings in their header (with tf.Session(...) as s:) are located at the statement;
    # nodes that can hold no call (names, literals, operators, whitespace, imports) are not descended into
    def on_visit(self, node):
        if isinstance(node, _LEAVES):
            return False
        if isinstance(node, cst.BaseCompoundStatement):
            self.stmt_marks.append(len(self.ctx.findings))
        return super().on_visit(node)

    def on_leave(self, original, updated):
        result = super().on_leave(original, updated)
        if isinstance(original, cst.BaseCompoundStatement):
            mark = self.stmt_marks.pop()
            if isinstance(result, cst.CSTNode):
                for finding in self.ctx.findings[mark:]:
                    if finding.fallback is None:
                        finding.fallback = result
        return result

    def _rules(self, original):
        ctx = self.ctx
        func = original.func
        parts = cst_dotted(func)
        canonical = ctx.imap.resolve(parts) if parts else None
        if canonical is not None:
            if is_api(canonical):
                self.api_calls[-1] += 1
                ctx.used.add(canonical)
            found = ctx.index.for_name(canonical)
        elif parts and len(parts) == 1:
            found = tuple(r for r in ctx.index.for_name(parts[0]) if r.args.get("bare_name"))
        else:
            found = ()
        found = [r for r in found if r.active(ctx.mode)]
        if isinstance(func, cst.Attribute) and not is_api(canonical):
            for rule in ctx.index.for_method(func.attr.value):
                if not rule.active(ctx.mode):
                    continue
                kind = ctx.bindings.kind(func.value)
                if kind == rule.receiver or (kind is None and rule.receiver == "estimator"
                                             and ctx.options.assume_estimator_train):
                    found.append(rule)
                elif kind is None and ctx.imap.uses_api():
                    ctx.record(rule, original, None, anchor=None, severity="WARNING", action=WARNED,
                               message=f"{cu.code(func.value).strip()!s:.60} could not be traced to a "
                                       f"{rule.receiver.replace('_', ' ')}: not rewritten ({rule.message} "
                                       f"by hand if it is one)")
                    ctx.findings[-1].anchor = None
                # receivers.FOREIGN or another kind: not TensorFlow's method, nothing to say
        return found

    # ---- the module
    def leave_Module(self, original, updated):
        ctx = self.ctx
        body = self._drop_placeholders(updated.body)
        if body is not None:
            updated = updated.with_changes(body=body)
        for kind in ("remove_import", "star_import", "import_when_used", "main_guard"):
            for rule in ctx.index.of_kind(kind):
                updated = scaffold.MODULE_KINDS[kind](rule, ctx, updated)
        return updated


def _syntax_error(exc, text) -> str:
    line = getattr(exc, "raw_line", None) or getattr(exc, "lineno", None) or 0
    col = getattr(exc, "raw_column", None)
    if col is None:
        col = max((getattr(exc, "offset", None) or 1) - 1, 0)
    message = getattr(exc, "message", None) or getattr(exc, "msg", None) or str(exc).splitlines()[0]
    return f"{line}:{col}: {message}"


def _locate(module, findings):
    """Give every finding the line:col of its node in the output (its statement's when the node is gone)."""
    nodes = [f.anchor for f in findings] + [f.fallback for f in findings if isinstance(f.fallback, cst.CSTNode)]
    found = positions.locate(module, nodes)
    last = (1, 0)
    for finding in findings:
        for node in (finding.anchor, finding.fallback):
            if node is not None and not isinstance(node, str) and id(node) in found:
                finding.line, finding.col = found[id(node)]
                break
        else:
            finding.line, finding.col = last if finding.fallback != "next" else (last[0] + 1, 0)
        last = (finding.line, finding.col)
        finding.anchor = finding.fallback = None


def migrate_source(text: str, options: Options = Options(), index: RuleIndex = DEFAULT_INDEX) -> Result:
    """Migrate one file's text. Never raises for bad input: an unparsable file comes back unchanged with
    ``error`` set to ``line:col: message``."""
    if not _TRIGGER.search(text):
        try:
            ast.parse(text, options.filename)
        except (SyntaxError, ValueError) as exc:
            return Result(options.filename, text, text, [], error=_syntax_error(exc, text))
        return Result(options.filename, text, text, [])
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        try:        # Python's own message says more ("Missing parentheses in call to 'print'")
            ast.parse(text, options.filename)
            error = _syntax_error(exc, text)
        except (SyntaxError, ValueError) as py_exc:
            error = _syntax_error(py_exc, text)
        return Result(options.filename, text, text, [], error=error)
    ctx = Context(module, options, index)
    new_module = module.visit(_Transformer(ctx))
    output = new_module.code
    findings = ctx.findings
    if findings:
        _locate(new_module, findings)
        findings.sort(key=lambda f: (f.line, f.col))
    for finding in findings:
        if finding.severity == "ERROR" and finding.action not in (FAILED, WARNED):
            finding.action = FAILED
    return Result(options.filename, text, output, findings, uses_api=ctx.imap.uses_api())
