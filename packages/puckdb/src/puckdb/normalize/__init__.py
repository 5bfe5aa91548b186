"""normalize: the model of the schema code, as PostgreSQL understands it.

The MetaData (plus puckdb's views and the extensions it needs) is compiled to DDL, run in a
scratch database on a development server, and inspected back. PostgreSQL, not string
handling, decides what a default, a CHECK expression or a view body canonically is, so code
and databases compare without false differences. The result is cached under
``.puckdb/cache/normalize`` by a hash of the DDL, the managed schemas and the server, so an
unchanged schema costs no database work at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from puckdb import __version__
from puckdb.normalize.scratch import DevServer, scratch_database
from puckdb.schema_cache import read_cached_schema, write_cached_schema

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from puckdb.model import Schema

__all__ = ["DevServer", "compile_metadata", "normalize", "normalize_ddl"]


def __getattr__(name: str) -> Any:
    # SQLAlchemy is imported only when code is compiled: a command served from a cache
    # (or one that never compiles, like apply) does not pay for importing it.
    if name == "compile_metadata":
        from puckdb.normalize.ddl import compile_metadata

        return compile_metadata
    raise AttributeError(name)


_FIXED_POINT_PASSES = 3


def normalize(
    metadata: MetaData,
    server: DevServer,
    *,
    schemas: Sequence[str] = ("public",),
    extensions: Sequence[str] = (),
    cache_dir: Path | None = None,
) -> Schema:
    """The :class:`Schema` that ``metadata`` creates, as PostgreSQL on ``server`` reads it.

    ``schemas`` are the managed schemas (created if missing, the only ones inspected);
    ``extensions`` are created beyond those the column types need (pgvector's → ``vector``);
    ``cache_dir`` (usually ``.puckdb/cache/normalize``) keeps results by content hash: a
    cache hit costs no database work, and after a few tables changed only those are
    rebuilt (:mod:`puckdb.normalize.incremental`). ``None`` disables caching.

    Raises :class:`~puckdb.errors.SchemaCodeError` when PostgreSQL rejects the compiled
    DDL (naming the statement), and :class:`~puckdb.normalize.fixed_point.RenderingLossError`
    when puckdb's own SQL for the schema would not build it again (a puckdb defect).
    """
    from puckdb.model import Schema
    from puckdb.normalize import incremental
    from puckdb.normalize.ddl import all_view_statements, owned_statements, prelude_statements

    prelude = prelude_statements(metadata, schemas, extensions)
    owned = owned_statements(metadata)
    views = all_view_statements(metadata)
    statements = (*prelude, *(sql for _, sql in owned), *views)
    key = _cache_key(statements, schemas, server)
    cached = read_cached_schema(cache_dir, key)
    if cached is not None:
        return cached
    units = incremental.ddl_units(owned, prelude, views, metadata)
    manifest = incremental.read_manifest(cache_dir, server.cache_key, schemas)
    changed = incremental.tables_to_rebuild(units, metadata, manifest)
    if manifest is not None and changed is not None:
        rebuilt = (
            normalize_ddl(
                incremental.rebuild_statements(units, metadata, changed),
                server,
                schemas=schemas,
                origin="the schema code (the changed tables)",
            )
            if changed
            else Schema()  # only removals, or the same DDL in another order
        )
        schema = incremental.merge(manifest, rebuilt, changed, units)
    else:
        schema = normalize_ddl(statements, server, schemas=schemas, origin="the schema code")
    write_cached_schema(cache_dir, key, schema)
    incremental.write_manifest(cache_dir, server.cache_key, schemas, units, schema)
    return schema


def normalize_ddl(
    statements: Sequence[str],
    server: DevServer,
    *,
    schemas: Sequence[str],
    cache_dir: Path | None = None,
    origin: str = "the schema code",
) -> Schema:
    """Run ``statements`` in a scratch database on ``server`` and inspect the result.

    ``origin`` names the statements' source in error messages.
    """
    from puckdb.engine import migration_plan
    from puckdb.model import Schema
    from puckdb.normalize.defaults_probe import collapsed, expanded
    from puckdb.normalize.fixed_point import check_only_expressions_changed
    from puckdb.normalize.inert import with_inert, without_inert

    key = _cache_key(statements, schemas, server)
    cached = read_cached_schema(cache_dir, key)
    if cached is not None:
        return cached
    schema = _create_and_inspect(statements, server, schemas, origin)
    _refuse_unmanaged(schema, origin)
    # The model of the code is taken where PostgreSQL's printing and re-parsing agree (see
    # fixed_point.py); one more pass almost always suffices. Only what can be re-printed is
    # rebuilt: the inert parts (inert.py), most of a large schema's build, cannot change,
    # and plain tables are rebuilt as one column per distinct default (defaults_probe.py).
    without, inert = without_inert(schema)
    probe, plain = collapsed(without)
    settled = probe
    for _ in range(_FIXED_POINT_PASSES):
        rebuilt = [statement.sql for statement in migration_plan(Schema(), settled).statements]
        again = _create_and_inspect(rebuilt, server, schemas, "puckdb's rendering of " + origin)
        if again == settled:
            break
        check_only_expressions_changed(settled, again, origin)
        settled = again
    if settled is not probe:
        schema = with_inert(expanded(settled, plain), inert)
    write_cached_schema(cache_dir, key, schema)
    return schema


def _refuse_unmanaged(schema: Schema, origin: str) -> None:
    """Code that creates what puckdb does not manage (through a ``DDL(...)`` event, say)
    could never be migrated: no plan would create it. Say so instead of dropping it."""
    if not schema.unmanaged:
        return
    from puckdb.errors import SchemaCodeError
    from puckdb.unmanaged_report import counted, summary

    listed = "; ".join(summary(schema.unmanaged))
    raise SchemaCodeError(
        f"{origin[0].upper()}{origin[1:]} creates {counted(schema.unmanaged)} that puckdb does not manage "
        f"({listed}), most likely through DDL(...) attached with event.listen. puckdb cannot generate "
        "migrations for them, so they would be missing from every database it builds. Declare them with "
        "puckdb's objects where one exists (Function, Procedure, Aggregate, Trigger, View, Policy), or "
        "remove them from the schema code and create them in a hand-written migration "
        "(`puckdb generate --custom`)."
    )


def _create_and_inspect(
    statements: Sequence[str], server: DevServer, schemas: Sequence[str], origin: str
) -> Schema:
    import psycopg

    from puckdb.connect import connect
    from puckdb.errors import SchemaCodeError
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.sqltext import script_text
    from puckdb.sqlerrors import describe_statement_error

    with scratch_database(server) as url, connect(url, autocommit=True) as conn:
        # One script in one transaction: a round trip and a commit instead of one per
        # statement (several times faster on a large schema). Only when PostgreSQL rejects
        # it are the statements run one by one, to name the one that fails.
        script = script_text(statements).encode()
        try:
            with conn.transaction():
                conn.execute(script)
            return inspect_schema(conn, schemas)
        except psycopg.Error:
            pass
        for number, statement in enumerate(statements, start=1):
            try:
                conn.execute(statement.encode())  # bytes: run as written, no %-placeholders
            except psycopg.Error as error:
                missing = _missing_grantee(error, statement)
                if missing is not None:
                    raise SchemaCodeError(
                        f"The schema code grants privileges to the role {missing!r}, which does not exist "
                        f"on the development server ({statement}). Roles are cluster-wide and not part of "
                        f"the schema, so puckdb does not create them: create it on every server the schema "
                        f'goes to (CREATE ROLE "{missing}" NOLOGIN, or with LOGIN for an application), '
                        "the development server included, or remove the Grant."
                    ) from error
                where = f"statement {number} of the DDL compiled from {origin}"
                raise SchemaCodeError(
                    describe_statement_error(error, statement, where) + _advice(error, statement)
                ) from error
        return inspect_schema(conn, schemas)


def _advice(error: Exception, statement: str) -> str:
    """What to do about a statement of the schema code that PostgreSQL rejected."""
    import psycopg

    if (
        isinstance(error, psycopg.errors.UndefinedObject)
        and statement.startswith("CREATE POLICY")
        and "role" in str(error)
    ):
        # Roles are the cluster's, not a schema's: puckdb neither declares nor creates them.
        return (
            "\nA policy's roles must exist wherever it is created: create the role on the development "
            "server (and on every server the migrations run on), e.g. CREATE ROLE name NOLOGIN, or fix "
            "the Policy's to=."
        )
    return "\nFix the schema code (the statement above is what SQLAlchemy compiled from it)."


def _missing_grantee(error: Exception, statement: str) -> str | None:
    """The role a failing GRANT or REVOKE names that does not exist, if that is why it failed."""
    import re

    import psycopg.errors

    if not isinstance(error, psycopg.errors.UndefinedObject) or not statement.startswith(
        ("GRANT ", "REVOKE ")
    ):
        return None
    found = re.search(r'role "((?:[^"]|"")*)" does not exist', str(error))
    return found.group(1) if found else None


def _cache_key(statements: Sequence[str], schemas: Sequence[str], server: DevServer) -> str:
    payload = json.dumps(
        {"puckdb": __version__, "server": server.cache_key, "schemas": list(schemas), "ddl": list(statements)}
    )
    return hashlib.sha256(payload.encode()).hexdigest()
