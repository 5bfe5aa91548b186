"""Helpers the rules share: walking expressions and wording hits alike."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from puckdb.lint.findings import Hit


def walk(node: object) -> Iterator[ast.Node]:
    """``node`` and every node below it (expressions nest in attributes and tuples)."""
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif isinstance(node, ast.Node):
        yield node
        for attribute in node:
            yield from walk(getattr(node, attribute))


def blocking(kind: str, message: str, hint: str, *, acknowledgeable: bool = True) -> Hit:
    return Hit(kind, "blocking", message, hint, acknowledgeable)


def warning(kind: str, message: str, hint: str) -> Hit:
    return Hit(kind, "warning", message, hint)


def plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
