"""Functions, procedures, aggregates and triggers as ``puckdb.Function(...)``,
``puckdb.Procedure(...)``, ``puckdb.Aggregate(...)`` and ``puckdb.Trigger(...)``, from the
definitions PostgreSQL prints (an aggregate's from its options)."""

from __future__ import annotations

import re

from puckdb.kinds.aggregates import aggregate_options
from puckdb.model import Aggregate, Function, Trigger
from puckdb.pull.code import Atom, Str, call, comment_lines, exact_block_or_str
from puckdb.pull.context import Context, label

_QUOTED_OR_BARE = r'(?:"(?:[^"]|"")*"|[^\s."]+)'
_TRIGGER_HEAD = re.compile(rf"^CREATE (CONSTRAINT )?TRIGGER {_QUOTED_OR_BARE} (.*)$", re.DOTALL)
_ON_TABLE = re.compile(rf"\s+ON\s+{_QUOTED_OR_BARE}\.{_QUOTED_OR_BARE}\s+", re.DOTALL)


def function_lines(function: Function, context: Context) -> list[str]:
    """``Function("name(args)", Base.metadata, "RETURNS … AS $function$…$function$")``:
    the signature and the rest of ``pg_get_functiondef``'s statement, body untouched (its
    whitespace is part of the function)."""
    head, _, rest = function.definition.strip().partition("\n")
    opening = _argument_list_start(head)
    signature = f"{function.name}{head[opening:].strip()}"
    keyword = "Procedure" if function.procedure else "Function"
    value = call(
        context.imports.name(keyword),
        Str(signature),
        Atom("Base.metadata"),
        exact_block_or_str(rest),
        schema=Str(function.schema) if function.schema != "public" else None,
        comment=Str(function.comment) if function.comment is not None else None,
    )
    return value.lines(0, "", "")


def aggregate_lines(aggregate: Aggregate, context: Context) -> list[str]:
    """``Aggregate("total(integer)", Base.metadata, "SFUNC = acc, STYPE = integer")``."""
    value = call(
        context.imports.name("Aggregate"),
        Str(f"{aggregate.name}({aggregate.arguments or '*'})"),
        Atom("Base.metadata"),
        Str(aggregate_options(aggregate)),
        schema=Str(aggregate.schema) if aggregate.schema != "public" else None,
        comment=Str(aggregate.comment) if aggregate.comment is not None else None,
    )
    return value.lines(0, "", "")


def trigger_lines(trigger: Trigger, context: Context) -> list[str]:
    """``Trigger("name", "table", "BEFORE UPDATE FOR EACH ROW …", metadata=Base.metadata)``:
    ``pg_get_triggerdef`` without its name and ``ON table``."""
    subject = f"trigger {trigger.name} on {label(trigger.schema, trigger.table)}"
    head = _TRIGGER_HEAD.match(trigger.definition)
    on_table = _ON_TABLE.search(head.group(2)) if head is not None else None
    if head is None or on_table is None:
        note = context.note(subject, f"not kept: its definition could not be read ({trigger.definition}).")
        return comment_lines(note.text, 0)
    events = head.group(2)
    definition = f"{events[: on_table.start()]} {events[on_table.end() :]}"
    lines: list[str] = []
    if trigger.enabled != "O":
        state = {"D": "disabled", "R": "enabled for replicas only", "A": "enabled always"}[trigger.enabled]
        lines += comment_lines(
            context.note(subject, f"it is {state}, which puckdb.Trigger cannot say; declared enabled.").text,
            0,
        )
    value = call(
        context.imports.name("Trigger"),
        Str(trigger.name),
        Str(trigger.table),
        Str(definition),
        metadata=Atom("Base.metadata"),
        schema=Str(trigger.schema) if trigger.schema != "public" else None,
        constraint=Atom("True") if head.group(1) else None,
        comment=Str(trigger.comment) if trigger.comment is not None else None,
    )
    return lines + value.lines(0, "", "")


def _argument_list_start(head: str) -> int:
    """Where the argument list starts in ``CREATE OR REPLACE FUNCTION schema.name(…)``:
    the first parenthesis outside a quoted name."""
    quoted = False
    for position, character in enumerate(head):
        if character == '"':
            quoted = not quoted
        elif character == "(" and not quoted:
            return position
    raise ValueError(f"no argument list in {head!r}")
