"""Which database a command talks to, and how its URL is checked and shown.

Precedence (DESIGN.md): ``--url`` > the configured environment variable > the nearest
``.env`` file upward > the embedded server. Resolution never connects; it only decides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from dotenv import dotenv_values

from puckdb.errors import DatabaseUrlError

_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class UrlChoice:
    """A URL chosen from configuration, with where it came from (for messages)."""

    url: str
    source: str


def find_dotenv(start: Path) -> Path | None:
    """The nearest ``.env`` file at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / ".env"
        if candidate.is_file():
            return candidate
    return None


def choose_url(
    explicit: str | None,
    env_var: str,
    cwd: Path,
    environ: Mapping[str, str] | None = None,
) -> UrlChoice | None:
    """The configured database URL, or None when the embedded server should serve.

    The URL is validated and normalized to a plain libpq URL (a SQLAlchemy driver suffix
    such as ``postgresql+psycopg://`` is accepted and dropped).
    """
    environ = os.environ if environ is None else environ
    if explicit is not None and not explicit.strip():
        # An empty --url is nearly always a shell variable that was not set; falling back to
        # the embedded database would run the command somewhere the user did not mean.
        raise DatabaseUrlError(
            "--url was given an empty value (a shell variable that is not set?). Give the database "
            "URL (postgresql://user:password@host:port/database), or leave --url out to use the "
            f"configured one ({env_var}, or the embedded server)."
        )
    if explicit:
        return UrlChoice(normalize_url(explicit, "--url"), "--url")
    from_env = environ.get(env_var, "").strip()
    if from_env:
        source = f"the environment variable {env_var}"
        return UrlChoice(normalize_url(from_env, source), source)
    dotenv = find_dotenv(cwd)
    if dotenv is not None:
        value = (dotenv_values(dotenv).get(env_var) or "").strip()
        if value:
            source = f"{env_var} in {dotenv}"
            return UrlChoice(normalize_url(value, source), source)
    return None


def normalize_url(url: str, source: str) -> str:
    """Check that ``url`` is a PostgreSQL URL libpq accepts and return it without a
    SQLAlchemy driver suffix. ``source`` names where it came from, for the error."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme not in _SCHEMES:
        raise DatabaseUrlError(
            f"The database URL from {source} ({redact(url)}) is not a PostgreSQL URL: it must start "
            "with postgresql:// (for example postgresql://user:password@localhost:5432/studypuck)."
        )
    plain = urlunsplit(("postgresql", *parts[1:]))
    try:
        conninfo_to_dict(plain)
    except ProgrammingError as error:
        raise DatabaseUrlError(
            f"The database URL from {source} ({redact(url)}) is invalid: {error}. "
            "Fix it; the form is postgresql://user:password@host:port/database."
        ) from error
    return plain


def redact(url: str) -> str:
    """``url`` with its password replaced, safe to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit((parts.scheme, f"{user}@{netloc[-1]}", parts.path, parts.query, parts.fragment))


def sqlalchemy_url(url: str) -> str:
    """The SQLAlchemy form of a libpq URL, using the psycopg 3 driver."""
    return "postgresql+psycopg" + url[url.index("://") :]


def pooler_warning(url: str) -> str | None:
    """A warning when ``url`` looks like a connection pooler in transaction mode, where
    session advisory locks and session settings do not hold (Neon's ``-pooler`` hosts,
    PgBouncer's and Supabase's 6543)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # an invalid URL is reported elsewhere, by whoever connects
        return None
    host = str(parts.get("host") or "")
    port = str(parts.get("port") or "")
    if "-pooler" in host or "pgbouncer" in host or port == "6543":
        return (
            f"The database URL points at a connection pooler ({host}{':' + port if port else ''}). In "
            "transaction mode a pooler breaks session advisory locks and session settings, which "
            "apply relies on; use the direct host (for Neon: the host without -pooler) for migrations."
        )
    return None


def with_database(url: str, database: str) -> str:
    """``url`` pointing at another database of the same server, in the same form (a URL
    stays a URL, so it can be handed to an application)."""
    from urllib.parse import quote

    parts = urlsplit(url)
    if parts.scheme.split("+", 1)[0] in _SCHEMES:
        return urlunsplit(parts._replace(path="/" + quote(database, safe="")))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=database)
