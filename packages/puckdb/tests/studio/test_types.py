"""How the studio shows and edits each kind of column, on a small database of them (enums,
numbers, dates, times, jsonb, arrays, long text, vectors with L2 and inner-product indexes,
two composite foreign keys starting with the same column)."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import fingerprint


def key(n: int) -> str:
    return encode_key([str(n)])


def field_of(page: str, name: str) -> str:
    """The markup of one form field and what follows it in its table cell or form."""
    start = page.rindex("<", 0, page.index(f'name="{name}"'))
    ends = [i for i in (page.find("</td>", start), page.find("</form>", start)) if i != -1]
    return page[start : min(ends)]


def gadget(url: str, n: int, *columns: str) -> tuple[Any, ...] | None:
    with psycopg.connect(url) as conn:
        query = "SELECT " + ", ".join(columns) + " FROM gadgets WHERE id = %s"
        return conn.execute(query, [n]).fetchone()


VALID = {"id": "100", "name": "new one", "site": "north", "shelf": "1"}


def insert(
    lab: TestClient, secrets: Secrets, values: dict[str, str | None], address: str = "/t/public/gadgets/new"
) -> Any:
    """Post the insert form: ``VALID`` overridden by ``values`` (None leaves a field out);
    the columns with a default and no value take it."""
    given = {name: value for name, value in (VALID | values).items() if value is not None}
    form = {"csrf": secrets.csrf} | {
        f"default:{c}": "on" for c in ("mood", "price", "seen_at") if c not in given
    }
    form |= {f"v:{name}": value for name, value in given.items()}
    return lab.post(address, data=form, follow_redirects=False)


def test_the_insert_form_shows_defaults_and_type_aware_inputs(lab: TestClient) -> None:
    page = lab.get("/t/public/gadgets/new").text
    mood = field_of(page, "v:mood")
    assert mood.startswith('<select name="v:mood">')
    assert re.findall(r"<option[^>]*>(\w+)</option>", mood) == ["calm", "busy", "gone"]
    assert "default <code>&#39;calm&#39;::mood</code>" in mood
    assert "default <code>9.99</code>" in field_of(page, "v:price")
    assert "default <code>now()</code>" in field_of(page, "v:seen_at")
    assert 'type="number"' in field_of(page, "v:id")
    price = field_of(page, "v:price")
    assert 'inputmode="decimal"' in price and 'type="number"' not in price  # NaN, 1e-300 fit no number box
    assert 'type="date"' in field_of(page, "v:made_on")
    assert 'type="datetime-local" step="any"' in field_of(page, "v:made_at")
    assert 'placeholder="2025-01-31 14:05:00+01"' in field_of(page, "v:seen_at")
    assert field_of(page, "v:spec").startswith('<textarea name="v:spec" rows="6" data-json>')
    assert field_of(page, "v:tags").startswith("<textarea")
    assert 'name="null:notes"' in field_of(page, "v:notes") and 'name="null:name"' not in page
    data = lab.get("/t/public/gadgets/new.json").json()
    columns = {c["name"]: c for c in data["columns"]}
    assert columns["mood"]["input"] == "select" and columns["mood"]["options"] == ["calm", "busy", "gone"]
    assert columns["mood"]["default"] == "'calm'::mood" and columns["price"]["default"] == "9.99"
    assert columns["made_at"]["input"] == "timestamp" and columns["sizes"]["input"] == "textarea"


def test_inputs_stay_text_where_a_browser_control_would_change_the_value(
    lab: TestClient, lab_url: str
) -> None:
    fraction = lab.get(f"/t/public/gadgets/row?key={key(1)}").text  # 11:00:01.5: microseconds
    assert 'value="2024-01-01T11:00:01.500000" type="text"' in fraction
    whole = lab.get(f"/t/public/gadgets/row?key={key(2)}").text  # 12:00:03
    assert 'value="2024-01-01T12:00:03" type="datetime-local" step="any"' in whole
    assert 'value="2024-01-03" type="date"' in whole and 'value="2" type="number"' in whole
    with psycopg.connect(lab_url, autocommit=True) as conn:
        conn.execute("UPDATE gadgets SET made_on = 'infinity', made_at = '2024-01-01 10:00 BC' WHERE id = 3")
    odd = lab.get(f"/t/public/gadgets/row?key={key(3)}").text
    assert 'value="infinity" type="text"' in odd and 'type="datetime-local"' not in odd


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"id": "1.5"}, "id", 'invalid input syntax for type integer: "1.5"'),
        ({"price": "abc"}, "price", 'invalid input syntax for type numeric: "abc"'),
        ({"price": "123456"}, "price", "numeric field overflow"),
        ({"name": "far too long a name"}, "name", "value too long for type character varying(12)"),
        ({"id": "1"}, "id", 'duplicate key value violates unique constraint "gadgets_pkey"'),
        ({"name": "gadget 1"}, "name", 'duplicate key value violates unique constraint "gadgets_name_key"'),
        ({"shelf": "9"}, "site", 'violates foreign key constraint "gadgets_site_shelf_fkey"'),
        ({"tags": "not an array"}, "tags", 'malformed array literal: "not an array"'),
        ({"made_on": "31/31/2024"}, "made_on", "date/time field value out of range"),
        ({"spec": "{oops"}, "spec", "not valid JSON"),
        ({"l2": "[1, 2]"}, "l2", "expected 3 dimensions, not 2"),
        ({"name": None}, "name", 'null value in column "name"'),
    ],
)
def test_an_insert_error_is_shown_next_to_its_field(
    values: dict[str, str | None],
    column: str,
    message: str,
    lab: TestClient,
    lab_url: str,
    secrets: Secrets,
) -> None:
    before = fingerprint(lab_url)
    response = insert(lab, secrets, values)
    assert response.status_code == 400
    field = field_of(response.text, f"v:{column}")
    error = re.search(r'<p class="field-error" role="alert">([^<]*)</p>', field)
    assert error is not None and message in html.unescape(error.group(1)), field
    assert response.text.count('class="field-error"') == 1
    # What was typed is still there to correct.
    for name, value in values.items():
        if value is not None:
            typed = field_of(response.text, f"v:{name}")
            assert f'value="{html.escape(value)}"' in typed or f">{html.escape(value)}</textarea>" in typed
    as_json = insert(lab, secrets, values, "/t/public/gadgets/new.json")
    assert as_json.status_code == 400 and message in as_json.json()["errors"][column]
    assert fingerprint(lab_url) == before


def test_an_insert_takes_defaults_enums_arrays_and_json(
    lab: TestClient, lab_url: str, secrets: Secrets
) -> None:
    response = insert(
        lab, secrets, {"tags": '{"a b",c}', "spec": '{"volts": 12}', "made_at": "2024-02-03T04:05"}
    )
    assert response.status_code == 303 and response.headers["location"].endswith(f"row?key={key(100)}")
    found = gadget(
        lab_url, 100, "mood::text", "price::text", "tags", "spec", "made_at::text", "seen_at IS NOT NULL"
    )
    assert found == ("calm", "9.99", ["a b", "c"], {"volts": 12}, "2024-02-03 04:05:00", True)
    created = insert(
        lab, secrets, {"id": "101", "name": "by json", "mood": "gone"}, "/t/public/gadgets/new.json"
    )
    assert created.status_code == 201 and created.json()["key"] == key(101)


def test_editing_cells_of_each_type(lab: TestClient, lab_url: str, secrets: Secrets) -> None:
    def edit(column: str, value: str | None) -> Any:
        form = {"csrf": secrets.csrf, "key": key(4), "column": column}
        form |= {"value": value} if value is not None else {"null": "on"}
        return lab.post("/t/public/gadgets/row/edit", data=form, follow_redirects=False)

    for column, value in [
        ("mood", "gone"),
        ("tags", '{"x y",z,NULL}'),
        ("sizes", "{3,4}"),
        ("spec", '{"nested": {"a": [1, 2]}}'),
        ("made_at", "2024-05-06T07:08"),
        ("price", "12.34"),
        ("l2", "[0.5, 0.25, 1]"),
        ("notes", None),
    ]:
        assert edit(column, value).status_code == 303, column
    found = gadget(
        lab_url, 4, "mood::text", "tags", "sizes", "spec", "made_at::text", "price::text", "l2::text", "notes"
    )
    assert found == (
        "gone",
        ["x y", "z", None],
        [3, 4],
        {"nested": {"a": [1, 2]}},
        "2024-05-06 07:08:00",
        "12.34",
        "[0.5,0.25,1]",
        None,
    )
    refused = edit("name", "far too long a name")
    assert refused.status_code == 400 and gadget(lab_url, 4, "name") == ("gadget 4",)
    # The error sits in the name's own edit form, open, with what was typed.
    form = refused.text[refused.text.index('name="column" value="name"') :]
    form = form[: form.index("</form>")]
    assert 'value="far too long a name"' in form
    assert "value too long for type character varying(12)" in form
    assert '<details class="edit" open>' in refused.text
    page = lab.get(f"/t/public/gadgets/row?key={key(4)}").text
    mood = page[page.index('name="column" value="mood"') :]
    mood = mood[: mood.index("</form>")]  # the enum's own select, its value chosen
    assert '<select name="value">' in mood and "<option selected>gone</option>" in mood
    assert "<option >calm</option>" in mood


def test_arrays_json_and_long_text_are_shown(lab: TestClient) -> None:
    table = lab.get("/t/public/gadgets?f=id|in|1,4").text
    assert '<span class="v array">{tag 1, x,y}</span>' in table
    assert '<span class="v array">{4, 8}</span>' in table
    assert '<span class="v json-line">{&#34;parts&#34;: [&#34;a&#34;, 4], &#34;volts&#34;: 4}</span>' in table
    short = "long note " * 5
    assert f'<span class="v text">{short}</span>' in table  # 50 characters: whole
    long = "long note " * 20  # 200 characters: cut, the rest one click away
    assert f'<details class="v text"><summary>{long[:160]}…</summary><pre>{long}</pre></details>' in table
    row = lab.get(f"/t/public/gadgets/row?key={key(4)}").text
    assert (
        '<pre class="v json">{\n  &#34;parts&#34;: [\n    &#34;a&#34;,\n    4\n  ],\n  &#34;volts&#34;: 4\n}</pre>'
        in row
    )
    data = lab.get("/t/public/gadgets.json?f=id|eq|4").json()["rows"][0]
    assert data["tags"] == ["tag 4", "x,y"] and data["spec"] == {"parts": ["a", 4], "volts": 4}
    assert data["price"] == "6.00" and data["made_on"] == "2024-01-05"


def test_two_composite_foreign_keys_from_the_same_column_each_link(lab: TestClient) -> None:
    links = lab.get(f"/t/public/gadgets/row.json?key={key(1)}").json()["links"]
    assert links == {
        "gadgets_site_shelf_fkey": {
            "columns": ["site", "shelf"],
            "schema": "public",
            "table": "shelves",
            "key": encode_key(["north", "2"]),
        },
        "gadgets_site_room_fkey": {
            "columns": ["site", "room"],
            "schema": "public",
            "table": "rooms",
            "key": encode_key(["north", "1"]),
        },
    }
    page = lab.get(f"/t/public/gadgets/row?key={key(1)}").text
    anchors = re.findall(r'<a class="fk" href="([^"]+)" title="([^"]+)">', page)
    assert sorted(title for _, title in anchors) == ["gadgets_site_room_fkey", "gadgets_site_shelf_fkey"]
    labels = {title: lab.get(html.unescape(href)).text for href, title in anchors}
    assert "low shelf" in labels["gadgets_site_shelf_fkey"] and "hall" in labels["gadgets_site_room_fkey"]
    shelf = lab.get(f"/t/public/shelves/row.json?key={encode_key(['north', '2'])}").json()
    referencing = {r["table"]: sorted(x["id"] for x in r["rows"]) for r in shelf["referenced_by"]}
    assert referencing == {"gadgets": [1, 3, 5, 7]}


@pytest.mark.parametrize(("column", "operator"), [("l2", "<->"), ("ip", "<#>")])
def test_neighbours_use_the_operator_of_the_index(
    column: str, operator: str, lab: TestClient, lab_url: str
) -> None:
    data = lab.get(f"/t/public/gadgets/row.json?key={key(3)}&near={column}").json()
    with psycopg.connect(lab_url) as conn:
        exact = conn.execute(
            f"SELECT g.id, g.{column} {operator} o.{column} FROM gadgets g, gadgets o "
            "WHERE o.id = 3 AND g.id <> 3 ORDER BY 2, 1"
        ).fetchall()
    distances = [n["distance"] for n in data["neighbours"]]
    assert distances == sorted(distances)  # nearest first (ties in any order)
    assert {n["id"]: n["distance"] for n in data["neighbours"]} == pytest.approx(dict(exact))
    page = lab.get(f"/t/public/gadgets/row?key={key(3)}&near={column}").text
    assert f"Nearest to this row by {column} <small>({html.escape(operator)})</small>" in page
    assert page.count('<td class="num">') == 7


def test_browsing_runs_under_the_statement_timeout(lab: TestClient) -> None:
    started = time.monotonic()
    page = lab.get("/t/public/slow")
    assert time.monotonic() - started < 2.5  # the view sleeps 3 s; the studio allows 0.5 s
    assert page.status_code == 200 and "canceling statement due to statement timeout" in page.text
    assert "statement timeout" in lab.get("/t/public/slow.json").json()["error"]
