"""What two view definitions are compared by: the query with what PostgreSQL's printing
does not settle on taken out.

``pg_get_viewdef`` prints the column names of a set operation's later arms (``UNION ALL
SELECT b.x, NULL::text``) as the stored rule has them, and those depend on how the query
was first written: created from its own printed text, the same view prints ``NULL::text AS
text``. The names of those arms mean nothing (a set operation takes its column names from
its first arm), so they are left out of the comparison; everything else is compared as
PostgreSQL's parser reads it.
"""

from __future__ import annotations

from functools import lru_cache

from pglast import ast, parse_sql
from pglast.enums import SetOperation
from pglast.parser import ParseError
from pglast.stream import RawStream


@lru_cache(maxsize=4096)
def view_key(definition: str) -> str:
    """The text two equal views share; the definition itself when it cannot be parsed."""
    try:
        statements = parse_sql(definition)
    except ParseError:  # compare the text as printed
        return definition
    for statement in statements:
        _clear_later_arm_names(statement)
    return str(RawStream()(statements))


def _clear_later_arm_names(node: object) -> None:
    if isinstance(node, tuple):
        for item in node:
            _clear_later_arm_names(item)
        return
    if not isinstance(node, ast.Node):
        return
    if isinstance(node, ast.SelectStmt) and node.op not in (None, SetOperation.SETOP_NONE):
        _clear_arm(node.rarg)
    for attribute in node:
        _clear_later_arm_names(getattr(node, attribute))


def _clear_arm(arm: ast.SelectStmt | None) -> None:
    if arm is None:
        return
    if arm.op in (None, SetOperation.SETOP_NONE):
        for target in arm.targetList or ():
            if isinstance(target, ast.ResTarget):
                target.name = None
        return
    _clear_arm(arm.larg)
    _clear_arm(arm.rarg)
