"""The studio over HTTP: every page and its JSON, auth, CSRF, read-only, and injection
attempts through every place a request can name something — verified against the data."""

from __future__ import annotations

import json

import psycopg
from starlette.testclient import TestClient

from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import CARDS, make_client

CARD = encode_key(["u1", "fr", "c005"])


def count(url: str, table: str = "cards") -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def test_token_is_required(studypuck_url: str, secrets: Secrets) -> None:
    with make_client(studypuck_url, secrets) as anonymous:
        assert anonymous.get("/").status_code == 401
        assert anonymous.get("/t/public/cards.json").status_code == 401
        assert anonymous.get("/?token=wrong").status_code == 401
        first = anonymous.get(f"/?token={secrets.token}")
        assert first.status_code == 200 and "puckdb_studio" in first.headers["set-cookie"]
        assert (
            "httponly" in first.headers["set-cookie"].lower()
            and "samesite=strict" in first.headers["set-cookie"].lower()
        )
        assert anonymous.get("/t/public/cards").status_code == 200  # the cookie now


def test_overview_and_json(client: TestClient) -> None:
    page = client.get("/")
    assert "cards" in page.text and "card_review_due" in page.text
    data = client.get("/index.json").json()
    names = {r["name"]: r for r in data["relations"]}
    assert names["cards"]["kind"] == "table" and names["card_review_due"]["kind"] == "view"
    exact = client.get("/index.json?count=public.cards").json()
    assert {r["name"]: r["exact_rows"] for r in exact["relations"]}["cards"] == CARDS


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
    def rows(*filters: str) -> list[dict[str, object]]:
        query = "&".join(f"f={f}" for f in filters)
        result: list[dict[str, object]] = client.get(f"/t/public/cards.json?{query}").json()["rows"]
        return result

    assert [r["card_id"] for r in rows("card_id|eq|c005")] == ["c005"]
    assert len(rows("card_id|ne|c005")) == 50  # the first page
    assert [r["card_id"] for r in rows("card_id|lt|c002")] == ["c000", "c001"]
    assert len(rows("content|contains|mot 1")) == 11
    assert [r["card_id"] for r in rows("content|starts|mot 5", "card_id|le|c050")] == ["c005", "c050"]
    assert len(rows("meaning|null|")) == len([n for n in range(CARDS) if n % 7 == 0])
    assert [r["card_id"] for r in rows("card_id|in|c001, c003")] == ["c001", "c003"]
    # A % or _ in a value is literal, not a pattern.
    assert rows("content|contains|%") == []
    bad = client.get("/t/public/cards.json?f=card_id|drop|x")
    assert bad.status_code == 400
    typed = client.get("/t/public/cards.json?f=created_at|gt|not a time").json()
    assert "invalid input syntax" in typed["error"]


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
    assert confirm.status_code == 200 and "Delete" in confirm.text
    deleted = client.post(
        "/t/public/cards/row/delete",
        data={"csrf": secrets.csrf, "key": key, "confirm": "yes"},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and count(studypuck_url) == CARDS


def test_read_only_refuses_every_write(studypuck_url: str, secrets: Secrets) -> None:
    with make_client(studypuck_url, secrets, read_only=True) as client:
        client.get(f"/?token={secrets.token}")
        form = {"key": CARD, "column": "meaning", "value": "x", "csrf": secrets.csrf}
        assert client.post("/t/public/cards/row/edit", data=form).status_code == 403
        assert (
            client.post("/t/public/cards/new", data={"csrf": secrets.csrf, "v:card_id": "x"}).status_code
            == 403
        )
        assert (
            client.post(
                "/t/public/cards/row/delete", data={"csrf": secrets.csrf, "key": CARD, "confirm": "yes"}
            ).status_code
            == 403
        )
        written = client.post(
            "/sql.json", data={"csrf": secrets.csrf, "sql": "DELETE FROM cards", "write": "on"}
        )
        assert "read-only transaction" in written.json()["error"]
    assert count(studypuck_url) == CARDS


def test_console_is_read_only_unless_asked(client: TestClient, studypuck_url: str, secrets: Secrets) -> None:
    result = client.post(
        "/sql.json", data={"csrf": secrets.csrf, "sql": "SELECT card_id FROM cards ORDER BY 1 LIMIT 3"}
    )
    assert result.json()["rows"] == [["c000"], ["c001"], ["c002"]]
    refused = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": "DELETE FROM cards"}).json()
    assert "read-only transaction" in refused["error"] and count(studypuck_url) == CARDS
    error = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": "SELECT nope FROM cards"}).json()
    assert 'column "nope" does not exist' in error["error"] and "^" in error["error"]
    done = client.post(
        "/sql.json",
        data={"csrf": secrets.csrf, "sql": "DELETE FROM cards WHERE card_id = 'c059'", "write": "on"},
    ).json()
    assert done["status"] == "DELETE 1" and count(studypuck_url) == CARDS - 1


def test_export_csv_and_json_follow_filters(client: TestClient) -> None:
    csv_text = client.get("/t/public/cards/export.csv?f=content|starts|mot 1").text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("user_id,language_id,card_id,content") and len(lines) == 1 + 11
    exported = json.loads(client.get("/t/public/cards/export.json?f=card_id|in|c001,c002").text)
    assert sorted(r["card_id"] for r in exported) == ["c001", "c002"]


def test_injection_attempts_are_refused_or_harmless(
    client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    attempts = [
        '/t/public/cards";DROP TABLE cards;--',
        "/t/public/cards.json?sort=content;DROP TABLE cards",
        "/t/public/cards.json?sort=content%22%20DESC;DROP%20TABLE%20cards;--",
        "/t/public/cards.json?f=content);DROP TABLE cards;--|eq|x",
        "/t/public/cards.json?f=content|eq|x'); DROP TABLE cards;--",
        "/t/public/cards.json?f=card_id|in|x'),('y",
        "/t/public/cards.json?f=content|contains|'; DROP TABLE cards; --",
        "/t/public/cards.json?after=Ikp1bmsi",
        "/t/public/cards/row.json?key=" + encode_key(["u1' OR '1'='1", "fr", "x"]),
        "/t/pg_catalog/pg_authid.json",
        "/t/public/cards/row.json?key=" + encode_key(["u1", "fr", "c005"]) + "&near=content",
    ]
    for address in attempts:
        response = client.get(address)
        assert response.status_code in (200, 400, 404), (address, response.status_code)
        if response.status_code == 200 and address.endswith(".json"):
            assert "rows" not in response.json() or response.json()["rows"] in ([], None) or "f=" in address
    form = {
        "csrf": secrets.csrf,
        "key": CARD,
        "column": 'meaning" = NULL; DROP TABLE cards; --',
        "value": "x",
    }
    assert client.post("/t/public/cards/row/edit", data=form).status_code == 400
    assert count(studypuck_url) == CARDS
    with psycopg.connect(studypuck_url) as conn:
        assert conn.execute("SELECT meaning FROM cards WHERE card_id = 'c005'").fetchone() == ("word 5",)


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


def test_console_pages_a_long_result(client: TestClient, secrets: Secrets) -> None:
    sql = "SELECT g FROM generate_series(1, 1200) AS g"
    first = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": sql}).json()
    assert first["truncated"] and first["rows"][0] == [1] and len(first["rows"]) == 500
    third = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": sql, "page": "2"}).json()
    assert third["rows"][0] == [1001] and len(third["rows"]) == 200 and not third["truncated"]
    page = client.post("/sql", data={"csrf": secrets.csrf, "sql": sql})
    assert "next 500 rows" in page.text
