"""The root of the model: everything puckdb manages in one database."""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.model.objects import EnumType, Extension, Sequence, Table, View


@dataclass(frozen=True, slots=True)
class Schema:
    """A database's managed schemas and what they hold, sorted by (schema, name)."""

    schemas: tuple[str, ...] = ("public",)
    extensions: tuple[Extension, ...] = ()
    enums: tuple[EnumType, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()

    def table(self, schema: str, name: str) -> Table | None:
        return next((t for t in self.tables if t.schema == schema and t.name == name), None)

    def view(self, schema: str, name: str) -> View | None:
        return next((v for v in self.views if v.schema == schema and v.name == name), None)

    def enum(self, schema: str, name: str) -> EnumType | None:
        return next((e for e in self.enums if e.schema == schema and e.name == name), None)

    def to_json(self) -> str:
        from puckdb.model.serialize import schema_to_json

        return schema_to_json(self)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        from puckdb.model.serialize import schema_from_json

        return schema_from_json(text)
