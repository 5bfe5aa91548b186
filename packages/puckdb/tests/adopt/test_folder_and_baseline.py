"""Importing drizzle folders that are not in order, re-adopting, baseline, mark-applied,
pooler URLs: with hand-made drizzle folders and history (no drizzle-kit needed)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from puckdb.adopt import adopt_drizzle
from puckdb.adopt.drizzle_folder import DrizzleFolderError, import_drizzle_folder
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.baseline import BaselineError, baseline, record_without_running
from puckdb.migrations.files import checksum_of, read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.migrations.state import database_state
from puckdb.migrations.tracking import read_applied
from puckdb.urls import pooler_warning

from .conftest import Workspace


def drizzle_folder(root: Path, tags: list[str], journal: bool = True) -> Path:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    for tag in tags:
        (folder / f"{tag}.sql").write_text(f"CREATE TABLE t_{tag[:4]} (id int);\n--> statement-breakpoint\n")
    if journal:
        entries = [
            {"idx": i, "version": "7", "when": 1_700_000_000_000 + i, "tag": t, "breakpoints": True}
            for i, t in enumerate(tags)
        ]
        (folder / "meta" / "_journal.json").write_text(
            json.dumps({"version": "7", "dialect": "postgresql", "entries": entries})
        )
    return folder


def test_import_keeps_names_and_bytes(tmp_path: Path) -> None:
    source = drizzle_folder(tmp_path, ["0000_first_step", "0001_second_step"])
    (source / "0005_stray.sql").write_text("SELECT 1;")
    result = import_drizzle_folder(source, tmp_path / "migrations")
    assert [m.version for m in result.migrations] == [0, 1] and result.unjournaled == ("0005_stray.sql",)
    copied = read_migrations(tmp_path / "migrations")
    assert [m.file_name for m in copied] == ["0000_first_step.sql", "0001_second_step.sql"]
    assert [m.checksum for m in copied] == [m.checksum for m in result.migrations]


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DrizzleFolderError, match="is not a drizzle-kit migrations folder"):
        import_drizzle_folder(drizzle_folder(tmp_path / "a", ["0000_x"], journal=False), tmp_path / "a" / "m")
    source = drizzle_folder(tmp_path / "b", ["0000_x", "0001_y"])
    (source / "0001_y.sql").unlink()
    with pytest.raises(DrizzleFolderError, match=r"lists 0001_y but .* does not exist"):
        import_drizzle_folder(source, tmp_path / "b" / "m")
    source = drizzle_folder(tmp_path / "c", ["0000_x"])
    (source / "0001_unlisted.sql").write_text("SELECT 1;")
    with pytest.raises(DrizzleFolderError, match="SQL files its journal does not list"):
        import_drizzle_folder(source, source)


def test_baseline_and_mark_applied(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for number in (1, 2, 3):
        (folder / f"{number:04d}_step.sql").write_text(f"CREATE TABLE step_{number} (id int);\n")
    write_lock(folder, read_migrations(folder))
    recorded = baseline(database_url, folder, 2)
    assert [m.version for m in recorded] == [1, 2]
    assert baseline(database_url, folder, 2) == []  # already recorded: nothing twice
    with pytest.raises(BaselineError, match="no migration 0009"):
        record_without_running(database_url, folder, [9], how="mark-applied")
    record_without_running(database_url, folder, [3], how="mark-applied")
    with psycopg.connect(database_url) as conn:
        state = database_state(read_migrations(folder), read_applied(conn))
        assert conn.execute("SELECT to_regclass('step_1')").fetchone() == (None,)  # recorded, not run
    assert [e.status for e in state.entries] == ["applied"] * 3
    assert all("mark-applied" in (e.record.applied_by if e.record else "") for e in state.entries[2:])


def test_pooler_urls_are_recognised() -> None:
    assert pooler_warning("postgresql://u@ep-cool-123-pooler.eu-central-1.aws.neon.tech/db") is not None
    assert pooler_warning("postgresql://u@db.example.com:6543/db") is not None
    assert pooler_warning("postgresql://u@ep-cool-123.eu-central-1.aws.neon.tech/db") is None


def test_missing_and_duplicated_snapshots_are_tolerated(tmp_path: Path) -> None:
    """drizzle's snapshots are its own business: one lost, another duplicated by a merge."""
    source = drizzle_folder(tmp_path, ["0000_first_step", "0001_second_step", "0002_third_step"])
    snapshot = {"id": "a", "prevId": "00000000-0000-0000-0000-000000000000", "version": "7"}
    (source / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot))
    for name in ("0002_snapshot.json", "0002_snapshot 2.json"):  # none for 0001, two for 0002
        (source / "meta" / name).write_text(json.dumps({**snapshot, "id": "c", "prevId": "a"}))
    (source / "meta" / "0003_snapshot.json").write_text("{ not json")  # a snapshot without a migration
    result = import_drizzle_folder(source, tmp_path / "migrations")
    assert [m.tag for m in result.migrations] == ["0000_first_step", "0001_second_step", "0002_third_step"]
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == [
        "0000_first_step.sql",
        "0001_second_step.sql",
        "0002_third_step.sql",
        "puckdb.lock",
    ]


def test_importing_again_is_harmless_and_takes_new_journal_entries(tmp_path: Path) -> None:
    source = drizzle_folder(tmp_path, ["0000_first_step", "0001_second_step"])
    target = tmp_path / "migrations"
    assert import_drizzle_folder(source, target).copied == 2
    lock = (target / "puckdb.lock").read_bytes()
    again = import_drizzle_folder(source, target)
    assert again.copied == 0 and (target / "puckdb.lock").read_bytes() == lock

    # drizzle-kit generated one more before the team switched: a re-run takes it.
    (source / "0002_third_step.sql").write_text("CREATE TABLE t_0002 (id int);\n")
    journal = json.loads((source / "meta" / "_journal.json").read_text())
    journal["entries"].append({"idx": 2, "version": "7", "when": 1_700_000_000_009, "tag": "0002_third_step"})
    (source / "meta" / "_journal.json").write_text(json.dumps(journal))
    assert import_drizzle_folder(source, target).copied == 1
    assert [m.version for m in read_migrations(target)] == [0, 1, 2]


def test_adopting_into_a_folder_with_puckdb_migrations_is_refused(tmp_path: Path) -> None:
    source = drizzle_folder(tmp_path, ["0000_first_step", "0001_second_step"])
    target = tmp_path / "migrations"
    import_drizzle_folder(source, target)
    (target / "0002_add_users_age.sql").write_text("ALTER TABLE t_0000 ADD COLUMN age int;\n")
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(
        DrizzleFolderError, match=r"not in drizzle's journal \(0002_add_users_age\.sql\)"
    ) as error:
        import_drizzle_folder(source, target)
    assert "was adopted already, there is nothing to do again" in error.value.message
    assert sorted(p.name for p in target.iterdir()) == before


def test_a_file_of_drizzles_name_with_other_content_is_not_overwritten(tmp_path: Path) -> None:
    source = drizzle_folder(tmp_path, ["0000_first_step"])
    target = tmp_path / "migrations"
    target.mkdir()
    (target / "0000_first_step.sql").write_text("CREATE TABLE t_0000 (id bigint);\n")
    with pytest.raises(DrizzleFolderError, match=r"differs from drizzle's .* will not overwrite"):
        import_drizzle_folder(source, target)
    assert (target / "0000_first_step.sql").read_text() == "CREATE TABLE t_0000 (id bigint);\n"
    assert not (target / "puckdb.lock").exists()


def record_in_drizzle(url: str, folder: Path, tags: list[str]) -> None:
    """What `drizzle-kit migrate` leaves: the migrations run and their hashes recorded."""
    journal = json.loads((folder / "meta" / "_journal.json").read_text())
    when = {entry["tag"]: entry["when"] for entry in journal["entries"]}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA drizzle")
        conn.execute(
            "CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)"
        )
        for tag in tags:
            content = (folder / f"{tag}.sql").read_bytes()
            conn.execute(content.decode())
            conn.execute(
                "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)",
                (checksum_of(content), when[tag]),
            )


def test_adopting_again_records_nothing_twice_and_reports_a_handled_skip_no_more(
    workspace: Workspace,
) -> None:
    source = drizzle_folder(workspace.root, ["0000_first_step", "0001_second_step", "0002_third_step"])
    record_in_drizzle(workspace.url, source, ["0000_first_step", "0002_third_step"])  # 0001 skipped
    workspace.write_schema("")
    first = adopt_drizzle(workspace.project(), source)
    assert first.recorded == 2 and first.history is not None
    assert [(s.migration.tag, s.effects) for s in first.history.skipped] == [("0001_second_step", "absent")]
    second = adopt_drizzle(workspace.project(), source)
    assert second.recorded == 0 and second.imported.copied == 0
    assert second.history is not None and [s.migration.tag for s in second.history.skipped] == [
        "0001_second_step"
    ]

    apply_migrations(workspace.url, workspace.migrations)  # puckdb runs the skipped one
    third = adopt_drizzle(workspace.project(), source)
    assert third.history is not None and third.history.skipped == () and third.history.unmatched == ()
    assert len(third.history.applied) == 2


def test_baseline_command_records_a_database_that_holds_the_migrations(workspace: Workspace) -> None:
    workspace.write_schema("")
    workspace.migrations.mkdir()
    for number in (1, 2, 3):
        (workspace.migrations / f"{number:04d}_step.sql").write_text(
            f"CREATE TABLE step_{number} (id int);\n"
        )
    write_lock(workspace.migrations, read_migrations(workspace.migrations))
    with psycopg.connect(workspace.url, autocommit=True) as conn:  # built by another tool
        conn.execute("CREATE TABLE step_1 (id int); CREATE TABLE step_2 (id int)")

    too_far = workspace.run("baseline", "3")
    assert too_far.returncode == 1, too_far.stderr
    assert "schema differs from what migrations up to 0003 build (1 statement(s)" in too_far.stderr
    assert 'CREATE TABLE "public"."step_3"' in too_far.stderr and "Nothing was recorded" in too_far.stderr
    assert "Traceback" not in too_far.stderr

    done = workspace.run("baseline", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Recorded 0001_step as applied (baseline, not run).",
        "Recorded 0002_step as applied (baseline, not run).",
    ]
    status = json.loads(workspace.run("status", "--json").stdout)["migrations"]
    assert [(m["version"], m["status"]) for m in status] == [(1, "applied"), (2, "applied"), (3, "pending")]
    assert "Nothing to record" in workspace.run("baseline", "2").stdout

    unknown = workspace.run("baseline", "7")
    assert unknown.returncode == 2 and "There is no migration 0007" in unknown.stderr

    forced = workspace.run("baseline", "3", "--force")
    assert forced.returncode == 0 and "Recorded 0003_step" in forced.stdout
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('step_3')").fetchone() == (None,)  # recorded, not run


POOLER = "postgresql://app@ep-quiet-sun-123456-pooler.invalid/db?hostaddr=127.0.0.1&port=1&connect_timeout=2"


@pytest.mark.parametrize(
    "args",
    [
        ("apply",),
        ("baseline", "1"),
        ("mark-applied", "1"),
        ("adopt", "drizzle", "--from", "drizzle"),
        ("push",),
        ("down",),
    ],
)
def test_pooler_url_is_warned_about_before_connecting(workspace: Workspace, args: tuple[str, ...]) -> None:
    """The host is a Neon pooler name; hostaddr sends libpq to a closed local port instead, so
    the command fails to connect after printing the warning."""
    drizzle_folder(workspace.root, ["0001_first_step"])
    workspace.write_schema("")
    import_drizzle_folder(workspace.root / "drizzle", workspace.migrations)
    result = workspace.run(*args, "--url", POOLER)
    assert result.returncode == 2, result.stderr
    warning, error = result.stderr.split("Error: ")
    assert (
        "Warning: The database URL points at a connection pooler (ep-quiet-sun-123456-pooler.invalid:1)"
        in warning
    )
    assert "use the direct host (for Neon: the host without -pooler)" in warning
    assert error.startswith("Could not connect to the database") and "Traceback" not in result.stderr
