"""Reading the SQL text PostgreSQL prints (constraint definitions, expressions) far enough
to hand its parts to SQLAlchemy: brackets and commas outside string literals and quoted
names, nothing more. The parts themselves stay PostgreSQL's own text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from puckdb.expressions import closing_bracket, find_top_level, outside_quotes, split_top_level

__all__ = ["closing_bracket", "find_top_level", "outside_quotes", "split_top_level"]


def without_outer_brackets(text: str) -> str:
    """``(a + b)`` → ``a + b``; anything else unchanged."""
    text = text.strip()
    if text.startswith("(") and closing_bracket(text, 0) == len(text) - 1:
        return text[1:-1].strip()
    return text


def line_break_in_literal(text: str) -> bool:
    """Whether a line break sits inside a string literal or quoted name, where changing
    the indentation around it would change the value."""
    outside = {position for position, _character, _depth in outside_quotes(text)}
    return any(character == "\n" and position not in outside for position, character in enumerate(text))


@dataclass(frozen=True)
class CheckParts:
    """``CHECK (expression) [NO INHERIT] [NOT VALID]``."""

    expression: str
    not_valid: bool
    no_inherit: bool


def parse_check(definition: str) -> CheckParts | None:
    """The parts of a CHECK constraint's definition, or None when it has another shape."""
    if not definition.startswith("CHECK ("):
        return None
    opening = len("CHECK ")
    closing = closing_bracket(definition, opening)
    if closing is None:
        return None
    rest = definition[closing + 1 :].split()
    words = " ".join(rest)
    if words not in ("", "NOT VALID", "NO INHERIT", "NO INHERIT NOT VALID"):
        return None
    return CheckParts(
        expression=definition[opening + 1 : closing].strip(),
        not_valid="NOT VALID" in words,
        no_inherit="NO INHERIT" in words,
    )


@dataclass(frozen=True)
class ExclusionParts:
    """``EXCLUDE USING method (element WITH operator, …) [INCLUDE (…)] [WITH (…)]
    [WHERE (…)] [DEFERRABLE] [INITIALLY DEFERRED]``."""

    method: str
    elements: tuple[tuple[str, str], ...]
    """(element, operator): a column or expression with its operator class and order."""
    include: str | None
    storage: str | None
    where: str | None
    deferrable: bool
    initially_deferred: bool


_EXCLUDE = re.compile(r"EXCLUDE USING (\w+) \(")


def parse_exclusion(definition: str) -> ExclusionParts | None:
    """The parts of an EXCLUDE constraint's definition, or None when it has another shape."""
    match = _EXCLUDE.match(definition)
    if match is None:
        return None
    closing = closing_bracket(definition, match.end() - 1)
    if closing is None:
        return None
    elements: list[tuple[str, str]] = []
    for element in split_top_level(definition[match.end() : closing]):
        at = find_top_level(element, " WITH ")
        if at < 0:
            return None
        elements.append((element[:at].strip(), element[at + len(" WITH ") :].strip()))
    rest = definition[closing + 1 :].strip()
    clauses: dict[str, str] = {}
    for keyword in ("INCLUDE", "WITH", "WHERE"):
        if rest.startswith(keyword + " ("):
            end = closing_bracket(rest, len(keyword) + 1)
            if end is None:
                return None
            clauses[keyword] = rest[len(keyword) + 2 : end].strip()
            rest = rest[end + 1 :].strip()
    deferrable = initially_deferred = False
    for flag in ("DEFERRABLE", "INITIALLY DEFERRED"):
        if rest.startswith(flag):
            deferrable = deferrable or flag == "DEFERRABLE"
            initially_deferred = initially_deferred or flag == "INITIALLY DEFERRED"
            rest = rest[len(flag) :].strip()
    if rest:
        return None
    return ExclusionParts(
        method=match.group(1),
        elements=tuple(elements),
        include=clauses.get("INCLUDE"),
        storage=clauses.get("WITH"),
        where=clauses.get("WHERE"),
        deferrable=deferrable,
        initially_deferred=initially_deferred,
    )


_NEXTVAL = re.compile(r"nextval\('((?:[^']|'')*)'::regclass\)")


def nextval_target(default: str | None) -> str | None:
    """The sequence name text of a ``nextval('name'::regclass)`` default, or None."""
    if default is None:
        return None
    match = _NEXTVAL.fullmatch(default)
    return match.group(1).replace("''", "'") if match else None
