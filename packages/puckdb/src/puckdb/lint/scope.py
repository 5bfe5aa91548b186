"""What a migration file has created so far, to tell new objects from existing ones.

A table created earlier in the same migration is empty and invisible to other sessions
until the migration commits: locking it, rewriting it or indexing it costs nothing, and
dropping it loses nothing. Every other table is *existing* and may be large and busy.
The scope follows renames so that ``CREATE TABLE t_new …; ALTER TABLE t_new RENAME TO t``
still counts as new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pglast import ast, enums

from puckdb.lint.catalog import Catalog
from puckdb.lint.names import QualifiedName, list_name, relation_name


@dataclass
class FileScope:
    transactional: bool
    """The header's ``Transaction:`` mode: the migration runs in one transaction."""
    catalog: Catalog
    """The database as the migration's next statement finds it."""
    tables: set[QualifiedName] = field(default_factory=set)
    """Tables (and materialized views) created in this file."""
    columns: set[tuple[QualifiedName, str]] = field(default_factory=set)
    """Columns added in this file to existing tables."""
    schemas: set[str] = field(default_factory=set)
    types: set[QualifiedName] = field(default_factory=set)
    """Types created in this file."""
    parked_types: set[QualifiedName] = field(default_factory=set)
    """Existing types renamed away in this file (the old half of a re-created enum)."""
    replaced_types: dict[QualifiedName, list[str] | None] = field(default_factory=dict)
    """Existing enums renamed away or dropped in this file, by their original name, with
    their labels (None when unknown): a type created later under that name replaces them."""

    created_policies: frozenset[tuple[QualifiedName, str]] = frozenset()
    """(table, name) of every policy the whole file creates, before or after any statement."""

    @classmethod
    def start(cls, transactional: bool, catalog: Catalog, nodes: Iterable[ast.Node | None] = ()) -> FileScope:
        created = frozenset(
            (relation_name(node.table), node.policy_name or "")
            for node in nodes
            if isinstance(node, ast.CreatePolicyStmt) and isinstance(node.table, ast.RangeVar)
        )
        return cls(transactional, catalog.copy(), created_policies=created)

    def is_new_table(self, name: QualifiedName) -> bool:
        return name in self.tables

    def is_new_column(self, table: QualifiedName, column: str) -> bool:
        return table in self.tables or (table, column) in self.columns

    def record(self, node: ast.Node) -> None:
        """Follow ``node``'s effect once the rules have seen it."""
        match node:
            case ast.CreateStmt(relation=ast.RangeVar() as relation):
                name = relation_name(relation)
                if not (node.if_not_exists and name in self.catalog.tables):
                    self.tables.add(name)
            case ast.CreateTableAsStmt(into=ast.IntoClause(rel=ast.RangeVar() as relation)):
                self.tables.add(relation_name(relation))
            case ast.CreateSchemaStmt(schemaname=str() as schema):
                self.schemas.add(schema)
            case ast.CreateEnumStmt():
                self.types.add(list_name(node.typeName))
            case ast.AlterTableStmt(relation=ast.RangeVar() as relation):
                table = relation_name(relation)
                for command in node.cmds or ():
                    if (
                        isinstance(command, ast.AlterTableCmd)
                        and command.subtype == enums.AlterTableType.AT_AddColumn
                        and isinstance(command.def_, ast.ColumnDef)
                        and command.def_.colname
                    ):
                        self.columns.add((table, command.def_.colname))
            case ast.RenameStmt():
                self._rename(node)
            case ast.DropStmt(removeType=enums.ObjectType.OBJECT_TYPE):
                for item in node.objects or ():
                    if not isinstance(item, ast.TypeName):
                        continue
                    dropped = list_name(item)
                    if dropped not in self.types and dropped not in self.parked_types:
                        self.replaced_types[dropped] = _labels(self.catalog, dropped)
            case _:
                pass
        self.catalog.apply(node)

    def _rename(self, node: ast.RenameStmt) -> None:
        new = node.newname or ""
        if node.renameType == enums.ObjectType.OBJECT_TABLE and isinstance(node.relation, ast.RangeVar):
            old = relation_name(node.relation)
            if old in self.tables:
                self.tables.discard(old)
                self.tables.add((old[0], new))
        elif node.renameType == enums.ObjectType.OBJECT_TYPE and isinstance(node.object, tuple):
            old = list_name(node.object)
            if old in self.types:
                self.types.discard(old)
                self.types.add((old[0], new))
            else:
                self.replaced_types[old] = _labels(self.catalog, old)
                self.parked_types.add((old[0], new))


def _labels(catalog: Catalog, name: QualifiedName) -> list[str] | None:
    labels = catalog.enums.get(name)
    return list(labels) if labels is not None else None
