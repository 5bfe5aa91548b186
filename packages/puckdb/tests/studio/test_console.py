"""The SQL console: one statement per run, read-only runs that nothing can turn into writes,
and a statement_timeout that no statement can lift — each escape attempt checked against the
whole data set."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.studio.security import Secrets

from .conftest import CARDS, fingerprint, make_client, signed_in

SEVERAL = "runs one statement at a time"
READ_ONLY = "cannot execute DELETE in a read-only transaction"

# Each tries to leave the read-only transaction (or make later ones writable) in one
# statement, with the error PostgreSQL answers (None: it runs, harmlessly).
TERMINATION = "invalid transaction termination"
SNAPSHOT_TAKEN = "transaction read-write mode must be set before any query"
ESCAPES = [
    ("COMMIT", None),
    ("ROLLBACK", None),
    ("COMMIT AND CHAIN", None),
    ("BEGIN READ WRITE", SNAPSHOT_TAKEN),
    ("START TRANSACTION READ WRITE", SNAPSHOT_TAKEN),
    ("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", None),
    ("SET default_transaction_read_only = off", None),
    ("SELECT set_config('default_transaction_read_only', 'off', false)", None),
    ("RESET ALL", None),
    ("SET transaction_read_only = off", SNAPSHOT_TAKEN),
    ("SET TRANSACTION READ WRITE", SNAPSHOT_TAKEN),
    (
        "DO $$ BEGIN PERFORM set_config('transaction_read_only', 'off', true); DELETE FROM cards; END $$",
        SNAPSHOT_TAKEN,
    ),
    ("DO $$ BEGIN COMMIT; DELETE FROM cards; END $$", TERMINATION),
    ("DO $$ BEGIN ROLLBACK; SET TRANSACTION READ WRITE; DELETE FROM cards; END $$", TERMINATION),
    ("DELETE FROM cards", READ_ONLY),
    ("WITH gone AS (DELETE FROM cards RETURNING 1) SELECT count(*) FROM gone", "in a read-only transaction"),
    ("SELECT lo_create(0)", "cannot execute lo_create() in a read-only transaction"),
]
# The same ideas as a script: refused whole by PostgreSQL's extended protocol.
SCRIPTS = [
    "COMMIT; DELETE FROM cards",
    "ROLLBACK; BEGIN READ WRITE; DELETE FROM cards; COMMIT",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; COMMIT; DELETE FROM cards",
    "SET default_transaction_read_only = off; COMMIT; DELETE FROM cards",
    "SELECT 1; DELETE FROM cards",
    "DELETE FROM cards WHERE false; DELETE FROM cards",
]


def run(client: TestClient, secrets: Secrets, statement: str, **form: str) -> dict[str, Any]:
    response = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": statement, **form})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_run_of_several_statements_is_refused_and_none_of_them_runs(
    client: TestClient, read_only_client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    before = fingerprint(studypuck_url)
    for script in SCRIPTS:
        for target, form in ((client, {}), (client, {"write": "on"}), (read_only_client, {"write": "on"})):
            result = run(target, secrets, script, **form)
            assert SEVERAL in result["error"] and "nothing was run" in result["error"], (script, form)
    assert fingerprint(studypuck_url) == before


@pytest.mark.parametrize("studio", ["read run", "read-only studio"])
def test_no_statement_turns_a_read_only_run_into_writes(
    studio: str, client: TestClient, read_only_client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    target, form = (client, {}) if studio == "read run" else (read_only_client, {"write": "on"})
    before = fingerprint(studypuck_url)
    for escape, refusal in ESCAPES:
        result = run(target, secrets, escape, **form)
        if refusal is None:
            assert result["error"] is None, (escape, result["error"])
        else:
            assert refusal in result["error"], (escape, result["error"])
        # Whatever the escape left in its session, the next run is read-only all the same.
        after = run(target, secrets, "DELETE FROM cards", **form)
        assert READ_ONLY in after["error"], escape
    assert fingerprint(studypuck_url) == before


def test_read_runs_and_read_only_studios_hold_a_read_only_session(
    client: TestClient, read_only_client: TestClient, secrets: Secrets
) -> None:
    show = "SHOW default_transaction_read_only"
    assert run(client, secrets, show)["rows"] == [["on"]]
    assert run(client, secrets, show, write="on")["rows"] == [["off"]]
    assert run(read_only_client, secrets, show, write="on")["rows"] == [["on"]]
    assert run(read_only_client, secrets, show, write="on")["write"] is False


def test_a_write_run_changes_data_only_when_asked(
    client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    refused = run(client, secrets, "DELETE FROM cards WHERE card_id = 'c059'")
    assert READ_ONLY in refused["error"]
    done = run(client, secrets, "DELETE FROM cards WHERE card_id = 'c059'", write="on")
    assert done["error"] is None and done["status"] == "DELETE 1"
    left = run(client, secrets, "SELECT count(*) FROM cards")
    assert left["rows"] == [[CARDS - 1]]


def test_console_writes_need_the_csrf_token(client: TestClient, studypuck_url: str, secrets: Secrets) -> None:
    before = fingerprint(studypuck_url)
    for csrf in (None, "", "0" * 64, secrets.csrf[:-1]):
        form = {"sql": "DELETE FROM cards", "write": "on"} | ({"csrf": csrf} if csrf is not None else {})
        refused = client.post("/sql.json", data=form)
        assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
        assert client.post("/sql", data=form).status_code == 403
    assert fingerprint(studypuck_url) == before


def test_statement_timeout_cancels_a_long_statement_with_a_clear_message(
    studypuck_url: str, secrets: Secrets
) -> None:
    with make_client(studypuck_url, secrets, statement_timeout_ms=400) as raw:
        client = signed_in(raw, secrets)
        assert run(client, secrets, "SHOW statement_timeout")["rows"] == [["400ms"]]
        started = time.monotonic()
        result = run(client, secrets, "SELECT pg_sleep(5)")
        assert time.monotonic() - started < 4
        assert "longer than the studio's statement_timeout (0.4 s)" in result["error"]
        assert "was cancelled" in result["error"]
        page = client.post("/sql", data={"csrf": secrets.csrf, "sql": "SELECT pg_sleep(5)"})
        assert "statement_timeout (0.4 s)" in page.text and 'role="alert"' in page.text


@pytest.mark.parametrize(
    ("lift", "form"),
    [
        ("SET statement_timeout = 0", {}),
        ("SET statement_timeout = 0", {"write": "on"}),
        ("SET SESSION statement_timeout = '1h'", {"write": "on"}),
        ("SELECT set_config('statement_timeout', '0', false)", {"write": "on"}),
        ("ALTER ROLE CURRENT_USER SET statement_timeout = 0", {}),
        ("ALTER ROLE CURRENT_USER IN DATABASE {database} SET statement_timeout = 0", {"write": "on"}),
    ],
)
def test_no_statement_lifts_the_statement_timeout(
    lift: str, form: dict[str, str], studypuck_url: str, secrets: Secrets
) -> None:
    with make_client(studypuck_url, secrets, statement_timeout_ms=300) as raw:
        client = signed_in(raw, secrets)
        # A setting of the role in this database outlives the connection, but the studio's
        # connection option is stronger.
        database = psycopg.conninfo.conninfo_to_dict(studypuck_url)["dbname"]
        run(client, secrets, lift.format(database=database), **form)
        assert run(client, secrets, "SHOW statement_timeout")["rows"] == [["300ms"]]
        assert "statement_timeout" in run(client, secrets, "SELECT pg_sleep(3)")["error"]
        # Nor within one statement: the timer is armed when the statement starts.
        within = run(
            client, secrets, "SELECT set_config('statement_timeout', '0', false), pg_sleep(3)", **form
        )
        assert "statement_timeout" in within["error"]
        block = "DO $$ BEGIN SET statement_timeout = 0; PERFORM pg_sleep(3); END $$"
        assert "statement_timeout" in run(client, secrets, block, **form)["error"]


def test_the_console_page_and_its_json(client: TestClient, read_only_client: TestClient) -> None:
    page = client.get("/sql")
    assert page.status_code == 200 and '<textarea name="sql"' in page.text and 'name="csrf"' in page.text
    assert 'name="write"' in page.text
    data = client.get("/sql.json")
    assert data.headers["content-type"] == "application/json"
    assert data.json()["result"] is None and data.json()["read_only"] is False
    locked = read_only_client.get("/sql")
    assert 'name="write"' not in locked.text and "--read-only" in locked.text
    assert read_only_client.get("/sql.json").json()["read_only"] is True


def test_errors_name_the_position_and_an_empty_run_says_so(client: TestClient, secrets: Secrets) -> None:
    error = run(client, secrets, "SELECT card_id,\n       nope\nFROM cards")["error"]
    assert 'column "nope" does not exist' in error and "line 2:" in error and "^" in error
    assert "no statement to run" in run(client, secrets, "   ")["error"]
    assert run(client, secrets, "SELECT 1;")["rows"] == [[1]]  # one statement, its semicolon


def test_console_pages_a_long_result(client: TestClient, secrets: Secrets) -> None:
    sql = "SELECT g FROM generate_series(1, 1200) AS g"
    first = run(client, secrets, sql)
    assert first["truncated"] and first["rows"][0] == [1] and len(first["rows"]) == 500
    third = run(client, secrets, sql, page="2")
    assert third["rows"][0] == [1001] and len(third["rows"]) == 200 and not third["truncated"]
    beyond = run(client, secrets, sql, page="99")
    assert beyond["rows"] == [] and beyond["error"] is None
    page = client.post("/sql", data={"csrf": secrets.csrf, "sql": sql})
    assert "next 500 rows" in page.text
