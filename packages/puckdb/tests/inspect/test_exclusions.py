"""What the inspector leaves out: extension members, puckdb's own schema, system schemas."""


def test_objects_owned_by_extensions_are_excluded(inspect_after):
    schema = inspect_after(
        "CREATE EXTENSION vector;"
        "CREATE TABLE ext_table (a int); CREATE TYPE ext_enum AS ENUM ('x');"
        "CREATE SEQUENCE ext_seq; CREATE VIEW ext_view AS SELECT 1 AS one;"
        "ALTER EXTENSION vector ADD TABLE ext_table; ALTER EXTENSION vector ADD TYPE ext_enum;"
        "ALTER EXTENSION vector ADD SEQUENCE ext_seq; ALTER EXTENSION vector ADD VIEW ext_view;"
        "CREATE TABLE mine (a int)"
    )
    assert [table.name for table in schema.tables] == ["mine"]
    assert (schema.enums, schema.sequences, schema.views) == ((), (), ())
    assert [extension.name for extension in schema.extensions] == ["vector"]


def test_puckdb_schema_is_excluded(inspect_after):
    schema = inspect_after(
        "CREATE SCHEMA puckdb; CREATE TABLE puckdb.migrations (version int PRIMARY KEY);"
        "CREATE TABLE t (a int)",
        schemas=["public", "puckdb"],
    )
    assert schema.schemas == ("public",)
    assert [table.key for table in schema.tables] == [("public", "t")]


def test_system_schemas_are_never_read(inspect_after):
    schema = inspect_after("SELECT 1", schemas=["pg_catalog", "information_schema", "pg_toast"])
    assert (schema.schemas, schema.tables, schema.views) == ((), (), ())
