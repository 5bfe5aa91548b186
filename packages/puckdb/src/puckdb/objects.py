"""Schema objects SQLAlchemy cannot express, declared beside the tables on one MetaData.

A :class:`View`, a :class:`SchemaComment`, a :class:`Function` (or :class:`Procedure`), an
:class:`Aggregate`, a :class:`Trigger`, a :class:`Policy`, :class:`RowLevelSecurity`, a :class:`Collation`, a
:class:`Partition` and a :class:`Grant` register themselves in ``metadata.info`` so that
whoever holds the MetaData (puckdb's normalizer, the schema loader, a test) finds
them without a second registry to import.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.expression import Selectable

_VIEWS_KEY = "puckdb.views"
_SCHEMA_COMMENTS_KEY = "puckdb.schema_comments"


class View:
    """A view or materialized view, declared in code::

        View("card_review_due", metadata, select(cards.c.card_id).where(...))
        View("active_cards", metadata, "SELECT ... FROM cards WHERE ...", materialized=True)

    ``definition`` is SQL text or a SQLAlchemy ``select()``; either way PostgreSQL decides
    its canonical form when puckdb normalizes the schema, so formatting never causes a diff.
    Views are created in the order they are declared, after all tables. ``comment`` is the
    view's comment, ``column_comments`` maps output column names to theirs. A materialized
    view's ``indexes`` are their ``CREATE INDEX`` statements, run right after it::

        View("rental_by_store", metadata, "SELECT ...", materialized=True,
             indexes=["CREATE UNIQUE INDEX rental_by_store_store ON rental_by_store (store_id)"])
    """

    def __init__(
        self,
        name: str,
        metadata: MetaData,
        definition: str | Selectable,
        *,
        materialized: bool = False,
        schema: str | None = None,
        comment: str | None = None,
        column_comments: Mapping[str, str] | None = None,
        indexes: Sequence[str] = (),
    ) -> None:
        if not name:
            raise ValueError("a View needs a name")
        if indexes and not materialized:
            raise ValueError(f"view {name!r}: only a materialized view has indexes")
        for index in indexes:
            if not re.match(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\b", index, re.IGNORECASE):
                raise ValueError(f"view {name!r}: an index is its CREATE INDEX statement, not {index!r}")
        self.name = name
        self.metadata = metadata
        self.definition = definition
        self.materialized = materialized
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        self.column_comments: dict[str, str] = dict(column_comments or {})
        self.indexes = tuple(index.strip().rstrip(";") for index in indexes)
        registry: dict[tuple[str | None, str], View] = metadata.info.setdefault(_VIEWS_KEY, {})
        if self.key in registry:
            raise ValueError(f"a view named {self.qualified_name!r} is already declared on this MetaData")
        registry[self.key] = self

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def sql(self) -> str:
        """The definition as PostgreSQL SQL text (a ``select()`` compiled with literal values)."""
        if isinstance(self.definition, str):
            return self.definition.strip().rstrip(";")
        compiled = self.definition.compile(
            dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
        return str(compiled)

    def __repr__(self) -> str:
        kind = "materialized view" if self.materialized else "view"
        return f"<puckdb.View {kind} {self.qualified_name}>"


def views_of(metadata: MetaData) -> list[View]:
    """Every :class:`View` declared on ``metadata``, in declaration order."""
    registry: dict[Any, View] = metadata.info.get(_VIEWS_KEY, {})
    return list(registry.values())


class SchemaComment:
    """``COMMENT ON SCHEMA``, declared in code::

        SchemaComment("audit", metadata, "Who changed what, and when")

    The schema itself is one of the managed schemas (the configuration's ``schemas``),
    which puckdb creates; this only gives it its comment. ``comment=None`` says the schema
    has none, as does leaving it undeclared. public's ``'standard public schema'``, which
    initdb gives every new database, counts as no comment (see
    :data:`puckdb.model.PUBLIC_SCHEMA_COMMENT`).
    """

    def __init__(self, schema: str, metadata: MetaData, comment: str | None) -> None:
        if not schema:
            raise ValueError("a SchemaComment needs a schema name")
        self.schema = schema
        self.metadata = metadata
        self.comment = comment
        registry: dict[str, SchemaComment] = metadata.info.setdefault(_SCHEMA_COMMENTS_KEY, {})
        if schema in registry:
            raise ValueError(f"a comment on schema {schema!r} is already declared on this MetaData")
        registry[schema] = self

    def __repr__(self) -> str:
        return f"<puckdb.SchemaComment on {self.schema}: {self.comment!r}>"


def schema_comments_of(metadata: MetaData) -> list[SchemaComment]:
    """Every :class:`SchemaComment` declared on ``metadata``, in declaration order."""
    registry: dict[str, SchemaComment] = metadata.info.get(_SCHEMA_COMMENTS_KEY, {})
    return list(registry.values())


_FUNCTIONS_KEY = "puckdb.functions"
_TRIGGERS_KEY = "puckdb.triggers"


class _Routine:
    """What functions, procedures and aggregates share: a signature (name and argument
    list), a schema, a comment, and a place in their MetaData's registry under ``_KEY``."""

    _KEY = _FUNCTIONS_KEY
    _EXAMPLES = 'such as "touch()" or "add(a integer, b integer)"'

    def __init__(
        self, signature: str, metadata: MetaData, *, schema: str | None, comment: str | None
    ) -> None:
        self.name, self.arguments = _signature(signature, type(self).__name__, self._EXAMPLES)
        self.metadata = metadata
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        registry: dict[tuple[str | None, str, str], _Routine] = metadata.info.setdefault(self._KEY, {})
        key = (self.schema, self.name, self.arguments)
        if key in registry:
            what = type(self).__name__.lower()
            raise ValueError(f"{what} {signature!r} is already declared on this MetaData")
        registry[key] = self

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def __repr__(self) -> str:
        return f"<puckdb.{type(self).__name__} {self.qualified_name}({self.arguments})>"


class Function(_Routine):
    """A function, declared in code by its signature and the rest of its definition::

        Function(
            "touch_updated_at()",
            metadata,
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$",
        )

    ``signature`` is the name and argument list as ``CREATE FUNCTION`` writes them
    (``"add(a integer, b integer DEFAULT 1)"``); ``definition`` is everything after it:
    ``RETURNS``, ``LANGUAGE``, volatility, ``SECURITY DEFINER``, ``SET`` settings and the
    body. PostgreSQL decides the canonical form when puckdb normalizes the schema, so
    formatting never causes a diff. Functions are created before the tables (whose
    defaults, checks and indexes may call them), in declaration order.
    """

    keyword = "FUNCTION"

    def __init__(
        self,
        signature: str,
        metadata: MetaData,
        definition: str,
        *,
        schema: str | None = None,
        comment: str | None = None,
    ) -> None:
        # A definition written as an indented triple-quoted string loses the indentation
        # Python needed, so the body PostgreSQL keeps reads as it does in the source.
        self.definition = textwrap.dedent(definition).strip().rstrip(";")
        super().__init__(signature, metadata, schema=schema, comment=comment)

    def sql(self) -> str:
        """The ``CREATE`` statement."""
        from puckdb.quoting import qualified

        return (
            f"CREATE {self.keyword} {qualified(self.schema, self.name)}({self.arguments}) {self.definition}"
        )


def _signature(signature: str, what: str, examples: str) -> tuple[str, str]:
    """``"add(a integer)"`` → ``("add", "a integer")``; ``what`` and ``examples`` say in the
    error what a signature of that kind looks like."""
    name, opening, rest = signature.strip().partition("(")
    if not name.strip() or not opening or not rest.rstrip().endswith(")"):
        article = "an" if what[0] in "AEIOU" else "a"
        raise ValueError(
            f"{article} {what} signature is a name and its argument list in parentheses, {examples}; "
            f"got {signature!r}"
        )
    return name.strip(), rest.rstrip()[:-1].strip()


class Procedure(Function):
    """A procedure (``CREATE PROCEDURE``), declared like a :class:`Function`::

    Procedure("archive_old_cards(days integer)", metadata, "LANGUAGE sql AS $$ … $$")
    """

    keyword = "PROCEDURE"


def functions_of(metadata: MetaData) -> list[Function]:
    """Every :class:`Function` and :class:`Procedure` declared on ``metadata``, in order."""
    registry: dict[Any, Function] = metadata.info.get(_FUNCTIONS_KEY, {})
    return list(registry.values())


_AGGREGATES_KEY = "puckdb.aggregates"


class Aggregate(_Routine):
    """An aggregate, declared in code by its signature and its ``CREATE AGGREGATE`` options::

        Aggregate("total(integer)", metadata, "SFUNC = add_to_total, STYPE = integer, INITCOND = '0'")

    ``signature`` is the name and argument types (``"tally(*)"`` for none); ``options`` is
    what ``CREATE AGGREGATE`` takes in its second parentheses (``SFUNC``, ``STYPE``,
    ``FINALFUNC``, ``COMBINEFUNC``, ``INITCOND``, ``MSFUNC``, ``SORTOP``, ``PARALLEL``, …).
    Aggregates are created after the functions (which they are built from), in declaration
    order. Ordered-set aggregates (``ORDER BY`` in the signature) are not managed.
    """

    _KEY = _AGGREGATES_KEY
    _EXAMPLES = 'such as "total(integer)" or "tally(*)"'

    def __init__(
        self,
        signature: str,
        metadata: MetaData,
        options: str,
        *,
        schema: str | None = None,
        comment: str | None = None,
    ) -> None:
        if re.search(r"\bORDER\s+BY\b", signature, re.IGNORECASE):
            raise ValueError(
                f"aggregate {signature!r} is an ordered-set aggregate, which puckdb does not manage: "
                "create it in a hand-written migration (`puckdb generate --custom`)"
            )
        self.options = textwrap.dedent(options).strip().rstrip(";")
        if self.options.startswith("(") and self.options.endswith(")"):
            self.options = self.options[1:-1].strip()
        super().__init__(signature, metadata, schema=schema, comment=comment)

    def sql(self) -> str:
        """The ``CREATE AGGREGATE`` statement."""
        from puckdb.quoting import qualified

        return (
            f"CREATE AGGREGATE {qualified(self.schema, self.name)}({self.arguments or '*'}) ({self.options})"
        )


def aggregates_of(metadata: MetaData) -> list[Aggregate]:
    """Every :class:`Aggregate` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Aggregate] = metadata.info.get(_AGGREGATES_KEY, {})
    return list(registry.values())


class Trigger:
    """A trigger on a table or view, declared in code::

        Trigger("cards_touch", cards, "BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION touch_updated_at()")

    ``on`` is the table (a ``Table``, a declarative class, a :class:`View`) or its name
    (then ``metadata`` and, outside the default schema, ``schema`` are given too).
    ``definition`` is ``CREATE TRIGGER`` without the name and ``ON table``: the timing and
    events first (``BEFORE UPDATE OF email``, ``INSTEAD OF INSERT``), then the rest
    (``REFERENCING``, ``FOR EACH ROW``, ``WHEN (…)``, ``EXECUTE FUNCTION f()``).
    ``constraint=True`` declares a ``CREATE CONSTRAINT TRIGGER``. Triggers are created
    after the tables, views and functions, in declaration order.
    """

    def __init__(
        self,
        name: str,
        on: Any,
        definition: str,
        *,
        metadata: MetaData | None = None,
        schema: str | None = None,
        constraint: bool = False,
        comment: str | None = None,
    ) -> None:
        self.table, self.schema, self.metadata = _table_of(f"Trigger {name!r}", on, metadata, schema)
        self.name = name
        self.constraint = constraint
        self.comment = comment
        self.timing, self.rest = _split_trigger_definition(name, definition)
        registry: dict[tuple[str | None, str, str], Trigger] = self.metadata.info.setdefault(
            _TRIGGERS_KEY, {}
        )
        key = (self.schema, self.table, name)
        if key in registry:
            raise ValueError(f"a trigger {name!r} on {self.table!r} is already declared on this MetaData")
        registry[key] = self

    def sql(self) -> str:
        """The ``CREATE TRIGGER`` statement."""
        from puckdb.quoting import ident, qualified

        kind = "CONSTRAINT TRIGGER" if self.constraint else "TRIGGER"
        on = qualified(self.schema, self.table)
        return f"CREATE {kind} {ident(self.name)} {self.timing} ON {on} {self.rest}"

    def __repr__(self) -> str:
        return f"<puckdb.Trigger {self.name} on {self.table}>"


def triggers_of(metadata: MetaData) -> list[Trigger]:
    """Every :class:`Trigger` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Trigger] = metadata.info.get(_TRIGGERS_KEY, {})
    return list(registry.values())


def _table_of(
    what: str, on: Any, metadata: MetaData | None, schema: str | None
) -> tuple[str, str | None, MetaData]:
    """(table name, schema, MetaData) of what a declaration is ``on``: a ``Table``, a
    declarative class, a :class:`View`, or a name (then ``metadata`` is needed)."""
    table = getattr(on, "__table__", on)
    if isinstance(table, str):
        if metadata is None:
            raise ValueError(f"{what} names its table as text, so it needs metadata=")
        return table, schema if schema is not None else metadata.schema, metadata
    found = getattr(table, "metadata", None)
    if not isinstance(found, MetaData) or not hasattr(table, "name"):
        raise ValueError(f"{what}: {on!r} is not a table, a declarative class or a View")
    return str(table.name), table.schema, metadata or found


_POLICIES_KEY = "puckdb.policies"
_ROW_LEVEL_SECURITY_KEY = "puckdb.row_level_security"
_POLICY_COMMANDS = ("all", "select", "insert", "update", "delete")


class RowLevelSecurity:
    """Row-level security turned on for a table, declared in code::

        RowLevelSecurity(Card)              # ALTER TABLE cards ENABLE ROW LEVEL SECURITY
        RowLevelSecurity(Card, force=True)  # … and FORCE: its owner is subject to policies too

    ``table`` is a ``Table``, a declarative class or a table name (then ``metadata`` and,
    outside the default schema, ``schema`` are given too). A table without one has
    row-level security off, and its :class:`Policy` objects exist but filter nothing.
    """

    def __init__(
        self,
        table: Any,
        *,
        force: bool = False,
        metadata: MetaData | None = None,
        schema: str | None = None,
    ) -> None:
        self.table, self.schema, self.metadata = _table_of("RowLevelSecurity", table, metadata, schema)
        self.force = force
        registry: dict[tuple[str | None, str], RowLevelSecurity] = self.metadata.info.setdefault(
            _ROW_LEVEL_SECURITY_KEY, {}
        )
        key = (self.schema, self.table)
        if key in registry:
            raise ValueError(
                f"row-level security on {self.table!r} is already declared on this MetaData; declare it once "
                "(with force=True to force it)"
            )
        registry[key] = self

    def sql(self) -> list[str]:
        """The ``ALTER TABLE`` statements that turn it on (and force it)."""
        from puckdb.quoting import qualified

        table = qualified(self.schema, self.table)
        statements = [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"]
        if self.force:
            statements.append(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        return statements

    def __repr__(self) -> str:
        forced = " forced" if self.force else ""
        return f"<puckdb.RowLevelSecurity{forced} on {self.table}>"


def row_level_security_of(metadata: MetaData) -> list[RowLevelSecurity]:
    """Every :class:`RowLevelSecurity` declared on ``metadata``, in declaration order."""
    registry: dict[Any, RowLevelSecurity] = metadata.info.get(_ROW_LEVEL_SECURITY_KEY, {})
    return list(registry.values())


class Policy:
    """A row-level security policy on a table, declared in code::

        Policy(
            "own_cards",
            Card,
            command="all",                 # or "select", "insert", "update", "delete"
            as_="permissive",              # or "restrictive"
            to=("app_user",),              # role names; "public" (the default) is every role
            using="owner = current_user",  # which rows are visible
            with_check="owner = current_user",  # which new or changed rows are allowed
        )

    ``table`` is a ``Table``, a declarative class or a table name (then ``metadata`` and,
    outside the default schema, ``schema`` are given too). ``using`` and ``with_check`` are
    SQL text or a SQLAlchemy expression; PostgreSQL decides their canonical form when
    puckdb normalizes the schema, so formatting never causes a diff. A policy filters rows
    only once the table has :class:`RowLevelSecurity`. Policies are created after the
    tables, views and functions, in declaration order.
    """

    def __init__(
        self,
        name: str,
        table: Any,
        *,
        command: str = "all",
        as_: str = "permissive",
        to: str | Iterable[str] = ("public",),
        using: Any = None,
        with_check: Any = None,
        metadata: MetaData | None = None,
        schema: str | None = None,
        comment: str | None = None,
    ) -> None:
        if not name:
            raise ValueError("a Policy needs a name")
        what = f"Policy {name!r}"
        self.table, self.schema, self.metadata = _table_of(what, table, metadata, schema)
        self.name = name
        self.command = command.lower()
        if self.command not in _POLICY_COMMANDS:
            raise ValueError(
                f"{what} on {self.table!r}: command is one of {', '.join(_POLICY_COMMANDS)}, not {command!r}"
            )
        if as_.lower() not in ("permissive", "restrictive"):
            raise ValueError(f"{what} on {self.table!r}: as_ is 'permissive' or 'restrictive', not {as_!r}")
        self.permissive = as_.lower() == "permissive"
        roles = (to,) if isinstance(to, str) else tuple(to)
        if not roles or not all(isinstance(role, str) and role for role in roles):
            raise ValueError(
                f"{what} on {self.table!r}: to= names the roles it applies to, such as ('app_user',) or "
                f"'public' for every role; got {to!r}"
            )
        self.roles = tuple("public" if role.lower() == "public" else role for role in roles)
        self.using = _expression_sql(using)
        self.with_check = _expression_sql(with_check)
        # PostgreSQL's rules, said where the declaration is rather than in a failed build.
        if self.command == "insert" and self.using is not None:
            raise ValueError(
                f"{what} on {self.table!r}: an INSERT policy has no USING expression (there are no "
                "existing rows to filter); give the condition as with_check="
            )
        if self.command in ("select", "delete") and self.with_check is not None:
            raise ValueError(
                f"{what} on {self.table!r}: a {self.command.upper()} policy has no WITH CHECK expression "
                "(it writes no rows); give the condition as using="
            )
        self.comment = comment
        registry: dict[tuple[str | None, str, str], Policy] = self.metadata.info.setdefault(_POLICIES_KEY, {})
        key = (self.schema, self.table, name)
        if key in registry:
            raise ValueError(f"a policy {name!r} on {self.table!r} is already declared on this MetaData")
        registry[key] = self

    def __repr__(self) -> str:
        return f"<puckdb.Policy {self.name} on {self.table}>"


def policies_of(metadata: MetaData) -> list[Policy]:
    """Every :class:`Policy` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Policy] = metadata.info.get(_POLICIES_KEY, {})
    return list(registry.values())


def _expression_sql(expression: Any) -> str | None:
    """SQL text as written, or a SQLAlchemy expression compiled with its values inline."""
    if expression is None:
        return None
    if isinstance(expression, str):
        return expression.strip()
    compiled = expression.compile(
        dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"literal_binds": True},
    )
    return str(compiled)


_COLUMN_NAME = r'(?:"(?:[^"]|"")*"|[^\s,"]+)'
_EVENT = rf"(?:INSERT|DELETE|TRUNCATE|UPDATE(?:\s+OF\s+{_COLUMN_NAME}(?:\s*,\s*{_COLUMN_NAME})*)?)"
_TIMING_AND_EVENTS = re.compile(
    rf"^\s*((?:BEFORE|AFTER|INSTEAD\s+OF)\s+{_EVENT}(?:\s+OR\s+{_EVENT})*)\s+(.+?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _split_trigger_definition(name: str, definition: str) -> tuple[str, str]:
    """``BEFORE UPDATE OF a FOR EACH ROW …`` → (``BEFORE UPDATE OF a``, ``FOR EACH ROW …``):
    where ``ON table`` goes in the statement."""
    found = _TIMING_AND_EVENTS.match(definition)
    if found is None:
        raise ValueError(
            f"Trigger {name!r}: the definition must start with the timing and events (BEFORE, AFTER "
            "or INSTEAD OF, then INSERT, UPDATE [OF columns], DELETE or TRUNCATE joined by OR), then "
            f"the rest, such as FOR EACH ROW EXECUTE FUNCTION f(); got {definition!r}"
        )
    return found.group(1), found.group(2)


_COLLATIONS_KEY = "puckdb.collations"


class Collation:
    """A collation (``CREATE COLLATION``), declared in code::

        Collation("case_insensitive", metadata, provider="icu", locale="und-u-ks-level2", deterministic=False)
        Collation("german", metadata, provider="libc", locale="de_DE.utf8")

    ``locale`` is the ICU or builtin locale, or for libc both LC_COLLATE and LC_CTYPE
    (``lc_collate`` and ``lc_ctype`` set them apart); ``rules`` are ICU tailoring rules
    (PostgreSQL 16+). Columns use it by name: ``Text(collation="case_insensitive")``.
    Collations are created before the types and tables, in declaration order.
    """

    def __init__(
        self,
        name: str,
        metadata: MetaData,
        *,
        provider: str = "icu",
        locale: str | None = None,
        lc_collate: str | None = None,
        lc_ctype: str | None = None,
        deterministic: bool = True,
        rules: str | None = None,
        schema: str | None = None,
        comment: str | None = None,
    ) -> None:
        if not name:
            raise ValueError("a Collation needs a name")
        if provider not in ("icu", "libc", "builtin"):
            raise ValueError(f"a Collation's provider is 'icu', 'libc' or 'builtin', not {provider!r}")
        if locale is None and (provider != "libc" or lc_collate is None or lc_ctype is None):
            raise ValueError(f"collation {name!r} needs a locale (or, for libc, lc_collate and lc_ctype)")
        self.name = name
        self.metadata = metadata
        self.provider = provider
        self.locale = locale
        self.lc_collate = lc_collate
        self.lc_ctype = lc_ctype
        self.deterministic = deterministic
        self.rules = rules
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        registry: dict[tuple[str | None, str], Collation] = metadata.info.setdefault(_COLLATIONS_KEY, {})
        if (self.schema, name) in registry:
            raise ValueError(f"a collation named {name!r} is already declared on this MetaData")
        registry[(self.schema, name)] = self

    def sql(self) -> str:
        """The ``CREATE COLLATION`` statement, written as plans write it."""
        from puckdb.kinds.collations import collation_options
        from puckdb.model import Collation as CollationModel
        from puckdb.quoting import qualified

        libc = self.provider == "libc"
        model = CollationModel(
            schema=self.schema or "public",
            name=self.name,
            provider=self.provider,
            locale=None if libc else self.locale,
            lc_collate=(self.lc_collate or self.locale) if libc else None,
            lc_ctype=(self.lc_ctype or self.locale) if libc else None,
            deterministic=self.deterministic,
            rules=self.rules,
        )
        return f"CREATE COLLATION {qualified(self.schema, self.name)} {collation_options(model)}"

    def __repr__(self) -> str:
        return f"<puckdb.Collation {self.name} ({self.provider})>"


def collations_of(metadata: MetaData) -> list[Collation]:
    """Every :class:`Collation` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Collation] = metadata.info.get(_COLLATIONS_KEY, {})
    return list(registry.values())


_GRANTS_KEY = "puckdb.grants"


class OnSchema:
    """A managed schema as the object of a :class:`Grant`: ``Grant("USAGE", on=OnSchema("app"), …)``."""

    def __init__(self, name: str) -> None:
        if not name:
            raise ValueError("OnSchema needs a schema name")
        self.name = name

    def __repr__(self) -> str:
        return f"<puckdb.OnSchema {self.name}>"


class Grant:
    """Privileges on one managed object for one role (or ``"public"``), declared in code::

        Grant("SELECT", on=cards, to="app_reader")
        Grant(["SELECT", "INSERT", "UPDATE"], on=cards, to="app_writer", with_grant_option=True)
        Grant("EXECUTE", on=touch_updated_at, to="app_writer")
        Grant("USAGE", on=OnSchema("app"), to="app_reader", metadata=metadata)

    ``on`` is a table (a ``Table`` or a declarative class), a :class:`View`, a
    :class:`Function`, :class:`Procedure` or :class:`Aggregate`, a SQLAlchemy ``Sequence``, a named ``Enum``
    type, or an :class:`OnSchema` (which needs ``metadata=``); or the object named as text,
    ``"<kind>:<schema>.<name>"`` with ``metadata=`` (``"table:cards"``, ``"schema:app"``,
    ``"function:app.add(a integer, b integer)"``; kinds are table, view, materialized view,
    sequence, function, procedure, schema and type), which is how ``pull`` writes them.
    What is not declared is PostgreSQL's default: only the owner, and PUBLIC's EXECUTE on
    functions and USAGE on types. To take one of those away from PUBLIC, declare
    ``Grant([], on=f, to="public")``. Roles are cluster-wide and not part of the schema:
    create them on every server (the development one included) before granting to them.
    Grants run after every object exists.
    """

    def __init__(
        self,
        privileges: str | Sequence[str],
        *,
        on: Any,
        to: str,
        with_grant_option: bool = False,
        metadata: MetaData | None = None,
    ) -> None:
        names = [privileges] if isinstance(privileges, str) else list(privileges)
        self.privileges = tuple(sorted({p.strip().upper() for p in names if p.strip()}))
        if not to:
            raise ValueError("a Grant needs a grantee: to='role name' (or 'public')")
        self.grantee = to
        self.with_grant_option = with_grant_option
        self.kind, self.schema, self.name, self.arguments, found = _grant_object(on)
        chosen = metadata or found
        if chosen is None:
            raise ValueError(f"Grant on {on!r}: it does not say which MetaData it belongs to; pass metadata=")
        self.metadata = chosen
        registry: dict[tuple[str, str | None, str, str, str, bool], Grant] = chosen.info.setdefault(
            _GRANTS_KEY, {}
        )
        # Privileges with and without grant option for one grantee are two declarations.
        key = (self.kind, self.schema, self.name, self.arguments or "", to, with_grant_option)
        if key in registry:
            raise ValueError(
                f"a Grant on {self.kind} {self.name!r} to {to!r} is already declared on this MetaData"
            )
        registry[key] = self

    def sql(self) -> list[str]:
        """The statements that give the grantee exactly these privileges on a new object."""
        from puckdb.kinds.grants import default_privileges, grant_target
        from puckdb.quoting import ident

        on = grant_target(self.kind, self.schema or "public", self.name, self.arguments)
        grantee = "PUBLIC" if self.grantee == "public" else ident(self.grantee)
        statements: list[str] = []
        defaults = default_privileges(self.kind, self.grantee, self.name)
        taken = [p for p in defaults if p not in self.privileges]
        if taken:
            statements.append(f"REVOKE {', '.join(taken)} ON {on} FROM {grantee}")
        if self.privileges:
            option = " WITH GRANT OPTION" if self.with_grant_option else ""
            statements.append(f"GRANT {', '.join(self.privileges)} ON {on} TO {grantee}{option}")
        return statements

    def __repr__(self) -> str:
        what = ",".join(self.privileges) or "nothing"
        return f"<puckdb.Grant {what} on {self.kind} {self.name} to {self.grantee}>"


def grants_of(metadata: MetaData) -> list[Grant]:
    """Every :class:`Grant` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Grant] = metadata.info.get(_GRANTS_KEY, {})
    return list(registry.values())


def _grant_object(on: Any) -> tuple[str, str | None, str, str | None, MetaData | None]:
    """(kind, schema, name, identity arguments, MetaData) of what a Grant is on."""
    from sqlalchemy import Enum, Sequence, Table

    if isinstance(on, OnSchema):
        return ("schema", on.name, on.name, None, None)
    if isinstance(on, str):
        return (*_named_object(on), None)
    if isinstance(on, View):
        return ("materialized view" if on.materialized else "view", on.schema, on.name, None, on.metadata)
    if isinstance(on, Function):
        kind = "procedure" if on.keyword == "PROCEDURE" else "function"
        return (kind, on.schema, on.name, _identity_arguments(on.arguments), on.metadata)
    if isinstance(on, Aggregate):
        # GRANT … ON FUNCTION takes an aggregate; one of no arguments is written name().
        arguments = "" if on.arguments == "*" else on.arguments
        return ("function", on.schema, on.name, arguments, on.metadata)
    table = getattr(on, "__table__", on)
    if isinstance(table, Table):
        return ("table", table.schema, table.name, None, table.metadata)
    if isinstance(on, Sequence):
        return ("sequence", on.schema, on.name, None, on.metadata)
    if isinstance(on, Enum) and on.name:
        return ("type", on.schema, on.name, None, on.metadata)
    raise ValueError(
        f"Grant on {on!r}: a Grant is on a table, a View, a Function or Procedure, a Sequence, a named "
        "Enum type, or OnSchema('name')"
    )


_GRANT_KINDS = ("table", "view", "materialized view", "sequence", "function", "procedure", "schema", "type")
_NAMED_OBJECT = re.compile(r"^\s*([a-z ]+?)\s*:\s*(?:([^.(]+)\.)?([^.(]+?)\s*(?:\((.*)\))?\s*$", re.DOTALL)


def _named_object(text: str) -> tuple[str, str | None, str, str | None]:
    """``"function:app.add(a integer)"`` → (kind, schema, name, arguments)."""
    found = _NAMED_OBJECT.match(text)
    kind = found.group(1) if found else ""
    if found is None or kind not in _GRANT_KINDS:
        raise ValueError(
            f"Grant on {text!r}: a Grant is on a table, a View, a Function or Procedure, a Sequence, a "
            "named Enum type, OnSchema('name'), or an object named as text such as 'table:cards', "
            "'schema:app' or 'function:app.add(a integer)' (kinds: " + ", ".join(_GRANT_KINDS) + ")"
        )
    schema, name, arguments = found.group(2), found.group(3), found.group(4)
    if kind == "schema":
        return ("schema", name, name, None)
    if kind in ("function", "procedure"):
        return (kind, schema, name, _identity_arguments(arguments or ""))
    return (kind, schema, name, None)


def _identity_arguments(arguments: str) -> str:
    """A declared argument list without its defaults (``a integer DEFAULT 1`` → ``a integer``):
    what GRANT … ON FUNCTION takes."""
    from puckdb.expressions import split_top_level

    parts = split_top_level(arguments)
    cut = re.compile(r"\s+DEFAULT\s.*|\s*=.*", re.IGNORECASE | re.DOTALL)
    return ", ".join(cut.sub("", part).strip() for part in parts if part.strip())


_PARTITIONS_KEY = "puckdb.partitions"


class Partition:
    """A partition of a partitioned table, declared in code::

        payment = Table(..., postgresql_partition_by="RANGE (paid_on)")
        Partition("payment_2024", of=payment, bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
        Partition("payment_other", of=payment, default=True)

    ``of`` is the partitioned table (a ``Table``, a declarative class, or a
    :class:`Partition` that is itself partitioned, with ``partition_by``). ``bound`` is
    what ``CREATE TABLE … PARTITION OF`` takes after the parent: ``FOR VALUES FROM (…) TO
    (…)``, ``FOR VALUES IN (…)``, ``FOR VALUES WITH (MODULUS m, REMAINDER r)``;
    ``default=True`` declares the default partition instead. A partition has its parent's
    columns, keys and indexes; it lives in its parent's schema unless ``schema`` says
    otherwise. Partitions are created after the tables, in declaration order.

    What a partition has of its own beyond its parent's is SQL text: ``indexes`` are their
    ``CREATE INDEX`` statements, ``constraints`` their definitions as ``ALTER TABLE … ADD``
    takes them (named, so that a migration can find them again); both are made once every
    partition exists, so a foreign key may reference a partition declared after it::

        Partition("payment_2024", of=payment, bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                  indexes=["CREATE INDEX payment_2024_amount ON payment_2024 (amount)"],
                  constraints=["CONSTRAINT payment_2024_small CHECK (amount < 1000)",
                               "CONSTRAINT payment_2024_customer_fkey FOREIGN KEY (customer_id) "
                               "REFERENCES customer (id)"])

    ``unlogged=True`` makes it ``CREATE UNLOGGED TABLE``; row-level security on a partition
    is a :class:`RowLevelSecurity` of it, as on a table.
    """

    def __init__(
        self,
        name: str,
        *,
        of: Any,
        bound: str | None = None,
        default: bool = False,
        partition_by: str | None = None,
        schema: str | None = None,
        comment: str | None = None,
        indexes: Sequence[str] = (),
        constraints: Sequence[str] = (),
        unlogged: bool = False,
    ) -> None:
        parent = getattr(of, "__table__", of)
        found = getattr(parent, "metadata", None)
        if not isinstance(found, MetaData) or not hasattr(parent, "name"):
            raise ValueError(
                f"Partition {name!r}: of={of!r} is not a table, a declarative class or a Partition; "
                "pass the partitioned table itself"
            )
        partitioned: bool
        if isinstance(parent, Partition):
            partitioned = parent.partition_by is not None
        else:
            partitioned = parent.dialect_options["postgresql"].get("partition_by") is not None
        if not partitioned:
            raise ValueError(
                f"Partition {name!r}: {parent.name!r} is not partitioned; declare it with "
                'postgresql_partition_by="RANGE (column)" (or LIST, HASH), or a Partition with '
                "partition_by=, before adding partitions to it"
            )
        text = " ".join((bound or "").split()).rstrip(";")
        if default == bool(text):
            raise ValueError(
                f"Partition {name!r} needs either bound= (such as \"FOR VALUES FROM ('2024-01-01') TO "
                "('2025-01-01')\", \"FOR VALUES IN ('a', 'b')\" or \"FOR VALUES WITH (MODULUS 4, "
                'REMAINDER 0)") or default=True, not both'
            )
        if text and not text.upper().startswith("FOR VALUES "):
            raise ValueError(
                f"Partition {name!r}: a bound starts with FOR VALUES (FROM … TO …, IN (…) or "
                f"WITH (MODULUS …, REMAINDER …)); got {bound!r}"
            )
        self.name = name
        self.metadata: MetaData = found
        self.parent_schema: str | None = parent.schema
        self.parent_name = str(parent.name)
        self.schema = schema if schema is not None else parent.schema
        self.bound = "DEFAULT" if default else text
        self.partition_by: str | None = partition_by
        self.comment = comment
        self.indexes = tuple(_partition_index(name, index) for index in indexes)
        self.constraints = tuple(_partition_constraint(name, constraint) for constraint in constraints)
        self.unlogged = unlogged
        registry: dict[tuple[str | None, str], Partition] = self.metadata.info.setdefault(_PARTITIONS_KEY, {})
        if (self.schema, name) in registry:
            raise ValueError(f"a partition named {name!r} is already declared on this MetaData")
        registry[(self.schema, name)] = self

    def sql(self) -> str:
        """The ``CREATE TABLE … PARTITION OF`` statement."""
        from puckdb.quoting import qualified

        sub = f" PARTITION BY {self.partition_by}" if self.partition_by is not None else ""
        parent = qualified(self.parent_schema, self.parent_name)
        unlogged = "UNLOGGED " if self.unlogged else ""
        name = qualified(self.schema, self.name)
        return f"CREATE {unlogged}TABLE {name} PARTITION OF {parent} {self.bound}{sub}"

    def __repr__(self) -> str:
        return f"<puckdb.Partition {self.name} of {self.parent_name} {self.bound}>"


_CONSTRAINT_KINDS = r"(PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY|CHECK|EXCLUDE)\b"


def _partition_index(partition: str, index: str) -> str:
    if not re.match(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\b", index, re.IGNORECASE):
        raise ValueError(
            f'Partition {partition!r}: an index is its CREATE INDEX statement (such as "CREATE INDEX '
            f'{partition}_id ON {partition} (id)"), not {index!r}'
        )
    return index.strip().rstrip(";").strip()


def _partition_constraint(partition: str, constraint: str) -> str:
    text = constraint.strip().rstrip(";").strip()
    if not re.match(r"CONSTRAINT\s+(\"(?:[^\"]|\"\")+\"|\S+)\s+" + _CONSTRAINT_KINDS, text, re.IGNORECASE):
        raise ValueError(
            f"Partition {partition!r}: a constraint is its definition with its name, as ALTER TABLE … ADD "
            f'takes it (such as "CONSTRAINT {partition}_amount CHECK (amount > 0)" or "CONSTRAINT '
            f'{partition}_customer_fkey FOREIGN KEY (customer_id) REFERENCES customer (id)"), '
            f"not {constraint!r}"
        )
    return text


def partitions_of(metadata: MetaData) -> list[Partition]:
    """Every :class:`Partition` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Partition] = metadata.info.get(_PARTITIONS_KEY, {})
    return list(registry.values())
