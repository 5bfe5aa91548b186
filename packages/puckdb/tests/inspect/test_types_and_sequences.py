"""Extensions, enum types, sequences and the list of schemas."""

from puckdb.model import EnumType, Sequence


def test_enum_labels_in_order(inspect_after):
    schema = inspect_after(
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
        "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';"
        "COMMENT ON TYPE mood IS 'How it went'"
    )
    assert schema.enums == (EnumType("public", "mood", ("sad", "meh", "ok", "happy"), "How it went"),)
    assert schema.enum("public", "mood") is schema.enums[0]


def test_enum_without_labels(inspect_after):
    assert inspect_after("CREATE TYPE nothing AS ENUM ()").enums == (EnumType("public", "nothing", ()),)


def test_enums_of_unmanaged_schemas_are_ignored(inspect_after):
    schema = inspect_after("CREATE SCHEMA other; CREATE TYPE other.mood AS ENUM ('a')")
    assert schema.enums == ()


def test_sequence_owned_by_serial_column(inspect_after):
    schema = inspect_after("CREATE TABLE t (id serial, big bigserial)")
    assert schema.sequences == (
        Sequence("public", "t_big_seq", "bigint", 1, 1, 1, 9223372036854775807, 1, False, ("t", "big")),
        Sequence("public", "t_id_seq", "integer", 1, 1, 1, 2147483647, 1, False, ("t", "id")),
    )
    assert schema.table("public", "t").column("id").default == "nextval('t_id_seq'::regclass)"


def test_serial_sequence_outside_public_is_qualified_in_the_default(inspect_after):
    schema = inspect_after("CREATE SCHEMA app; CREATE TABLE app.t (id serial)", schemas=["app"])
    assert schema.table("app", "t").column("id").default == "nextval('app.t_id_seq'::regclass)"
    assert schema.sequence("app", "t_id_seq").owned_by == ("t", "id")


def test_standalone_sequence_with_options(inspect_after):
    schema = inspect_after(
        "CREATE SEQUENCE numbers AS smallint START 10 INCREMENT -2 MINVALUE -100 MAXVALUE 10 CACHE 3 CYCLE;"
        "COMMENT ON SEQUENCE numbers IS 'countdown'"
    )
    assert schema.sequence("public", "numbers") == Sequence(
        schema="public",
        name="numbers",
        data_type="smallint",
        start=10,
        increment=-2,
        min_value=-100,
        max_value=10,
        cache=3,
        cycle=True,
        comment="countdown",
    )


def test_extensions_are_listed_with_schema_and_version_except_plpgsql(inspect_after):
    schema = inspect_after("CREATE EXTENSION vector")
    (extension,) = schema.extensions
    assert (extension.name, extension.schema) == ("vector", "public")
    assert extension.version.count(".") >= 1
    assert schema.extension("plpgsql") is None


def test_schemas_lists_the_managed_schemas_that_exist(inspect_after):
    schema = inspect_after("CREATE SCHEMA app", schemas=["public", "app", "missing"])
    assert schema.schemas == ("app", "public")


def test_no_managed_schemas(inspect_after):
    schema = inspect_after("CREATE TABLE t (a int)", schemas=[])
    assert (schema.schemas, schema.tables) == ((), ())
