"""Every user mistake gets one paragraph and exit 2, never a traceback."""

import pytest


def assert_clear_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ")
    flat = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in flat


def test_missing_config(puckdb, tmp_path):
    assert_clear_error(puckdb("db", "status", cwd=tmp_path), "No puckdb configuration was found")


def test_malformed_toml(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text("schema = [\n")
    assert_clear_error(puckdb("db", "status", cwd=tmp_path), "not valid TOML", "puckdb.toml")


def test_invalid_url_in_environment_is_named_without_its_password(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "app"\n')
    result = puckdb("info", cwd=tmp_path, env={"DATABASE_URL": "mysql://root:hunter2@localhost/db"})
    assert_clear_error(result, "not a PostgreSQL URL", "environment variable DATABASE_URL")
    assert "hunter2" not in result.stderr


def test_invalid_url_option(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "app"\n')
    result = puckdb("info", "--url", "nope://x", cwd=tmp_path)
    assert_clear_error(result, "not a PostgreSQL URL", "--url")


def test_unreachable_database(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "models.py"\n')
    (tmp_path / "models.py").write_text("from sqlalchemy import MetaData\nmetadata = MetaData()\n")
    result = puckdb("info", "--url", f"postgresql://postgres@/db?host={tmp_path}&port=1", cwd=tmp_path)
    assert_clear_error(result, "Could not connect to the database", "Check that the server is running")


def test_schema_module_that_does_not_import_shows_its_line(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "src/app/schema.py"\n')
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "schema.py").write_text(
        "from sqlalchemy import MetaData\nmetadata = MetaData(\n"
    )
    result = puckdb("info", "--url", "postgresql://u@localhost/db", cwd=tmp_path)
    assert_clear_error(result, "schema.py, line 2", "failed to import")


def test_schema_module_without_metadata(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "models.py"\n')
    (tmp_path / "models.py").write_text("x = 1\n")
    result = puckdb("info", "--url", "postgresql://u@localhost/db", cwd=tmp_path)
    assert_clear_error(result, "No SQLAlchemy MetaData was found")


@pytest.mark.parametrize(
    "command", ["generate", "apply", "status", "down", "drop", "lock", "check", "push", "pull", "studio"]
)
def test_migration_commands_without_configuration(puckdb, tmp_path, command):
    result = puckdb(command, cwd=tmp_path)
    assert_clear_error(result, "No puckdb configuration was found")


def test_usage_error_exits_2(puckdb, tmp_path):
    result = puckdb("db", "nonsense", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
