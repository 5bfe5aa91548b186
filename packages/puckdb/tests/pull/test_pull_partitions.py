"""pull writes a partitioned table with ``postgresql_partition_by`` and each partition as a
:class:`puckdb.Partition` after it (nested ones after theirs), and the module normalizes
back to the database, with what a partition has of its own; what a Partition cannot declare
(comments on those) is named."""

from __future__ import annotations

from puckdb.pull.module import render

from .conftest import PullHarness


def test_partitioned_tables_and_partitions_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL, amount numeric, "
            "PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on)",
            "CREATE INDEX payment_amount ON payment (amount)",
            # Declared before its parent's other partitions, named to sort before its parent.
            "CREATE TABLE a_payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') "
            "PARTITION BY HASH (id)",
            "CREATE TABLE a_payment_2024_0 PARTITION OF a_payment_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
            "CREATE TABLE a_payment_2024_1 PARTITION OF a_payment_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
            "CREATE TABLE payment_other PARTITION OF payment DEFAULT",
            "COMMENT ON TABLE payment_other IS 'the rest'",
            "CREATE TABLE app.log (at date, said text) PARTITION BY LIST (said)",
            "CREATE TABLE app.log_hi PARTITION OF app.log FOR VALUES IN ('hi', 'hello')",
        ],
        schemas=("public", "app"),
    )
    module = harness.round_trip(schema)
    assert '{"postgresql_partition_by": "RANGE (paid_on)"}' in module.text
    assert 'postgresql_partition_by="LIST (said)"' in module.text
    assert "of=Payment," in module.text and "default=True" in module.text
    assert 'partition_by="HASH (id)"' in module.text and "of=a_payment_2024," in module.text
    assert module.text.index("a_payment_2024 = Partition(") < module.text.index(
        "a_payment_2024_0 = Partition("
    )
    assert harness.ruff_findings(module.text) == ""


def test_a_partitions_own_indexes_constraints_and_row_security_round_trip(harness: PullHarness) -> None:
    # What pg_dump of an older database (pagila) writes: keys, foreign keys and indexes per
    # partition, beside the parent's; one foreign key references a partition declared after it.
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE other (id int PRIMARY KEY)",
            'CREATE TABLE p (id int, d date, c int, "user" int, PRIMARY KEY (d, id)) PARTITION BY RANGE (d)',
            "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')",
            "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM ('2022-02-01') TO ('2022-03-01')",
            "CREATE TABLE p3 PARTITION OF p FOR VALUES FROM ('2022-03-01') TO ('2022-04-01') "
            "PARTITION BY HASH (id)",
            "CREATE UNLOGGED TABLE p3_0 PARTITION OF p3 FOR VALUES WITH (MODULUS 1, REMAINDER 0)",
            "CREATE INDEX p1_id ON p1 (id)",
            "CREATE UNIQUE INDEX p1_c_where ON p1 (c) WHERE c > 10",
            "CREATE INDEX p3_c ON p3 (c)",
            "ALTER TABLE p1 ADD CONSTRAINT p1_c_fkey FOREIGN KEY (c) REFERENCES other (id) ON DELETE CASCADE",
            "ALTER TABLE p1 ADD CONSTRAINT p1_c_check CHECK (c > 0)",
            "ALTER TABLE p2 ADD CONSTRAINT p2_id_key UNIQUE (id)",
            'ALTER TABLE p2 ADD CONSTRAINT "P2 user" FOREIGN KEY ("user") REFERENCES other (id)',
            "ALTER TABLE p1 ADD CONSTRAINT p1_id_p2_fkey FOREIGN KEY (id) REFERENCES p2 (id) NOT VALID",
            "ALTER TABLE p1 ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE p1 FORCE ROW LEVEL SECURITY",
        ]
    )
    module = harness.round_trip(schema)
    assert "cannot be declared" not in module.text
    assert module.notes == ()
    assert '"CREATE INDEX p1_id ON public.p1 USING btree (id)"' in module.text
    # A partitioned partition's index is written ON it (pg_get_indexdef says ON ONLY).
    assert '"CREATE INDEX p3_c ON public.p3 USING btree (c)"' in module.text
    assert '"CONSTRAINT p1_c_check CHECK (c > 0)"' in module.text
    assert (
        '"CONSTRAINT p1_c_fkey FOREIGN KEY (c) REFERENCES public.other (id) ON DELETE CASCADE"' in module.text
    )
    # Names are quoted only where SQL needs it: a capital, a space, a reserved word.
    assert """'CONSTRAINT "P2 user" FOREIGN KEY ("user") REFERENCES public.other (id)'""" in module.text
    assert "unlogged=True" in module.text
    assert 'RowLevelSecurity("p1", force=True, metadata=Base.metadata)' in module.text
    assert harness.ruff_findings(module.text) == ""


def test_comments_on_a_partitions_own_index_and_constraint_are_named(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE events (id int, kind text) PARTITION BY LIST (kind)",
            "CREATE TABLE events_click PARTITION OF events FOR VALUES IN ('click')",
            "CREATE INDEX events_click_id ON events_click (id)",
            "ALTER TABLE events_click ADD CONSTRAINT events_click_id_check CHECK (id > 0)",
            "COMMENT ON INDEX events_click_id IS 'by id'",
            "COMMENT ON CONSTRAINT events_click_id_check ON events_click IS 'positive'",
        ]
    )
    pulled = render(schema)
    assert pulled.notes == (
        "partition events_click: the comment on its index events_click_id ('by id') cannot be declared; "
        "not kept.",
        "partition events_click: the comment on its constraint events_click_id_check ('positive') cannot "
        "be declared; not kept.",
    )
    assert '"CREATE INDEX events_click_id ON public.events_click USING btree (id)"' in pulled.text
    assert harness.ruff_findings(pulled.text) == ""
