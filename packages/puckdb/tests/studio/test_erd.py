"""The studio's ERD: a well-formed, self-contained, deterministic SVG whose boxes, arrows and
links match the schema, laid out without overlaps, from 0 tables to 200.

Schemas are built as model values (StudyPuck's from its MetaData, without a database): the
renderer only reads the model, so no server is needed here.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql

from puckdb.model import Column, ForeignKey, PrimaryKey, Schema, Table
from puckdb.studio.erd import render_erd
from studypuck_database import metadata as studypuck_metadata

NS = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Box:
    title: str
    x: float
    y: float
    width: float
    height: float
    external: bool
    href: str | None

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def classes(element: ET.Element) -> list[str]:
    return (element.get("class") or "").split()


def boxes(root: ET.Element) -> dict[str, Box]:
    """Every table box by its data-table (schema.name)."""
    found: dict[str, Box] = {}
    for group in root.iter(f"{NS}g"):
        if "erd-table" not in classes(group):
            continue
        match = re.fullmatch(rf"translate\(({NUMBER}),({NUMBER})\)", group.get("transform", ""))
        assert match, group.get("transform")
        rect = group.find(f"{NS}rect")
        assert rect is not None
        titles = [t for t in group.iter(f"{NS}text") if "erd-title" in classes(t)]
        assert len(titles) == 1
        link = group.find(f"{NS}a")
        key = group.get("data-table")
        assert key is not None and key not in found
        found[key] = Box(
            title=titles[0].text or "",
            x=float(match[1]),
            y=float(match[2]),
            width=float(rect.get("width", "0")),
            height=float(rect.get("height", "0")),
            external="erd-external" in classes(group),
            href=None if link is None else link.get("href"),
        )
    return found


def edges(root: ET.Element) -> list[ET.Element]:
    return [path for path in root.iter(f"{NS}path") if "erd-edge" in classes(path)]


def endpoints(path: ET.Element) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(n) for n in re.findall(NUMBER, path.get("d", ""))]
    d = path.get("d", "")
    start = (numbers[0], numbers[1])
    # A path ends with "C… x,y" or with "H x" (a straight run at the previous height).
    tail = re.search(rf"H({NUMBER})$", d)
    end = (float(tail[1]), numbers[-2]) if tail else (numbers[-2], numbers[-1])
    return start, end


def straight_runs(d: str) -> list[tuple[float, float, float]]:
    """The horizontal straight runs ("H") of a path: (from x, to x, y)."""
    runs = []
    x = y = 0.0
    for command, args in re.findall(r"([MCH])([^MCH]*)", d):
        numbers = [float(n) for n in re.findall(NUMBER, args)]
        if command == "H":
            runs.append((x, numbers[0], y))
            x = numbers[0]
        else:
            x, y = numbers[-2], numbers[-1]
    return runs


def size(root: ET.Element) -> tuple[float, float]:
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    return width, height


def table(
    name: str,
    *,
    columns: tuple[str, ...] = ("id",),
    pk: tuple[str, ...] = ("id",),
    fks: tuple[ForeignKey, ...] = (),
    schema: str = "public",
    comment: str | None = None,
) -> Table:
    return Table(
        schema,
        name,
        tuple(Column(column, "bigint" if column == "id" else "text") for column in columns),
        PrimaryKey(f"{name}_pkey", pk) if pk else None,
        foreign_keys=fks,
        comment=comment,
    )


def fk(
    name: str,
    columns: tuple[str, ...],
    ref_table: str,
    ref_columns: tuple[str, ...] = ("id",),
    ref_schema: str = "public",
) -> ForeignKey:
    return ForeignKey(name, columns, ref_schema, ref_table, ref_columns)


def model_of(metadata: MetaData) -> Schema:
    """The model of a MetaData's tables, columns, primary and foreign keys, as the renderer
    needs it (types as SQLAlchemy compiles them, close to what inspection reads)."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    tables = []
    for sa_table in metadata.sorted_tables:
        schema = sa_table.schema or "public"
        columns = tuple(
            Column(column.name, str(column.type.compile(dialect=dialect)).lower(), bool(column.nullable))
            for column in sa_table.columns
        )
        pk_columns = tuple(column.name for column in sa_table.primary_key.columns)
        foreign_keys = tuple(
            ForeignKey(
                str(constraint.name),
                tuple(element.parent.name for element in constraint.elements),
                constraint.referred_table.schema or "public",
                constraint.referred_table.name,
                tuple(element.column.name for element in constraint.elements),
            )
            for constraint in sa_table.foreign_key_constraints
        )
        primary_key = PrimaryKey(f"{sa_table.name}_pkey", pk_columns) if pk_columns else None
        tables.append(Table(schema, sa_table.name, columns, primary_key, foreign_keys=foreign_keys))
    return Schema(tables=tuple(tables))


def big_schema(count: int = 200, seed: int = 7) -> Schema:
    """``count`` tables: most reference one to three earlier ones (deep chains and wide
    ranks), some none at all, one references itself and two reference each other."""
    rng = random.Random(seed)
    tables = []
    for i in range(count):
        name = f"t{i:03d}"
        columns = ["id"]
        foreign_keys = []
        if i and rng.random() < 0.8:
            for k in range(rng.choice((1, 1, 1, 2, 3))):
                target = rng.randrange(max(0, i - 25), i)
                column = f"ref{k}_t{target:03d}"
                columns.append(column)
                foreign_keys.append(fk(f"{name}_{column}_fkey", (column,), f"t{target:03d}"))
        if i == 5:
            columns.append("parent_id")
            foreign_keys.append(fk("t005_parent_fkey", ("parent_id",), "t005"))
        if i == 1:
            columns.append("back_id")
            foreign_keys.append(fk("t001_back_fkey", ("back_id",), "t150"))
        columns += [f"c{k}" for k in range(rng.randrange(0, 8))]
        tables.append(table(name, columns=tuple(columns), fks=tuple(foreign_keys)))
    return Schema(tables=tuple(tables))


def assert_layout_sound(root: ET.Element) -> None:
    """Boxes inside the picture and apart; every arrow runs from its referencing box to its
    referenced box, leaving and entering them on a side."""
    found = boxes(root)
    width, height = size(root)
    placed = sorted(found.values(), key=lambda box: (box.x, box.y))
    for i, box in enumerate(placed):
        assert box.x >= 0 and box.x + box.width <= width
        assert box.y >= 0 and box.y + box.height <= height
        for other in placed[i + 1 :]:
            if other.x >= box.x + box.width:
                break
            assert not box.overlaps(other), (box.title, other.title)
    for path in edges(root):
        source, target = found[path.get("data-from", "")], found[path.get("data-to", "")]
        (sx, sy), (tx, ty) = endpoints(path)
        assert sx in (source.x, source.x + source.width)
        assert source.y <= sy <= source.y + source.height
        assert tx in (target.x, target.x + target.width)
        assert target.y <= ty <= target.y + target.height
        assert path.get("marker-end") == "url(#puckdb-erd-arrow)"


def titles(root: ET.Element) -> list[str]:
    return [box.title for box in boxes(root).values() if not box.external]


# -- sizes ------------------------------------------------------------------------------


def test_no_tables_is_a_small_message() -> None:
    svg = render_erd(Schema())
    root = parse(svg)
    width, height = size(root)
    assert width <= 300 and height <= 100
    assert boxes(root) == {}
    assert edges(root) == []
    assert "No tables" in "".join(root.itertext())


def test_one_table() -> None:
    users = Table(
        "public",
        "users",
        (
            Column("user_id", "text", False),
            Column("email", "text"),
            Column("created_at", "timestamp with time zone"),
        ),
        PrimaryKey("users_pkey", ("user_id",)),
    )
    root = parse(render_erd(Schema(tables=(users,))))
    assert titles(root) == ["users"]
    assert edges(root) == []
    texts = [(classes(t), t.text) for t in root.iter(f"{NS}text")]
    assert (["erd-badge", "erd-pk"], "PK") in texts
    assert (["erd-col"], "created_at") in texts
    assert (["erd-type"], "timestamp with time zone") in texts
    assert not any("erd-fk" in c for c, _ in texts)
    assert_layout_sound(root)


def test_studypuck() -> None:
    schema = model_of(studypuck_metadata)
    assert len(schema.tables) == 15
    root = parse(render_erd(schema))
    names = sorted(t.name for t in schema.tables)
    assert sorted(titles(root)) == names
    all_fks = [key for t in schema.tables for key in t.foreign_keys]
    paths = edges(root)
    assert len(paths) == len(all_fks) == 22
    assert sorted(p.get("data-fk", "") for p in paths) == sorted(key.name for key in all_fks)
    assert_layout_sound(root)
    # Referenced tables to the left of the tables that reference them.
    found = boxes(root)
    x = {key.split(".", 1)[1]: box.x for key, box in found.items()}
    assert x["users"] < x["study_languages"] < x["cards"] < x["card_groups"]
    assert x["groups"] < x["card_groups"] and x["inbox_notes"] < x["note_card_links"]


def test_two_hundred_tables_stay_well_formed() -> None:
    schema = big_schema()
    svg = render_erd(schema)
    root = parse(svg)
    assert sorted(titles(root)) == sorted(t.name for t in schema.tables)
    assert len(edges(root)) == sum(len(t.foreign_keys) for t in schema.tables)
    assert_layout_sound(root)
    width, height = size(root)
    assert 0.2 < width / height < 5, "columns are split rather than growing without bound"


def test_many_unrelated_tables_form_a_grid() -> None:
    schema = Schema(tables=tuple(table(f"t{i:03d}") for i in range(200)))
    root = parse(render_erd(schema))
    assert len(titles(root)) == 200
    width, height = size(root)
    assert 0.3 < width / height < 4
    assert_layout_sound(root)


# -- boxes ------------------------------------------------------------------------------


def test_each_table_name_is_exactly_one_box_title() -> None:
    schema = Schema(
        tables=(
            table("a"),
            table("b", columns=("id", "a_id"), fks=(fk("b_a_fkey", ("a_id",), "a"),)),
            table("ab"),
        )
    )
    root = parse(render_erd(schema))
    title_texts = [t.text or "" for t in root.iter(f"{NS}text") if "erd-title" in classes(t)]
    assert sorted(title_texts) == ["a", "ab", "b"]


def test_key_columns_first_then_a_few_others_then_how_many_more() -> None:
    orders = Table(
        "public",
        "orders",
        (
            Column("note", "text"),
            Column("order_id", "bigint", False),
            *(Column(f"extra_{i}", "integer") for i in range(6)),
            Column("customer_id", "bigint"),
        ),
        PrimaryKey("orders_pkey", ("order_id",)),
        foreign_keys=(fk("orders_customer_fkey", ("customer_id",), "customers", ("customer_id",)),),
    )
    customers = table("customers", columns=("customer_id",), pk=("customer_id",))
    root = parse(render_erd(Schema(tables=(orders, customers))))
    group = next(g for g in root.iter(f"{NS}g") if g.get("data-table") == "public.orders")
    lines = [(classes(t)[-1], t.text) for t in group.iter(f"{NS}text") if "erd-title" not in classes(t)]
    assert lines == [
        ("erd-pk", "PK"),
        ("erd-col", "order_id"),
        ("erd-type", "bigint"),
        ("erd-fk", "FK"),
        ("erd-col", "customer_id"),
        ("erd-type", "bigint"),
        ("erd-col", "note"),
        ("erd-type", "text"),
        ("erd-col", "extra_0"),
        ("erd-type", "integer"),
        ("erd-col", "extra_1"),
        ("erd-type", "integer"),
        ("erd-more", "… 4 more"),
    ]


def test_a_column_in_both_keys_is_marked_pk_and_fk() -> None:
    parent = table("parent")
    child = table("child", columns=("id",), fks=(fk("child_parent_fkey", ("id",), "parent"),))
    root = parse(render_erd(Schema(tables=(parent, child))))
    group = next(g for g in root.iter(f"{NS}g") if g.get("data-table") == "public.child")
    badges = [t.text for t in group.iter(f"{NS}text") if "erd-badge" in classes(t)]
    assert badges == ["PK", "FK"]


def test_tables_in_several_schemas_are_qualified() -> None:
    schema = Schema(
        schemas=("app", "audit"),
        tables=(
            table(
                "log",
                schema="audit",
                columns=("id", "user_id"),
                fks=(fk("log_user_fkey", ("user_id",), "users", ref_schema="app"),),
            ),
            table("users", schema="app"),
        ),
    )
    root = parse(render_erd(schema))
    assert sorted(titles(root)) == ["app.users", "audit.log"]
    assert_layout_sound(root)


def test_a_table_outside_the_managed_schemas_gets_a_dashed_box_and_no_link() -> None:
    schema = Schema(
        tables=(
            table(
                "profiles",
                columns=("id", "owner"),
                fks=(fk("profiles_owner_fkey", ("owner",), "users", ("uid",), ref_schema="auth"),),
            ),
        )
    )
    root = parse(render_erd(schema, link=lambda s, t: f"/schema/{s}/{t}"))
    found = boxes(root)
    assert found["auth.users"].external and found["auth.users"].title == "auth.users"
    assert found["auth.users"].href is None
    assert found["public.profiles"].href == "/schema/public/profiles"
    assert titles(root) == ["profiles"]
    [path] = edges(root)
    assert (path.get("data-from"), path.get("data-to")) == ("public.profiles", "auth.users")
    assert_layout_sound(root)


# -- arrows -----------------------------------------------------------------------------


def test_one_arrow_per_foreign_key_including_parallel_ones() -> None:
    people = table("people")
    loans = table(
        "loans",
        columns=("id", "lender", "borrower"),
        fks=(
            fk("loans_lender_fkey", ("lender",), "people"),
            fk("loans_borrower_fkey", ("borrower",), "people"),
        ),
    )
    root = parse(render_erd(Schema(tables=(people, loans))))
    assert sorted(p.get("data-fk", "") for p in edges(root)) == ["loans_borrower_fkey", "loans_lender_fkey"]
    # Each starts at its own column's row.
    starts = {endpoints(p)[0][1] for p in edges(root)}
    assert len(starts) == 2


def test_a_self_reference_is_a_loop_on_the_box() -> None:
    schema = Schema(
        tables=(
            table(
                "nodes", columns=("id", "parent_id"), fks=(fk("nodes_parent_fkey", ("parent_id",), "nodes"),)
            ),
        )
    )
    root = parse(render_erd(schema))
    [path] = edges(root)
    box = boxes(root)["public.nodes"]
    (sx, sy), (tx, ty) = endpoints(path)
    assert sx == tx == box.x + box.width
    assert sy != ty
    assert size(root)[0] >= box.x + box.width + 30, "room for the loop"
    assert_layout_sound(root)


def test_a_cycle_draws_both_arrows() -> None:
    schema = Schema(
        tables=(
            table("a", columns=("id", "b_id"), fks=(fk("a_b_fkey", ("b_id",), "b"),)),
            table("b", columns=("id", "a_id"), fks=(fk("b_a_fkey", ("a_id",), "a"),)),
            table("c", columns=("id", "a_id"), fks=(fk("c_a_fkey", ("a_id",), "a"),)),
        )
    )
    root = parse(render_erd(schema))
    assert sorted(p.get("data-fk", "") for p in edges(root)) == ["a_b_fkey", "b_a_fkey", "c_a_fkey"]
    assert_layout_sound(root)


def test_an_arrow_that_skips_columns_runs_through_a_lane_not_over_boxes() -> None:
    # d references a directly and through b -> c, so d is three columns right of a.
    schema = Schema(
        tables=(
            table("a"),
            table("b", columns=("id", "a_id"), fks=(fk("b_a_fkey", ("a_id",), "a"),)),
            table("c", columns=("id", "b_id"), fks=(fk("c_b_fkey", ("b_id",), "b"),)),
            table(
                "d",
                columns=("id", "c_id", "a_id"),
                fks=(fk("d_c_fkey", ("c_id",), "c"), fk("d_a_fkey", ("a_id",), "a")),
            ),
        )
    )
    root = parse(render_erd(schema))
    found = boxes(root)
    assert found["public.a"].x < found["public.b"].x < found["public.c"].x < found["public.d"].x
    long = next(p for p in edges(root) if p.get("data-fk") == "d_a_fkey")
    runs = straight_runs(long.get("d", ""))
    for name in ("b", "c"):
        box = found[f"public.{name}"]
        # A straight run spans the column, beside (not over) the box.
        [(_, _, y)] = [r for r in runs if min(r[0], r[1]) <= box.x and max(r[0], r[1]) >= box.x + box.width]
        assert not box.y <= y <= box.y + box.height
    assert_layout_sound(root)


def test_arrows_carry_a_tooltip() -> None:
    schema = Schema(
        tables=(table("a"), table("b", columns=("id", "a_id"), fks=(fk("b_a_fkey", ("a_id",), "a"),)))
    )
    [path] = edges(parse(render_erd(schema)))
    tooltip = path.find(f"{NS}title")
    assert tooltip is not None and tooltip.text == "b_a_fkey: b (a_id) → a (id)"


# -- links, escaping, self-containment, determinism -------------------------------------


def test_links_when_given_and_none_otherwise() -> None:
    schema = model_of(studypuck_metadata)
    calls: list[tuple[str, str]] = []

    def link(schema_name: str, table_name: str) -> str:
        calls.append((schema_name, table_name))
        return f"/schema/{schema_name}?table={table_name}&view=erd"

    root = parse(render_erd(schema, link=link))
    found = boxes(root)
    assert sorted(calls) == sorted(t.key for t in schema.tables)
    for t in schema.tables:
        assert found[f"{t.schema}.{t.name}"].href == f"/schema/{t.schema}?table={t.name}&view=erd"
    assert all(box.href is None for box in boxes(parse(render_erd(schema))).values())
    assert "<a " not in render_erd(schema)


ODD = "we<ird> & \"quoted\" 'names' ]]> <!-- x -->"


def test_odd_names_are_escaped() -> None:
    other = "tab\there\x01ctl"
    schema = Schema(
        tables=(
            Table(
                "public",
                ODD,
                (Column("<id>", 'character varying(10) COLLATE "C&D"', False),),
                PrimaryKey("pk", ("<id>",)),
                comment="a < b & c",
            ),
            Table(
                "public",
                other,
                (Column("id", "bigint"), Column('r"ef', "text")),
                PrimaryKey("pk2", ("id",)),
                foreign_keys=(ForeignKey("f<k>&\"'", ('r"ef',), "public", ODD, ("<id>",)),),
            ),
        )
    )
    svg = render_erd(schema, link=lambda s, t: f"/t?name={t}&x=\"'<>")
    root = parse(svg)
    found = boxes(root)
    assert found[f"public.{ODD}"].title == ODD
    assert found[f"public.{ODD}"].href == f"/t?name={ODD}&x=\"'<>"
    # Control characters, not allowed in XML, show as their control pictures.
    shown = "tab\u2409here\u2401ctl"
    assert found[f"public.{shown}"].title == shown
    [path] = edges(root)
    assert path.get("data-fk") == "f<k>&\"'"
    assert "<id>" in [t.text for t in root.iter(f"{NS}text")]
    assert "<!-- x -->" not in svg and "]]>" not in svg
    assert_layout_sound(root)


def test_wide_characters_widen_the_box() -> None:
    narrow = boxes(parse(render_erd(Schema(tables=(table("x" * 30),)))))["public." + "x" * 30]
    wide = boxes(parse(render_erd(Schema(tables=(table("字" * 30),)))))["public." + "字" * 30]
    assert wide.width > narrow.width * 1.8


def test_self_contained() -> None:
    svg = render_erd(model_of(studypuck_metadata))
    assert "<script" not in svg and "@import" not in svg and "@font-face" not in svg
    assert re.findall(r"https?://[^\"']*", svg) == ["http://www.w3.org/2000/svg"]
    assert set(re.findall(r"url\(([^)]*)\)", svg)) == {"#puckdb-erd-arrow", "#puckdb-erd-dot"}
    assert "prefers-color-scheme:dark" in svg and "var(--erd-" in svg


@pytest.mark.parametrize("make", [Schema, lambda: model_of(studypuck_metadata), big_schema])
def test_deterministic(make: Callable[[], Schema]) -> None:
    first = render_erd(make(), link=lambda s, t: f"/{s}/{t}")
    again = render_erd(make(), link=lambda s, t: f"/{s}/{t}")
    assert first == again


def test_table_order_of_the_input_does_not_matter() -> None:
    schema = big_schema(60)
    shuffled = list(schema.tables)
    random.Random(1).shuffle(shuffled)
    assert render_erd(Schema(tables=tuple(shuffled))) == render_erd(schema)


@st.composite
def any_schema(draw: st.DrawFn) -> Schema:
    """Up to 25 tables with any names, foreign keys between any of them (themselves, cycles,
    parallel keys) and to tables outside the managed schema."""
    names = draw(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=25, unique=True))
    tables = []
    for name in names:
        count = draw(st.integers(0, 4))
        foreign_keys = []
        columns = ["id"]
        for k in range(count):
            column = f"ref{k}"
            columns.append(column)
            if draw(st.integers(0, 9)) == 0:
                foreign_keys.append(fk(f"fk{k}", (column,), "outside", ("uid",), ref_schema="ext"))
            else:
                foreign_keys.append(fk(f"fk{k}", (column,), draw(st.sampled_from(names))))
        columns += [f"c{k}" for k in range(draw(st.integers(0, 5)))]
        tables.append(table(name, columns=tuple(columns), fks=tuple(foreign_keys)))
    return Schema(tables=tuple(tables))


@settings(max_examples=60, deadline=None)
@given(any_schema())
def test_any_schema_renders_soundly(schema: Schema) -> None:
    svg = render_erd(schema, link=lambda s, t: f"/{s}/{t}")
    root = parse(svg)
    assert len(titles(root)) == len(schema.tables)
    assert len(edges(root)) == sum(len(t.foreign_keys) for t in schema.tables)
    assert_layout_sound(root)
    assert render_erd(schema, link=lambda s, t: f"/{s}/{t}") == svg
