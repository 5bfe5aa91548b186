import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def puckdb() -> Run:
    """Run the real `puckdb` command in a subprocess, the way a user would."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment.update(env or {})
        environment["COLUMNS"] = "200"  # keep messages on one line for the assertions
        return subprocess.run(
            [sys.executable, "-m", "puckdb", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    return run
