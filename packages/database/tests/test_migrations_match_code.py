"""StudyPuck's committed migrations build exactly what its schema code declares: `puckdb
generate` on the repository's own configuration finds nothing to write.

This is the test that fails when someone edits schema.py without generating, or when a
change to puckdb's engine makes it read the code differently from the committed SQL."""

import dataclasses
import shutil
from pathlib import Path

from puckdb.config import load_config
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer

REPOSITORY = Path(__file__).resolve().parents[3]


def test_generate_on_studypuck_finds_no_schema_changes(tmp_path: Path, pg_server: EmbeddedServer) -> None:
    real = load_config(None, REPOSITORY)
    assert real.migrations == REPOSITORY / "packages" / "database" / "migrations"
    # The real settings, but the migrations folder and the caches in a copy: should the
    # check fail, generate writes its migration there, not into the repository.
    folder = tmp_path / "migrations"
    shutil.copytree(real.migrations, folder)
    config = dataclasses.replace(real, file=tmp_path / "puckdb.toml", migrations=folder)
    project = Project(config=config, cwd=tmp_path, environ={DEV_URL_ENV: pg_server.url("postgres")})

    result = generate(project, GenerateOptions())

    written = result.migration.text if result.migration is not None else ""
    assert result.migration is None, f"schema code and migrations differ; generate would write:\n{written}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in real.migrations.iterdir())
