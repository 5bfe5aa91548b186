"""``puckdb pull``: a database → a SQLAlchemy module that normalizes back to the same schema.

Every case builds a database from DDL, inspects it (S), renders the module, imports it
(:func:`puckdb.loading.load_schema`), normalizes its MetaData on the session's server and
compares with S. What SQLAlchemy cannot express is listed as the expected differences, and
must be reported in the module and in the notes.

The ``puckdb pull`` command itself (``--out FILE`` and standard output) is run in a
subprocess at the end; an unreachable database is tested with check and push in
tests/migrations/test_check_push.py.
"""

from __future__ import annotations

import os
import pathlib
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from oracle.spec import SchemaSpec, build_metadata
from oracle.strategies import schema_specs

from puckdb.normalize.ddl import compile_metadata
from puckdb.pull import pull, pull_module, render, render_module
from puckdb.server.embedded import EmbeddedServer

if TYPE_CHECKING:
    from .conftest import PullHarness

EXAMPLES = max(10, int(os.environ.get("PUCKDB_ORACLE_EXAMPLES", "100")) // 4)


# --- StudyPuck ----------------------------------------------------------------------------------


def test_studypuck_schema_round_trips(harness: PullHarness) -> None:
    from studypuck_database.schema import metadata

    with harness.database(compile_metadata(metadata, ["public"])) as url:
        module = pull_module(url, ["public"])
        assert pull(url, ["public"]) == module.text, "pulling twice must give the same text"
        schema = harness.inspect_ddl(compile_metadata(metadata, ["public"]))
    assert module.notes == ()
    assert render_module(schema) == module.text
    harness.round_trip(schema)
    assert harness.ruff_findings(module.text) == ""
    # The shapes StudyPuck relies on, spelled as a person would write them.
    assert "class Cards(Base):" in module.text
    assert 'postgresql_ops={"embedding": "vector_cosine_ops"}' in module.text
    assert 'metadata_: Mapped[Any | None] = mapped_column("metadata", JSONB)' in module.text
    assert "translation_active_cards = View(" in module.text


# --- generated schemas --------------------------------------------------------------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=schema_specs())
def test_generated_schemas_round_trip(harness: PullHarness, spec: SchemaSpec) -> None:
    schema = harness.inspect_ddl(compile_metadata(build_metadata(spec), ["public"], []))
    # A generated CHECK like `x IN ('a', 'b')` on a varchar column prints in a form that
    # PostgreSQL prints differently once re-parsed; the module reaches the settled form.
    module = harness.round_trip(schema, settle=True)
    assert module.notes == ()


# --- hand-written cases -------------------------------------------------------------------------


def test_serial_columns_come_back_as_serial(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE users (id serial PRIMARY KEY, name text)",
            "CREATE TABLE events (id bigserial PRIMARY KEY, user_id integer REFERENCES users)",
            # A serial column in a composite key keeps the key's column order.
            "CREATE TABLE lines (doc integer, line smallserial, PRIMARY KEY (doc, line))",
            # The longest names: PostgreSQL shortens the sequence's and the key's names.
            f"CREATE TABLE {'t' * 63} ({'c' * 63} serial PRIMARY KEY)",
        ]
    )
    module = harness.round_trip(schema)
    assert "id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)" in module.text
    assert "id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)" in module.text
    assert 'PrimaryKeyConstraint("doc", "line", name="lines_pkey")' in module.text
    assert "Sequence(" not in module.text  # SERIAL makes them
    assert module.notes == ()


def test_integer_keys_that_are_not_serial_stay_plain(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE plain (id integer PRIMARY KEY)",
            "CREATE TABLE keyed (id bigint PRIMARY KEY DEFAULT 7)",
            # A serial-like column whose sequence was changed is a sequence and a default.
            "CREATE TABLE changed (id serial PRIMARY KEY)",
            "ALTER SEQUENCE changed_id_seq INCREMENT 10",
        ]
    )
    module = harness.round_trip(
        schema, ["schema.sequences[public.changed_id_seq].owned_by: None != ('changed', 'id')"]
    )
    assert "mapped_column(Integer, primary_key=True, autoincrement=False)" in module.text
    assert "changed_id_seq = Sequence(" in module.text
    assert any("changed_id_seq is owned by changed.id" in note for note in module.notes)


def test_identity_and_generated_columns(harness: PullHarness, pg_server: EmbeddedServer) -> None:
    virtual = (
        ", twice_virtual integer GENERATED ALWAYS AS (id * 2) VIRTUAL" if pg_server.version >= 18 else ""
    )
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE counters ("
            " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " ticket integer GENERATED BY DEFAULT AS IDENTITY (START 100 INCREMENT 5 CACHE 10),"
            " down smallint GENERATED BY DEFAULT AS IDENTITY (INCREMENT -1 MAXVALUE 50 CYCLE),"
            " twice bigint GENERATED ALWAYS AS (id * 2) STORED,"
            " label text GENERATED ALWAYS AS (id::text || ':n') STORED" + virtual + ")"
        ]
    )
    module = harness.round_trip(schema)
    assert "Identity(always=True)" in module.text
    assert "Identity(start=100, increment=5, cache=10)" in module.text
    assert "Identity(increment=-1, maxvalue=50, cycle=True)" in module.text
    assert 'Computed("id * 2", persisted=True)' in module.text
    assert "'\\\\:n'" in module.text  # escaped: SQLAlchemy would read `:n` as a bound parameter


def test_types(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE EXTENSION vector",
            "CREATE TABLE kinds (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),"
            " a smallint, b bigint, c real, d double precision, e numeric, f numeric(10,2), g numeric(5),"
            " h money, i text, j varchar, k varchar(20), l char(3), m boolean DEFAULT false,"
            " n date DEFAULT CURRENT_DATE, o timestamp, p timestamp(3), q timestamptz DEFAULT now(),"
            " r timestamp(0) with time zone, s time, t time(2) with time zone, u interval,"
            " v interval(3), w interval day to second(2), x interval year to month,"
            " y json, z jsonb DEFAULT '{}', aa bytea, ab inet, ac cidr, ad macaddr, ae tsvector,"
            " af int4range, ag tstzrange, ah bit(8), ai bit varying(5), aj bit varying,"
            " ak vector(3), al halfvec(4), am sparsevec(5), an vector,"
            " ao integer[] DEFAULT '{1,2}', ap text[] NOT NULL DEFAULT '{}', aq double precision[],"
            ' ar xml, at point, au "char", av bpchar, aw int4multirange, ax oid, ay jsonb NOT NULL)',
        ]
    )
    module = harness.round_trip(schema)
    for spelled in (
        "Numeric(10, 2)",
        "String(20)",
        "CHAR(3)",
        "TIMESTAMP(precision=3)",
        "TIMESTAMP(timezone=True, precision=0)",
        "TIME(timezone=True, precision=2)",
        'INTERVAL(fields="day to second", precision=2)',
        "BIT(8)",
        "BIT(5, varying=True)",
        "Vector(3)",
        "HALFVEC(4)",
        "SPARSEVEC(5)",
        "ARRAY(Integer)",
        'PgType("xml")',
        "Mapped[uuid.UUID]",
        "Mapped[Decimal | None]",
        "Mapped[datetime.datetime | None]",
        "Mapped[list[str]]",
    ):
        assert spelled in module.text
    assert harness.ruff_findings(module.text) == ""


def test_enums_and_enum_arrays(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA audit",
            "CREATE TYPE mood AS ENUM ('happy', 'it''s complicated', 'a:b')",
            "CREATE TYPE audit.\"Level\" AS ENUM ('low', 'high')",
            "CREATE TYPE unused AS ENUM ('x')",
            "CREATE TABLE people (id bigint PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy',"
            " moods mood[] DEFAULT ARRAY['happy'::mood], history mood[] DEFAULT '{}',"
            ' level audit."Level")',
        ],
        schemas=["audit", "public"],
    )
    module = harness.round_trip(schema)
    assert 'mood = ENUM("happy", "it\'s complicated", "a:b", name="mood", metadata=Base.metadata)' in (
        module.text
    )
    assert 'audit_level = ENUM("low", "high", name="Level", schema="audit", metadata=Base.metadata)' in (
        module.text
    )
    assert "ARRAY(mood)" in module.text


def test_indexes(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE EXTENSION vector",
            "CREATE TABLE docs (id bigint PRIMARY KEY, title text, body text, score integer,"
            " tags text[], data jsonb, embedding vector(3), half halfvec(3), deleted_at timestamptz)",
            "CREATE INDEX docs_embedding_hnsw ON docs USING hnsw (embedding vector_cosine_ops)"
            " WITH (m = 16, ef_construction = 64)",
            "CREATE INDEX docs_half_ivf ON docs USING ivfflat (half halfvec_l2_ops) WITH (lists = 10)",
            "CREATE INDEX docs_live ON docs (score) INCLUDE (title, body) WHERE deleted_at IS NULL",
            "CREATE UNIQUE INDEX docs_title_lower ON docs (lower(title) text_pattern_ops DESC NULLS LAST)",
            "CREATE INDEX docs_order ON docs (score DESC, title NULLS FIRST, id DESC NULLS LAST)",
            "CREATE INDEX docs_expr ON docs ((score + 1), (title || ':x'))",
            "CREATE INDEX docs_tags ON docs USING gin (tags)",
            "CREATE INDEX docs_data ON docs USING gin (data jsonb_path_ops)",
            "CREATE UNIQUE INDEX docs_nnd ON docs (title, score) NULLS NOT DISTINCT",
            "CREATE INDEX docs_fill ON docs (body) WITH (fillfactor = 70)",
            "CREATE INDEX docs_twice ON docs (title, title text_pattern_ops)",
        ]
    )
    module = harness.round_trip(schema)
    assert 'postgresql_ops={"embedding": "vector_cosine_ops"}' in module.text
    assert 'postgresql_with={"ef_construction": "64", "m": "16"}' in module.text
    assert 'postgresql_include=["title", "body"]' in module.text
    assert 'postgresql_where=text("deleted_at IS NULL")' in module.text
    assert 'column("score").desc()' in module.text
    assert 'text("lower(title) text_pattern_ops DESC NULLS LAST")' in module.text
    assert "postgresql_nulls_not_distinct=True" in module.text


def test_constraints(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE parents (a integer, b integer, code text UNIQUE, CONSTRAINT parents_key PRIMARY KEY (b, a))",
            "COMMENT ON CONSTRAINT parents_key ON parents IS 'the key'",
            "CREATE TABLE children (id bigint PRIMARY KEY, a integer, b integer, code text,"
            " price numeric CHECK (price > 0), status text DEFAULT 'new',"
            " CONSTRAINT children_status_check CHECK (status IN ('new', 'done', 'it''s')),"
            " CONSTRAINT children_parent_fkey FOREIGN KEY (b, a) REFERENCES parents (b, a)"
            "   MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,"
            " CONSTRAINT children_code_fkey FOREIGN KEY (code) REFERENCES parents (code) ON DELETE RESTRICT,"
            " CONSTRAINT children_pair_key UNIQUE NULLS NOT DISTINCT (a, b) DEFERRABLE)",
            "ALTER TABLE children ADD CONSTRAINT children_self_fkey FOREIGN KEY (id) REFERENCES children NOT VALID",
            "COMMENT ON CONSTRAINT children_status_check ON children IS 'statuses'",
            "COMMENT ON CONSTRAINT children_code_fkey ON children IS 'by code'",
            "CREATE TABLE bookings (id bigint PRIMARY KEY, room integer, during tstzrange,"
            " CONSTRAINT bookings_overlap EXCLUDE USING gist (tstzrange(lower(during), upper(during)) WITH &&,"
            "   during WITH -|-) WHERE (room > 0) DEFERRABLE INITIALLY DEFERRED)",
        ]
    )
    module = harness.round_trip(schema)
    assert 'PrimaryKeyConstraint("b", "a", name="parents_key", comment="the key")' in module.text
    assert "ExcludeConstraint(" in module.text
    assert "use_alter=True" in module.text and "postgresql_not_valid=True" in module.text


def test_views_and_materialized_views(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, title text, due timestamptz, deleted_at timestamptz)",
            # Named so that sorting by name alone would create them in the wrong order.
            "CREATE VIEW b_live AS SELECT id, title, due FROM cards WHERE deleted_at IS NULL",
            "CREATE VIEW a_due AS SELECT id, title FROM b_live WHERE due <= now()",
            "COMMENT ON VIEW a_due IS 'due now'",
            "CREATE MATERIALIZED VIEW a_counts AS SELECT count(*) AS n, 'x:y' AS label FROM a_due",
            "COMMENT ON MATERIALIZED VIEW a_counts IS 'counts'",
            "CREATE VIEW quoted AS SELECT 'two\nlines' AS text, title AS \"Title\" FROM cards",
        ]
    )
    module = harness.round_trip(schema)
    assert module.text.index("b_live = View(") < module.text.index("a_due = View(")
    assert module.text.index("a_due = View(") < module.text.index("a_counts = View(")
    assert "materialized=True" in module.text
    assert "'two\\nlines'" in module.text  # a literal spanning lines is kept exactly


def test_non_public_schemas(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA audit",
            "CREATE TABLE users (id bigint PRIMARY KEY)",
            "CREATE TYPE audit.kind AS ENUM ('login', 'logout')",
            "CREATE SEQUENCE audit.ticket START 1000",
            "CREATE TABLE audit.users (id bigserial PRIMARY KEY, kind audit.kind,"
            " user_id bigint REFERENCES public.users (id), ticket bigint DEFAULT nextval('audit.ticket'))",
            "CREATE TABLE audit.log (at timestamptz DEFAULT now(), user_id bigint REFERENCES audit.users)",
            "CREATE INDEX log_at ON audit.log (at)",
            "COMMENT ON TABLE audit.users IS 'audit trail'",
            "CREATE VIEW audit.logins AS SELECT id FROM audit.users WHERE kind = 'login'",
        ],
        schemas=["audit", "public"],
    )
    module = harness.round_trip(schema)
    assert "class AuditUsers(Base):" in module.text and "class Users(Base):" in module.text
    assert '{"schema": "audit", "comment": "audit trail"}' in module.text
    assert '["audit.users.id"]' in module.text and '["users.id"]' in module.text
    assert (
        'audit_ticket = Sequence("ticket", start=1000, schema="audit", metadata=Base.metadata)' in module.text
    )


def test_schema_comments(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA audit",
            "CREATE SCHEMA plain",
            "COMMENT ON SCHEMA audit IS 'who changed what; it''s kept'",
            "COMMENT ON SCHEMA public IS NULL",
            "CREATE TABLE audit.events (id bigint PRIMARY KEY)",
        ],
        schemas=["audit", "plain", "public"],
    )
    module = harness.round_trip(schema)
    assert 'SchemaComment("audit", Base.metadata, "who changed what; it\'s kept")' in module.text
    assert 'SchemaComment("public"' not in module.text  # no comment, like initdb's
    assert '"plain"' not in module.text.split('"""', 2)[2]
    assert "from puckdb import SchemaComment" in module.text


def test_public_schema_default_comment_is_not_written(harness: PullHarness) -> None:
    module = harness.round_trip(harness.inspect_ddl(["CREATE TABLE t (id bigint PRIMARY KEY)"]))
    assert "SchemaComment" not in module.text
    changed = harness.inspect_ddl(["COMMENT ON SCHEMA public IS 'the app'"])
    assert 'SchemaComment("public", Base.metadata, "the app")' in harness.round_trip(changed).text


def test_view_column_comments(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, title text)",
            'CREATE VIEW titles AS SELECT id, title AS "Title" FROM cards',
            "COMMENT ON COLUMN titles.\"Title\" IS 'as shown'",
            "COMMENT ON COLUMN titles.id IS 'the card'",
            "CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM cards",
            "COMMENT ON COLUMN counts.n IS 'how many'",
        ]
    )
    module = harness.round_trip(schema)
    assert 'column_comments={"id": "the card", "Title": "as shown"}' in module.text
    assert 'column_comments={"n": "how many"}' in module.text


def test_materialized_view_indexes(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck integer)",
            "CREATE MATERIALIZED VIEW decks AS SELECT deck, count(*) AS n FROM cards GROUP BY deck",
            "CREATE UNIQUE INDEX decks_deck ON decks (deck)",
            "CREATE INDEX decks_n ON decks (n DESC)",
        ]
    )
    module = harness.round_trip(schema)
    assert '"CREATE UNIQUE INDEX decks_deck ON public.decks USING btree (deck)"' in module.text


def test_odd_identifiers(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            'CREATE TABLE "Odd Table" ("Display Name" text, "class" text, "UserId" bigint PRIMARY KEY,'
            ' "l" integer, "text" text DEFAULT \':x\', "metadata" jsonb, "1st" integer, "ünïcode" text,'
            ' "__dunder" integer, "int" integer, "Mapped" integer, "a""quote" integer, "mood" text,'
            ' "registry" integer)',
            "CREATE TYPE mood AS ENUM ('ok')",
            'CREATE TABLE "index" (id integer PRIMARY KEY, m mood)',
            'CREATE TABLE "text" ("order" integer PRIMARY KEY, "Odd FK" bigint REFERENCES "Odd Table")',
            'CREATE INDEX "Odd Index" ON "Odd Table" ("Display Name" DESC, lower("class"))',
            'CREATE VIEW "Odd View" AS SELECT "Display Name", "a""quote" FROM "Odd Table"',
        ]
    )
    module = harness.round_trip(schema)
    assert 'display_name: Mapped[str | None] = mapped_column("Display Name", Text)' in module.text
    assert 'class_: Mapped[str | None] = mapped_column("class", Text)' in module.text
    assert 'text_: Mapped[str | None] = mapped_column("text", Text' in module.text
    assert 'mood_: Mapped[str | None] = mapped_column("mood", Text)' in module.text
    assert "class IndexTable(Base):" in module.text and "class TextTable(Base):" in module.text
    assert harness.ruff_findings(module.text) == ""


def test_tables_without_a_primary_key(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE users (id bigint PRIMARY KEY)",
            "CREATE UNLOGGED TABLE log (at timestamptz NOT NULL DEFAULT now(), message text,"
            " user_id bigint REFERENCES users, CHECK (message <> ''))",
            "CREATE INDEX log_at ON log (at DESC)",
            "COMMENT ON TABLE log IS 'events'",
            "COMMENT ON COLUMN log.message IS 'what happened'",
            "CREATE TABLE nothing ()",
        ]
    )
    module = harness.round_trip(schema)
    assert "log = Table(" in module.text
    assert 'prefixes=["UNLOGGED"]' in module.text
    assert 'nothing = Table("nothing", Base.metadata)' in module.text


def test_standalone_sequences(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SEQUENCE plain",
            "CREATE SEQUENCE small AS smallint MINVALUE 5 START 7 CACHE 20",
            "CREATE SEQUENCE down AS integer INCREMENT -2 CYCLE",
            "CREATE SEQUENCE big MAXVALUE 1000",
        ]
    )
    module = harness.round_trip(schema)
    assert 'plain = Sequence("plain", metadata=Base.metadata)' in module.text
    assert "data_type=SmallInteger, start=7, minvalue=5, cache=20" in module.text


def test_collations(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        ['CREATE TABLE names (id bigint PRIMARY KEY, a text COLLATE "C", b varchar(10) COLLATE "POSIX",'
         ' c text[] COLLATE "C")']
    )  # fmt: skip
    module = harness.round_trip(schema, ["schema.tables[public.names].columns[c].collation: None != '\"C\"'"])
    assert 'Text(collation="C")' in module.text
    assert 'String(10, collation="POSIX")' in module.text


def test_index_key_collations(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            'CREATE TABLE names (id bigint PRIMARY KEY, a text, b text COLLATE "C")',
            'CREATE INDEX names_a_c ON names (a COLLATE "C")',
            'CREATE INDEX names_b_default ON names (b COLLATE "default" DESC, lower(a) COLLATE "POSIX")',
        ]
    )
    module = harness.round_trip(schema)
    assert "text('a COLLATE \"C\"')" in module.text
    assert "text('b COLLATE \"default\" DESC')" in module.text


def test_deferrable_primary_key(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE decks (id bigint, CONSTRAINT decks_pkey PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED)"
        ]
    )
    module = harness.round_trip(schema)
    assert (
        'PrimaryKeyConstraint("id", name="decks_pkey", deferrable=True, initially="DEFERRED")' in module.text
    )


def test_primary_key_and_unique_include_columns(harness: PullHarness) -> None:
    # A key named as PostgreSQL would name it still needs the explicit constraint: the
    # column flags cannot say INCLUDE.
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE decks (id bigint, code text, name text, CONSTRAINT decks_pkey PRIMARY KEY (id)"
            " INCLUDE (name), CONSTRAINT decks_code UNIQUE (code) INCLUDE (name, id))"
        ]
    )
    module = harness.round_trip(schema)
    assert 'PrimaryKeyConstraint("id", name="decks_pkey", postgresql_include=["name"])' in module.text
    assert 'UniqueConstraint("code", name="decks_code", postgresql_include=["name", "id"])' in module.text


def test_collations_are_declared_and_used_by_columns(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE COLLATION bytes (provider = libc, locale = 'C')",
            "CREATE COLLATION mixed (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX')",
            "COMMENT ON COLLATION mixed IS 'sorts by byte'",
            "CREATE TABLE names (id bigint PRIMARY KEY, a text COLLATE bytes)",
        ]
    )
    module = harness.round_trip(schema)
    assert 'Collation("bytes", Base.metadata, provider="libc", locale="C")' in module.text
    assert 'lc_collate="C", lc_ctype="POSIX"' in module.text
    assert 'Text(collation="bytes")' in module.text


def test_what_sqlalchemy_cannot_express_is_said(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA other",
            "CREATE TABLE other.outside (id bigint PRIMARY KEY)",
            "CREATE TYPE mood AS ENUM ('ok')",
            "COMMENT ON TYPE mood IS 'moods'",
            "CREATE SEQUENCE counter",
            "COMMENT ON SEQUENCE counter IS 'counts'",
            "CREATE TABLE secrets (id bigint PRIMARY KEY, value text, outside_id bigint REFERENCES other.outside,"
            " CONSTRAINT secrets_value_check CHECK (value <> '') NO INHERIT)",
            "ALTER TABLE secrets ADD CONSTRAINT secrets_late_check CHECK (id > 0) NOT VALID",
            "ALTER TABLE secrets ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE secrets FORCE ROW LEVEL SECURITY",
            "CREATE INDEX secrets_value ON secrets (value)",
            "COMMENT ON INDEX secrets_value IS 'lookup'",
            "CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n FROM secrets",
            "CREATE UNIQUE INDEX totals_n ON totals (n)",
        ]
    )
    expected = [
        "schema.enums[public.mood].comment: None != 'moods'",
        "schema.sequences[public.counter].comment: None != 'counts'",
        "schema.tables[public.secrets].foreign_keys[secrets_outside_id_fkey]: only on the right",
        "schema.tables[public.secrets].check_constraints[secrets_value_check].expression: "
        "\"CHECK (value <> ''::text)\" != \"CHECK (value <> ''::text) NO INHERIT\"",
        "schema.tables[public.secrets].check_constraints[secrets_late_check].expression: "
        "'CHECK (id > 0)' != 'CHECK (id > 0) NOT VALID'",
        "schema.tables[public.secrets].indexes[secrets_value].comment: None != 'lookup'",
    ]
    module = harness.round_trip(schema, expected)
    assert len(module.notes) == 6  # NO INHERIT and NOT VALID of the checks are one note each
    # Every note stands in the module too, as a comment where the object would have been.
    assert sorted(_pull_comments(module.text)) == sorted(note.split(": ", 1)[1] for note in module.notes)
    assert "6 thing(s) SQLAlchemy cannot express" in module.text
    assert harness.ruff_findings(module.text) == ""


def test_output_is_deterministic(harness: PullHarness) -> None:
    ddl = [
        "CREATE TYPE b_kind AS ENUM ('x')",
        "CREATE TYPE a_kind AS ENUM ('y')",
        "CREATE TABLE z (id bigint PRIMARY KEY, k a_kind, j b_kind)",
        "CREATE TABLE y (id bigint PRIMARY KEY, z_id bigint REFERENCES z)",
        "CREATE INDEX y_b ON y (z_id)",
        "CREATE INDEX y_a ON y (id, z_id)",
    ]
    first = render(harness.inspect_ddl(ddl))
    second = render(harness.inspect_ddl(list(reversed(ddl[:2])) + ddl[2:]))
    assert first == second
    assert first.text.index("class Y(Base)") < first.text.index("class Z(Base)")
    assert first.text.index("a_kind = ENUM") < first.text.index("b_kind = ENUM")


@pytest.mark.parametrize("schemas", [["public"], ["public", "missing"]])
def test_empty_database(harness: PullHarness, schemas: list[str]) -> None:
    schema = harness.inspect_ddl([], schemas)
    module = harness.round_trip(schema)
    assert "class Base(DeclarativeBase):" in module.text
    assert harness.ruff_findings(module.text) == ""


def test_percent_signs(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        ["CREATE TABLE t (id bigint PRIMARY KEY, name text DEFAULT '100%' CHECK (name LIKE 'a%'))"]
    )
    harness.round_trip(schema)


def _pull_comments(text: str) -> list[str]:
    """The `# puckdb pull:` comments of a module, each unwrapped into one line."""
    found: list[str] = []
    current: list[str] | None = None
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("# puckdb pull: "):
            if current is not None:
                found.append(" ".join(current))
            current = [stripped.removeprefix("# puckdb pull: ")]
        elif stripped.startswith("# ") and current is not None:
            current.append(stripped.removeprefix("# "))
        elif current is not None:
            found.append(" ".join(current))
            current = None
    return found


def test_the_command_writes_the_module(database_url: str, tmp_path: pathlib.Path) -> None:
    import subprocess
    import sys

    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL)")
    (tmp_path / "puckdb.toml").write_text('schema = "schema.py"\n')
    out = tmp_path / "schema.py"
    result = subprocess.run(
        [sys.executable, "-m", "puckdb", "pull", "--url", database_url, "--out", str(out)],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and "1 table" in result.stdout
    assert '__tablename__ = "notes"' in out.read_text()
    to_stdout = subprocess.run(
        [sys.executable, "-m", "puckdb", "pull", "--url", database_url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert to_stdout.stdout == out.read_text()
