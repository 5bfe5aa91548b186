"""What ``lint`` reports: findings, each tied to a file, a line and a statement.

A finding is *blocking* when running the statement can destroy data (or cannot succeed at
all); those fail the lint unless the migration's header acknowledges them. Everything
else is a *warning*: worth a reviewer's attention, never a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from puckdb.errors import PuckdbError

Severity = Literal["blocking", "warning"]

PARSE_ERROR = "parse-error"
"""The kind of a statement the parser could not read: nothing could be checked in it."""
TRANSACTION_CONTROL = "transaction-control"
"""The kind of ``BEGIN``/``COMMIT`` written inside a migration, which puckdb runs itself."""


@dataclass(frozen=True)
class Hit:
    """A rule's verdict on one statement, before it is placed in a file."""

    kind: str
    severity: Severity
    message: str
    """One line: what the statement does that is hazardous."""
    hint: str
    """One line: the safer way, or how to accept the hazard."""
    acknowledgeable: bool = True
    """False when no header line can make the statement safe (it fails whatever it says)."""


@dataclass(frozen=True)
class Finding:
    file: Path
    line: int
    """1-based line on which the statement starts."""
    statement: str
    """The statement's first line, to recognise it without opening the file."""
    kind: str
    severity: Severity
    message: str
    hint: str
    acknowledged: bool = False
    """A blocking finding whose kind the migration's header lists under ``-- Hazards:``."""

    @property
    def fails(self) -> bool:
        """Does this finding fail the lint?"""
        return self.severity == "blocking" and not self.acknowledged

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.file),
            "line": self.line,
            "statement": self.statement,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "acknowledged": self.acknowledged,
        }


@dataclass(frozen=True)
class LintReport:
    files: tuple[Path, ...]
    """Every file linted, in order, including those without findings."""
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        return any(finding.fails for finding in self.findings)

    @property
    def unacknowledged(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.fails]

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "blocking"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    def to_json(self) -> dict[str, object]:
        return {
            "files": [str(path) for path in self.files],
            "findings": [finding.to_json() for finding in self.findings],
            "blocking": len(self.blocking),
            "unacknowledged": len(self.unacknowledged),
            "warnings": len(self.warnings),
            "failed": self.failed,
        }


class BlockingFindingsError(PuckdbError):
    """A lint found blocking hazards that no header acknowledges (exit 1: a deploy gate)."""

    @classmethod
    def of(cls, report: LintReport) -> BlockingFindingsError:
        failing = report.unacknowledged
        kinds = sorted({finding.kind for finding in failing})
        files = sorted({finding.file.name for finding in failing})
        count = len(failing)
        message = (
            f"{count} blocking finding{'s' if count != 1 else ''} not acknowledged ({', '.join(kinds)}) in "
            f"{', '.join(files)}. Make the migration safe, or, when the loss is intended, acknowledge its "
            "kind in the migration's header under `-- Hazards:` (e.g. `--   data-loss: drops the legacy "
            "table`)."
        )
        if any(finding.kind == "non-transactional" for finding in failing):
            message += (
                " A statement that cannot run in a transaction cannot be acknowledged: move it to a "
                "migration whose header says `-- Transaction: no`."
            )
        if any(finding.kind == PARSE_ERROR for finding in failing):
            message += (
                " A statement the SQL parser cannot read cannot be acknowledged: fix its syntax (the "
                "findings above name its line and the parser's message)."
            )
        return cls(message)
