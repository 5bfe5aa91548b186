"""The schema the migrations folder builds, by replaying it into a shadow database.

Replaying (rather than trusting snapshots) honours hand-written migrations and edits made
before a migration was applied. Two caches make it cheap:

- the inspected schema, on disk, by the chain hash of the folder's checksums: an unchanged
  folder costs no database work;
- the shadow database itself, kept on the development server under a name derived from the
  same chain hash: after appending a migration, the previous shadow is copied (a template
  copy, far cheaper than replaying) and only the new file runs.

A folder may use an extension no migration creates (pgvector made by hand on every
database, as drizzle-kit projects did): the extensions the project needs are created in the
shadow database before the first migration runs (the *given* extensions). They are part of
both cache keys, since the state depends on them. The schema returned leaves out a given
extension that no migration creates, unless asked for: compared with the code, the folder
must still be seen as not creating it (so generate writes the ``CREATE EXTENSION`` that a
fresh database needs), while compared with a live database it is simply there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from puckdb import __version__
from puckdb.errors import PuckdbError
from puckdb.migrations.files import Migration
from puckdb.migrations.lockfile import chain_hashes
from puckdb.model import Schema
from puckdb.normalize.scratch import DevServer, copy_strategy
from puckdb.schema_cache import read_cached_schema, write_cached_schema

if TYPE_CHECKING:
    import psycopg

# psycopg and the inspector are imported where a replay happens: a cache hit (the common
# case for generate) needs neither.

SHADOW_PREFIX = "puckdb_shadow_"
_KEEP_SHADOWS = 3


class ShadowReplayError(PuckdbError):
    """A migration failed when replayed into a shadow database."""

    def __init__(self, message: str, migration: Migration, cause: str) -> None:
        super().__init__(message)
        self.migration = migration
        self.cause = cause
        """PostgreSQL's complaint, located in the file."""


def replay_failure(migration: Migration, cause: str, applied_on: str | None = None) -> ShadowReplayError:
    """The error for ``migration`` failing in a shadow database. ``applied_on`` names a
    database known to have applied it: such a file must not be edited, so the advice is
    about what that database had that the shadow lacks."""
    opening = (
        "Replaying the migrations folder into a shadow database (to learn the schema the migrations "
        f"build) failed at {migration.file_name}.\n{cause}\n"
    )
    by_hand = (
        "that database held something the shadow database lacks when it ran (an object made by hand: a "
        "role, a schema, an extension; puckdb creates first only the extensions of the `extensions` "
        "setting, of the schema code's types and of the target database). Create what is missing in a "
        "migration before this one that is not applied anywhere yet, or, for an extension, add it to "
        "the `extensions` setting; then run the command again."
    )
    if applied_on is not None:
        advice = f"{migration.file_name} is applied on {applied_on}, so leave the file as it is: " + by_hand
    else:
        advice = (
            "Every migration must run on the state the ones before it leave. If no database has applied "
            f"{migration.file_name}, fix the file and run the command again; if one has, leave the file as "
            "it is: " + by_hand
        )
    return ShadowReplayError(opening + advice, migration, cause)


def migrations_schema(
    migrations: Sequence[Migration],
    server: DevServer,
    *,
    schemas: Sequence[str],
    cache_dir: Path | None = None,
    extensions: Sequence[str] = (),
    include_given_extensions: bool = False,
) -> Schema:
    """The schema a database holds after applying ``migrations`` in order, on a database
    that had ``extensions`` beforehand. A given extension no migration creates is left
    out of the result unless ``include_given_extensions`` (see the module's notes)."""
    given = given_extensions(migrations, extensions)
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    identity: dict[str, object] = {
        "puckdb": __version__,
        "server": server.cache_key,
        "schemas": list(schemas),
        "chain": chain[-1:],
    }
    if given:  # without extensions, the key of a folder stays what it always was
        identity["extensions"] = list(given)
    key = hashlib.sha256(json.dumps(identity).encode()).hexdigest()
    schema = read_cached_schema(cache_dir, key)
    if schema is None:
        schema = _replay(migrations, chain, server, schemas, given)
        write_cached_schema(cache_dir, key, schema)
    if include_given_extensions or not given:
        return schema
    created = _created_extensions(migrations)[0]
    kept = tuple(e for e in schema.extensions if e.name not in given or e.name in created)
    return dataclasses.replace(schema, extensions=kept)


def statement_states(
    before: Sequence[Migration],
    migration: Migration,
    server: DevServer,
    *,
    schemas: Sequence[str],
    extensions: Sequence[str] = (),
) -> list[Schema]:
    """The schema after ``before``, then after each statement of ``migration`` run on it in
    turn (one more state than statements): what each statement does at its own position in
    the folder. Given extensions are included, for comparison with a live database."""
    from psycopg.conninfo import make_conninfo

    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.runner import MigrationSqlError, run_statements

    given = given_extensions([*before, migration], extensions)
    chain = chain_hashes([(m.file_name, m.checksum) for m in before])
    admin_url = server.admin_url()
    with connect(admin_url, autocommit=True) as admin:
        start, template = _longest_kept(chain, given, _shadows(admin))
        working = _new_working(admin, admin_url, template, given if start == 0 else ())
        try:
            with connect(make_conninfo(admin_url, dbname=working), autocommit=True) as conn:
                for earlier in before[start:]:
                    _run_replayed(conn, earlier)
                states = [inspect_schema(conn, schemas)]
                try:
                    run_statements(
                        conn,
                        migration.statements,
                        migration.path,
                        after_each=lambda _: states.append(inspect_schema(conn, schemas)),
                        rolled_back=False,
                    )
                except MigrationSqlError as error:
                    raise replay_failure(migration, error.message) from error
        finally:
            _drop(admin, working)
    return states


def given_extensions(migrations: Sequence[Migration], extensions: Sequence[str]) -> tuple[str, ...]:
    """The ``extensions`` to create before replaying ``migrations``: all but those a
    migration creates without ``IF NOT EXISTS`` (which would fail on them)."""
    if not extensions:
        return ()
    plainly = _created_extensions(migrations)[1]
    return tuple(sorted(set(extensions) - plainly))


def _created_extensions(migrations: Sequence[Migration]) -> tuple[set[str], set[str]]:
    """The extensions ``CREATE EXTENSION`` statements of ``migrations`` create: all of them,
    and those without ``IF NOT EXISTS``. Read from PostgreSQL's grammar (pglast), only in
    files that mention extensions at all."""
    created: set[str] = set()
    plainly: set[str] = set()
    for migration in migrations:
        if "extension" not in migration.text.lower():
            continue
        from pglast import ast

        from puckdb.lint.parsing import parse_statements

        for statement in parse_statements(migration.text):
            node = statement.node
            if isinstance(node, ast.CreateExtensionStmt) and node.extname:
                created.add(node.extname)
                if not node.if_not_exists:
                    plainly.add(node.extname)
    return created, plainly


def _shadow_name(chain_hash: str, given: Sequence[str] = ()) -> str:
    if given:
        chain_hash = hashlib.sha256(json.dumps([chain_hash, list(given)]).encode()).hexdigest()
    return SHADOW_PREFIX + chain_hash[:32]


def shadow_database_name(migrations: Sequence[Migration], extensions: Sequence[str] = ()) -> str:
    """The name of the shadow database that holds the state ``migrations`` build (kept on
    the development server once they were replayed, until pruned)."""
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    return _shadow_name(chain[-1], given_extensions(migrations, extensions))


def _longest_kept(chain: Sequence[str], given: Sequence[str], existing: set[str]) -> tuple[int, str]:
    """How many migrations the longest kept shadow holds, and its name (template0: none)."""
    for count in range(len(chain), 0, -1):
        if _shadow_name(chain[count - 1], given) in existing:
            return count, _shadow_name(chain[count - 1], given)
    return 0, "template0"


def _new_working(
    admin: psycopg.Connection[Any], admin_url: str, template: str, extensions: Sequence[str]
) -> str:
    """A working copy of ``template``, holding ``extensions`` (for a copy of template0)."""
    from psycopg.conninfo import make_conninfo

    from puckdb.connect import connect
    from puckdb.normalize.scratch import create_extensions, refuse_missing_extensions

    if extensions:
        refuse_missing_extensions(admin, extensions)
    working = f"{SHADOW_PREFIX}tmp_{os.getpid()}_{secrets.token_hex(4)}"
    _create_database(admin, working, template)
    if extensions:
        try:
            with connect(make_conninfo(admin_url, dbname=working), autocommit=True) as conn:
                create_extensions(conn, extensions)
        except BaseException:
            _drop(admin, working)
            raise
    return working


def _replay(
    migrations: Sequence[Migration],
    chain: list[str],
    server: DevServer,
    schemas: Sequence[str],
    given: Sequence[str],
) -> Schema:
    from psycopg.conninfo import make_conninfo

    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema

    admin_url = server.admin_url()
    with connect(admin_url, autocommit=True) as admin:
        start, template = _longest_kept(chain, given, _shadows(admin))
        if start == len(migrations) and start > 0:
            return _inspect(admin_url, template, schemas)
        working = _new_working(admin, admin_url, template, given if start == 0 else ())
        try:
            with connect(make_conninfo(admin_url, dbname=working), autocommit=True) as conn:
                for migration in migrations[start:]:
                    _run_replayed(conn, migration)
                schema = inspect_schema(conn, schemas)
            if migrations:
                _keep(admin, working, _shadow_name(chain[-1], given))
                _prune(admin)
            else:
                _drop(admin, working)
        except BaseException:
            _drop(admin, working)
            raise
    return schema


def _run_replayed(conn: psycopg.Connection[Any], migration: Migration) -> None:
    from puckdb.migrations.runner import MigrationSqlError

    try:
        _run(conn, migration)
    except MigrationSqlError as error:
        raise replay_failure(migration, error.message) from error


def _run(conn: psycopg.Connection[Any], migration: Migration) -> None:
    from puckdb.migrations.runner import run_in_transaction, run_statements

    if migration.header.transactional:
        run_in_transaction(conn, migration.statements, migration.path)
    else:
        run_statements(conn, migration.statements, migration.path, rolled_back=False)


def _inspect(admin_url: str, database: str, schemas: Sequence[str]) -> Schema:
    import psycopg

    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema

    url = psycopg.conninfo.make_conninfo(admin_url, dbname=database)
    with connect(url, autocommit=True) as conn:
        return inspect_schema(conn, schemas)


def _shadows(admin: psycopg.Connection[Any]) -> set[str]:
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (SHADOW_PREFIX,)
    ).fetchall()
    return {row[0] for row in rows}


def _create_database(admin: psycopg.Connection[Any], name: str, template: str) -> None:
    from psycopg import sql

    strategy = copy_strategy(admin.info.server_version)
    admin.execute(
        sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
            sql.Identifier(name), sql.Identifier(template)
        )
    )


def _keep(admin: psycopg.Connection[Any], working: str, final: str) -> None:
    """Rename the working copy to its chain name; a concurrent run may have got there
    first, in which case its copy is as good as ours."""
    import psycopg
    from psycopg import sql

    try:
        admin.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(working), sql.Identifier(final))
        )
    except psycopg.errors.DuplicateDatabase:
        _drop(admin, working)


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    from psycopg import sql

    if admin.closed or admin.broken:
        return
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _prune(admin: psycopg.Connection[Any]) -> None:
    """Keep the newest few shadows (one per recent folder state, e.g. per branch)."""
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname NOT LIKE %s "
        "ORDER BY oid DESC OFFSET %s",
        (SHADOW_PREFIX, f"{SHADOW_PREFIX}tmp\\_%", _KEEP_SHADOWS),
    ).fetchall()
    for (name,) in rows:
        _drop(admin, name)
