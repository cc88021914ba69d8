"""What the migration found in a file: one ``Finding`` per rewrite, warning or error, located in the OUTPUT."""
from __future__ import annotations

import dataclasses

REWRITTEN = "rewritten"
WARNED = "warned"
SKIPPED = "skipped"          # a rule matched by name but the receiver is provably not TensorFlow's
FAILED = "failed"            # the file could not be parsed / the rewrite is impossible
ACTIONS = (REWRITTEN, WARNED, SKIPPED, FAILED)


@dataclasses.dataclass
class Finding:
    rule_id: str
    severity: str            # INFO / WARNING / ERROR
    action: str              # one of ACTIONS
    message: str
    api: str = ""            # canonical API name (tf.nn.dropout), or "" for module-level rules
    before: str = ""
    after: str = ""
    report: tuple = ("", "")  # upstream-style success_report texts (change <from> to <to>)
    line: int = 0            # 1-based, in the output file
    col: int = 0             # 0-based
    anchor: object = dataclasses.field(default=None, repr=False, compare=False)    # node in the output tree
    fallback: object = dataclasses.field(default=None, repr=False, compare=False)  # its statement's node

    def to_json(self, file: str) -> dict:
        return {"file": file, "line": self.line, "col": self.col, "rule_id": self.rule_id,
                "severity": self.severity, "action": self.action, "canonical_api": self.api,
                "message": self.message, "before": self.before, "after": self.after}


@dataclasses.dataclass
class ApiUse:
    """One TensorFlow / Horovod API call found in the output, classified against the support list."""
    api: str                 # canonical name as looked up (tf.Session)
    line: int
    col: int
    module: str = ""         # the support list's module group (tf, tf.nn, hvd, ...)
    support: str = ""        # the support list's category string, or "" when the API is not listed
    note: str = ""
    emulator: str = ""       # what ascend_sim's op registry says (see apis.emulator_status)
    agrees: str = ""         # yes / no / "" (no op to compare)

    def to_json(self, file: str) -> dict:
        return {"file": file, "line": self.line, "col": self.col, "api": self.api, "module": self.module,
                "support": self.support, "note": self.note, "emulator": self.emulator, "agrees": self.agrees}
