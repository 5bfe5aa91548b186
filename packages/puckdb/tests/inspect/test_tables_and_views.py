"""Table properties, comments and views."""

from puckdb.model import PUBLIC_SCHEMA_COMMENT, View


def test_unlogged_and_row_level_security(inspect_after):
    schema = inspect_after(
        "CREATE UNLOGGED TABLE cache (k text);"
        "CREATE TABLE secret (k text); ALTER TABLE secret ENABLE ROW LEVEL SECURITY;"
        "ALTER TABLE secret FORCE ROW LEVEL SECURITY;"
        "CREATE TABLE open (k text)"
    )
    cache, open_, secret = (schema.table("public", name) for name in ("cache", "open", "secret"))
    assert cache.unlogged and not cache.rls_enabled
    assert secret.rls_enabled and secret.rls_forced and not secret.unlogged
    assert not (open_.unlogged or open_.rls_enabled or open_.rls_forced)


def test_comments_on_table_column_view_index(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int CONSTRAINT t_a_positive CHECK (a > 0), b int);"
        "CREATE INDEX t_a ON t (a);"
        "CREATE VIEW v AS SELECT a FROM t;"
        "COMMENT ON TABLE t IS 'the table';"
        "COMMENT ON COLUMN t.a IS 'the column';"
        "COMMENT ON INDEX t_a IS 'the index';"
        "COMMENT ON VIEW v IS 'the view';"
        "COMMENT ON CONSTRAINT t_a_positive ON t IS 'the check'"
    )
    table = schema.table("public", "t")
    assert table.comment == "the table"
    assert (table.column("a").comment, table.column("b").comment) == ("the column", None)
    assert table.indexes[0].comment == "the index"
    assert table.check_constraints[0].comment == "the check"
    assert schema.view("public", "v").comment == "the view"


def test_comments_on_schemas_and_view_columns(inspect_after):
    schema = inspect_after(
        "CREATE SCHEMA app; CREATE SCHEMA bare;"
        "COMMENT ON SCHEMA app IS 'the app''s';"
        "CREATE TABLE t (a int, b int);"
        'CREATE VIEW v AS SELECT a, b AS "B" FROM t;'
        "CREATE MATERIALIZED VIEW m AS SELECT a FROM t;"
        "COMMENT ON COLUMN v.\"B\" IS 'the b';"
        "COMMENT ON COLUMN m.a IS 'the a'",
        schemas=["public", "app", "bare"],
    )
    assert schema.schema_comments == (("app", "the app's"),)  # public's initdb comment is none
    assert schema.schema_comment("bare") is None
    assert schema.view("public", "v").column_comments == (("B", "the b"),)
    assert schema.view("public", "m").column_comments == (("a", "the a"),)


def test_view_definition_and_dependencies(inspect_after):
    schema = inspect_after(
        "CREATE SCHEMA app;"
        "CREATE TABLE app.cards (card_id int, price numeric);"
        "CREATE TABLE users (user_id int);"
        "CREATE VIEW app.cheap AS SELECT card_id, price FROM app.cards WHERE price < 10;"
        "CREATE VIEW summary AS SELECT c.card_id, u.user_id FROM app.cheap c CROSS JOIN users u",
        schemas=["public", "app"],
    )
    assert schema.view("app", "cheap") == View(
        schema="app",
        name="cheap",
        definition=" SELECT card_id,\n    price\n   FROM app.cards\n  WHERE price < 10::numeric;",
        columns=("card_id", "price"),
        depends_on=(("app", "cards"),),
        depends_on_columns=(("app", "cards", "card_id"), ("app", "cards", "price")),
    )
    summary = schema.view("public", "summary")
    assert summary.depends_on == (("app", "cheap"), ("public", "users"))
    assert summary.depends_on_columns == (("app", "cheap", "card_id"), ("public", "users", "user_id"))
    assert summary.depends_on_rows == ()
    assert summary.columns == ("card_id", "user_id")
    assert not summary.materialized


def test_view_dependencies_outside_managed_schemas_are_left_out(inspect_after):
    schema = inspect_after(
        "CREATE SCHEMA other; CREATE TABLE other.t (a int); CREATE VIEW v AS SELECT a FROM other.t"
    )
    assert schema.view("public", "v").depends_on == ()


def test_materialized_view_with_index(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int, b int);"
        "CREATE MATERIALIZED VIEW totals AS SELECT a, sum(b) AS total FROM t GROUP BY a;"
        "CREATE UNIQUE INDEX totals_a ON totals (a)"
    )
    view = schema.view("public", "totals")
    assert (view.materialized, view.columns, view.depends_on) == (True, ("a", "total"), (("public", "t"),))
    assert [(index.name, index.unique) for index in view.indexes] == [("totals_a", True)]
    assert schema.table("public", "totals") is None


def test_a_re_created_public_schema_inspects_as_a_new_databases(inspect_after):
    # initdb comments public; a public dropped and re-created (a common reset) has no
    # comment. Neither is a comment to the model, so neither is drift against the other.
    fresh = inspect_after("CREATE TABLE t (a int)")
    recreated = inspect_after("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE t (a int)")
    assert fresh == recreated
    assert fresh.schema_comment("public") is None
    replaced = inspect_after(f"COMMENT ON SCHEMA public IS '{PUBLIC_SCHEMA_COMMENT}, with ours'")
    assert replaced.schema_comment("public") == f"{PUBLIC_SCHEMA_COMMENT}, with ours"
