"""Row-level security policies: created once their table and everything their expressions
use exist, altered in place where ``ALTER POLICY`` can (roles, USING, WITH CHECK), dropped
and created again where it cannot (the command, permissive or restrictive, an expression
removed) or when what they use changes underneath them (PostgreSQL refuses to alter the
type of a column, or drop a function or view, that a policy uses). Dropping one is a
blocking ``security`` hazard. Turning row-level security on and off is the table's
(:class:`~puckdb.kinds.tables.SetRowSecurity`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from puckdb.kinds.base import Hazard, Key, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.columns import AlterColumnType, DropColumn
from puckdb.kinds.comments import SetComment
from puckdb.kinds.enums import RecreateEnum
from puckdb.kinds.functions import DropFunction, RecreateFunction
from puckdb.kinds.tables import DropTable, RenameTable
from puckdb.kinds.views import DropView
from puckdb.model import Policy, PolicyCommand, Schema
from puckdb.quoting import ident

# Policies on partitions are not managed (partitions are not; they are named as
# unmanaged). The functions and relations an expression uses are its pg_depend entries.
POLICIES = """
SELECT n.nspname, c.relname, p.polname, p.polpermissive AS permissive, p.polcmd::text AS command,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) AS r ORDER BY 1) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expression,
       pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
       ARRAY(SELECT DISTINCT ARRAY[fn.nspname::text, f.proname::text]
             FROM pg_depend d
             JOIN pg_proc f ON f.oid = d.refobjid
             JOIN pg_namespace fn ON fn.oid = f.pronamespace
             WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid
               AND d.refclassid = 'pg_proc'::regclass
               AND fn.nspname = ANY(%(schemas)s::text[])) AS functions,
       ARRAY(SELECT DISTINCT ARRAY[rn.nspname::text, rc.relname::text]
             FROM pg_depend d
             JOIN pg_class rc ON rc.oid = d.refobjid
             JOIN pg_namespace rn ON rn.oid = rc.relnamespace
             WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid
               AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> p.polrelid
               AND rc.relkind IN ('r', 'p', 'v', 'm')
               AND rn.nspname = ANY(%(schemas)s::text[])) AS relations,
       obj_description(p.oid, 'pg_policy') AS comment
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
"""

_COMMANDS: dict[str, PolicyCommand] = {
    "*": "ALL",
    "r": "SELECT",
    "a": "INSERT",
    "w": "UPDATE",
    "d": "DELETE",
}


def role_list(roles: Sequence[str]) -> str:
    """``TO``'s role list: PUBLIC is a keyword, every other role a name."""
    return ", ".join("PUBLIC" if role == "public" else ident(role) for role in roles)


def _parenthesized(expression: str) -> str:
    """``(expression)``, unless PostgreSQL already printed it in one pair of parentheses
    (``(owner = CURRENT_USER)``), so the statement reads as it was written."""
    depth = 0
    quoted: str | None = None
    for position, character in enumerate(expression):
        if quoted is not None:
            quoted = None if character == quoted else quoted
        elif character in "'\"":
            quoted = character
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0 and position != len(expression) - 1:
                break
    else:
        if expression.startswith("(") and depth == 0:
            return expression
    return f"({expression})"


def create_policy_sql(policy: Policy) -> str:
    """The ``CREATE POLICY`` statement; the defaults (PERMISSIVE, FOR ALL, TO PUBLIC) are
    left out, as PostgreSQL would fill them in."""
    parts = [f"CREATE POLICY {ident(policy.name)} ON {ident(policy.schema, policy.table)}"]
    if not policy.permissive:
        parts.append("AS RESTRICTIVE")
    if policy.command != "ALL":
        parts.append(f"FOR {policy.command}")
    if policy.roles != ("public",):
        parts.append(f"TO {role_list(policy.roles)}")
    if policy.using is not None:
        parts.append(f"USING {_parenthesized(policy.using)}")
    if policy.with_check is not None:
        parts.append(f"WITH CHECK {_parenthesized(policy.with_check)}")
    return " ".join(parts)


def _label(policy: Policy) -> str:
    return f"{policy.name} on {name_in_message(policy.schema, policy.table)}"


@dataclass(frozen=True)
class CreatePolicy(Operation):
    policy: Policy

    phase = Phase.CREATE_POLICIES

    def render(self) -> tuple[str, ...]:
        return (create_policy_sql(self.policy),)


@dataclass(frozen=True)
class AlterPolicy(Operation):
    """``ALTER POLICY … TO … USING … WITH CHECK …`` with the clauses that change (an
    expression is only ever replaced here, never removed: that takes a re-creation)."""

    old: Policy
    new: Policy

    phase = Phase.CREATE_POLICIES

    def render(self) -> tuple[str, ...]:
        old, new = self.old, self.new
        parts = [f"ALTER POLICY {ident(new.name)} ON {ident(new.schema, new.table)}"]
        if old.roles != new.roles:
            parts.append(f"TO {role_list(new.roles)}")
        if old.using != new.using and new.using is not None:
            parts.append(f"USING {_parenthesized(new.using)}")
        if old.with_check != new.with_check and new.with_check is not None:
            parts.append(f"WITH CHECK {_parenthesized(new.with_check)}")
        return (" ".join(parts),)


@dataclass(frozen=True)
class DropPolicy(Operation):
    policy: Policy
    recreated: bool = False
    """Dropped only to be created again (a new command, or what it uses changes)."""

    phase = Phase.DROP_POLICIES

    def render(self) -> tuple[str, ...]:
        return (f"DROP POLICY {ident(self.policy.name)} ON {ident(self.policy.schema, self.policy.table)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if self.recreated:
            return ()
        policy = self.policy
        roles = "every role" if policy.roles == ("public",) else ", ".join(policy.roles)
        if policy.permissive:
            message = (
                f"drops policy {_label(policy)}; what it let {roles} read or write is refused "
                "unless another policy allows it"
            )
        else:
            message = (
                f"drops restrictive policy {_label(policy)}; the rows it kept from {roles} "
                "become visible and writable to them"
            )
        return (Hazard("security", message),)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    policies = (
        Policy(
            schema=row["nspname"],
            table=row["relname"],
            name=row["polname"],
            permissive=row["permissive"],
            command=_COMMANDS[row["command"]],
            roles=tuple(row["roles"]),
            using=row["using_expression"],
            with_check=row["with_check"],
            functions=tuple(cast(tuple[str, str], tuple(pair)) for pair in row["functions"]),
            relations=tuple(cast(tuple[str, str], tuple(pair)) for pair in row["relations"]),
            comment=row["comment"],
        )
        for row in rows["policies"]
    )
    return {"policies": tuple(policies)}


@dataclass(frozen=True)
class _Changes:
    """What the earlier kinds' operations do to what policies use."""

    gone: frozenset[Key]
    """Tables dropped (perhaps to be created again): their policies went with them."""
    altered: frozenset[Key]
    """Tables and views whose columns are dropped, re-typed or re-created, or that are
    dropped: a policy using them must let go first."""
    functions: frozenset[tuple[str, str]]
    """Functions dropped or dropped and created again."""
    renamed: Mapping[Key, str]
    """Tables renamed: (schema, old name) → new name."""


def _changes(earlier: Sequence[Operation]) -> _Changes:
    gone: set[Key] = set()
    altered: set[Key] = set()
    functions: set[tuple[str, str]] = set()
    renamed: dict[Key, str] = {}
    for operation in earlier:
        if isinstance(operation, AlterColumnType | DropColumn):
            altered.add((operation.schema, operation.table))
        elif isinstance(operation, RecreateEnum):
            altered.update((column.schema, column.table) for column in operation.columns)
        elif isinstance(operation, DropTable):
            gone.add(operation.table.key)
            altered.add(operation.table.key)
        elif isinstance(operation, DropView):
            altered.add(operation.view.key)
        elif isinstance(operation, RecreateFunction):
            functions.add((operation.old.schema, operation.old.name))
        elif isinstance(operation, DropFunction):
            functions.add((operation.function.schema, operation.function.name))
        elif isinstance(operation, RenameTable):
            renamed[(operation.schema, operation.old)] = operation.new
    return _Changes(frozenset(gone), frozenset(altered), frozenset(functions), renamed)


def _must_recreate(old: Policy, new: Policy, changes: _Changes) -> bool:
    if (old.command, old.permissive) != (new.command, new.permissive):
        return True  # ALTER POLICY cannot change either
    if (old.using is not None and new.using is None) or (
        old.with_check is not None and new.with_check is None
    ):
        return True  # nor remove an expression
    uses = {(old.schema, old.table), *old.relations}
    return bool(uses & changes.altered) or bool(set(old.functions) & changes.functions)


def _create(policy: Policy) -> list[Operation]:
    operations: list[Operation] = [CreatePolicy(policy)]
    if policy.comment is not None:
        operations.append(SetComment("POLICY", policy.schema, policy.table, policy.name, policy.comment))
    return operations


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    changes = _changes(earlier)
    before: dict[tuple[str, str, str], Policy] = {}
    for policy in source.policies:
        if (policy.schema, policy.table) in changes.gone:
            continue  # went with its table
        new_name = changes.renamed.get((policy.schema, policy.table))
        # A policy follows its table's rename, as it does in PostgreSQL.
        moved = replace(policy, table=new_name) if new_name is not None else policy
        before[moved.key] = moved
    after = {policy.key: policy for policy in target.policies}
    operations: list[Operation] = []
    for key, policy in after.items():
        old = before.get(key)
        if old is None:
            operations.extend(_create(policy))
            continue
        if _must_recreate(old, policy, changes):
            operations.append(DropPolicy(old, recreated=True))
            operations.extend(_create(policy))
            continue
        if (old.roles, old.using, old.with_check) != (policy.roles, policy.using, policy.with_check):
            operations.append(AlterPolicy(old, policy))
        if old.comment != policy.comment:
            operations.append(SetComment("POLICY", policy.schema, policy.table, policy.name, policy.comment))
    operations.extend(DropPolicy(policy) for key, policy in before.items() if key not in after)
    return operations


KIND = Kind("policies", queries=(("policies", POLICIES),), assemble=_assemble, diff=_diff)
