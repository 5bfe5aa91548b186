"""What the database holds before a migration runs: tables, column types and enum labels.

A hand-written ``ALTER COLUMN … TYPE integer`` narrows only if the column was wider, and a
re-created enum loses values only if the old one had more: the rules need the state the
migration starts from. For ``lint --pending`` it is the live database's, built from its
inspected model (:meth:`Catalog.of_schema`, see ``live.py``); otherwise it is built by
replaying the earlier migrations of the folder through :meth:`Catalog.apply`. Replaying is
approximate (only the statements that shape tables and enums are followed); what it cannot
know, it leaves unknown rather than guesses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pglast import ast, enums

from puckdb.lint.names import QualifiedName, list_name, relation_name, type_name

if TYPE_CHECKING:
    from puckdb.model import Schema


@dataclass
class Column:
    type: str | None
    """The type as ``format_type`` prints it; None when unknown."""
    generated: bool = False
    """A generated column: dropping it loses nothing that cannot be computed again."""


@dataclass
class Catalog:
    tables: dict[QualifiedName, dict[str, Column]] = field(default_factory=dict)
    """Table → its columns by name."""
    enums: dict[QualifiedName, list[str]] = field(default_factory=dict)
    """Enum type → its labels in order."""

    @classmethod
    def of_schema(cls, schema: Schema) -> Catalog:
        """The catalog of a database as inspection models it.

        The model's column types are ``format_type`` under ``search_path = public`` (types
        in other schemas qualified), which is exactly how ``names.type_name`` prints a
        parsed type, so the rules compare like with like.
        """
        return cls(
            tables={
                table.key: {
                    column.name: Column(column.data_type, column.generated is not None)
                    for column in table.columns
                }
                for table in schema.tables
            },
            enums={enum.key: list(enum.labels) for enum in schema.enums},
        )

    def copy(self) -> Catalog:
        return copy.deepcopy(self)

    def column(self, table: QualifiedName, name: str) -> Column | None:
        return self.tables.get(table, {}).get(name)

    def column_type(self, table: QualifiedName, name: str) -> str | None:
        column = self.column(table, name)
        return column.type if column is not None else None

    def apply(self, node: ast.Node) -> None:
        """Follow ``node``'s effect on tables and enums."""
        match node:
            case ast.CreateStmt(relation=ast.RangeVar() as relation):
                name = relation_name(relation)
                if not (node.if_not_exists and name in self.tables):
                    self.tables[name] = _columns(node.tableElts)
            case ast.CreateTableAsStmt(into=ast.IntoClause(rel=ast.RangeVar() as relation)):
                if node.objtype == enums.ObjectType.OBJECT_TABLE:
                    self.tables.setdefault(relation_name(relation), {})
            case ast.AlterTableStmt(relation=ast.RangeVar() as relation):
                columns = self.tables.get(relation_name(relation))
                if columns is not None:
                    for command in node.cmds or ():
                        if isinstance(command, ast.AlterTableCmd):
                            _alter_column(columns, command)
            case ast.RenameStmt():
                self._rename(node)
            case ast.DropStmt():
                self._drop(node)
            case ast.CreateEnumStmt():
                self.enums[list_name(node.typeName)] = [
                    value.sval or "" for value in node.vals or () if isinstance(value, ast.String)
                ]
            case ast.AlterEnumStmt(newVal=str() as new):
                labels = self.enums.get(list_name(node.typeName))
                if labels is None:
                    return
                if node.oldVal:
                    labels[:] = [new if label == node.oldVal else label for label in labels]
                elif new not in labels:
                    labels.append(new)  # the position does not matter to the rules
            case _:
                pass

    def _rename(self, node: ast.RenameStmt) -> None:
        new = node.newname or ""
        kind = node.renameType
        if kind == enums.ObjectType.OBJECT_TABLE and isinstance(node.relation, ast.RangeVar):
            old = relation_name(node.relation)
            if old in self.tables:
                self.tables[(old[0], new)] = self.tables.pop(old)
        elif kind == enums.ObjectType.OBJECT_COLUMN and isinstance(node.relation, ast.RangeVar):
            columns = self.tables.get(relation_name(node.relation))
            if columns is not None and node.subname in columns:
                columns[new] = columns.pop(node.subname)
        elif kind == enums.ObjectType.OBJECT_TYPE and isinstance(node.object, tuple):
            old = list_name(node.object)
            if old in self.enums:
                self.enums[(old[0], new)] = self.enums.pop(old)
                # Columns keep the type (by oid), so they now print its new name.
                self._retype(old, (old[0], new))

    def _retype(self, old: QualifiedName, new: QualifiedName) -> None:
        printed_old = old[1] if old[0] == "public" else f"{old[0]}.{old[1]}"
        printed_new = new[1] if new[0] == "public" else f"{new[0]}.{new[1]}"
        for columns in self.tables.values():
            for column in columns.values():
                if column.type is not None and column.type in (printed_old, f"{printed_old}[]"):
                    column.type = column.type.replace(printed_old, printed_new, 1)

    def _drop(self, node: ast.DropStmt) -> None:
        kind = node.removeType
        for item in node.objects or ():
            if kind == enums.ObjectType.OBJECT_TABLE and isinstance(item, tuple):
                self.tables.pop(list_name(item), None)
            elif kind == enums.ObjectType.OBJECT_TYPE and isinstance(item, ast.TypeName):
                self.enums.pop(list_name(item), None)
            elif kind == enums.ObjectType.OBJECT_SCHEMA and isinstance(item, ast.String):
                schema = item.sval
                self.tables = {name: c for name, c in self.tables.items() if name[0] != schema}
                self.enums = {name: labels for name, labels in self.enums.items() if name[0] != schema}


def _columns(elements: tuple[object, ...] | None) -> dict[str, Column]:
    return {
        element.colname: _column(element)
        for element in elements or ()
        if isinstance(element, ast.ColumnDef) and element.colname
    }


def _column(definition: ast.ColumnDef) -> Column:
    generated = any(
        isinstance(constraint, ast.Constraint) and constraint.contype == enums.ConstrType.CONSTR_GENERATED
        for constraint in definition.constraints or ()
    )
    return Column(type_name(definition.typeName), generated)


def _alter_column(columns: dict[str, Column], command: ast.AlterTableCmd) -> None:
    kind = command.subtype
    definition = command.def_
    if kind == enums.AlterTableType.AT_AddColumn and isinstance(definition, ast.ColumnDef):
        if definition.colname:
            columns[definition.colname] = _column(definition)
    elif kind == enums.AlterTableType.AT_DropColumn and command.name:
        columns.pop(command.name, None)
    elif (
        kind == enums.AlterTableType.AT_AlterColumnType
        and command.name
        and isinstance(definition, ast.ColumnDef)
    ):
        previous = columns.get(command.name)
        columns[command.name] = Column(
            type_name(definition.typeName), previous is not None and previous.generated
        )
