"""What every object kind is made of: operations with a named phase, their SQL and hazards,
and the kind itself (catalog queries, row assembly, comparison).

A kind module (``kinds/enums.py``, ``kinds/views.py``, …) defines its operations as
subclasses of :class:`Operation`, each saying in which :class:`Phase` of a plan it runs,
which statements perform it (:meth:`Operation.render`) and what a reviewer must know about
it (:meth:`Operation.hazards`); and it registers one :class:`Kind` (in ``kinds/__init__.py``)
that names its catalog queries, turns their rows into model fields and compares two
schemas. The generic stages (``inspect``, ``diff``, ``plan``) loop over the registry and
know no kind by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, auto
from typing import TYPE_CHECKING, Any, ClassVar, LiteralString

if TYPE_CHECKING:
    from puckdb.model import Schema

Row = dict[str, Any]
"""One row of a catalog query, by column name."""
Rows = Mapping[str, list[Row]]
"""The rows of every catalog query of an inspection, by query name."""
Key = tuple[str, str]
"""``(schema, name)`` of a table, view or type."""


class Phase(IntEnum):
    """When an operation runs in a plan: phases run in this order, and within a phase the
    diff's order is kept. Each phase exists because something after it needs what it does
    (or needs what it removes out of the way)."""

    CREATE_SCHEMAS = auto()
    CREATE_EXTENSIONS = auto()
    RENAME_RELATIONS = auto()
    """Tables, columns and serial sequences: every later operation names them as the target
    does (the diff renames the source model before comparing), the drops included."""
    DROP_TRIGGERS = auto()
    """Before the views and functions they belong to or execute go."""
    DROP_POLICIES = auto()
    """Before the views, columns and functions their expressions use are dropped or altered."""
    DROP_VIEWS = auto()
    DROP_AGGREGATES = auto()
    """Once the views using them are gone, before the functions they are built from are
    dropped or re-created."""
    DROP_BOUND_FUNCTIONS = auto()
    """Functions with a SQL-standard body (BEGIN ATOMIC), bound to the tables they read,
    go before those tables can."""
    DROP_FOREIGN_KEYS = auto()
    DROP_KEYS_AND_INDEXES = auto()
    RENAME_KEYS_AND_INDEXES = auto()
    """After the drops: a constraint may take the name of one dropped before it."""
    CREATE_TYPES = auto()
    RECREATE_ENUMS = auto()
    """Right after the other types: every table or column created later must get the new
    type, not the old one parked under another name until its drop."""
    CREATE_COMPOUND_TYPES = auto()
    """Domains and composite types (and changes to them), after the enums they may be built
    on and before the functions, tables and columns that use them."""
    CREATE_FUNCTIONS = auto()
    """After the types their arguments use, before the defaults, checks and indexes that
    call them (bodies are not checked against tables, which may come later)."""
    DROP_IDENTITIES = auto()
    """Before sequences are created: a serial column's new sequence usually takes the name
    the identity's sequence had."""
    CREATE_SEQUENCES = auto()
    DETACH_PARTITIONS = auto()
    """Partitions that go or change their bound leave their parent before partitions are
    created: a new one may take the range an old one held."""
    CREATE_TABLES = auto()
    """Partitioned tables before their partitions (the diff's order)."""
    ATTACH_PARTITIONS = auto()
    """A partition with a new bound goes back before columns change, so that the parent's
    column changes reach it again."""
    DROP_REPLACED_COLUMNS = auto()
    """A column re-created under its own name (a generated column's new expression) goes
    before it is added again."""
    ADD_COLUMNS = auto()
    DROP_DEFAULTS = auto()
    RECREATE_USED_FUNCTIONS = auto()
    """A function that defaults, checks or indexes use, re-created for a new result type
    once they have let go of it (and before they are set again)."""
    ALTER_COLUMN_TYPES = auto()
    SET_NULLABILITY = auto()
    DROP_SERIAL_SEQUENCES = auto()
    """A serial column becoming an identity: its sequence goes (after its nextval default)
    before the identity's sequence is created, which would otherwise get another name."""
    ALTER_IDENTITIES = auto()
    SET_DEFAULTS = auto()
    DROP_COLUMNS = auto()
    DROP_TABLES = auto()
    DROP_FUNCTIONS = auto()
    """Once nothing calls them, before the types their arguments use."""
    DROP_COMPOUND_TYPES = auto()
    """Domains and composite types, once no table, column or function uses them, before
    the enums they may be built on."""
    DROP_TYPES_AND_SEQUENCES = auto()
    TABLE_SETTINGS = auto()
    ADD_PRIMARY_KEYS = auto()
    ADD_CONSTRAINTS = auto()
    CREATE_INDEXES = auto()
    ADD_FOREIGN_KEYS = auto()
    """Once every referenced key exists."""
    SET_SEQUENCE_OWNERS = auto()
    CREATE_VIEWS = auto()
    """In dependency order (the plan sorts them within the phase)."""
    CREATE_VIEW_INDEXES = auto()
    """An index on a materialized view waits for the view."""
    CREATE_TRIGGERS = auto()
    """Once their tables, views and functions exist."""
    CREATE_POLICIES = auto()
    """Once the tables, columns, functions and views their expressions use exist."""
    COMMENTS = auto()
    """After views are re-created, so a re-created view gets its comments back."""
    GRANTS = auto()
    """Once every object exists (a re-created view or function gets its grants back)."""
    DROP_EXTENSIONS = auto()
    DROP_SCHEMAS = auto()


HAZARD_KINDS = (
    "data-loss",
    "table-rewrite",
    "access-exclusive-lock",
    "non-concurrent-index",
    "backward-incompatible",
    "backfill-required",
    "non-transactional",
    "drops-unmanaged",
    "security",
    "manual-step",
    "manual-using",
    "matview-rebuild",
)
"""Every kind of hazard (see :mod:`puckdb.plan.hazards` for what each means)."""
BLOCKING = frozenset({"data-loss", "drops-unmanaged", "security", "manual-step", "manual-using"})
"""The hazards that need an explicit yes."""


@dataclass(frozen=True)
class Hazard:
    """One thing a reviewer must know about a statement: ``kind`` (one of
    :data:`HAZARD_KINDS`) and a one-line ``message`` naming the object (``drops column
    cards.meaning``)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class PlanContext:
    """What an operation's phase and hazards may depend on beyond the operation itself:
    the other operations of its plan and the state it starts from."""

    existing_tables: frozenset[Key] = frozenset()
    """Tables (and materialized views that are kept) holding data when the plan runs."""
    created_views: frozenset[Key] = frozenset()
    """Views and materialized views the plan creates (a dropped one among them is dropped
    only to be created again)."""
    added_columns: frozenset[tuple[str, str, str]] = frozenset()
    """(schema, table, column) of every column the plan adds."""
    added_identities: frozenset[tuple[str, str, str]] = frozenset()
    """(schema, table, column) of every column the plan makes an identity."""

    def holds_data(self, schema: str, table: str) -> bool:
        return (schema, table) in self.existing_tables


@dataclass(frozen=True)
class Operation:
    """Base class of every change: plain, immutable data that carries everything its SQL
    and its hazards need, so no later stage has to look anything up again."""

    phase: ClassVar[Phase]
    """The phase of the plan it runs in (:meth:`phase_in` when it depends on the plan)."""
    transactional: ClassVar[bool] = True
    """Whether its statements may run inside a transaction block."""

    def phase_in(self, context: PlanContext) -> Phase:
        """The phase this operation runs in within a plan described by ``context``."""
        return self.phase

    def render(self) -> tuple[str, ...]:
        """The SQL statements (usually one) that perform it."""
        raise NotImplementedError(f"no SQL rendering for {type(self).__name__}")

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        """What a reviewer must know before it runs on a database with data."""
        return ()

    def dropped_relations(self) -> tuple[Key, ...]:
        """The tables and views it drops (or drops to create again): whatever PostgreSQL
        keeps attached to them goes too."""
        return ()

    def dropped_schemas(self) -> tuple[str, ...]:
        """The schemas it drops, with everything in them."""
        return ()


Diff = Callable[["Schema", "Schema", Sequence[Operation]], list[Operation]]
"""``(source, target, earlier)`` → the kind's operations; ``earlier`` are the operations the
kinds before it in the registry produced (views re-create what table changes touch)."""
Assemble = Callable[[Rows], Mapping[str, Any]]
"""Catalog rows → the kind's fields of :class:`~puckdb.model.Schema`, by field name."""


@dataclass(frozen=True)
class Kind:
    """One kind of database object as the generic stages see it."""

    name: str
    queries: tuple[tuple[str, LiteralString], ...] = ()
    """Its catalog queries, by name, each run once per inspection in registry order. A
    query's rows are visible to every kind's :attr:`assemble` (views read the relations
    and columns the tables' queries fetch)."""
    assemble: Assemble = field(default=lambda rows: {})
    diff: Diff = field(default=lambda source, target, earlier: [])


def name_in_message(*parts: str) -> str:
    """A dotted name as hazards and messages show it: "public" is implied, as it is for
    the people reading them."""
    if parts[0] == "public":
        parts = parts[1:]
    return ".".join(parts)
