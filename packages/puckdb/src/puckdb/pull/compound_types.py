"""Domains and composite types as ``puckdb.Domain(...)`` and ``puckdb.CompositeType(...)``
module variables, which columns (and other such types) then name as their type."""

from __future__ import annotations

import re
from collections.abc import Mapping

from puckdb.model import CompositeType, Domain, Schema
from puckdb.pull.code import Atom, Code, Str, call, comment_lines, dict_of, list_of, statement, tuple_of
from puckdb.pull.columns import text_call, with_keyword
from puckdb.pull.context import Context, label
from puckdb.pull.names import collation_name
from puckdb.pull.sqltext import without_outer_brackets
from puckdb.pull.types import PythonType, python_type

_CHECK = re.compile(r"^CHECK \((?P<expression>.*)\)(?P<not_valid> NOT VALID)?$", re.DOTALL)


def ordered(schema: Schema) -> list[Domain | CompositeType]:
    """Domains and composite types, each after the ones it is built on (a module variable
    must exist before another one names it), by (schema, name) otherwise."""
    from puckdb.kinds.type_usage import dependency_order, type_key

    def uses(item: Domain | CompositeType) -> list[tuple[str, str]]:
        types = [item.base] if isinstance(item, Domain) else [a.data_type for a in item.attributes]
        return [key for data_type in types if (key := type_key(data_type)) is not None]

    items: list[Domain | CompositeType] = [*schema.domains, *schema.composite_types]
    return dependency_order(sorted(items, key=lambda item: item.key), lambda item: item.key, uses)


def named_type(item: Domain | CompositeType, variable: str, context: Context) -> PythonType:
    """How a column of the type is written: the module variable, annotated as its base."""
    if isinstance(item, CompositeType):
        return PythonType(Atom(variable), "Any")
    base = _python(item.base, context)
    return PythonType(Atom(variable), base.annotation, integer=False, raw=base.raw)


def _python(data_type: str, context: Context) -> PythonType:
    found = python_type(data_type, context.enums, context.imports, context.named_types)
    context.uses_raw_type = context.uses_raw_type or found.raw
    return found


def type_lines(item: Domain | CompositeType, variable: str, context: Context) -> list[str]:
    if isinstance(item, Domain):
        return _domain(item, variable, context)
    return _composite(item, variable, context)


def _domain(domain: Domain, variable: str, context: Context) -> list[str]:
    subject = f"domain {label(domain.schema, domain.name)}"
    lines: list[str] = []
    checks: list[tuple[str, Code]] = []
    for name, definition in domain.checks:
        found = _CHECK.match(definition)
        if found is None:
            note = context.note(subject, f"its check {name} ({definition}) could not be read; not kept.")
            lines += comment_lines(note.text, 0)
            continue
        if found.group("not_valid"):
            note = context.note(subject, f"its check {name} is NOT VALID, which is not kept (it is valid).")
            lines += comment_lines(note.text, 0)
        checks.append((name, Str(without_outer_brackets(found.group("expression")))))
    value = call(
        context.imports.name("Domain"),
        Str(domain.name),
        _python(domain.base, context).code,
        schema=Str(domain.schema) if domain.schema != "public" else None,
        default=text_call(domain.default, context) if domain.default is not None else None,
        not_null=Atom("True") if domain.not_null else None,
        collation=_collation(domain.collation, subject, context, lines),
        checks=dict_of(checks) if checks else None,
        comment=Str(domain.comment) if domain.comment is not None else None,
        metadata=Atom("Base.metadata"),
    )
    return lines + statement(variable, value)


def _collation(collation: str | None, subject: str, context: Context, lines: list[str]) -> Code | None:
    if collation is None:
        return None
    name = collation_name(collation)
    if name is not None:
        return Str(name)
    note = context.note(subject, f"its collation {collation} is in another schema, which is not kept.")
    lines += comment_lines(note.text, 0)
    return None


def _composite(composite: CompositeType, variable: str, context: Context) -> list[str]:
    subject = f"composite type {label(composite.schema, composite.name)}"
    lines: list[str] = []
    attributes: list[Code] = []
    for attribute in composite.attributes:
        python = _python(attribute.data_type, context)
        code = python.code
        if attribute.collation is not None:
            name = collation_name(attribute.collation)
            if python.collatable and name is not None:
                code = with_keyword(code, "collation", Str(name))
            else:
                note = context.note(
                    subject,
                    f"attribute {attribute.name!r} has the collation {attribute.collation}, which SQLAlchemy "
                    f"cannot attach to the type {attribute.data_type}; it is not kept.",
                )
                lines += comment_lines(note.text, 0)
        attributes.append(tuple_of([Str(attribute.name), code]))
    value = call(
        context.imports.name("CompositeType"),
        Str(composite.name),
        list_of(attributes),
        schema=Str(composite.schema) if composite.schema != "public" else None,
        comment=Str(composite.comment) if composite.comment is not None else None,
        metadata=Atom("Base.metadata"),
    )
    return lines + statement(variable, value)


def named_types(
    items: list[Domain | CompositeType], variables: Mapping[tuple[str, str], str], context: Context
) -> None:
    """Fill ``context.named_types`` in dependency order (a domain over a domain is
    annotated as the innermost base)."""
    for item in items:
        context.named_types[item.key] = named_type(item, variables[item.key], context)
