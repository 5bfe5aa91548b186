"""Domains and composite types, declared in code and used as column types::

    posint = Domain("posint", Integer, not_null=True, checks={"posint_positive": "VALUE > 0"})
    pair = CompositeType("pair", [("a", Integer), ("b", Text)])

    Table("scores", metadata, Column("points", posint), Column("best", pair))

puckdb creates them (with the enum types they are built on) before the functions and
tables that use them; a type that no column uses is declared with ``metadata=``.
``MetaData.create_all`` creates them too, with puckdb's statements (SQLAlchemy's own
``CREATE DOMAIN`` names one check at most), so tests that build a schema that way work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, DDL, MetaData, TextClause, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.named_types import DomainDropper, DomainGenerator, NamedType
from sqlalchemy.sql.operators import OperatorClass
from sqlalchemy.sql.sqltypes import SchemaType
from sqlalchemy.sql.type_api import TypeEngine, to_instance
from sqlalchemy.types import UserDefinedType

from puckdb.quoting import ident, literal, qualified

_TYPES_KEY = "puckdb.compound_types"


class TypeDDL(DDL):
    """A statement that ``create_all`` runs for one of these types (normalize leaves it
    out: it creates the types itself, before the functions)."""

    def __init__(self, statement: str) -> None:
        super().__init__(statement)  # type: ignore[no-untyped-call]


class _Generator(DomainGenerator):
    def _create(self, item: Domain | CompositeType) -> None:
        if not self._can_create_type(item):  # type: ignore[no-untyped-call]
            return
        with self.with_ddl_events(item):
            for statement in item.statements():
                # DDL() reads %-placeholders; the statement has none.
                self.connection.execute(TypeDDL(statement.replace("%", "%%")))

    def visit_DOMAIN(self, domain: Domain) -> None:  # noqa: N802 (SQLAlchemy's visit name)
        self._create(domain)

    def visit_user_defined(self, composite: CompositeType) -> None:
        self._create(composite)


class _Dropper(DomainDropper):
    def _drop(self, item: Domain | CompositeType, word: str) -> None:
        if not self._can_drop_type(item):  # type: ignore[no-untyped-call]
            return
        with self.with_ddl_events(item):
            self.connection.execute(TypeDDL(f"DROP {word} {qualified(item.schema, str(item.name))}"))

    def visit_DOMAIN(self, domain: Domain) -> None:  # noqa: N802 (SQLAlchemy's visit name)
        self._drop(domain, "DOMAIN")

    def visit_user_defined(self, composite: CompositeType) -> None:
        self._drop(composite, "TYPE")


_DROPS_KEY = "puckdb.drops_compound_types"


def _drop_dependents_first(metadata: MetaData) -> None:
    """``drop_all`` drops a metadata's types in the order they were attached to it, which
    can put a domain before the composite type holding it, or an enum before its domain:
    one listener, run before every other, drops them all, dependents first."""
    if metadata.info.get(_DROPS_KEY):
        return
    metadata.info[_DROPS_KEY] = True
    event.listen(metadata, "after_drop", _drop_types, insert=True)


def _drop_types(target: MetaData, bind: Any, **kw: Any) -> None:
    # Each drop is noted in the drop_all's memo, so the types' own listeners skip it.
    for kind in reversed(compound_types_of(target)):
        kind._on_metadata_drop(target, bind, **kw)


class _CreatesItsBases:
    """Create the named types (enums, domains, composites) a type is built on before it,
    once per ``create_all`` like SQLAlchemy's own: a column uses only the outer type."""

    def _on_table_create(self, target: Any, bind: Any, checkfirst: Any = False, **kw: Any) -> None:
        for used in _used_types(self):  # type: ignore[arg-type]
            if isinstance(used, NamedType):
                used._on_table_create(target, bind, checkfirst=checkfirst, **kw)
        super()._on_table_create(target, bind, checkfirst=checkfirst, **kw)  # type: ignore[misc]

    def _on_metadata_create(self, target: Any, bind: Any, checkfirst: Any = False, **kw: Any) -> None:
        for used in _used_types(self):  # type: ignore[arg-type]
            if isinstance(used, NamedType):
                used._on_metadata_create(target, bind, checkfirst=checkfirst, **kw)
        super()._on_metadata_create(target, bind, checkfirst=checkfirst, **kw)  # type: ignore[misc]

    def _set_metadata(self, metadata: MetaData) -> bool:
        found: bool = super()._set_metadata(metadata)  # type: ignore[misc]
        _drop_dependents_first(metadata)
        return found

    def _twin(self, cls: type[Any]) -> Any:
        # SQLAlchemy copies a type (to_metadata, a dialect's implementation) by calling its
        # class with DOMAIN's arguments, which are not these; the copy is the same type.
        twin: Any = object.__new__(cls)
        twin.__dict__.update(self.__dict__)
        return twin


_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _type_sql(kind: TypeEngine[Any]) -> str:
    return str(kind.compile(dialect=_DIALECT))


def _register(item: Domain | CompositeType, metadata: MetaData | None) -> None:
    if metadata is None:
        return
    registry: dict[tuple[str | None, str], Domain | CompositeType] = metadata.info.setdefault(_TYPES_KEY, {})
    key = (item.schema, str(item.name))
    if key in registry and registry[key] is not item:
        raise ValueError(f"a type named {item.qualified_name!r} is already declared on this MetaData")
    registry[key] = item


class Domain(_CreatesItsBases, postgresql.DOMAIN):
    """``CREATE DOMAIN name AS base``, usable wherever a column type is.

    ``base`` is a SQLAlchemy type (``Integer``, ``String(20)``, an enum, another Domain).
    ``default`` is what SQLAlchemy's ``server_default`` takes: a string is a string value
    (``'none'``), ``text(...)`` is SQL (``text("1")``). ``checks`` maps each check's name
    to its SQL expression over ``VALUE`` (``{"posint_positive": "VALUE > 0"}``), or lists
    expressions that PostgreSQL names itself (``posint_check``, ``posint_check1``, …).
    ``collation`` names a collation for a string base type; ``comment`` is the domain's.
    """

    cache_ok = True
    # Whatever the base type allows: a domain of integers compares and adds like them.
    operator_classes = OperatorClass.ANY

    def __init__(
        self,
        name: str,
        base: TypeEngine[Any] | type[TypeEngine[Any]],
        *,
        schema: str | None = None,
        default: str | TextClause | None = None,
        not_null: bool = False,
        collation: str | None = None,
        checks: Mapping[str, str] | Sequence[str] | None = None,
        comment: str | None = None,
        metadata: MetaData | None = None,
    ) -> None:
        if not name:
            raise ValueError("a Domain needs a name")
        if isinstance(checks, str):
            raise ValueError(
                f"Domain {name!r}: checks is a mapping of check names to expressions, or a list of "
                f"expressions, not one string; write checks=[{checks!r}] to let PostgreSQL name it"
            )
        super().__init__(name, base, schema=schema, collation=collation, not_null=not_null, metadata=metadata)
        self.domain_default = default
        self.checks: tuple[tuple[str | None, str], ...] = (
            tuple(checks.items()) if isinstance(checks, Mapping) else tuple((None, c) for c in checks or ())
        )
        self.comment = comment
        _register(self, metadata)

    DDLGenerator = _Generator
    DDLDropper = _Dropper

    def adapt(self, cls: type[Any], **kw: Any) -> Any:
        if isinstance(cls, type) and issubclass(cls, Domain):
            return self._twin(cls)
        return super().adapt(cls, **kw)  # type: ignore[no-untyped-call]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else str(self.name)

    @property
    def base(self) -> TypeEngine[Any]:
        kind: TypeEngine[Any] = self.data_type
        return kind

    def sql(self) -> str:
        """The ``CREATE DOMAIN`` statement."""
        parts = [f"CREATE DOMAIN {qualified(self.schema, str(self.name))} AS {_type_sql(self.data_type)}"]
        if self.collation is not None:
            parts.append(f"COLLATE {ident(self.collation)}")
        if isinstance(self.domain_default, TextClause):
            # Compiled, as a server_default is: text()'s `\:` escapes become colons.
            parts.append(f"DEFAULT {self.domain_default.compile(dialect=_DIALECT)}")
        elif self.domain_default is not None:
            parts.append(f"DEFAULT {literal(self.domain_default)}")
        if self.not_null:
            parts.append("NOT NULL")
        for check, expression in self.checks:
            named = f"CONSTRAINT {ident(check)} " if check is not None else ""
            parts.append(f"{named}CHECK ({expression})")
        return " ".join(parts)

    def statements(self) -> list[str]:
        """``CREATE DOMAIN`` and its comment."""
        return [self.sql(), *_comment("DOMAIN", self)]

    def __repr__(self) -> str:
        return f"<puckdb.Domain {self.qualified_name}>"


class CompositeType(_CreatesItsBases, NamedType, SchemaType, UserDefinedType[Any]):
    """``CREATE TYPE name AS (attribute type, …)``, usable wherever a column type is.

    ``attributes`` are (name, SQLAlchemy type) pairs in order; a string type may carry its
    collation (``Text(collation="C")``).
    """

    cache_ok = True
    operator_classes = OperatorClass.ANY

    def __init__(
        self,
        name: str,
        attributes: Iterable[tuple[str, TypeEngine[Any] | type[TypeEngine[Any]]]],
        *,
        schema: str | None = None,
        comment: str | None = None,
        metadata: MetaData | None = None,
    ) -> None:
        self.attributes = tuple((attribute, to_instance(kind)) for attribute, kind in attributes)
        if not name or not self.attributes:
            raise ValueError(f"a CompositeType needs a name and at least one attribute; got {name!r}")
        SchemaType.__init__(self, name=name, schema=schema, metadata=metadata)
        self.comment = comment
        _register(self, metadata)

    __visit_name__ = "user_defined"
    DDLGenerator = _Generator
    DDLDropper = _Dropper

    def adapt(self, cls: type[Any], **kw: Any) -> Any:
        if isinstance(cls, type) and issubclass(cls, CompositeType):
            return self._twin(cls)
        return super().adapt(cls, **kw)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else str(self.name)

    def get_col_spec(self, **kw: Any) -> str:
        return qualified(self.schema, str(self.name))

    def sql(self) -> str:
        """The ``CREATE TYPE`` statement."""
        attributes = ", ".join(f"{ident(name)} {_type_sql(kind)}" for name, kind in self.attributes)
        return f"CREATE TYPE {qualified(self.schema, str(self.name))} AS ({attributes})"

    def statements(self) -> list[str]:
        """``CREATE TYPE`` and its comment."""
        return [self.sql(), *_comment("TYPE", self)]

    def __repr__(self) -> str:
        return f"<puckdb.CompositeType {self.qualified_name}>"


def _comment(word: str, item: Domain | CompositeType) -> tuple[str, ...]:
    from puckdb.kinds.comments import SetComment

    if item.comment is None:
        return ()
    return SetComment(word, item.schema or "public", str(item.name), None, item.comment).render()


def _element(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    while isinstance(kind, ARRAY):
        kind = kind.item_type
    return kind


def _used_types(item: Domain | CompositeType) -> Iterator[TypeEngine[Any]]:
    if isinstance(item, Domain):
        yield _element(item.data_type)
    else:
        for _, kind in item.attributes:
            yield _element(kind)


def compound_types_of(metadata: MetaData) -> list[Domain | CompositeType | postgresql.ENUM]:
    """Every Domain and CompositeType that ``metadata`` declares or its columns use, each
    after the types it is built on (enum types among them), in declaration order
    otherwise. Two different types under one name are refused."""
    ordered: dict[tuple[str | None, str], Domain | CompositeType | postgresql.ENUM] = {}

    def visit(kind: TypeEngine[Any]) -> None:
        if not isinstance(kind, Domain | CompositeType | postgresql.ENUM):
            return
        key = (kind.schema, str(kind.name))
        if key in ordered:
            if ordered[key] is not kind and not isinstance(kind, postgresql.ENUM):
                raise ValueError(
                    f"two different types are declared as {key[1]!r}"
                    + (f" in schema {key[0]!r}" if key[0] else "")
                    + "; declare the type once and use that one object in every column"
                )
            return
        if isinstance(kind, Domain | CompositeType):
            for used in _used_types(kind):
                visit(used)
        ordered[key] = kind

    registry: dict[Any, Domain | CompositeType] = metadata.info.get(_TYPES_KEY, {})
    for declared in registry.values():
        visit(declared)
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(_element(column.type), Domain | CompositeType):
                visit(_element(column.type))
    # Enums only matter here as what a domain or composite is built on.
    return [
        kind for kind in ordered.values() if not isinstance(kind, postgresql.ENUM) or _is_base(kind, ordered)
    ]


def _is_base(enum: postgresql.ENUM, found: Mapping[Any, Any]) -> bool:
    return any(
        isinstance(item, Domain | CompositeType) and any(used is enum for used in _used_types(item))
        for item in found.values()
    )
