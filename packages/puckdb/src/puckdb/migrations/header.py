"""The comment block at the top of a migration: who wrote it, how it runs, what it risks.

It is written for people reviewing the migration and read back by puckdb, so it is plain
``--`` comments with a few ``Key: value`` lines::

    -- puckdb migration 0002_add_cards_deleted_at
    -- Created 2026-11-25 10:40 UTC by puckdb 0.1.0.
    -- Transaction: yes (the whole migration commits or nothing does).
    -- Hazards:
    --   data-loss: drops column public.cards.meaning

``Transaction: no`` makes puckdb run the statements one by one outside a transaction
(needed for ``CREATE INDEX CONCURRENTLY``) and record its progress, so that a failed run
resumes at the statement that failed. Only the comment lines before the first statement
are the header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

_TRANSACTION = re.compile(r"^--\s*transaction:\s*(\w+)", re.IGNORECASE)
_HAZARDS = re.compile(r"^--\s*hazards:\s*(.*)$", re.IGNORECASE)
_HAZARD = re.compile(r"^--\s+([a-z][a-z-]*):\s*(.+)$")


@dataclass(frozen=True)
class HeaderHazard:
    kind: str
    message: str


@dataclass(frozen=True)
class Header:
    transactional: bool = True
    hazards: tuple[HeaderHazard, ...] = ()

    def has_hazard(self, kind: str) -> bool:
        return any(hazard.kind == kind for hazard in self.hazards)


def parse_header(text: str) -> Header:
    transactional = True
    hazards: list[HeaderHazard] = []
    in_hazards = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break
        if match := _TRANSACTION.match(line):
            transactional = match.group(1).lower() not in ("no", "none", "off", "false")
            in_hazards = False
        elif match := _HAZARDS.match(line):
            in_hazards = match.group(1).strip().lower() not in ("none", "none.")
        elif in_hazards and (match := _HAZARD.match(raw.rstrip())):
            hazards.append(HeaderHazard(match.group(1), match.group(2).strip()))
        else:
            in_hazards = False
    return Header(transactional, tuple(hazards))


def render_header(
    *,
    label: str,
    version: str,
    created: datetime,
    transactional: bool,
    hazards: Sequence[tuple[str, str]],
    why_no_transaction: str = "",
    title: str = "migration",
    note: str = "",
) -> str:
    """The header as comment lines, ending with a blank line."""
    lines = [
        f"-- puckdb {title} {label}",
        f"-- Created {created:%Y-%m-%d %H:%M} UTC by puckdb {version}.",
    ]
    if transactional:
        lines.append("-- Transaction: yes (the whole migration commits or nothing does).")
    else:
        reason = f" {why_no_transaction}" if why_no_transaction else ""
        lines.append(
            "-- Transaction: no (statements run one by one; a failed run resumes at the failed statement)."
            + reason
        )
    if hazards:
        lines.append("-- Hazards:")
        lines.extend(f"--   {kind}: {message}" for kind, message in hazards)
    else:
        lines.append("-- Hazards: none")
    if note:
        lines.extend(f"-- {line}" if line else "--" for line in note.splitlines())
    return "\n".join(lines) + "\n\n"
