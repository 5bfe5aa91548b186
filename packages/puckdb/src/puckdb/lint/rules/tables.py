"""``ALTER TABLE`` on an existing table: dropped columns, type changes, NOT NULL, new
columns and new constraints.

Every rule here is about a table that may be large and busy; a table created earlier in
the same migration is skipped as a whole.
"""

from __future__ import annotations

from collections.abc import Collection

from pglast import ast, enums

from puckdb.kinds.casts import MANUAL_USING
from puckdb.lint.findings import Hit
from puckdb.lint.names import DEFAULT_SCHEMA, QualifiedName, display, is_serial, relation_name, type_name
from puckdb.lint.rules.common import blocking, walk, warning
from puckdb.lint.scope import FileScope
from puckdb.plan.hazards import is_narrowing, rewrites_table

_Type = enums.AlterTableType
_Constr = enums.ConstrType

# Functions whose value differs per row: a default calling one is computed for every
# existing row when the column is added, which rewrites the table.
_VOLATILE = frozenset(
    {
        "random",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
        "clock_timestamp",
        "timeofday",
        "nextval",
    }
)
_NOT_VALID_HINT = (
    "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (that scan does not block writes)"
)


def alter_table(node: ast.AlterTableStmt, scope: FileScope) -> list[Hit]:
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not isinstance(node.relation, ast.RangeVar):
        return []
    table = relation_name(node.relation)
    if scope.is_new_table(table):
        return []
    hits: list[Hit] = []
    for command in node.cmds or ():
        if isinstance(command, ast.AlterTableCmd):
            hits.extend(_command(table, command, scope))
    return hits


def _command(table: QualifiedName, command: ast.AlterTableCmd, scope: FileScope) -> list[Hit]:
    kind = command.subtype
    column = command.name or ""
    definition = command.def_
    if kind == _Type.AT_DropColumn and not scope.is_new_column(table, column):
        known = scope.catalog.column(table, column)
        if known is not None and known.generated:
            return [
                warning(
                    "backward-incompatible",
                    f"drops generated column {display(table, column)}; code reading it breaks",
                    "stop using the column in code and deploy that first",
                )
            ]
        return [
            blocking(
                "data-loss",
                f"drops column {display(table, column)} and its values",
                "stop using the column in code and deploy that first, then drop it; keep a copy "
                "if the values may be needed",
            )
        ]
    if kind == _Type.AT_SetNotNull and not scope.is_new_column(table, column):
        return [_not_null_scan(table, column)]
    if kind == _Type.AT_AlterColumnType and isinstance(definition, ast.ColumnDef):
        return _manual_using(table, column, definition) + _type_change(table, column, definition, scope)
    if kind == _Type.AT_AddColumn and isinstance(definition, ast.ColumnDef):
        return _add_column(table, definition)
    if kind == _Type.AT_AddConstraint and isinstance(definition, ast.Constraint):
        return _add_constraint(table, definition, scope)
    return []


def _not_null_scan(table: QualifiedName, column: str) -> Hit:
    return warning(
        "access-exclusive-lock",
        f"scans {display(table)} to check {column} holds no NULLs, blocking reads and writes meanwhile",
        f"add CHECK ({column} IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT "
        "NULL (PostgreSQL skips the scan when a valid CHECK proves it)",
    )


def _manual_using(table: QualifiedName, column: str, definition: ast.ColumnDef) -> list[Hit]:
    """The placeholder ``generate`` writes where PostgreSQL has no cast: the migration
    cannot run until it is replaced, so no header line can accept it."""
    calls = [node for node in walk(definition.raw_default) if isinstance(node, ast.FuncCall)]
    if not any(_function_name(call) == MANUAL_USING for call in calls):
        return []
    return [
        blocking(
            "manual-using",
            f"changes the type of {display(table, column)} with the placeholder {MANUAL_USING}(…), which "
            "generate writes where PostgreSQL has no cast between the types",
            f"replace {MANUAL_USING}(…) in the USING clause with an expression that converts each value",
            acknowledgeable=False,
        )
    ]


def _function_name(call: ast.FuncCall) -> str:
    return ".".join(str(getattr(part, "sval", "")) for part in call.funcname or ())


def _type_change(table: QualifiedName, column: str, definition: ast.ColumnDef, scope: FileScope) -> list[Hit]:
    new = type_name(definition.typeName)
    old = scope.catalog.column_type(table, column)
    name = display(table, column)
    if new is None or old is None:
        return [
            warning(
                "table-rewrite",
                f"changes the type of {name}{f' to {new}' if new else ''}; its current type is unknown "
                "to lint, so it cannot tell whether this rewrites the table or narrows values",
                "check the current type: widening varchar or varchar → text is free, most other "
                "changes rewrite the table; a narrowing change needs `data-loss` acknowledged",
            )
        ]
    if old == new:
        return []
    hits: list[Hit] = []
    # Enum to enum (the re-created enum pattern) is judged by its labels, in create_enum.
    enums_known = scope.catalog.enums.keys()
    both_enums = _is_enum(old, enums_known) and _is_enum(new, enums_known)
    if not both_enums and is_narrowing(old, new):
        hits.append(
            blocking(
                "data-loss",
                f"narrows {name} ({old} → {new}); values that do not fit make it fail or are cut",
                "check the longest/largest value fits first, or add a new column and copy the values",
            )
        )
    if both_enums or rewrites_table(old, new):
        hits.append(
            warning(
                "table-rewrite",
                f"rewrites {display(table)} to change {name} ({old} → {new}), blocking it meanwhile",
                "for a large table, add a new column, backfill it in batches and switch over",
            )
        )
    return hits


def _is_enum(data_type: str, known: Collection[QualifiedName]) -> bool:
    schema, _, name = data_type.removesuffix("[]").rpartition(".")
    return (schema or DEFAULT_SCHEMA, name) in known


def _add_column(table: QualifiedName, definition: ast.ColumnDef) -> list[Hit]:
    name = display(table, definition.colname or "")
    constraints = [c for c in definition.constraints or () if isinstance(c, ast.Constraint)]
    kinds = {constraint.contype for constraint in constraints}
    generated = [c for c in constraints if c.contype == _Constr.CONSTR_GENERATED]
    # PostgreSQL 18's virtual generated columns are computed on read: no rewrite.
    stored = any(c.generated_kind != "v" for c in generated)
    identity = _Constr.CONSTR_IDENTITY in kinds
    serial = is_serial(definition.typeName)
    default = next((c.raw_expr for c in constraints if c.contype == _Constr.CONSTR_DEFAULT), None)
    hits: list[Hit] = []
    filled = default is not None or identity or bool(generated) or serial
    if (_Constr.CONSTR_NOTNULL in kinds or definition.is_not_null) and not filled:
        hits.append(
            warning(
                "backfill-required",
                f"adds NOT NULL column {name} without a default; it fails if {display(table)} has rows",
                "add the column nullable (or with a constant DEFAULT), backfill it, then SET NOT NULL "
                "in a later migration",
            )
        )
    if stored or identity or serial or _volatile(default):
        hits.append(
            warning(
                "table-rewrite",
                f"computes {name} for every existing row, rewriting {display(table)} while blocking it",
                "add the column without the computed default, backfill it in batches, then set the default",
            )
        )
    if _Constr.CONSTR_PRIMARY in kinds or _Constr.CONSTR_UNIQUE in kinds:
        hits.append(_index_build(table, f"the unique index of {name}"))
    if _Constr.CONSTR_FOREIGN in kinds or _Constr.CONSTR_CHECK in kinds:
        hits.append(
            warning(
                "access-exclusive-lock",
                f"validates the constraint on new column {name} by scanning {display(table)} while it "
                "is locked",
                f"add the column first, then the constraint: {_NOT_VALID_HINT}",
            )
        )
    return hits


def _volatile(expression: ast.Node | None) -> bool:
    for node in walk(expression):
        if isinstance(node, ast.FuncCall):
            names = [part.sval for part in node.funcname or () if isinstance(part, ast.String)]
            if names and names[-1] in _VOLATILE:
                return True
    return False


def _add_constraint(table: QualifiedName, constraint: ast.Constraint, scope: FileScope) -> list[Hit]:
    kind = constraint.contype
    label = constraint.conname or "a constraint"
    if kind in (_Constr.CONSTR_FOREIGN, _Constr.CONSTR_CHECK) and not constraint.skip_validation:
        what = "foreign key" if kind == _Constr.CONSTR_FOREIGN else "check"
        return [
            warning(
                "access-exclusive-lock",
                f"adds {what} {label} to {display(table)} and validates every row while blocking writes",
                _NOT_VALID_HINT,
            )
        ]
    if kind == _Constr.CONSTR_NOTNULL and not constraint.skip_validation:
        # PostgreSQL 18: ADD CONSTRAINT … NOT NULL col scans like SET NOT NULL.
        columns = [key.sval for key in constraint.keys or () if isinstance(key, ast.String)]
        existing = [column for column in columns if column and not scope.is_new_column(table, column)]
        return [_not_null_scan(table, column) for column in existing]
    if kind in (_Constr.CONSTR_PRIMARY, _Constr.CONSTR_UNIQUE) and not constraint.indexname:
        return [_index_build(table, f"the index of {label}")]
    if kind == _Constr.CONSTR_EXCLUSION:
        return [
            warning(
                "non-concurrent-index",
                f"builds the index of {label} on {display(table)} while blocking writes",
                "an exclusion constraint cannot use a prebuilt index: run it when the table is quiet",
            )
        ]
    return []


def _index_build(table: QualifiedName, what: str) -> Hit:
    return warning(
        "non-concurrent-index",
        f"builds {what} on {display(table)} while blocking writes",
        "build a unique index with CREATE UNIQUE INDEX CONCURRENTLY (in a migration with "
        "`-- Transaction: no`), then ADD CONSTRAINT … USING INDEX",
    )
