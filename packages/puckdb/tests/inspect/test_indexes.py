"""Indexes: methods, keys, operator classes, options, predicates, INCLUDE and ordering."""

from dataclasses import replace

from puckdb.model import Index, IndexKey


def _indexes(schema, table="t"):
    return {index.name: index for index in schema.table("public", table).indexes}


def test_hnsw_index_with_opclass_and_options(inspect_after):
    schema = inspect_after(
        "CREATE EXTENSION vector; CREATE TABLE t (embedding vector(3));"
        "CREATE INDEX t_embedding ON t USING hnsw (embedding vector_cosine_ops)"
        " WITH (m = 16, ef_construction = 64)"
    )
    index = _indexes(schema)["t_embedding"]
    assert index == Index(
        name="t_embedding",
        unique=False,
        method="hnsw",
        keys=(IndexKey("embedding", opclass="vector_cosine_ops"),),
        options=(("ef_construction", "64"), ("m", "16")),
    )
    assert index.definition == (
        "CREATE INDEX t_embedding ON public.t USING hnsw (embedding vector_cosine_ops)"
        " WITH (m='16', ef_construction='64')"
    )


def test_option_order_as_written_does_not_make_indexes_differ(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int);"
        "CREATE INDEX x1 ON t (a) WITH (fillfactor = 70, deduplicate_items = off);"
        "CREATE INDEX x2 ON t (a) WITH (deduplicate_items = off, fillfactor = 70)"
    )
    first, second = schema.table("public", "t").indexes
    assert first.definition.replace("x1", "x2") != second.definition
    assert replace(second, name="x1") == first


def test_default_opclass_is_not_reported(inspect_after):
    schema = inspect_after(
        "CREATE EXTENSION vector; CREATE TABLE t (embedding vector(3), name varchar(20), doc jsonb);"
        "CREATE INDEX t_l2 ON t USING ivfflat (embedding vector_l2_ops);"
        "CREATE INDEX t_hnsw_l2 ON t USING hnsw (embedding vector_l2_ops);"
        "CREATE INDEX t_name ON t (name);"
        "CREATE INDEX t_name_text_ops ON t (name text_ops);"
        "CREATE INDEX t_name_pattern ON t (name varchar_pattern_ops);"
        "CREATE INDEX t_doc ON t USING gin (doc jsonb_path_ops)"
    )
    indexes = _indexes(schema)
    assert indexes["t_l2"].keys == (IndexKey("embedding"),)
    # pgvector makes vector_l2_ops the default for ivfflat only; hnsw has no default.
    assert indexes["t_hnsw_l2"].keys == (IndexKey("embedding", opclass="vector_l2_ops"),)
    assert indexes["t_name"].keys == (IndexKey("name"),)
    # varchar has no btree class of its own: text_ops is its default, written or not.
    assert indexes["t_name_text_ops"].keys == (IndexKey("name"),)
    assert indexes["t_name_pattern"].keys == (IndexKey("name", opclass="varchar_pattern_ops"),)
    assert indexes["t_doc"].keys == (IndexKey("doc", opclass="jsonb_path_ops"),)


def test_default_opclass_of_another_type_is_reported(inspect_after):
    # integer is binary-coercible to oid; oid_ops is a default class, but not integer's.
    schema = inspect_after("CREATE TABLE t (i integer); CREATE INDEX t_i ON t (i oid_ops)")
    index = _indexes(schema)["t_i"]
    assert index.keys == (IndexKey("i", opclass="oid_ops"),)
    assert "(i oid_ops)" in index.definition


def test_ivfflat_index_lists(inspect_after):
    schema = inspect_after(
        "CREATE EXTENSION vector; CREATE TABLE t (embedding halfvec(3));"
        "CREATE INDEX t_ivf ON t USING ivfflat (embedding halfvec_ip_ops) WITH (lists = 100)"
    )
    index = _indexes(schema)["t_ivf"]
    assert (index.method, index.options) == ("ivfflat", (("lists", "100"),))
    assert index.keys == (IndexKey("embedding", opclass="halfvec_ip_ops"),)


def test_gin_expression_index_on_tsvector(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (body text, doc tsvector);"
        "CREATE INDEX t_fts ON t USING gin (to_tsvector('english', body));"
        "CREATE INDEX t_doc ON t USING gin (doc)"
    )
    indexes = _indexes(schema)
    assert indexes["t_fts"].method == "gin"
    assert indexes["t_fts"].keys == (IndexKey("to_tsvector('english'::regconfig, body)"),)
    assert indexes["t_doc"].keys == (IndexKey("doc"),)


def test_expression_index_keys(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (email text, a int, b int);"
        "CREATE UNIQUE INDEX t_email ON t (lower(email));"
        "CREATE INDEX t_sum ON t ((a + b))"
    )
    indexes = _indexes(schema)
    assert indexes["t_email"].keys == (IndexKey("lower(email)"),)
    assert indexes["t_email"].unique
    assert indexes["t_sum"].keys == (IndexKey("(a + b)"),)


def test_partial_index_where(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int, deleted_at timestamptz);"
        "CREATE INDEX t_live ON t (a) WHERE deleted_at IS NULL AND a > 0"
    )
    assert _indexes(schema)["t_live"].where == "deleted_at IS NULL AND a > 0"


def test_index_include_desc_nulls_first(inspect_after):
    schema = inspect_after(
        "CREATE TABLE t (a int, b int, c int, d int);"
        "CREATE INDEX t_mixed ON t (a DESC, b NULLS FIRST, c DESC NULLS LAST) INCLUDE (d)"
    )
    index = _indexes(schema)["t_mixed"]
    assert index.keys == (
        IndexKey("a", descending=True, nulls_first=True),
        IndexKey("b", nulls_first=True),
        IndexKey("c", descending=True),
    )
    assert index.include == ("d",)


def test_unique_index_nulls_not_distinct(inspect_after):
    schema = inspect_after("CREATE TABLE t (a int); CREATE UNIQUE INDEX t_a ON t (a) NULLS NOT DISTINCT")
    index = _indexes(schema)["t_a"]
    assert index.unique and index.nulls_not_distinct


def test_quoted_column_names_in_keys(inspect_after):
    schema = inspect_after('CREATE TABLE t ("Mixed Case" int); CREATE INDEX t_m ON t ("Mixed Case")')
    assert _indexes(schema)["t_m"].keys == (IndexKey('"Mixed Case"'),)


def test_indexes_are_sorted_by_name(inspect_after):
    schema = inspect_after("CREATE TABLE t (a int); CREATE INDEX zz ON t (a); CREATE INDEX aa ON t (a)")
    assert [index.name for index in schema.table("public", "t").indexes] == ["aa", "zz"]


def test_key_collations_are_reported_only_where_they_differ(inspect_after):
    schema = inspect_after(
        'CREATE TABLE t (a text, b text COLLATE "C");'
        'CREATE INDEX t_keys ON t (a COLLATE "C" text_pattern_ops DESC, b, b COLLATE "default",'
        ' lower(a) COLLATE "POSIX", lower(a))'
    )
    assert _indexes(schema)["t_keys"].keys == (
        IndexKey("a", opclass="text_pattern_ops", collation='"C"', descending=True, nulls_first=True),
        IndexKey("b"),
        IndexKey("b", collation='"default"'),
        IndexKey("lower(a)", collation='"POSIX"'),
        IndexKey("lower(a)"),
    )


def test_a_key_collation_change_makes_indexes_differ(inspect_after):
    schema = inspect_after(
        'CREATE TABLE t (a text); CREATE INDEX x1 ON t (a COLLATE "C"); CREATE INDEX x2 ON t (a)'
    )
    first, second = schema.table("public", "t").indexes
    assert replace(second, name="x1", definition="") != replace(first, definition="")
