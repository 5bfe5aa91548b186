"""The pytest plugin, as a user meets it: pytest run on a tiny project with migrations."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import UNREACHABLE_URL, TinyProject

ISOLATION_TESTS = """
    import os

    from sqlalchemy import text


    def test_a_row_inserted_here(puckdb_connection):
        puckdb_connection.execute("INSERT INTO notes (body) VALUES ('only in this test')")
        puckdb_connection.commit()
        assert puckdb_connection.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


    def test_is_not_in_the_next_test(puckdb_url):
        import psycopg

        with psycopg.connect(puckdb_url) as conn:
            assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


    def test_the_database_is_the_tests_own(puckdb_database, puckdb_url):
        import psycopg

        assert puckdb_url == puckdb_database.url and puckdb_url.startswith("postgresql://")
        with psycopg.connect(puckdb_url) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == puckdb_database.name
            # The tracking table comes along: `puckdb status` on a test database works.
            versions = conn.execute("SELECT version FROM puckdb.migrations").fetchall()
        assert versions == [(1,)]


    def test_engine(puckdb_engine):
        with puckdb_engine.begin() as conn:
            conn.execute(text("INSERT INTO notes (body) VALUES ('via SQLAlchemy')"))
        with puckdb_engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM notes")).scalar_one() == "via SQLAlchemy"


    def test_env_points_the_application_at_the_test_database(puckdb_env, puckdb_url):
        # The project's database_url_env (APP_DATABASE_URL here), not a hard-coded name.
        assert puckdb_env == puckdb_url == os.environ["APP_DATABASE_URL"]


    def test_the_application_resolves_the_test_database(puckdb_env, puckdb_url):
        from puckdb.project import Project

        assert Project.load().target().url == puckdb_url


    def test_several_databases(puckdb_new_database):
        first, second = puckdb_new_database(), puckdb_new_database()
        assert first.name != second.name and first.template == second.template
"""

MARKER_TEST = """
    import json
    import os

    import psycopg


    def test_marker(puckdb_databases, puckdb_url):
        template = puckdb_databases.ensure_template()
        with psycopg.connect(puckdb_url) as conn:
            applied = conn.execute("SELECT version, applied_at::text FROM puckdb.migrations ORDER BY 1").fetchall()
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        with open(os.environ["MARKER"], "w") as stream:
            json.dump(
                {
                    "built": template.built,
                    "template": template.name,
                    "applied": applied,
                    "tables": [t for (t,) in tables],
                },
                stream,
            )
"""

TWO_TESTS = """
    def test_one(puckdb_url):
        pass


    def test_two(puckdb_database):
        pass
"""


def test_every_test_gets_a_migrated_database_of_its_own(tiny_project: TinyProject):
    (tiny_project.root / "puckdb.toml").write_text(
        'schema = "app.schema"\ndatabase_url_env = "APP_DATABASE_URL"\n', encoding="utf-8"
    )
    tiny_project.write_tests(ISOLATION_TESTS)

    run = tiny_project.run("-p", "no:randomly")

    assert run.returncode == 0, run.output
    assert run.outcomes() == {"passed": 7}
    assert tiny_project.test_databases() == []  # every one dropped after its test
    assert len(tiny_project.templates()) == 1


BRANCH_TESTS = """
    import psycopg

    from puckdb.project import Project


    def test_the_application_gets_exactly_the_test_database(puckdb_env, puckdb_database):
        target = Project.load().target()
        assert target.url == puckdb_env == puckdb_database.url
        with psycopg.connect(target.url) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == puckdb_database.name
"""


@pytest.mark.parametrize("mode", ["switched", "git"])
def test_the_developers_database_branch_is_never_applied_to_the_test_database(
    tiny_project: TinyProject, mode: str
):
    # The developer is on a database branch: chosen with `puckdb branch switch`, or by git.
    if mode == "git":
        (tiny_project.root / "puckdb.toml").write_text(
            'schema = "app.schema"\nbranch = "git"\n', encoding="utf-8"
        )
        (tiny_project.root / ".git").mkdir()
        (tiny_project.root / ".git" / "HEAD").write_text("ref: refs/heads/feature/login\n", encoding="utf-8")
    else:
        (tiny_project.root / ".puckdb").mkdir()
        (tiny_project.root / ".puckdb" / "branch").write_text("feature\n", encoding="utf-8")
    tiny_project.write_tests(BRANCH_TESTS)

    run = tiny_project.run()

    assert run.returncode == 0, run.output
    assert run.outcomes() == {"passed": 1}
    # No branch copy of a test database was made (git mode creates one on first use).
    assert tiny_project.test_databases() == []


def test_the_template_is_reused_by_later_sessions_and_rebuilt_when_a_migration_is_added(
    tiny_project: TinyProject, tmp_path
):
    tiny_project.write_tests(MARKER_TEST)
    marker = tmp_path / "marker.json"
    env = tiny_project.environment(MARKER=str(marker))

    def session() -> dict:
        run = tiny_project.run(env=env)
        assert run.returncode == 0, run.output
        return json.loads(marker.read_text())

    first = session()
    second = session()
    assert first["built"] is True
    # Not applied again: the same template, whose tracking rows keep their first timestamp.
    assert second["built"] is False
    assert (second["template"], second["applied"]) == (first["template"], first["applied"])
    assert first["tables"] == ["notes"]

    tiny_project.add_migration("0002_tags.sql", "CREATE TABLE tags (name text PRIMARY KEY);\n")
    third = session()
    assert third["built"] is True
    assert third["template"] != first["template"]
    assert [version for version, _ in third["applied"]] == [1, 2]
    assert third["tables"] == ["notes", "tags"]
    # The template of the folder's previous state is gone: one per project.
    assert tiny_project.templates() == [third["template"]]


def test_puckdb_url_option_names_the_server_and_wins_over_the_environment(tiny_project: TinyProject):
    tiny_project.write_tests(TWO_TESTS)
    # An unreachable server in the environment: the option must be what is used.
    env = tiny_project.environment(PUCKDB_TEST_DATABASE_URL=UNREACHABLE_URL)

    run = tiny_project.run("--puckdb-url", tiny_project.server_url, env=env)

    assert run.returncode == 0, run.output
    assert run.outcomes() == {"passed": 2}
    assert len(tiny_project.templates()) == 1


def test_an_unreachable_server_is_one_clear_error(serverless_project: TinyProject):
    serverless_project.write_tests(TWO_TESTS)

    run = serverless_project.run()

    assert run.returncode == 1
    assert run.outcomes() == {"error": 2}
    assert f"puckdb: Could not connect to the test server at {UNREACHABLE_URL}" in run.output
    assert "PUCKDB_TEST_DATABASE_URL" in run.output
    assert "Traceback" not in run.output and "testing/databases.py" not in run.output


def test_a_migration_that_fails_stops_every_test_with_one_clear_paragraph(tiny_project: TinyProject):
    tiny_project.add_migration(
        "0002_broken.sql", "CREATE TABLE tags (name text);\nALTER TABLE missing ADD COLUMN x int;\n"
    )
    tiny_project.write_tests(TWO_TESTS)

    run = tiny_project.run()

    assert run.returncode == 1
    assert run.outcomes() == {"error": 2}
    assert "puckdb: The test template could not be built" in run.output
    assert "0002_broken.sql" in run.output
    assert 'relation "missing" does not exist' in run.output
    # The paragraph for each test, not a traceback through the plugin nor the chain of
    # exceptions behind the message.
    assert run.output.count("so no test can get a migrated database") == 2
    assert "Traceback" not in run.output and "testing/__init__.py" not in run.output
    assert "direct cause" not in run.output and "During handling" not in run.output
    # Nothing half-built is left behind, under the final name or the temporary one.
    assert tiny_project.templates() == []


def test_a_broken_migrations_folder_is_reported(tiny_project: TinyProject):
    # Edited after puckdb.lock was written: the folder no longer is what was reviewed.
    (tiny_project.migrations / "0001_notes.sql").write_text("CREATE TABLE notes (id int);\n")
    tiny_project.write_tests(TWO_TESTS)

    run = tiny_project.run()

    assert run.returncode == 1
    assert run.outcomes() == {"error": 2}
    assert "0001_notes.sql was changed after it was generated" in run.output
    assert "Traceback" not in run.output


def test_two_sessions_building_the_template_at_once_share_one_build(tiny_project: TinyProject, tmp_path):
    tiny_project.write_tests(MARKER_TEST)
    markers = [tmp_path / "first.json", tmp_path / "second.json"]
    processes = [tiny_project.start(env=tiny_project.environment(MARKER=str(m))) for m in markers]
    outputs = [process.communicate(timeout=180)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    first, second = (json.loads(m.read_text()) for m in markers)
    assert sorted([first["built"], second["built"]]) == [False, True]
    assert first["template"] == second["template"]
    assert first["applied"] == second["applied"]
    assert tiny_project.templates() == [first["template"]]


def test_a_session_without_the_fixtures_costs_nothing(serverless_project: TinyProject):
    serverless_project.write_tests(
        """
        import sys


        def test_plain():
            loaded = {name for name in sys.modules if name.split(".")[0] in ("psycopg", "sqlalchemy")}
            assert not loaded
            assert "puckdb.project" not in sys.modules
            assert "puckdb.testing" in sys.modules  # the plugin is there all the same
        """
    )
    # The test server URL points nowhere: nothing may try to connect to it.
    run = serverless_project.run()

    assert run.returncode == 0, run.output
    assert run.outcomes() == {"passed": 1}


def test_a_url_that_is_not_postgresql_is_a_usage_error(serverless_project: TinyProject):
    serverless_project.write_tests(TWO_TESTS)

    run = serverless_project.run("--puckdb-url", "mysql://root@localhost/app")

    assert run.returncode == 4  # pytest's usage error
    assert "The test server URL from --puckdb-url is not a PostgreSQL URL" in run.output


def test_a_project_without_configuration_is_told_how_to_give_one(serverless_project: TinyProject):
    (serverless_project.root / "puckdb.toml").unlink()
    serverless_project.write_tests(TWO_TESTS)

    run = serverless_project.run()

    assert run.returncode == 1
    assert run.outcomes() == {"error": 2}
    assert "No puckdb configuration was found above pytest's rootdir" in run.output
    assert "--puckdb-config" in run.output


SERVER_TESTS = """
    import psycopg


    def test_the_test_server_runs_without_durability(puckdb_url):
        with psycopg.connect(puckdb_url) as conn:
            assert conn.execute("SHOW fsync").fetchone() == ("off",)
            print("DATA_DIRECTORY=" + conn.execute("SHOW data_directory").fetchone()[0])
"""


def test_without_a_url_the_plugin_uses_a_throwaway_test_server_not_the_developers(tiny_project: TinyProject):
    from puckdb.config import load_config
    from puckdb.testing.server import ram_directory, throwaway_directory, throwaway_server

    tiny_project.write_tests(SERVER_TESTS)
    environment = tiny_project.environment()
    del environment["PUCKDB_TEST_DATABASE_URL"]
    config = load_config(tiny_project.root / "puckdb.toml")
    expected = throwaway_directory(config)
    try:
        run = tiny_project.run("-s", env=environment)
        assert run.returncode == 0, run.output
        [data_directory] = re.findall(r"DATA_DIRECTORY=(\S+)", run.output)
        assert Path(data_directory).parent == expected
        if ram_directory() is not None:
            assert expected.parent == Path("/dev/shm")
        assert not (tiny_project.root / ".puckdb" / "pg18").exists()  # the developer's server: untouched
        assert not throwaway_server(config).status().running  # this session started it, and stopped it
    finally:
        throwaway_server(config).stop()
        shutil.rmtree(expected, ignore_errors=True)
