from pathlib import Path

import pytest

from puckdb.config import find_config_file, load_config
from puckdb.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_pyproject_table_found_from_a_subdirectory(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.puckdb]\nschema = "app.schema"\n')
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)
    config = load_config(cwd=nested)
    assert config.file == tmp_path / "pyproject.toml"
    assert config.schema == "app.schema"
    assert config.migrations == tmp_path / "migrations"
    assert config.schemas == ("public",)
    assert config.database_url_env == "DATABASE_URL"
    assert config.state_dir == tmp_path / ".puckdb"


def test_member_pyproject_without_puckdb_table_does_not_hide_the_root(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.puckdb]\nschema = "db.schema"\nmigrations = "packages/db/migrations"\n',
    )
    member = tmp_path / "packages" / "db"
    write(member / "pyproject.toml", '[project]\nname = "db"\n[tool.ruff]\nline-length = 90\n')
    config = load_config(cwd=member)
    assert config.file == tmp_path / "pyproject.toml"
    assert config.migrations == member / "migrations"


def test_puckdb_toml_uses_top_level_keys(tmp_path):
    write(
        tmp_path / "puckdb.toml",
        'schema = "src/app/schema.py"\nmigrations = "db/migrations"\nschemas = ["public", "audit"]\n'
        'extensions = ["pg_trgm"]\ndatabase_url_env = "APP_DB"\npostgres_version = 16\n',
    )
    config = load_config(cwd=tmp_path)
    assert config.schemas == ("public", "audit")
    assert config.extensions == ("pg_trgm",)
    assert config.database_url_env == "APP_DB"
    assert config.postgres_version == 16
    assert config.migrations == tmp_path / "db" / "migrations"


def test_puckdb_toml_wins_over_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.puckdb]\nschema = "from_pyproject"\n')
    write(tmp_path / "puckdb.toml", 'schema = "from_puckdb_toml"\n')
    assert load_config(cwd=tmp_path).schema == "from_puckdb_toml"


def test_explicit_config_path_overrides_discovery(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.puckdb]\nschema = "nearest"\n')
    other = write(tmp_path / "elsewhere" / "puckdb.toml", 'schema = "explicit"\n')
    assert load_config(other, cwd=tmp_path).schema == "explicit"
    assert load_config(Path("elsewhere/puckdb.toml"), cwd=tmp_path).schema == "explicit"


def test_missing_config_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    assert "No puckdb configuration was found" in str(caught.value)
    assert "[tool.puckdb]" in str(caught.value)
    assert caught.value.exit_code == 2


def test_missing_explicit_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", cwd=tmp_path)


def test_malformed_toml_names_the_file_and_position(tmp_path):
    file = write(tmp_path / "puckdb.toml", 'schema = "app.schema\n')
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    message = str(caught.value)
    assert str(file) in message
    assert "not valid TOML" in message
    assert "line 1" in message


def test_malformed_pyproject_mentioning_puckdb_is_reported_not_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.puckdb]\nschema = = "x"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(cwd=tmp_path)


def test_unknown_key_is_reported_with_the_known_ones(tmp_path):
    write(tmp_path / "puckdb.toml", 'schema = "a.b"\nmigration = "m"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    assert "'migration'" in str(caught.value)
    assert "migrations" in str(caught.value)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('schemas = "public"', "'schemas'"),
        ("schemas = []", "empty"),
        ('schemas = ["puckdb"]', "puckdb's own schema"),
        ("postgres_version = 15", "16 and 18"),
        ("postgres_version = true", "whole number"),
        ("extensions = [1]", "non-empty strings"),
    ],
)
def test_settings_of_the_wrong_kind_are_rejected(tmp_path, line, fragment):
    write(tmp_path / "puckdb.toml", f'schema = "a.b"\n{line}\n')
    with pytest.raises(ConfigError, match=fragment):
        load_config(cwd=tmp_path)


def test_schema_setting_is_required(tmp_path):
    write(tmp_path / "puckdb.toml", 'migrations = "m"\n')
    with pytest.raises(ConfigError, match="'schema' is missing"):
        load_config(cwd=tmp_path)


def test_find_config_file_returns_none_without_configuration(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(tmp_path) is None
