"""Vector columns on the table page: the dimension and the first values, never the whole
vector (neither shown nor tucked away in the markup, nor read from the database); the whole
value on the row page, in the .json addresses and in the exports."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from puckdb.inspect import inspect_schema
from puckdb.studio import browse
from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

from .conftest import CARDS, make_client, signed_in

CARD = encode_key(["u1", "fr", "c005"])


def stored_vectors(url: str) -> dict[str, str]:
    """Each card's embedding as PostgreSQL writes it."""
    with psycopg.connect(url) as conn:
        return {str(c): str(v) for c, v in conn.execute("SELECT card_id, embedding::text FROM cards")}


def components(text: str) -> list[str]:
    return text.strip("[]").split(",")


def test_a_table_page_shows_a_vector_as_its_dimension_and_first_values_only(
    client: TestClient, studypuck_url: str
) -> None:
    page = client.get("/t/public/cards")
    without = client.get("/t/public/cards?hide=embedding")
    rows = page.text.count('class="open"')
    assert rows == 50
    # 425 KB for these 50 rows when every cell carried its vector.
    assert (len(page.content) - len(without.content)) / rows < 200
    assert len(page.content) / rows < 2000
    vectors = stored_vectors(studypuck_url)
    c005 = components(vectors["c005"])
    assert len(c005[699]) >= 6 and f",{c005[699]}," not in page.text  # the 700th value
    for text in vectors.values():
        assert ",".join(components(text)[696:700]) not in page.text
    first = ", ".join(f"{float(v):.4g}" for v in c005[:4])
    assert f'<span class="v vector">[768] {first}, …</span>' in page.text
    assert '<details class="v vector">' not in page.text
    # Nothing on the table page edits a cell (a vector is edited whole on its row page).
    assert "row/edit" not in page.text and 'name="value"' not in page.text
    assert page.text.count("/row?key=") == rows


def test_the_browse_query_reads_only_a_summary_of_each_vector(studypuck_url: str) -> None:
    from puckdb.studio.previews import VectorSummary

    vectors = stored_vectors(studypuck_url)
    with psycopg.connect(studypuck_url, autocommit=True) as conn:
        ref = browse.table_ref(inspect_schema(conn, ["public"]), "public", "cards")
        found = browse.page(conn, ref, browse.PageRequest(), summarize_vectors=True)
        whole = browse.page(conn, ref, browse.PageRequest(limit=2))
        hidden = browse.page(conn, ref, browse.PageRequest(limit=2), omit=frozenset({"embedding"}))
    for row in found.rows:
        summary = row["embedding"]
        assert summary == VectorSummary(768, tuple(components(vectors[row["card_id"]])[:4]), True)
    assert [r["embedding"] for r in whole.rows] == [vectors[str(r["card_id"])] for r in whole.rows]
    assert all("embedding" not in r and "content" in r for r in hidden.rows)


def test_the_whole_vector_is_on_the_row_page_in_the_json_and_in_the_exports(
    client: TestClient, studypuck_url: str
) -> None:
    full = stored_vectors(studypuck_url)["c005"]
    assert full in client.get(f"/t/public/cards/row?key={CARD}").text
    assert client.get(f"/t/public/cards/row.json?key={CARD}").json()["row"]["embedding"] == full
    table = client.get("/t/public/cards.json?f=card_id|eq|c005").json()
    assert table["rows"][0]["embedding"] == full
    assert "embedding" not in client.get("/t/public/cards.json?hide=embedding").json()["rows"][0]
    exported = list(csv.DictReader(io.StringIO(client.get("/t/public/cards/export.csv").text)))
    assert len(exported) == CARDS
    assert {r["card_id"]: r["embedding"] for r in exported}["c005"] == full
    as_json = client.get("/t/public/cards/export.json?f=card_id|eq|c005").json()
    assert as_json[0]["embedding"] == full


def test_a_vector_edited_on_its_row_page_is_saved_whole(
    client: TestClient, studypuck_url: str, secrets: Secrets
) -> None:
    full = stored_vectors(studypuck_url)["c005"]
    page = client.get(f"/t/public/cards/row?key={CARD}").text
    form = page[page.index('name="column" value="embedding"') :]
    form = form[: form.index("</form>")]
    typed = re.search(r'<textarea name="value"[^>]*>([^<]*)</textarea>', form)
    assert typed is not None and html.unescape(typed.group(1)) == full
    changed = "[" + ",".join(["0.5", *components(full)[1:]]) + "]"
    edit = {"csrf": secrets.csrf, "key": CARD, "column": "embedding", "value": changed}
    assert client.post("/t/public/cards/row/edit", data=edit, follow_redirects=False).status_code == 303
    assert stored_vectors(studypuck_url)["c005"] == changed
    back = client.post("/t/public/cards/row/edit.json", data=edit | {"value": full})
    assert back.status_code == 200 and back.json()["row"]["embedding"] == full
    assert stored_vectors(studypuck_url)["c005"] == full


def test_vector_columns_are_not_sort_keys(client: TestClient) -> None:
    for address in (
        "/t/public/cards?sort=embedding",
        "/t/public/cards.json?sort=embedding&dir=desc",
        "/t/public/cards/export.csv?sort=embedding",
    ):
        response = client.get(address)
        assert response.status_code == 400 and "cannot be sorted by" in response.text, address
    page = client.get("/t/public/cards?sort=content").text
    assert "<th>embedding<br><small>vector(768)</small></th>" in page  # a heading, not a sort link
    assert not re.search(r"sort=embedding[&\"]", page)
    # The next page's cursor holds the sort value and the key: a few dozen characters.
    following = re.search(r'<a rel="next" href="([^"]+)"', page)
    assert following is not None and len(following.group(1)) < 200


SHAPES = """
CREATE EXTENSION vector;
CREATE TABLE shapes (
    id integer PRIMARY KEY,
    dense vector(6),
    half halfvec(6),
    sparse sparsevec(1000),
    tiny vector(2)
);
INSERT INTO shapes VALUES
    (1, '[1.5,2,3,4,5,-6.25]', '[0.5,1,1.5,2,2.5,-3.75]', '{1:0.5,7:2,30:1.25,99:4,500:-1.125}/1000', '[1,2]'),
    (2, NULL, NULL, '{}/1000', NULL),
    (3, '[0,0,0,0,0,0]', '[1,1,1,1,1,1]', '{3:1}/1000', '[0.125,-8]');
CREATE VIEW shape_view AS SELECT * FROM shapes;
"""


@pytest.fixture
def shapes(database_url: str, secrets: Secrets) -> Iterator[TestClient]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(SHAPES)
    with make_client(database_url, secrets) as test_client:
        yield signed_in(test_client, secrets)


@pytest.mark.parametrize("relation", ["shapes", "shape_view"])
def test_every_kind_of_vector_is_summarized_in_sql(relation: str, shapes: TestClient) -> None:
    """vector, halfvec and sparsevec, shorter than the preview, NULL and empty; a table and
    a view (paged another way)."""
    page = shapes.get(f"/t/public/{relation}?f=id|eq|1").text
    assert '<span class="v vector">[6] 1.5, 2, 3, 4, …</span>' in page
    assert '<span class="v vector">[6] 0.5, 1, 1.5, 2, …</span>' in page
    assert '<span class="v vector">[1000] {1:0.5, 7:2, 30:1.25, 99:4, …}</span>' in page
    assert '<span class="v vector">[2] 1, 2</span>' in page
    assert "-6.25" not in page and "-3.75" not in page and "500:" not in page
    others = shapes.get(f"/t/public/{relation}?f=id|ne|1").text
    assert others.count('<span class="v null">NULL</span>') == 3
    assert '<span class="v vector">[1000] {}</span>' in others
    assert '<span class="v vector">[1000] {3:1}</span>' in others
    assert '<span class="v vector">[2] 0.125, -8</span>' in others
    rows = {r["id"]: r for r in shapes.get(f"/t/public/{relation}.json").json()["rows"]}
    assert rows[1]["dense"] == "[1.5,2,3,4,5,-6.25]" and rows[1]["half"] == "[0.5,1,1.5,2,2.5,-3.75]"
    assert rows[1]["sparse"] == "{1:0.5,7:2,30:1.25,99:4,500:-1.125}/1000"
    assert rows[2]["dense"] is None and rows[2]["sparse"] == "{}/1000"


def test_the_row_page_shows_every_kind_of_vector_whole(shapes: TestClient) -> None:
    page = shapes.get(f"/t/public/shapes/row?key={encode_key(['1'])}").text
    for whole in (
        "[1.5,2,3,4,5,-6.25]",
        "[0.5,1,1.5,2,2.5,-3.75]",
        "{1:0.5,7:2,30:1.25,99:4,500:-1.125}/1000",
    ):
        assert whole in page
