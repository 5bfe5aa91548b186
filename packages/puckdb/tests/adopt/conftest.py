"""The real drizzle-kit, installed once with npm into a reusable temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

# The workflow tests' helpers (tests/migrations) are imported as the package `migrations`:
# the name pytest's importlib mode gives them too, so both imports are one module.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

# A throwaway puckdb project (folder, schema module, database) for the tests that need no
# drizzle-kit: the same fixture as the workflow tests'.
from migrations.conftest import Workspace, workspace  # noqa: E402, F401

# Pinned: what drizzle-kit writes (journal, hashes) is what these tests check.
PACKAGES = ("drizzle-kit@0.31.11", "drizzle-orm@0.45.4", "pg@8.16.3")
INSTALL_DIR = Path(tempfile.gettempdir()) / "puckdb-test-drizzle"
REQUIRE_NPM_ENV = "PUCKDB_REQUIRE_NPM"


@pytest.fixture(scope="session")
def drizzle_install() -> Path:
    """A folder whose node_modules holds drizzle-kit, drizzle-orm and pg."""
    if shutil.which("npm") is None:
        # CI sets PUCKDB_REQUIRE_NPM=1: there a missing npm is a broken setup, not a reason to
        # let the adoption tests pass unseen.
        if os.environ.get(REQUIRE_NPM_ENV) == "1":
            pytest.fail(
                f"{REQUIRE_NPM_ENV}=1 but npm is not on PATH: the drizzle-kit adoption tests must run here. "
                "Install Node.js (with npm) in the CI image, or unset the variable to skip them locally."
            )
        pytest.skip(
            f"npm is not installed here (CI installs Node.js, sets {REQUIRE_NPM_ENV}=1 and runs these)"
        )
    marker = INSTALL_DIR / "installed.json"
    if not marker.exists() or json.loads(marker.read_text()) != list(PACKAGES):
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        (INSTALL_DIR / "package.json").write_text('{"name": "puckdb-test-drizzle", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
            cwd=INSTALL_DIR,
            check=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        marker.write_text(json.dumps(list(PACKAGES)))
    return INSTALL_DIR


@dataclass
class DrizzleProject:
    root: Path
    url: str

    def write_schema(self, typescript: str) -> None:
        (self.root / "schema.ts").write_text(typescript)

    def kit(self, *args: str) -> subprocess.CompletedProcess[str]:
        executable = self.root.parent / "node_modules" / ".bin" / "drizzle-kit"
        result = subprocess.run(
            [str(executable), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert result.returncode == 0, (
            f"drizzle-kit {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
        return result

    @property
    def out(self) -> Path:
        return self.root / "drizzle"

    def journal(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.out / "meta" / "_journal.json").read_text())
        return data


@pytest.fixture
def drizzle_project(drizzle_install: Path, database_url: str) -> Iterator[DrizzleProject]:
    """A drizzle project (inside the install folder, so imports resolve) on a fresh database."""
    root = Path(tempfile.mkdtemp(prefix="project-", dir=drizzle_install))
    params = psycopg.conninfo.conninfo_to_dict(database_url)
    credentials = {
        "host": params["host"],
        "port": int(str(params.get("port") or 5432)),
        "user": params.get("user") or "postgres",
        "database": params["dbname"],
        "ssl": False,
    }
    (root / "drizzle.config.ts").write_text(
        'import { defineConfig } from "drizzle-kit";\n'
        "export default defineConfig({\n"
        '  dialect: "postgresql",\n'
        '  schema: "./schema.ts",\n'
        '  out: "./drizzle",\n'
        f"  dbCredentials: {json.dumps(credentials)},\n"
        "});\n"
    )
    try:
        yield DrizzleProject(root, database_url)
    finally:
        shutil.rmtree(root, ignore_errors=True)
