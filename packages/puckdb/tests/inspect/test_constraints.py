"""Primary keys, unique, foreign key, check and exclusion constraints."""

from puckdb.model import ExclusionConstraint, ForeignKey, PrimaryKey, UniqueConstraint


def test_primary_key_columns_in_key_order(inspect_after):
    schema = inspect_after("CREATE TABLE t (a int, b int, CONSTRAINT t_pk PRIMARY KEY (b, a))")
    assert schema.table("public", "t").primary_key == PrimaryKey("t_pk", ("b", "a"))


def test_table_without_primary_key(inspect_after):
    assert inspect_after("CREATE TABLE t (a int)").table("public", "t").primary_key is None


def test_unique_nulls_not_distinct(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int, b int, c int,"
        " CONSTRAINT t_a_b UNIQUE NULLS NOT DISTINCT (a, b),"
        " CONSTRAINT t_c UNIQUE (c) DEFERRABLE INITIALLY DEFERRED)"
    )
    assert schema.table("public", "t").unique_constraints == (
        UniqueConstraint("t_a_b", ("a", "b"), nulls_not_distinct=True),
        UniqueConstraint("t_c", ("c",), deferrable=True, initially_deferred=True),
    )


def test_primary_key_and_unique_include_columns_in_index_order(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int, b int, c int, d int,"
        " CONSTRAINT t_pk PRIMARY KEY (b, a) INCLUDE (d, c),"
        " CONSTRAINT t_c UNIQUE NULLS NOT DISTINCT (c) INCLUDE (a) DEFERRABLE,"
        " CONSTRAINT t_d UNIQUE (d))"
    )
    table = schema.table("public", "t")
    # The key columns stay the key's own: INCLUDE columns are not part of conkey.
    assert table.primary_key == PrimaryKey("t_pk", ("b", "a"), include=("d", "c"))
    assert table.unique_constraints == (
        UniqueConstraint("t_c", ("c",), nulls_not_distinct=True, deferrable=True, include=("a",)),
        UniqueConstraint("t_d", ("d",)),
    )


def test_constraint_backing_indexes_are_not_listed_as_indexes(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE, during tsrange,"
        " EXCLUDE USING gist (during WITH &&))"
    )
    assert schema.table("public", "t").indexes == ()


def test_foreign_key_actions_match_and_deferrable(inspect_after):
    schema = inspect_after(
        "CREATE SCHEMA app;"
        "CREATE TABLE app.parents (a int, b int, PRIMARY KEY (a, b));"
        "CREATE TABLE children (x int, y int, CONSTRAINT children_parent FOREIGN KEY (y, x)"
        " REFERENCES app.parents (b, a) MATCH FULL ON UPDATE RESTRICT ON DELETE SET NULL"
        " DEFERRABLE INITIALLY DEFERRED)",
        schemas=["public", "app"],
    )
    assert schema.table("public", "children").foreign_keys == (
        ForeignKey(
            name="children_parent",
            columns=("y", "x"),
            ref_schema="app",
            ref_table="parents",
            ref_columns=("b", "a"),
            on_update="RESTRICT",
            on_delete="SET NULL",
            match="FULL",
            deferrable=True,
            initially_deferred=True,
        ),
    )


def test_foreign_key_defaults_and_not_valid(inspect_after):
    schema = inspect_after(
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int);"
        "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p ON DELETE CASCADE NOT VALID"
    )
    (key,) = schema.table("public", "c").foreign_keys
    assert (key.on_update, key.on_delete, key.match) == ("NO ACTION", "CASCADE", "SIMPLE")
    assert (key.validated, key.deferrable, key.ref_schema) == (False, False, "public")


def test_foreign_key_to_a_partitioned_table_is_listed_once(inspect_after):
    # PostgreSQL clones such a key once per partition onto the referencing table.
    schema = inspect_after(
        "CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        "CREATE TABLE notes (event_id int, event_at date,"
        " CONSTRAINT notes_event FOREIGN KEY (event_id, event_at) REFERENCES events)"
    )
    assert [key.name for key in schema.table("public", "notes").foreign_keys] == ["notes_event"]


def test_check_constraint_expression(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (price numeric, email text,"
        " CONSTRAINT t_price_positive CHECK (price > 0),"
        " CONSTRAINT t_email CHECK (email LIKE '%@%') NO INHERIT);"
        "ALTER TABLE t ADD CONSTRAINT t_late CHECK (price < 1000) NOT VALID"
    )
    checks = {check.name: check.expression for check in schema.table("public", "t").check_constraints}
    assert checks == {
        "t_email": "CHECK (email ~~ '%@%'::text) NO INHERIT",
        "t_late": "CHECK (price < 1000::numeric) NOT VALID",
        "t_price_positive": "CHECK (price > 0::numeric)",
    }


def test_not_null_is_a_column_property_not_a_check(inspect_after):
    # PostgreSQL 18 records NOT NULL as constraints of their own; they stay out of the model.
    table = inspect_after("CREATE TABLE t (a int NOT NULL)").table("public", "t")
    assert table.check_constraints == ()
    assert not table.column("a").nullable


def test_exclusion_constraint(inspect_after):
    schema = inspect_after(
        "CREATE TABLE bookings (room int, during tsrange,"
        " CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&) WHERE (room > 0))"
    )
    assert schema.table("public", "bookings").exclusion_constraints == (
        ExclusionConstraint("no_overlap", "EXCLUDE USING gist (during WITH &&) WHERE (room > 0)"),
    )


def test_constraints_of_each_kind_are_sorted_by_name(inspect_after):
    schema = inspect_after("CREATE TABLE t (a int, CONSTRAINT zz CHECK (a > 1), CONSTRAINT aa CHECK (a < 9))")
    assert [check.name for check in schema.table("public", "t").check_constraints] == ["aa", "zz"]
