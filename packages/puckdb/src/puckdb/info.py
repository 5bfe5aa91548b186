"""``puckdb info``: what a project is made of and whether its database answers.

A diagnostic for the first minutes with puckdb (and for bug reports): which config file
was found, which schema module it names and what it declares, which database the commands
would use and why, and what that database runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.connect import connect
from puckdb.project import Project
from puckdb.urls import redact


@dataclass(frozen=True)
class ProjectInfo:
    config_file: str
    schema_origin: str
    tables: int
    partitions: int
    """Declared with ``puckdb.Partition``, which ``tables`` does not count."""
    views: int
    migrations_dir: str
    database_url: str
    database_source: str
    server_version: str
    extensions: tuple[str, ...]


def info(project: Project) -> ProjectInfo:
    """Load the schema code, connect to the target database and describe both."""
    from puckdb.objects import partitions_of, views_of

    loaded = project.load_schema()
    target = project.target()
    with connect(target.url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        extensions = conn.execute(
            "SELECT extname || ' ' || extversion FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1"
        ).fetchall()
    return ProjectInfo(
        config_file=str(project.config.file),
        schema_origin=loaded.origin,
        tables=len(loaded.metadata.tables),
        partitions=len(partitions_of(loaded.metadata)),
        views=len(views_of(loaded.metadata)),
        migrations_dir=str(project.config.migrations),
        database_url=redact(target.url),
        database_source=target.source,
        server_version=str(version[0]) if version else "unknown",
        extensions=tuple(str(row[0]) for row in extensions),
    )
