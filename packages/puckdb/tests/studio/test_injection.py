"""SQL injection through every place a request names something or carries a value: table
names in GET and POST paths, column names, sort keys, filter operators and values, hidden
columns, exports, row keys and cursors, form fields, the console. Each attempt gets a specific
refusal or a harmless answer (the text taken as data), and afterwards the whole data set — every
table's rows, the catalog's relations, functions and roles — is what it was."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import CARDS, fingerprint

DROP = "DROP TABLE cards"
CARD = encode_key(["u1", "fr", "c005"])
NO_TABLE = "no table or view"
NO_COLUMN = "has no column"
UNKNOWN_OPERATOR = "Unknown filter operator"


def refused(response: Any, status: int, fragment: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = (
        response.json()["error"]
        if response.headers["content-type"].startswith("application/json")
        else response.text
    )
    assert fragment in body, body[:300]


def card_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text[:300]
    data = response.json()
    assert data.get("error") is None, data["error"]
    return [str(row["card_id"]) for row in data["rows"]]


def first_page() -> list[str]:
    return [f"c{n:03d}" for n in range(50)]


@pytest.fixture
def before(studypuck_url: str) -> dict[str, object]:
    return fingerprint(studypuck_url)


def test_table_names_in_addresses_are_refused(
    client: TestClient, studypuck_url: str, secrets: Secrets, before: dict[str, object]
) -> None:
    names = [
        f'cards";{DROP};--',
        f"cards; {DROP}",
        "cards' OR '1'='1",
        'cards\\" --',
        "pg_authid",
    ]
    for name in names:
        table = quote(name, safe="")
        for address in (
            f"/t/public/{table}",
            f"/t/public/{table}.json",
            f"/t/public/{table}/row.json?key={CARD}",
            f"/t/public/{table}/new",
            f"/t/public/{table}/row/delete?key={CARD}",
            f"/t/public/{table}/export.csv",
            f"/t/public/{table}/export.json",
        ):
            refused(client.get(address), 400, NO_TABLE)
        refused(client.get(f"/s/public/{table}"), 400, "There is no table")
        refused(client.get(f"/t/{quote('public; ' + DROP, safe='')}/cards.json"), 400, NO_TABLE)
        refused(client.get(f"/?count={quote('public.' + name, safe='')}"), 400, NO_TABLE)
        edit = {"csrf": secrets.csrf, "key": CARD, "column": "meaning", "value": "x"}
        refused(client.post(f"/t/public/{table}/row/edit", data=edit), 400, NO_TABLE)
        insert = {"csrf": secrets.csrf, "v:card_id": "x"}
        refused(client.post(f"/t/public/{table}/new", data=insert), 400, NO_TABLE)
        delete = {"csrf": secrets.csrf, "key": CARD, "confirm": "yes"}
        refused(client.post(f"/t/public/{table}/row/delete", data=delete), 400, NO_TABLE)
    refused(client.get("/t/pg_catalog/pg_authid.json"), 400, NO_TABLE)
    assert fingerprint(studypuck_url) == before


def test_column_names_sort_keys_and_directions(
    client: TestClient, studypuck_url: str, before: dict[str, object]
) -> None:
    for sort in (f"content;{DROP}", f'content" DESC;{DROP};--', "1", "content, (SELECT 1)", "ctid"):
        refused(client.get(f"/t/public/cards.json?sort={quote(sort)}"), 400, NO_COLUMN)
        refused(client.get(f"/t/public/cards/export.csv?sort={quote(sort)}"), 400, NO_COLUMN)
    # The direction is a choice of two, anything else the default.
    assert card_ids(client.get(f"/t/public/cards.json?dir={quote('desc; ' + DROP)}")) == first_page()
    # Hidden columns only hide: an unknown name hides nothing.
    hidden = client.get(f"/t/public/cards.json?hide={quote('content;' + DROP)}").json()
    assert "content" in [c["name"] for c in hidden["columns"]] and len(hidden["rows"]) == 50
    lines = client.get(f"/t/public/cards/export.csv?hide={quote('x);' + DROP)}").text.splitlines()
    assert len(lines) == 1 + CARDS
    assert fingerprint(studypuck_url) == before


def test_filter_columns_and_operators_are_refused(
    client: TestClient, studypuck_url: str, before: dict[str, object]
) -> None:
    for column in (f"content);{DROP};--", 'content" = content OR "content', "content::text"):
        address = f"/t/public/cards.json?f={quote(column + '|eq|x')}"
        refused(client.get(address), 400, NO_COLUMN)
        refused(client.get(address.replace("cards.json", "cards/export.json")), 400, NO_COLUMN)
    for operator in ("=", "drop", f"eq);{DROP};--", "eq OR 1=1", ""):
        address = f"/t/public/cards.json?f={quote('card_id|' + operator + '|c005')}"
        refused(client.get(address), 400, UNKNOWN_OPERATOR)
        refused(client.get(address.replace("cards.json", "cards/export.csv")), 400, UNKNOWN_OPERATOR)
    assert fingerprint(studypuck_url) == before


def test_filter_values_are_data(client: TestClient, studypuck_url: str, before: dict[str, object]) -> None:
    values = [
        ("content", "eq", f"x'); {DROP};--"),
        ("card_id", "eq", "c005' OR '1'='1"),
        ("card_id", "ne", "c005' AND '1'='2"),
        ("card_id", "lt", "c001'--"),
        ("card_id", "in", "x'),('y"),
        ("card_id", "in", f"c005') OR true; {DROP};--"),
        ("content", "contains", f"'; {DROP}; --"),
        ("content", "starts", "mot%' OR '1'='1"),
        ("meaning", "contains", "\\"),
        ("user_id", "eq", "u1\x00"),
    ]
    with psycopg.connect(studypuck_url) as conn:
        for column, operator, value in values:
            address = f"/t/public/cards.json?f={quote(f'{column}|{operator}|{value}')}"
            response = client.get(address)
            if "\x00" in value:  # PostgreSQL text cannot hold NUL: refused, not cut short
                assert response.status_code == 200 and "0x00" in response.json()["error"]
                continue
            expected = {
                "eq": f"SELECT card_id FROM cards WHERE {column} = %s",
                "ne": f"SELECT card_id FROM cards WHERE {column} <> %s",
                "lt": f"SELECT card_id FROM cards WHERE {column} < %s",
                "in": f"SELECT card_id FROM cards WHERE {column} = ANY(%s)",
                "contains": f"SELECT card_id FROM cards WHERE strpos(lower({column}), lower(%s)) > 0",
                "starts": f"SELECT card_id FROM cards WHERE starts_with(lower({column}), lower(%s))",
            }[operator]
            argument: Any = [v.strip() for v in value.split(",")] if operator == "in" else value
            literal = sorted(r[0] for r in conn.execute(expected, [argument]).fetchall())[:50]
            assert sorted(card_ids(response)) == literal, (column, operator, value)
    # Typed columns: a value that is not of the type is PostgreSQL's error, not SQL.
    typed = client.get(f"/t/public/cards.json?f={quote('created_at|gt|now()); ' + DROP + ';--')}").json()
    assert "invalid input syntax for type timestamp with time zone" in typed["error"] and typed["rows"] == []
    exported = client.get(f"/t/public/cards/export.csv?f={quote('content|eq|x' + chr(39) + '); ' + DROP)}")
    assert exported.status_code == 200 and exported.text.splitlines()[1:] == []  # the header alone
    refused(
        client.get(f"/t/public/cards/export.csv?f={quote('created_at|gt|' + DROP)}"),
        400,
        "invalid input syntax for type timestamp",
    )
    assert fingerprint(studypuck_url) == before


def test_row_keys_cursors_and_vector_columns(
    client: TestClient, studypuck_url: str, before: dict[str, object]
) -> None:
    refused(
        client.get("/t/public/cards/row.json?key=" + encode_key(["u1' OR '1'='1", "fr", "c005"])),
        404,
        "no longer there",
    )
    refused(
        client.get("/t/public/cards/row.json?key=" + encode_key(["u1", "fr"])), 400, "does not fit this table"
    )
    refused(client.get("/t/public/cards/row.json?key=" + quote("');DROP TABLE cards;--")), 400, "damaged")
    refused(
        client.get("/t/public/cards/row.json?key=" + encode_key([DROP, None, "x"])), 404, "no longer there"
    )
    refused(client.get("/t/public/cards.json?after=Ikp1bmsi"), 400, "does not fit this table")
    refused(client.get("/t/public/cards.json?after=" + quote("'; " + DROP)), 400, "damaged")
    for near in ("content", f"embedding) FROM cards; {DROP};--", "embedding <=> embedding"):
        refused(
            client.get(f"/t/public/cards/row.json?key={CARD}&near={quote(near)}"), 400, "not a vector column"
        )
    # A cursor is data: the rows after it are the rows PostgreSQL puts after those values.
    cursor = [None, "u1", "fr", f"c0'); {DROP};--"]
    with psycopg.connect(studypuck_url) as conn:
        after = conn.execute(
            "SELECT card_id FROM cards WHERE (user_id, language_id, card_id) > (%s, %s, %s) "
            "ORDER BY user_id, language_id, card_id LIMIT 50",
            cursor[1:],
        ).fetchall()
    assert card_ids(client.get(f"/t/public/cards.json?after={encode_key(cursor)}")) == [r[0] for r in after]
    assert fingerprint(studypuck_url) == before


def test_form_fields_of_writes(
    client: TestClient, studypuck_url: str, secrets: Secrets, before: dict[str, object]
) -> None:
    edit = {"csrf": secrets.csrf, "key": CARD, "value": "x"}
    for column in (f'meaning" = NULL; {DROP}; --', "meaning = 'x', content", "ctid"):
        refused(client.post("/t/public/cards/row/edit", data={**edit, "column": column}), 400, NO_COLUMN)
    stray = encode_key(["u1", "fr", "c005' OR '1'='1"])
    refused(
        client.post("/t/public/cards/row/edit", data={**edit, "key": stray, "column": "meaning"}),
        400,
        "no longer there",
    )
    refused(
        client.post(
            "/t/public/cards/row/delete", data={"csrf": secrets.csrf, "key": stray, "confirm": "yes"}
        ),
        400,
        "no longer there",
    )
    # Unknown fields of the insert form are not columns: nothing but the named ones is sent.
    bogus = {"csrf": secrets.csrf, f"v:card_id\") VALUES ('x'); {DROP};--": "x", "v:nope": "1"}
    inserted = client.post("/t/public/cards/new.json", data=bogus)
    assert inserted.status_code == 400 and "null value" in inserted.json()["errors"]["user_id"]
    refused(
        client.post(
            "/t/public/card_review_due/row/delete", data={"csrf": secrets.csrf, "key": CARD, "confirm": "yes"}
        ),
        400,
        "is a view",
    )
    assert fingerprint(studypuck_url) == before

    # A value is stored as written, and written back leaves everything as it was but the
    # card's updated_at, which StudyPuck's trigger sets on every update.
    with psycopg.connect(studypuck_url) as conn:
        (stamped,) = conn.execute("SELECT updated_at FROM cards WHERE card_id = 'c005'").fetchone()
    evil = f"x'); {DROP};--"
    for value in (evil, "word 5"):
        form = {**edit, "column": "meaning", "value": value}
        saved = client.post("/t/public/cards/row/edit", data=form, follow_redirects=False)
        assert saved.status_code == 303
        with psycopg.connect(studypuck_url) as conn:
            assert conn.execute("SELECT meaning FROM cards WHERE card_id = 'c005'").fetchone() == (value,)
    with psycopg.connect(studypuck_url) as conn:
        (touched,) = conn.execute("SELECT updated_at FROM cards WHERE card_id = 'c005'").fetchone()
        assert touched != stamped
        conn.execute("ALTER TABLE cards DISABLE TRIGGER cards_touch_updated_at")
        conn.execute("UPDATE cards SET updated_at = %s WHERE card_id = 'c005'", (stamped,))
        conn.execute("ALTER TABLE cards ENABLE TRIGGER cards_touch_updated_at")
    assert fingerprint(studypuck_url) == before


def test_console_injection_stays_in_its_statement(
    client: TestClient, studypuck_url: str, secrets: Secrets, before: dict[str, object]
) -> None:
    for statement in (f"SELECT 1; {DROP}", f"SELECT '1'; {DROP}; --'", f"{DROP}"):
        result = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": statement}).json()
        assert "one statement at a time" in result["error"] or "read-only transaction" in result["error"]
    # Paging re-runs the statement as a read, whatever the page number says.
    paged = client.post("/sql.json", data={"csrf": secrets.csrf, "sql": DROP, "page": f"1; {DROP}"}).json()
    assert "read-only transaction" in paged["error"]
    assert fingerprint(studypuck_url) == before
