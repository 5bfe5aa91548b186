"""The studio over HTTP: every page and its JSON, auth, CSRF, read-only, and injection
attempts through every place a request can name something — verified against the data."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.check import Finding, check
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer
from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import CARDS, MIGRATIONS, embedding, fingerprint, make_client, select_only_role, signed_in

CARD = encode_key(["u1", "fr", "c005"])


def count(url: str, table: str = "cards") -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


ENDPOINTS = [
    ("GET", "/"),
    ("GET", "/index.json"),
    ("GET", "/t/public/cards"),
    ("GET", "/t/public/cards.json"),
    ("GET", f"/t/public/cards/row?key={CARD}"),
    ("GET", f"/t/public/cards/row.json?key={CARD}"),
    ("GET", "/t/public/cards/new"),
    ("GET", f"/t/public/cards/row/delete?key={CARD}"),
    ("GET", "/t/public/cards/export.csv"),
    ("GET", "/t/public/cards/export.json"),
    ("GET", "/s/public/cards"),
    ("GET", "/s/public/cards.json"),
    ("GET", "/erd.svg"),
    ("GET", "/sql"),
    ("GET", "/sql.json"),
    ("POST", "/t/public/cards/row/edit"),
    ("POST", "/t/public/cards/new"),
    ("POST", "/t/public/cards/row/delete"),
    ("POST", "/sql"),
    ("POST", "/sql.json"),
]


def test_every_endpoint_needs_the_token(studypuck_url: str, secrets: Secrets) -> None:
    before = fingerprint(studypuck_url)
    with make_client(studypuck_url, secrets) as anonymous:
        for method, address in ENDPOINTS:
            form = {"csrf": secrets.csrf, "key": CARD, "column": "meaning", "value": "x", "confirm": "yes"}
            form |= {"sql": "DELETE FROM cards", "write": "on", "v:card_id": "x"}
            for token in ("", "?token=wrong", f"?token={secrets.token[:-1]}"):
                joined = address + (token if "?" not in address else token.replace("?", "&"))
                response = anonymous.request(method, joined, data=form if method == "POST" else None)
                assert response.status_code == 401, (method, joined)
                assert "puckdb_studio" not in response.headers.get("set-cookie", "")
        assert (
            anonymous.get("/t/public/cards.json").json()["error"].startswith("This studio needs the address")
        )
    assert fingerprint(studypuck_url) == before


def test_the_token_sets_a_strict_http_only_cookie(studypuck_url: str, secrets: Secrets) -> None:
    with make_client(studypuck_url, secrets) as anonymous:
        first = anonymous.get(f"/?token={secrets.token}")
        cookie = first.headers["set-cookie"].lower()
        assert first.status_code == 200 and "puckdb_studio" in cookie
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert anonymous.get("/t/public/cards").status_code == 200  # the cookie now
        assert first.headers["cache-control"] == "no-store" and first.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in first.headers["content-security-policy"]


def test_overview_and_json(client: TestClient) -> None:
    page = client.get("/")
    assert "cards" in page.text and "card_review_due" in page.text
    data = client.get("/index.json").json()
    names = {r["name"]: r for r in data["relations"]}
    assert names["cards"]["kind"] == "table" and names["card_review_due"]["kind"] == "view"
    assert names["cards"]["size_bytes"] > 0 and names["cards"]["exact_rows"] is None
    exact = client.get("/index.json?count=public.cards").json()
    assert {r["name"]: r["exact_rows"] for r in exact["relations"]}["cards"] == CARDS
    assert f"{CARDS:,}" in client.get("/?count=public.cards").text
    assert data["status"] is None  # this studio knows no migrations folder
    assert "Migrations" not in page.text


@pytest.fixture
def project(tmp_path: Path, pg_server: EmbeddedServer, studypuck_url: str) -> Project:
    """StudyPuck as a project of its own: its migrations (all applied) plus a new, pending
    one, with scratch databases on the test server."""
    shutil.copytree(MIGRATIONS, tmp_path / "migrations")
    (tmp_path / "puckdb.toml").write_text('schema = "studypuck_database.schema"\n', encoding="utf-8")
    loaded = Project.load(cwd=tmp_path, url=studypuck_url, environ={DEV_URL_ENV: pg_server.url("postgres")})
    generate(loaded, GenerateOptions(name="backfill", custom=True))
    return loaded


def test_overview_shows_the_migrations_and_check_on_request(
    project: Project, studypuck_url: str, secrets: Secrets
) -> None:
    def run_check() -> tuple[Finding, ...]:
        return check(project).findings

    folder = project.config.migrations
    applied = len([path for path in MIGRATIONS.glob("*.sql") if not path.name.endswith(".down.sql")])
    pending = f"{applied + 1:04}_backfill"
    with make_client(studypuck_url, secrets, migrations=folder, check=run_check) as raw:
        client = signed_in(raw, secrets)
        page = client.get("/")
        assert '<li class="st-applied">0001_init — applied</li>' in page.text
        assert f'<li class="st-pending">{pending} — pending</li>' in page.text
        assert 'href="/?check=1">Run check</a>' in page.text and "database-vs-folder" not in page.text
        status = client.get("/index.json").json()["status"]
        assert [(m["version"], m["status"]) for m in status["migrations"]] == [
            *((version, "applied") for version in range(1, applied + 1)),
            (applied + 1, "pending"),
        ]
        assert status["findings"] is None

        checked = client.get("/?check=1")
        assert "<strong>database-vs-folder</strong>" in checked.text and pending in checked.text
        findings = client.get("/index.json?check=1").json()["status"]["findings"]
        assert [f["kind"] for f in findings] == ["database-vs-folder"]

        (folder / "puckdb.lock").write_text("damaged\n", encoding="utf-8")
        damaged = client.get("/")
        assert damaged.status_code == 200 and 'class="error" role="alert"' in damaged.text
        assert "puckdb.lock" in client.get("/index.json").json()["status"]["migrations_error"]


def test_overview_of_a_role_that_may_not_read_the_tracking_table_still_shows(
    project: Project, studypuck_url: str, secrets: Secrets
) -> None:
    with (
        select_only_role(studypuck_url) as url,
        make_client(url, secrets, migrations=project.config.migrations) as raw,
    ):
        client = signed_in(raw, secrets)
        page = client.get("/")
        assert page.status_code == 200 and 'class="error" role="alert"' in page.text
        error = client.get("/index.json").json()["status"]["migrations_error"]
        assert error.startswith("The migrations' status could not be read: permission denied")


def test_erd_is_an_svg_of_every_table(client: TestClient) -> None:
    response = client.get("/erd.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    # Its own inline <style> may apply; nothing may run.
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script" not in policy
    root = ET.fromstring(response.text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    drawn = {e.get("data-table") for e in root.iter() if e.get("data-table")}
    tables = {
        "public." + name for name in ("cards", "users", "study_languages", "card_groups", "inbox_notes")
    }
    assert tables <= drawn
    links = {e.get("href") for e in root.iter() if e.tag.endswith("}a")}
    assert "/s/public/cards" in links


def test_keyset_pages_cover_every_row_once_in_order(client: TestClient) -> None:
    seen: list[str] = []
    address = "/t/public/cards.json?sort=content&dir=desc"
    while address:
        data = client.get(address).json()
        seen.extend(row["content"] for row in data["rows"])
        address = f"/t/public/cards.json?sort=content&dir=desc&after={data['next']}" if data["next"] else ""
    assert len(seen) == CARDS and seen == sorted(seen, reverse=True)


def test_keyset_over_a_nullable_sort_column(client: TestClient) -> None:
    """NULLs where PostgreSQL puts them: last ascending, first descending."""
    for direction in ("asc", "desc"):
        seen: list[str | None] = []
        address = f"/t/public/cards.json?sort=meaning&dir={direction}"
        while address:
            data = client.get(address).json()
            seen.extend(row["meaning"] for row in data["rows"])
            address = (
                f"/t/public/cards.json?sort=meaning&dir={direction}&after={data['next']}"
                if data["next"]
                else ""
            )
        assert len(seen) == CARDS
        values = [v for v in seen if v is not None]
        nulls = [None] * (CARDS - len(values))
        if direction == "asc":
            assert values == sorted(values) and seen[len(values) :] == nulls
        else:
            assert seen[: len(nulls)] == nulls and values == sorted(values, reverse=True)


def test_filters(client: TestClient) -> None:
    def rows(*filters: str) -> list[str]:
        query = "&".join(f"f={quote(f)}" for f in filters)
        data = client.get(f"/t/public/cards.json?{query}").json()
        assert data["error"] is None, data["error"]
        return [str(r["card_id"]) for r in data["rows"]]

    without_meaning = {f"c{n:03d}" for n in range(CARDS) if n % 7 == 0}
    assert rows("card_id|eq|c005") == ["c005"]
    assert rows("card_id|ne|c005", "card_id|lt|c008") == [
        "c000",
        "c001",
        "c002",
        "c003",
        "c004",
        "c006",
        "c007",
    ]
    assert rows("card_id|lt|c002") == ["c000", "c001"]
    assert rows("card_id|le|c002") == ["c000", "c001", "c002"]
    assert rows("card_id|gt|c056") == ["c057", "c058", "c059"]
    assert rows("card_id|ge|c058") == ["c058", "c059"]
    assert len(rows("content|contains|mot 1")) == 11
    assert rows("content|contains|MOT 12") == ["c012"]  # case does not matter
    assert rows("content|starts|mot 5", "card_id|le|c050") == ["c005", "c050"]
    assert set(rows("meaning|null|")) == without_meaning
    notnull = rows("meaning|notnull|", "card_id|lt|c015")
    assert notnull == [f"c{n:03d}" for n in range(15) if n % 7 != 0]
    assert rows("card_id|in|c001, c003") == ["c001", "c003"]
    assert rows("created_at|le|2000-01-01") == [] and len(rows("created_at|gt|2000-01-01")) == 50
    # A % or _ in a value is literal, not a pattern.
    assert rows("content|contains|%") == [] and rows("content|contains|_") == []
    bad = client.get("/t/public/cards.json?f=card_id|drop|x")
    assert bad.status_code == 400 and "Unknown filter operator" in bad.json()["error"]
    typed = client.get("/t/public/cards.json?f=created_at|gt|not a time").json()
    assert "invalid input syntax" in typed["error"]


def test_the_filter_form_lands_on_a_clean_shareable_address(client: TestClient) -> None:
    submitted = client.get(
        "/t/public/cards?f=card_id|lt|c020&fc=content&fo=starts&fv=mot 1&add=1&sort=content",
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    location = submitted.headers["location"]
    assert parse_qs(urlsplit(location).query) == {
        "f": ["card_id|lt|c020", "content|starts|mot 1"],
        "sort": ["content"],
    }
    page = client.get(location)
    assert page.text.count('class="chip"') == 2 and page.text.count('class="open"') == 11


def test_columns_shown_and_hidden(client: TestClient) -> None:
    chosen = client.get("/t/public/cards?sort=content&show=card_id&show=content", follow_redirects=False)
    assert chosen.status_code == 303
    query = parse_qs(urlsplit(chosen.headers["location"]).query)
    hidden = query["hide"][0].split(",")
    assert query["sort"] == ["content"] and "card_id" not in hidden and "content" not in hidden
    assert {"user_id", "meaning", "embedding", "examples"} <= set(hidden)
    page = client.get(chosen.headers["location"])
    headers = re.findall(r'<th><a href="[^"]*">([a-z_]+)', page.text)
    assert headers == ["card_id", "content"]
    assert 'value="meaning" >' in page.text and 'value="card_id" checked>' in page.text  # the checkboxes
    data = client.get(f"/t/public/cards.json?hide={query['hide'][0]}").json()
    assert [c["name"] for c in data["columns"]] == ["card_id", "content"]
    assert set(data["rows"][0]) == {"card_id", "content"}
    # Showing every column again drops the hide parameter.
    every = [c["name"] for c in client.get("/t/public/cards.json").json()["columns"]]
    again = client.get("/t/public/cards?" + urlencode([("show", c) for c in every]), follow_redirects=False)
    assert "hide" not in parse_qs(urlsplit(again.headers["location"]).query)


def test_row_page_foreign_keys_references_and_neighbours(client: TestClient) -> None:
    page = client.get(f"/t/public/cards/row?key={CARD}")
    assert page.status_code == 200 and "mot 5" in page.text
    data = client.get(f"/t/public/cards/row.json?key={CARD}&near=embedding").json()
    assert data["row"]["card_id"] == "c005"
    nearest = [n["card_id"] for n in data["neighbours"]]
    assert set(nearest[:2]) == {"c004", "c006"} and "c005" not in nearest
    assert all(
        a["distance"] <= b["distance"]
        for a, b in zip(data["neighbours"], data["neighbours"][1:], strict=False)
    )
    language = client.get(f"/t/public/study_languages/row.json?key={encode_key(['u1', 'fr'])}").json()
    assert any(r["table"] == "cards" and len(r["rows"]) == 20 for r in language["referenced_by"])
    assert "vector" in page.text or "[768]" in page.text


def test_schema_page_and_views(client: TestClient) -> None:
    schema = client.get("/s/public/cards")
    assert schema.status_code == 200 and "CREATE TABLE" in schema.text and "hnsw" in schema.text
    assert client.get("/s/public/cards.json").json()["table"]["name"] == "cards"
    view = client.get("/t/public/card_review_due.json")
    assert view.status_code == 200 and "rows" in view.json()


def test_edit_insert_delete_with_csrf(client: TestClient, studypuck_url: str, secrets: Secrets) -> None:
    form = {"key": CARD, "column": "meaning", "value": "a new meaning", "csrf": secrets.csrf}
    assert client.post("/t/public/cards/row/edit", data={**form, "csrf": "nope"}).status_code == 403
    saved = client.post("/t/public/cards/row/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with psycopg.connect(studypuck_url) as conn:
        assert conn.execute("SELECT meaning FROM cards WHERE card_id = 'c005'").fetchone() == (
            "a new meaning",
        )

    bad_json = client.post("/t/public/cards/row/edit", data={**form, "column": "examples", "value": "{oops"})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.text
    bad_type = client.post(
        "/t/public/cards/row/edit", data={**form, "column": "created_at", "value": "yesterday-ish"}
    )
    assert bad_type.status_code == 400 and "invalid input syntax" in bad_type.text

    inserted = client.post(
        "/t/public/cards/new",
        data={
            "csrf": secrets.csrf,
            "v:user_id": "u1",
            "v:language_id": "fr",
            "v:card_id": "new1",
            "v:content": "nouveau",
            "default:status": "on",
            "default:created_at": "on",
            "default:updated_at": "on",
            "default:card_type": "on",
            "null:meaning": "on",
        },
        follow_redirects=False,
    )
    assert inserted.status_code == 303, inserted.text
    assert count(studypuck_url) == CARDS + 1
    key = encode_key(["u1", "fr", "new1"])
    confirm = client.get(f"/t/public/cards/row/delete?key={key}")
    assert confirm.status_code == 200 and "Delete" in confirm.text and "nouveau" in confirm.text
    assert client.get(f"/t/public/cards/row/delete.json?key={key}").json()["row"]["content"] == "nouveau"
    deleted = client.post(
        "/t/public/cards/row/delete",
        data={"csrf": secrets.csrf, "key": key, "confirm": "yes"},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and count(studypuck_url) == CARDS
    gone = client.get(f"/t/public/cards/row/delete?key={key}")
    assert gone.status_code == 404 and "no longer there" in gone.text
    again = client.post(
        "/t/public/cards/row/delete", data={"csrf": secrets.csrf, "key": key, "confirm": "yes"}
    )
    assert again.status_code == 400 and "no longer there" in again.text


def test_read_only_refuses_every_write(
    read_only_client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    before = fingerprint(studypuck_url)
    client = read_only_client
    refusal = "The studio runs with --read-only: nothing can be changed."
    form = {"key": CARD, "column": "meaning", "value": "x", "csrf": secrets.csrf}
    for address in ("/t/public/cards/row/edit", "/t/public/cards/row/edit.json"):
        response = client.post(address, data=form)
        assert response.status_code == 403 and refusal in response.text
    inserted = client.post("/t/public/cards/new", data={"csrf": secrets.csrf, "v:card_id": "x"})
    assert inserted.status_code == 403 and refusal in inserted.text
    deleted = client.post(
        "/t/public/cards/row/delete", data={"csrf": secrets.csrf, "key": CARD, "confirm": "yes"}
    )
    assert deleted.status_code == 403 and refusal in deleted.text
    written = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": "DELETE FROM cards", "write": "on"})
    assert "read-only transaction" in written.json()["error"] and written.json()["write"] is False
    # The pages offer no way to write.
    row = client.get(f"/t/public/cards/row?key={CARD}").text
    assert "row/edit" not in row and "delete this row" not in row
    assert "insert row" not in client.get("/t/public/cards").text
    # Reading still works on its read-only sessions: neighbours (SET LOCAL) and exports (a cursor).
    near = client.get(f"/t/public/cards/row.json?key={CARD}&near=embedding").json()["neighbours"]
    assert len(near) == 10
    assert len(client.get("/t/public/cards/export.csv").text.splitlines()) == 1 + CARDS
    assert fingerprint(studypuck_url) == before


def test_writes_need_the_csrf_token(client: TestClient, studypuck_url: str, secrets: Secrets) -> None:
    before = fingerprint(studypuck_url)
    writes = [
        ("/t/public/cards/row/edit", {"key": CARD, "column": "meaning", "value": "x"}),
        (
            "/t/public/cards/new",
            {"v:user_id": "u1", "v:language_id": "fr", "v:card_id": "x", "v:content": "x"},
        ),
        ("/t/public/cards/row/delete", {"key": CARD, "confirm": "yes"}),
        ("/sql", {"sql": "DELETE FROM cards", "write": "on"}),
    ]
    for address, form in writes:
        for csrf in (None, "", "x" * 64, secrets.token, secrets.csrf.upper()):
            sent = form | ({"csrf": csrf} if csrf is not None else {})
            response = client.post(address, data=sent)
            assert response.status_code == 403 and "CSRF token is missing or wrong" in response.text, address
    assert fingerprint(studypuck_url) == before


def test_export_csv_and_json_follow_filters(client: TestClient) -> None:
    csv_text = client.get("/t/public/cards/export.csv?f=content|starts|mot 1").text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("user_id,language_id,card_id,content") and len(lines) == 1 + 11
    exported = json.loads(client.get("/t/public/cards/export.json?f=card_id|in|c001,c002").text)
    assert sorted(r["card_id"] for r in exported) == ["c001", "c002"]


def test_export_follows_the_order_and_the_shown_columns(client: TestClient) -> None:
    address = "/t/public/cards/export.csv?sort=content&dir=desc&hide=user_id,language_id,embedding,examples"
    response = client.get(address)
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="cards.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["card_id", "content"] and "embedding" not in rows[0] and "user_id" not in rows[0]
    contents = [r[1] for r in rows[1:]]
    assert len(contents) == CARDS and contents == sorted(contents, reverse=True)
    exported = client.get("/t/public/cards/export.json?sort=meaning&hide=embedding&f=card_id|lt|c010").json()
    assert "embedding" not in exported[0] and exported[0]["examples"] == {
        "level": 1,
        "examples": ["exemple 1"],
    }
    meanings = [r["meaning"] for r in exported]
    assert meanings[-2:] == [None, None] and meanings[:-2] == sorted(meanings[:-2])
    refused = client.get("/t/public/cards/export.xml")
    assert refused.status_code == 400 and "export.csv or export.json" in refused.text


def test_a_refused_export_leaves_no_connection_open(client: TestClient, studypuck_url: str) -> None:
    def open_connections() -> int:
        with psycopg.connect(studypuck_url) as conn:
            found = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'puckdb'"
            ).fetchone()
        return int(found[0]) if found else 0

    baseline = open_connections()
    gc.disable()  # a leaked connection then stays open instead of being collected by chance
    try:
        for address in (
            "/t/public/nope/export.csv",
            "/t/public/cards/export.xml",
            "/t/public/cards/export.csv?sort=nope",
            "/t/public/cards/export.csv?f=created_at|gt|not a time",
        ):
            assert client.get(address).status_code == 400
        deadline = time.monotonic() + 5
        while open_connections() > baseline and time.monotonic() < deadline:
            time.sleep(0.05)
        assert open_connections() == baseline
    finally:
        gc.enable()


def test_row_pages_pretty_print_json_and_show_times(client: TestClient) -> None:
    row = client.get(f"/t/public/cards/row?key={CARD}").text
    assert (
        '<pre class="v json">{\n  &#34;level&#34;: 2,\n  &#34;examples&#34;: [\n    &#34;exemple 5&#34;\n  ]\n}</pre>'
        in row
    )
    assert re.search(r'<time class="v time" datetime="\d{4}-\d\d-\d\dT[^"]+">', row)
    table = client.get("/t/public/cards?f=card_id|eq|c005").text
    assert (
        '<span class="v json-line">{&#34;level&#34;: 2, &#34;examples&#34;: [&#34;exemple 5&#34;]}</span>'
        in table
    )
    first = ", ".join(f"{float(v):.4g}" for v in embedding(5).strip("[]").split(",")[:4])
    # The dimension and the first values, with nothing to unfold (the whole vector is the row page's).
    assert f'<span class="v vector">[768] {first}, …</span>' in table
    missing = client.get("/t/public/cards/row.json?key=" + encode_key(["u1", "fr", "gone"]))
    assert missing.status_code == 404 and "no longer there" in missing.json()["error"]


def test_small_keyset_pages_cross_the_nulls_in_both_directions(studypuck_url: str) -> None:
    from puckdb.inspect import inspect_schema
    from puckdb.studio import browse

    with psycopg.connect(studypuck_url, autocommit=True) as conn:
        ref = browse.table_ref(inspect_schema(conn, ["public"]), "public", "cards")
        for descending in (False, True):
            seen: list[str] = []
            after = None
            while True:
                request = browse.PageRequest(sort="meaning", descending=descending, after=after, limit=4)
                page = browse.page(conn, ref, request)
                seen.extend(str(r["card_id"]) for r in page.rows)
                if page.next_cursor is None:
                    break
                after = page.next_cursor
            order = conn.execute(
                "SELECT card_id FROM cards ORDER BY meaning "
                + ("DESC" if descending else "ASC")
                + ", user_id "
                + ("DESC" if descending else "ASC")
                + ", language_id "
                + ("DESC" if descending else "ASC")
                + ", card_id "
                + ("DESC" if descending else "ASC")
            ).fetchall()
            assert seen == [row[0] for row in order]
