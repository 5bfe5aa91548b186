"""The schema the migrations folder builds, by replaying it into a shadow database.

Replaying (rather than trusting snapshots) honours hand-written migrations and edits made
before a migration was applied. Two caches make it cheap:

- the inspected schema, on disk, by the chain hash of the folder's checksums: an unchanged
  folder costs no database work;
- the shadow database itself, kept on the development server under a name derived from the
  same chain hash: after appending a migration, the previous shadow is copied (a template
  copy, far cheaper than replaying) and only the new file runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from puckdb import __version__
from puckdb.migrations.files import Migration
from puckdb.migrations.lockfile import chain_hashes
from puckdb.model import Schema
from puckdb.normalize.scratch import DevServer
from puckdb.schema_cache import read_cached_schema, write_cached_schema

if TYPE_CHECKING:
    import psycopg

# psycopg and the inspector are imported where a replay happens: a cache hit (the common
# case for generate) needs neither.

SHADOW_PREFIX = "puckdb_shadow_"
_KEEP_SHADOWS = 3


def migrations_schema(
    migrations: Sequence[Migration],
    server: DevServer,
    *,
    schemas: Sequence[str],
    cache_dir: Path | None = None,
) -> Schema:
    """The schema a database holds after applying ``migrations`` in order."""
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    key = hashlib.sha256(
        json.dumps(
            {"puckdb": __version__, "server": server.cache_key, "schemas": list(schemas), "chain": chain[-1:]}
        ).encode()
    ).hexdigest()
    cached = read_cached_schema(cache_dir, key)
    if cached is not None:
        return cached
    schema = _replay(migrations, chain, server, schemas)
    write_cached_schema(cache_dir, key, schema)
    return schema


def _shadow_name(chain_hash: str) -> str:
    return SHADOW_PREFIX + chain_hash[:32]


def shadow_database_name(migrations: Sequence[Migration]) -> str:
    """The name of the shadow database that holds the state ``migrations`` build (kept on
    the development server once they were replayed, until pruned)."""
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    return _shadow_name(chain[-1])


def _replay(
    migrations: Sequence[Migration], chain: list[str], server: DevServer, schemas: Sequence[str]
) -> Schema:
    import psycopg

    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.runner import MigrationSqlError

    admin_url = server.admin_url()
    with connect(admin_url, autocommit=True) as admin:
        existing = _shadows(admin)
        start, template = 0, "template0"
        for count in range(len(migrations), 0, -1):
            if _shadow_name(chain[count - 1]) in existing:
                start, template = count, _shadow_name(chain[count - 1])
                break
        if start == len(migrations) and start > 0:
            return _inspect(admin_url, template, schemas)
        working = f"{SHADOW_PREFIX}tmp_{os.getpid()}_{secrets.token_hex(4)}"
        _create_database(admin, working, template)
        try:
            url = psycopg.conninfo.make_conninfo(admin_url, dbname=working)
            with connect(url, autocommit=True) as conn:
                for migration in migrations[start:]:
                    try:
                        _run(conn, migration)
                    except MigrationSqlError as error:
                        raise MigrationSqlError(
                            "Replaying the migrations folder into a shadow database (to learn the schema "
                            f"the migrations build) failed at {migration.file_name}.\n{error.message}\n"
                            "Every migration must run on the state the ones before it leave: fix the file "
                            "(if it is not applied anywhere) and run the command again."
                        ) from error
                schema = inspect_schema(conn, schemas)
            if migrations:
                _keep(admin, working, _shadow_name(chain[-1]))
                _prune(admin)
            else:
                _drop(admin, working)
        except BaseException:
            _drop(admin, working)
            raise
    return schema


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

    strategy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
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
