"""A project: its configuration, its database target and its schema code, in one place.

Every command starts from a :class:`Project`. Nothing here connects or starts a server
until a database is actually needed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from puckdb.config import Config, load_config
from puckdb.server.embedded import DEFAULT_DATABASE, EmbeddedServer
from puckdb.urls import UrlChoice, choose_url

if TYPE_CHECKING:
    import threading

    from puckdb.loading import LoadedSchema
    from puckdb.model import Schema
    from puckdb.normalize.scratch import DevServer


DEV_URL_ENV = "PUCKDB_DEV_URL"
"""Environment variable: a server for scratch and shadow databases instead of the embedded one."""


@dataclass(frozen=True)
class DatabaseTarget:
    """The database a command works on."""

    url: str
    source: str
    """Where the URL came from: "--url", an environment variable, a .env file, or the
    embedded server."""
    embedded: bool


@dataclass
class Project:
    """Configuration plus lazily resolved database and schema."""

    config: Config
    explicit_url: str | None = None
    cwd: Path = field(default_factory=Path.cwd)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def load(
        cls,
        config_path: Path | None = None,
        url: str | None = None,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Project:
        """Find the configuration (``--config`` or upward from ``cwd``) and check ``url``."""
        cwd = (cwd or Path.cwd()).resolve()
        project = cls(
            config=load_config(config_path, cwd),
            explicit_url=url,
            cwd=cwd,
            environ=dict(os.environ if environ is None else environ),
        )
        project.url_choice()  # validate an explicit or configured URL early
        return project

    @property
    def server(self) -> EmbeddedServer:
        """The embedded development server of this project (not started by this call)."""
        return EmbeddedServer(self.config.state_dir, self.config.postgres_version)

    def url_choice(self) -> UrlChoice | None:
        """The configured URL, or None when the embedded server serves."""
        return choose_url(self.explicit_url, self.config.database_url_env, self.cwd, self.environ)

    def main_target(self) -> DatabaseTarget:
        """The configured database itself (branch ``main``); starts the embedded server
        when no URL is configured."""
        choice = self.url_choice()
        if choice is not None:
            return DatabaseTarget(url=choice.url, source=choice.source, embedded=False)
        server = self.server
        server.ensure_running()
        server.ensure_database(DEFAULT_DATABASE)
        return DatabaseTarget(
            url=server.url(DEFAULT_DATABASE),
            source=f"the embedded PostgreSQL {server.version} server in {server.data_dir}",
            embedded=True,
        )

    def current_branch(self) -> str:
        """The branch this checkout works on: ``PUCKDB_BRANCH``, else the git branch (with
        ``branch = "git"``), else the one ``puckdb branch switch`` chose, else main."""
        from puckdb.branches import selected_branch

        return selected_branch(self.config.state_dir, self.config.branch, self.config.root, self.environ)

    def target_branch(self) -> str:
        """The branch :meth:`target` works on: main when ``--url`` names the database,
        else the current branch."""
        from puckdb.branches import MAIN

        return MAIN if self.explicit_url else self.current_branch()

    def target(self) -> DatabaseTarget:
        """The database to work on: the current branch of the configured database, unless
        ``--url`` names one explicitly (or ``PUCKDB_BRANCH=main`` pins the configured one,
        as the pytest plugin does). With ``branch = "git"`` a branch seen for the first
        time is created from ``main``."""
        main = self.main_target()
        branch = self.target_branch()
        from puckdb.branches import MAIN, BranchServer, pinned_branch

        if branch == MAIN:
            return main
        server = BranchServer(main.url)
        from_git = self.config.branch == "git" and pinned_branch(self.environ) is None
        if from_git and server.get(branch) is None:
            server.create(branch)
        return DatabaseTarget(
            url=server.url(branch), source=f"branch {branch!r} of {main.source}", embedded=main.embedded
        )

    def dev_server(self) -> DevServer:
        """The server that hosts scratch and shadow databases: the embedded one, started on
        first use (a cached normalization never starts it)."""
        from puckdb.normalize.scratch import DevServer

        configured = self.environ.get(DEV_URL_ENV)
        if configured:
            # Another server for scratch and shadow databases (a shared dev server, or a
            # test suite's): the URL of a database on it, for a role that may create
            # databases. The cache key names it, so cached results stay per server.
            from puckdb.urls import normalize_url, redact

            url = normalize_url(configured, f"the environment variable {DEV_URL_ENV}")
            return DevServer(cache_key=f"url-{redact(url)}", admin_url=lambda: url)
        server = self.server

        def admin_url() -> str:
            server.ensure_running()
            return server.url("postgres")

        return DevServer(cache_key=f"embedded-pg{server.version}", admin_url=admin_url)

    @property
    def cache_dir(self) -> Path:
        return self.config.state_dir / "cache"

    def normalized_code(self) -> Schema:
        """The schema code as PostgreSQL understands it (cached by content), without the
        ignored tables."""
        from puckdb.code_cache import cached_code, entry_key, puckdb_files, remember_code

        server = self.dev_server()
        config = self.config
        code_cache = self.cache_dir / "code"
        key = entry_key(config.schema, config.root, config.schemas, config.extensions, server.cache_key)
        cached = cached_code(code_cache, key)
        if cached is not None:
            return self.managed(cached)

        from puckdb.normalize import normalize

        starting = self._initialise_server_early()
        try:
            loaded = self.load_schema()
            schema = normalize(
                loaded.metadata,
                server,
                schemas=config.schemas,
                extensions=config.extensions,
                cache_dir=self.cache_dir / "normalize",
            )
        finally:
            if starting is not None:
                starting.join()
        if loaded.source_files:
            remember_code(code_cache, key, [*loaded.source_files, *puckdb_files()], schema)
        return self.managed(schema)

    def _initialise_server_early(self) -> threading.Thread | None:
        """Start initialising the embedded server in the background when it has never been
        initialised, so that initdb (the better part of a second) runs on another core
        while the schema code is imported and compiled. Without a server nothing can be
        cached for it, and generate's shadow database needs it anyway."""
        if self.environ.get(DEV_URL_ENV) or self.server.status().initialised:
            return None
        import threading

        starting = threading.Thread(target=self._start_server_quietly, name="puckdb-server", daemon=True)
        starting.start()
        return starting

    def _start_server_quietly(self) -> None:
        # A failure is not lost: the command's own start (on first use of the server)
        # meets it again and reports it where the command can say so.
        with contextlib.suppress(Exception):
            self.server.ensure_running()

    def managed(self, schema: Schema) -> Schema:
        """``schema`` without the tables the ``ignore_tables`` setting leaves alone; every
        model is passed through this before it is compared with another."""
        from puckdb.ignored import without_ignored

        return without_ignored(schema, self.config.ignore_tables)

    def load_schema(self) -> LoadedSchema:
        """Import the schema code named by the configuration."""
        from puckdb.loading import load_schema

        return load_schema(self.config.schema, self.config.root)
