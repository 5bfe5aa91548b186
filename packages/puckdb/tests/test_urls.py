import pytest

from puckdb.errors import DatabaseUrlError
from puckdb.urls import choose_url, normalize_url, redact, sqlalchemy_url


def test_explicit_url_beats_environment_and_dotenv(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://dotenv/db\n")
    choice = choose_url(
        "postgresql://cli/db", "DATABASE_URL", tmp_path, {"DATABASE_URL": "postgresql://env/db"}
    )
    assert choice is not None
    assert (choice.url, choice.source) == ("postgresql://cli/db", "--url")


def test_environment_beats_dotenv(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://dotenv/db\n")
    choice = choose_url(None, "DATABASE_URL", tmp_path, {"DATABASE_URL": "postgresql://env/db"})
    assert choice is not None
    assert choice.url == "postgresql://env/db"
    assert "environment variable DATABASE_URL" in choice.source


def test_nearest_dotenv_upward_is_used(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://outer/db\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / ".env").write_text("# comment\nAPP_DB='postgresql://inner/db'\n")
    choice = choose_url(None, "APP_DB", inner, {})
    assert choice is not None
    assert choice.url == "postgresql://inner/db"
    assert str(tmp_path / "a" / ".env") in choice.source


def test_no_url_anywhere_means_the_embedded_server(tmp_path):
    (tmp_path / ".env").write_text("OTHER=1\n")
    assert choose_url(None, "DATABASE_URL", tmp_path, {"DATABASE_URL": "  "}) is None


def test_sqlalchemy_driver_suffix_and_postgres_scheme_are_accepted():
    assert normalize_url("postgresql+psycopg://u@h/d", "x") == "postgresql://u@h/d"
    assert normalize_url("postgres://u@h:5433/d", "x") == "postgresql://u@h:5433/d"


@pytest.mark.parametrize(
    "bad", ["mysql://u@h/d", "localhost:5432/db", "postgresql://u@h/d?sslmode=bogus&x=1"]
)
def test_invalid_urls_are_rejected_with_their_source(bad):
    with pytest.raises(DatabaseUrlError) as caught:
        normalize_url(bad, "--url")
    assert "--url" in str(caught.value)
    assert caught.value.exit_code == 2


def test_passwords_never_appear_in_messages():
    with pytest.raises(DatabaseUrlError) as caught:
        normalize_url("mysql://app:s3cret@h/d", "--url")
    assert "s3cret" not in str(caught.value)
    assert redact("postgresql://app:s3cret@h:5432/d") == "postgresql://app:***@h:5432/d"


def test_sqlalchemy_url_uses_psycopg3():
    assert sqlalchemy_url("postgresql://u@/d?host=/tmp") == "postgresql+psycopg://u@/d?host=/tmp"


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_url_is_a_usage_error_not_the_embedded_database(tmp_path, empty):
    # Found trying pagila: `--url "$UNSET"` ran apply on the embedded main database.
    with pytest.raises(DatabaseUrlError) as caught:
        choose_url(empty, "DATABASE_URL", tmp_path, {})
    assert "--url was given an empty value" in str(caught.value)
    assert caught.value.exit_code == 2
