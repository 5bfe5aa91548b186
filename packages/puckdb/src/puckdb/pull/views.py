"""Views and materialized views as ``puckdb.View(...)``, in an order that creates each
after the views it reads (puckdb creates views in declaration order)."""

from __future__ import annotations

import heapq

from puckdb.model import View
from puckdb.pull.code import Atom, Code, Str, block_or_str, call, comment_lines, dict_of, list_of, statement
from puckdb.pull.context import Context, label
from puckdb.pull.sqltext import line_break_in_literal


def view_statement(view: View, variable: str, context: Context) -> list[str]:
    """``name = View("name", Base.metadata, \"\"\"SELECT ...\"\"\", ...)``."""
    lines: list[str] = []
    subject = f"{'materialized view' if view.materialized else 'view'} {label(view.schema, view.name)}"
    for index in view.indexes:
        if index.comment is not None:
            comment = context.note(
                subject,
                f"the comment on index {index.name} ({index.comment!r}) cannot be declared; it is not kept.",
            )
            lines += comment_lines(comment.text, 0)
    body = view.definition.strip().removesuffix(";").strip()
    value = call(
        context.imports.name("View"),
        Str(view.name),
        Atom("Base.metadata"),
        block_or_str(body, safe_to_reindent=not line_break_in_literal(body)),
        materialized=Atom("True") if view.materialized else None,
        schema=Str(view.schema) if view.schema != "public" else None,
        comment=Str(view.comment) if view.comment is not None else None,
        column_comments=_column_comments(view),
        indexes=list_of([Str(index.definition) for index in view.indexes]) if view.indexes else None,
    )
    return lines + statement(variable, value)


def _column_comments(view: View) -> Code | None:
    """``{"column": "comment", ...}`` in the view's column order, or None without any."""
    pairs = [(column, view.column_comment(column)) for column in view.columns]
    written = [(column, Str(comment)) for column, comment in pairs if comment is not None]
    return dict_of(written) if written else None


def creation_order(views: tuple[View, ...]) -> list[View]:
    """``views`` with each after the views it depends on, otherwise by (schema, name)."""
    by_key = {view.key: view for view in views}
    waiting = {view.key: {key for key in view.depends_on if key in by_key} for view in views}
    ready = [key for key, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[View] = []
    while ready:
        key = heapq.heappop(ready)
        ordered.append(by_key[key])
        for other, needs in waiting.items():
            if key in needs:
                needs.discard(key)
                if not needs:
                    heapq.heappush(ready, other)
    # A dependency cycle cannot exist between views; should one appear, keep every view.
    ordered += [by_key[key] for key in sorted(by_key) if by_key[key] not in ordered]
    return ordered
