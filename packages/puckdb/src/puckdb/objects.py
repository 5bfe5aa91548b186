"""Schema objects SQLAlchemy cannot express, declared beside the tables on one MetaData.

A :class:`View`, a :class:`SchemaComment`, a :class:`Function` (or :class:`Procedure`), a
:class:`Trigger`, a :class:`Collation` and a :class:`Partition` register themselves in ``metadata.info`` so
that whoever holds the MetaData (puckdb's normalizer, the schema loader, a test) finds
them without a second registry to import.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
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
    view's comment, ``column_comments`` maps output column names to theirs.
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
    ) -> None:
        if not name:
            raise ValueError("a View needs a name")
        self.name = name
        self.metadata = metadata
        self.definition = definition
        self.materialized = materialized
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        self.column_comments: dict[str, str] = dict(column_comments or {})
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


class Function:
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
        name, opening, rest = signature.strip().partition("(")
        if not name.strip() or not opening or not rest.rstrip().endswith(")"):
            raise ValueError(
                f"a {type(self).__name__} signature is a name and its argument list in parentheses, "
                f'such as "touch()" or "add(a integer, b integer)"; got {signature!r}'
            )
        self.name = name.strip()
        self.arguments = rest.rstrip()[:-1].strip()
        self.metadata = metadata
        # A definition written as an indented triple-quoted string loses the indentation
        # Python needed, so the body PostgreSQL keeps reads as it does in the source.
        self.definition = textwrap.dedent(definition).strip().rstrip(";")
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        registry: dict[tuple[str | None, str, str], Function] = metadata.info.setdefault(_FUNCTIONS_KEY, {})
        key = (self.schema, self.name, self.arguments)
        if key in registry:
            raise ValueError(f"{self.keyword.lower()} {signature!r} is already declared on this MetaData")
        registry[key] = self

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def sql(self) -> str:
        """The ``CREATE`` statement."""
        from puckdb.quoting import qualified

        return (
            f"CREATE {self.keyword} {qualified(self.schema, self.name)}({self.arguments}) {self.definition}"
        )

    def __repr__(self) -> str:
        return f"<puckdb.{type(self).__name__} {self.qualified_name}({self.arguments})>"


class Procedure(Function):
    """A procedure (``CREATE PROCEDURE``), declared like a :class:`Function`::

    Procedure("archive_old_cards(days integer)", metadata, "LANGUAGE sql AS $$ … $$")
    """

    keyword = "PROCEDURE"


def functions_of(metadata: MetaData) -> list[Function]:
    """Every :class:`Function` and :class:`Procedure` declared on ``metadata``, in order."""
    registry: dict[Any, Function] = metadata.info.get(_FUNCTIONS_KEY, {})
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
        table = getattr(on, "__table__", on)
        if isinstance(table, str):
            if metadata is None:
                raise ValueError(f"Trigger {name!r} names its table as text, so it needs metadata=")
            self.table, self.schema, self.metadata = (
                table,
                schema if schema is not None else metadata.schema,
                metadata,
            )
        else:
            found = getattr(table, "metadata", None)
            if not isinstance(found, MetaData) or not hasattr(table, "name"):
                raise ValueError(f"Trigger {name!r}: {on!r} is not a table, a declarative class or a View")
            self.table, self.schema, self.metadata = str(table.name), table.schema, metadata or found
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
        registry: dict[tuple[str | None, str], Partition] = self.metadata.info.setdefault(_PARTITIONS_KEY, {})
        if (self.schema, name) in registry:
            raise ValueError(f"a partition named {name!r} is already declared on this MetaData")
        registry[(self.schema, name)] = self

    def sql(self) -> str:
        """The ``CREATE TABLE … PARTITION OF`` statement."""
        from puckdb.quoting import qualified

        sub = f" PARTITION BY {self.partition_by}" if self.partition_by is not None else ""
        parent = qualified(self.parent_schema, self.parent_name)
        return f"CREATE TABLE {qualified(self.schema, self.name)} PARTITION OF {parent} {self.bound}{sub}"

    def __repr__(self) -> str:
        return f"<puckdb.Partition {self.name} of {self.parent_name} {self.bound}>"


def partitions_of(metadata: MetaData) -> list[Partition]:
    """Every :class:`Partition` declared on ``metadata``, in declaration order."""
    registry: dict[Any, Partition] = metadata.info.get(_PARTITIONS_KEY, {})
    return list(registry.values())
