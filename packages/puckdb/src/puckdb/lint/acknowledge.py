"""Acknowledging hazards in a migration's header.

A blocking finding of kind K is acknowledged when the header lists a hazard of kind K
under ``-- Hazards:``. Generated migrations list theirs; a hand-written one acknowledges
by adding a line such as ``--   data-loss: drops the legacy table``. The kind, not the
wording, is matched: the line is for the reviewer, who reads why the loss is intended.
"""

from __future__ import annotations

from pathlib import Path

from puckdb.lint.findings import Finding, Hit
from puckdb.migrations.header import Header


def finding(path: Path, line: int, statement: str, hit: Hit, header: Header) -> Finding:
    acknowledged = hit.severity == "blocking" and hit.acknowledgeable and header.has_hazard(hit.kind)
    hint = hit.hint
    if hit.severity == "blocking" and hit.acknowledgeable and not acknowledged:
        hint += (
            f"; if it is intended, acknowledge it in the header: `--   {hit.kind}: <why>` under `-- Hazards:`"
        )
    return Finding(
        file=path,
        line=line,
        statement=statement,
        kind=hit.kind,
        severity=hit.severity,
        message=hit.message,
        hint=hint,
        acknowledged=acknowledged,
    )
