"""The writes on their .json addresses: an edit, an insert and a delete answer JSON (the saved
or deleted row; a refusal's message, field and status), and the middleware's refusals (token,
CSRF, --read-only) are JSON there too — checked against the data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import fingerprint, make_client, select_only_role, signed_in

EDIT = "/t/public/gadgets/row/edit.json"
NEW = "/t/public/gadgets/new.json"
DELETE = "/t/public/gadgets/row/delete.json"


def key(n: int) -> str:
    return encode_key([str(n)])


def is_json(response: Any) -> bool:
    return bool(response.headers["content-type"].startswith("application/json"))


def stored(url: str, query: str, *params: Any) -> tuple[Any, ...] | None:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()


def test_an_edit_on_its_json_address_answers_the_saved_row(
    lab: TestClient, lab_url: str, secrets: Secrets
) -> None:
    form = {"csrf": secrets.csrf, "key": key(4)}
    saved = lab.post(EDIT, data=form | {"column": "mood", "value": "gone"}, follow_redirects=False)
    assert saved.status_code == 200 and is_json(saved)
    body = saved.json()
    assert body["key"] == key(4) and body["address"] == f"/t/public/gadgets/row?key={key(4)}"
    assert body["row"]["id"] == 4 and body["row"]["mood"] == "gone" and body["row"]["name"] == "gadget 4"
    assert stored(lab_url, "SELECT mood::text FROM gadgets WHERE id = 4") == ("gone",)

    nulled = lab.post(EDIT, data=form | {"column": "notes", "null": "on"}).json()
    assert nulled["row"]["notes"] is None and stored(lab_url, "SELECT notes FROM gadgets WHERE id = 4") == (
        None,
    )
    vector = lab.post(EDIT, data=form | {"column": "l2", "value": "[0.5, 0.25, 1]"}).json()
    assert vector["row"]["l2"] == "[0.5,0.25,1]"

    # A key column edited: the answer is the row at its new key.
    moved = lab.post(EDIT, data=form | {"column": "id", "value": "40"})
    assert moved.status_code == 200 and moved.json()["key"] == key(40) and moved.json()["row"]["id"] == 40
    assert stored(lab_url, "SELECT count(*) FROM gadgets WHERE id IN (4, 40)") == (1,)
    assert lab.get(moved.json()["address"]).status_code == 200


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("name", "far too long a name", "value too long for type character varying(12)"),
        ("name", "gadget 1", 'duplicate key value violates unique constraint "gadgets_name_key"'),
        ("spec", "{oops", "not valid JSON"),
        ("l2", "[1, 2]", "expected 3 dimensions, not 2"),
        ("made_on", "31/31/2024", "date/time field value out of range"),
        ("shelf", "9", 'violates foreign key constraint "gadgets_site_shelf_fkey"'),
        ("mood", "sleepy", 'invalid input value for enum mood: "sleepy"'),
    ],
)
def test_a_refused_edit_on_its_json_address_answers_the_message_and_the_field(
    column: str, value: str, message: str, lab: TestClient, lab_url: str, secrets: Secrets
) -> None:
    before = fingerprint(lab_url)
    refused = lab.post(EDIT, data={"csrf": secrets.csrf, "key": key(4), "column": column, "value": value})
    assert refused.status_code == 400 and is_json(refused), refused.text[:300]
    assert message in refused.json()["error"] and refused.json()["field"] == column
    assert fingerprint(lab_url) == before


def test_an_edit_of_what_is_not_there_answers_json(lab: TestClient, lab_url: str, secrets: Secrets) -> None:
    before = fingerprint(lab_url)
    form = {"csrf": secrets.csrf, "key": key(4), "column": "name", "value": "x"}
    gone = lab.post(EDIT, data=form | {"key": key(999)})
    assert gone.status_code == 404 and is_json(gone)
    assert "no longer there" in gone.json()["error"] and gone.json()["field"] is None
    for changed, status, fragment in [
        ({"column": "nope"}, 400, "has no column 'nope'"),
        ({"key": "%%%"}, 400, "damaged"),
        ({"key": encode_key(["1", "2"])}, 400, "does not fit this table"),
    ]:
        response = lab.post(EDIT, data=form | changed)
        assert response.status_code == status and is_json(response) and fragment in response.json()["error"]
    view = lab.post("/t/public/slow/row/edit.json", data=form | {"column": "slept"})
    assert view.status_code == 400 and "is a view" in view.json()["error"]
    assert fingerprint(lab_url) == before


def test_an_insert_on_its_json_address_answers_the_saved_row(
    lab: TestClient, lab_url: str, secrets: Secrets
) -> None:
    form = {"csrf": secrets.csrf, "v:id": "100", "v:name": "by json", "v:site": "north", "v:shelf": "1"}
    form |= {"default:mood": "on", "default:price": "on", "default:seen_at": "on", "v:l2": "[1,2,3]"}
    created = lab.post(NEW, data=form, follow_redirects=False)
    assert created.status_code == 201 and is_json(created)
    body = created.json()
    assert body["key"] == key(100) and body["address"] == f"/t/public/gadgets/row?key={key(100)}"
    row = body["row"]
    assert (row["id"], row["name"], row["mood"], row["price"], row["l2"]) == (
        100,
        "by json",
        "calm",
        "9.99",
        "[1,2,3]",
    )
    assert row["seen_at"] is not None  # the default, as stored
    assert stored(lab_url, "SELECT name FROM gadgets WHERE id = 100") == ("by json",)

    before = fingerprint(lab_url)
    again = lab.post(NEW, data=form)
    assert again.status_code == 400 and is_json(again)
    refusal = again.json()
    assert 'duplicate key value violates unique constraint "gadgets_pkey"' in refusal["error"]
    assert refusal["field"] == "id" and refusal["errors"] == {"id": refusal["error"]}
    assert fingerprint(lab_url) == before


def test_a_delete_on_its_json_address_answers_the_deleted_row(
    lab: TestClient, lab_url: str, secrets: Secrets
) -> None:
    form = {"csrf": secrets.csrf, "key": key(8)}
    unconfirmed = lab.post(DELETE, data=form)
    assert unconfirmed.status_code == 400 and unconfirmed.json()["field"] == "confirm"
    assert "nothing was deleted" in unconfirmed.json()["error"]
    assert stored(lab_url, "SELECT count(*) FROM gadgets WHERE id = 8") == (1,)

    deleted = lab.post(DELETE, data=form | {"confirm": "yes"}, follow_redirects=False)
    assert deleted.status_code == 200 and is_json(deleted)
    body = deleted.json()
    assert body["key"] == key(8) and body["table"] == "/t/public/gadgets"
    assert body["deleted"]["id"] == 8 and body["deleted"]["name"] == "gadget 8"
    assert body["deleted"]["l2"] == "[8,1,1]"
    assert stored(lab_url, "SELECT count(*) FROM gadgets WHERE id = 8") == (0,)

    again = lab.post(DELETE, data=form | {"confirm": "yes"})
    assert again.status_code == 404 and "no longer there" in again.json()["error"]
    assert again.json()["field"] is None

    before = fingerprint(lab_url)
    shelf = {"csrf": secrets.csrf, "key": encode_key(["north", "1"]), "confirm": "yes"}
    referenced = lab.post("/t/public/shelves/row/delete.json", data=shelf)
    assert referenced.status_code == 400 and is_json(referenced)
    assert 'violates foreign key constraint "gadgets_site_shelf_fkey"' in referenced.json()["error"]
    assert referenced.json()["field"] is None
    view = lab.post("/t/public/slow/row/delete.json", data=form | {"confirm": "yes"})
    assert view.status_code == 400 and "is a view" in view.json()["error"]
    assert fingerprint(lab_url) == before


@pytest.fixture
def reader(lab_url: str, secrets: Secrets) -> Iterator[TestClient]:
    """The studio connected as a role that may read the gadgets but not change them."""
    with select_only_role(lab_url) as url, make_client(url, secrets) as test_client:
        yield signed_in(test_client, secrets)


def test_a_write_the_role_may_not_make_answers_403(
    reader: TestClient, lab_url: str, secrets: Secrets
) -> None:
    before = fingerprint(lab_url)
    edited = reader.post(EDIT, data={"csrf": secrets.csrf, "key": key(4), "column": "name", "value": "x"})
    deleted = reader.post(DELETE, data={"csrf": secrets.csrf, "key": key(4), "confirm": "yes"})
    inserted = reader.post(NEW, data={"csrf": secrets.csrf, "v:id": "100", "v:name": "x"})
    for response in (edited, deleted, inserted):
        assert response.status_code == 403 and is_json(response), response.text[:300]
        assert "permission denied for table gadgets" in response.json()["error"]
    assert fingerprint(lab_url) == before


WRITES = [
    (EDIT, {"key": key(4), "column": "name", "value": "x"}),
    (NEW, {"v:id": "100", "v:name": "x"}),
    (DELETE, {"key": key(4), "confirm": "yes"}),
]


def test_token_and_csrf_refusals_of_json_writes_are_json(lab_url: str, secrets: Secrets) -> None:
    before = fingerprint(lab_url)
    with make_client(lab_url, secrets) as anonymous:
        for address, form in WRITES:
            response = anonymous.post(address, data=form | {"csrf": secrets.csrf})
            assert response.status_code == 401 and is_json(response), address
            assert response.json()["error"].startswith("This studio needs the address")
        client = signed_in(anonymous, secrets)
        for address, form in WRITES:
            for csrf in ({}, {"csrf": ""}, {"csrf": secrets.token}):
                response = client.post(address, data=form | csrf)
                assert response.status_code == 403 and is_json(response), address
                assert "CSRF token is missing or wrong" in response.json()["error"]
    assert fingerprint(lab_url) == before


def test_read_only_refusals_of_json_writes_are_json(lab_url: str, secrets: Secrets) -> None:
    before = fingerprint(lab_url)
    with make_client(lab_url, secrets, read_only=True) as raw:
        client = signed_in(raw, secrets)
        for address, form in WRITES:
            response = client.post(address, data=form | {"csrf": secrets.csrf})
            assert response.status_code == 403 and is_json(response), address
            assert response.json() == {"error": "The studio runs with --read-only: nothing can be changed."}
    assert fingerprint(lab_url) == before
