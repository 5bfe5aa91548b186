"""Comments on every object kind: ``COMMENT ON … IS …``, one operation for all of them.

Comments live in the model on the object they describe; each kind's comparison emits a
:class:`SetComment` when one differs. They run after views are re-created, so a re-created
view gets its comments back.
"""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.kinds.base import Operation, Phase
from puckdb.quoting import ident, literal


@dataclass(frozen=True)
class SetComment(Operation):
    """``COMMENT ON <kind> … IS …``; ``comment`` None removes it.

    ``kind`` is SCHEMA, TABLE, VIEW, MATERIALIZED VIEW, INDEX, TYPE, SEQUENCE, COLUMN or
    CONSTRAINT, FUNCTION, PROCEDURE, AGGREGATE, TRIGGER or POLICY; ``name`` is the object's
    name, or for COLUMN, CONSTRAINT, TRIGGER and POLICY the table's (or view's), with ``member``
    the column, constraint, trigger or policy name; for FUNCTION, PROCEDURE and AGGREGATE
    ``member`` is the argument list (``*`` for an aggregate of none). For SCHEMA, ``schema``
    and ``name`` are both the schema's name.
    """

    kind: str
    schema: str
    name: str
    member: str | None
    comment: str | None

    phase = Phase.COMMENTS

    def render(self) -> tuple[str, ...]:
        if self.kind == "COLUMN":
            assert self.member is not None
            target = ident(self.schema, self.name, self.member)
        elif self.kind in ("FUNCTION", "PROCEDURE", "AGGREGATE"):
            assert self.member is not None
            target = f"{ident(self.schema, self.name)}({self.member})"
        elif self.kind in ("CONSTRAINT", "TRIGGER", "POLICY"):
            assert self.member is not None
            target = f"{ident(self.member)} ON {ident(self.schema, self.name)}"
        elif self.kind == "SCHEMA":
            target = ident(self.schema)
        else:
            target = ident(self.schema, self.name)
        return (f"COMMENT ON {self.kind} {target} IS {literal(self.comment)}",)
