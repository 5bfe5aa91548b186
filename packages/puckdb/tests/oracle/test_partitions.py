"""The round-trip oracle for partitioned tables: range, list and hash parents, default and
nested partitions, partitions added, dropped and given another bound, and the parent's
columns, keys and indexes reaching its partitions; and the changes puckdb refuses to make
by itself (a plain table becoming partitioned, a new partition key)."""

from __future__ import annotations

from datetime import date

from puckdb.diff import Renames
from puckdb.engine import migration_plan

from .support import Cluster, Rows, run_oracle, settled

PAYMENT = (
    "CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL, amount numeric DEFAULT 0, "
    "PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on)"
)
P2024 = "CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
P2025 = "CREATE TABLE payment_2025 PARTITION OF payment FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
OTHER = "CREATE TABLE payment_other PARTITION OF payment DEFAULT"
ROWS = "INSERT INTO payment VALUES (1, '2024-03-01', 5), (2, '2030-01-01', 7)"


def test_range_partitioned_table_with_partitions_created_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [], [PAYMENT, P2024, OTHER])


def test_partition_added_and_dropped_keeps_the_other_rows(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [PAYMENT, P2024],
        [PAYMENT, P2024, P2025],
        data="INSERT INTO payment VALUES (1, '2024-03-01', 5)",
        forward_rows=[Rows("SELECT tableoid::regclass::text, id FROM payment", [("payment_2024", 1)])],
        backward_rows=[Rows("SELECT count(*) FROM payment", [(1,)])],
    )


def test_default_partition_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [PAYMENT, P2024], [PAYMENT, P2024, OTHER])


def test_list_and_hash_partitioning_with_a_nested_partition(cluster: Cluster) -> None:
    events = "CREATE TABLE events (id int NOT NULL, kind text NOT NULL) PARTITION BY HASH (id)"
    run_oracle(
        cluster,
        [events, "CREATE TABLE events_1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1)"],
        [
            events,
            "CREATE TABLE events_1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
            "CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0) "
            "PARTITION BY LIST (kind)",
            "CREATE TABLE events_0_click PARTITION OF events_0 FOR VALUES IN ('click', 'tap')",
            "CREATE TABLE events_0_rest PARTITION OF events_0 DEFAULT",
        ],
    )


def test_partition_bound_changed_keeps_its_rows(cluster: Cluster) -> None:
    wider = P2024.replace("'2025-01-01'", "'2025-07-01'")
    run_oracle(
        cluster,
        [PAYMENT, P2024, OTHER],
        [PAYMENT, wider, OTHER],
        data="INSERT INTO payment VALUES (1, '2024-03-01', 5)",
        forward_rows=[Rows("SELECT tableoid::regclass::text, id FROM payment", [("payment_2024", 1)])],
        backward_rows=[Rows("SELECT tableoid::regclass::text, id FROM payment", [("payment_2024", 1)])],
    )


def test_a_new_partition_takes_part_of_a_shrunk_ones_range(cluster: Cluster) -> None:
    wide = P2024.replace("'2025-01-01'", "'2026-01-01'")
    run_oracle(
        cluster,
        [PAYMENT, wide],
        [PAYMENT, P2024, P2025],
        data="INSERT INTO payment VALUES (1, '2024-03-01', 5)",
        forward_rows=[Rows("SELECT tableoid::regclass::text FROM payment", [("payment_2024",)])],
    )


def test_column_added_to_the_parent_reaches_its_partitions(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [PAYMENT, P2024, OTHER],
        [PAYMENT.replace("amount numeric DEFAULT 0", "amount numeric DEFAULT 0, note text"), P2024, OTHER],
        data=ROWS,
        forward_rows=[Rows("SELECT count(note) FROM payment_2024", [(0,)])],
    )


def test_a_view_reading_a_partition_follows_a_type_change_of_its_parents_column(cluster: Cluster) -> None:
    view = "CREATE VIEW recent AS SELECT id, amount FROM payment_2024"
    run_oracle(
        cluster,
        [PAYMENT, P2024, view],
        [PAYMENT.replace("amount numeric DEFAULT 0", "amount numeric(12,2) DEFAULT 0"), P2024, view],
        data=ROWS.replace(", (2, '2030-01-01', 7)", ""),
    )


def test_index_and_unique_key_on_the_parent(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [PAYMENT, P2024, OTHER],
        [
            PAYMENT,
            P2024,
            OTHER,
            "CREATE INDEX payment_amount ON payment (amount)",
            "ALTER TABLE payment ADD CONSTRAINT payment_id_day UNIQUE (id, paid_on, amount)",
            "ALTER TABLE payment ADD CHECK (amount >= 0)",
        ],
        data=ROWS,
        # Built on every partition (not ON ONLY the parent, as pg_get_indexdef prints it).
        forward_rows=[
            Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'payment_2024'", [(3,)]),
            Rows("SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = 'payment'::regclass", [(True,)]),
        ],
        backward_rows=[Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'payment_2024'", [(1,)])],
    )


def test_primary_key_on_the_parent_including_the_key(cluster: Cluster) -> None:
    plain_key = PAYMENT.replace(", PRIMARY KEY (id, paid_on)", "")
    run_oracle(cluster, [plain_key, P2024, OTHER], [PAYMENT, P2024, OTHER], data=ROWS)


def test_partitions_own_index_and_check_and_a_comment(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [PAYMENT, P2024],
        [
            PAYMENT,
            P2024,
            "CREATE INDEX payment_2024_amount ON payment_2024 (amount)",
            "ALTER TABLE payment_2024 ADD CONSTRAINT small CHECK (amount < 1000)",
            "COMMENT ON TABLE payment_2024 IS 'last year'",
        ],
    )


# pagila's shape: the parent's key, and each partition's own foreign key, index and check.
RENTAL = (
    "CREATE TABLE customer (id int PRIMARY KEY)",
    "CREATE TABLE rental (id int, d date, customer_id int, PRIMARY KEY (d, id)) PARTITION BY RANGE (d)",
    "CREATE TABLE rental_p1 PARTITION OF rental FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')",
    "CREATE TABLE rental_p2 PARTITION OF rental FOR VALUES FROM ('2022-02-01') TO ('2022-03-01')",
)
RENTAL_OWN = (
    "CREATE INDEX rental_p1_customer ON rental_p1 (customer_id)",
    "ALTER TABLE rental_p1 ADD CONSTRAINT rental_p1_customer_fkey FOREIGN KEY (customer_id) "
    "REFERENCES customer (id)",
    "ALTER TABLE rental_p1 ADD CONSTRAINT rental_p1_customer_check CHECK (customer_id > 0)",
    "ALTER TABLE rental_p2 ADD CONSTRAINT rental_p2_customer_fkey FOREIGN KEY (customer_id) "
    "REFERENCES customer (id) ON DELETE CASCADE",
)
RENTAL_ROWS = (
    "INSERT INTO customer VALUES (1), (2)",
    "INSERT INTO rental VALUES (1, '2022-01-05', 1), (2, '2022-02-05', 2)",
)


def test_partitions_own_foreign_keys_indexes_and_checks_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        list(RENTAL),
        [*RENTAL, *RENTAL_OWN],
        data=RENTAL_ROWS,
        forward_rows=[
            Rows(
                "SELECT count(*) FROM pg_constraint WHERE conrelid IN ('rental_p1'::regclass, "
                "'rental_p2'::regclass) AND contype IN ('f', 'c') AND conislocal",
                [(3,)],
            ),
            Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'rental_p1'", [(2,)]),
            Rows("SELECT count(*) FROM rental", [(2,)]),
        ],
        backward_rows=[Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'rental_p1'", [(1,)])],
    )


def test_partitions_own_members_created_with_the_tables_they_reference(cluster: Cluster) -> None:
    run_oracle(cluster, [], [*RENTAL, *RENTAL_OWN])


def test_partitions_own_foreign_key_index_and_check_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [*RENTAL, *RENTAL_OWN],
        [
            *RENTAL,
            "CREATE INDEX rental_p1_customer ON rental_p1 (customer_id, id)",
            "ALTER TABLE rental_p1 ADD CONSTRAINT rental_p1_customer_fkey FOREIGN KEY (customer_id) "
            "REFERENCES customer (id) ON DELETE SET NULL",
            "ALTER TABLE rental_p1 ADD CONSTRAINT rental_p1_customer_check CHECK (customer_id >= 0)",
            "ALTER TABLE rental_p2 ADD CONSTRAINT rental_p2_customer_fkey FOREIGN KEY (customer_id) "
            "REFERENCES customer (id) DEFERRABLE",
        ],
        data=RENTAL_ROWS,
        forward_rows=[Rows("SELECT count(*) FROM rental", [(2,)])],
    )


def test_a_partitions_own_key_referenced_by_another_partition(cluster: Cluster) -> None:
    # No key on the parent: each partition has its own, and one partition's foreign key
    # references the other's (created after it, dropped before it).
    run_oracle(
        cluster,
        [
            "CREATE TABLE log (id int, kind text) PARTITION BY LIST (kind)",
            "CREATE TABLE log_a PARTITION OF log FOR VALUES IN ('a')",
            "CREATE TABLE log_b PARTITION OF log FOR VALUES IN ('b')",
        ],
        [
            "CREATE TABLE log (id int, kind text) PARTITION BY LIST (kind)",
            "CREATE TABLE log_a PARTITION OF log FOR VALUES IN ('a')",
            "CREATE TABLE log_b PARTITION OF log FOR VALUES IN ('b')",
            "ALTER TABLE log_b ADD CONSTRAINT log_b_pkey PRIMARY KEY (id)",
            "ALTER TABLE log_a ADD CONSTRAINT log_a_id_key UNIQUE (id)",
            "ALTER TABLE log_a ADD CONSTRAINT log_a_b_fkey FOREIGN KEY (id) REFERENCES log_b (id)",
        ],
        data="INSERT INTO log VALUES (1, 'a'), (1, 'b')",
        forward_rows=[Rows("SELECT count(*) FROM log", [(2,)])],
    )


def test_a_partitioned_partitions_own_index_reaches_its_partitions(cluster: Cluster) -> None:
    year = (
        "CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') "
        "PARTITION BY HASH (id)"
    )
    half = "CREATE TABLE payment_2024_0 PARTITION OF payment_2024 FOR VALUES WITH (MODULUS 1, REMAINDER 0)"
    run_oracle(
        cluster,
        [PAYMENT, year, half],
        [PAYMENT, year, half, "CREATE INDEX payment_2024_amount ON payment_2024 (amount)"],
        data=ROWS.replace(", (2, '2030-01-01', 7)", ""),
        forward_rows=[Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'payment_2024_0'", [(2,)])],
    )


def test_foreign_key_to_a_partitioned_table(cluster: Cluster) -> None:
    refund = (
        "CREATE TABLE refund (id int PRIMARY KEY, payment_id bigint, paid_on date, "
        "FOREIGN KEY (payment_id, paid_on) REFERENCES payment (id, paid_on))"
    )
    run_oracle(cluster, [PAYMENT, P2024, OTHER], [PAYMENT, P2024, OTHER, refund])


def test_partitioned_table_in_another_schema(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE SCHEMA app"],
        [
            "CREATE SCHEMA app",
            "CREATE TABLE app.log (at date NOT NULL, said text) PARTITION BY LIST (said)",
            "CREATE TABLE app.log_hi PARTITION OF app.log FOR VALUES IN ('hi')",
        ],
        schemas=("public", "app"),
    )


def test_renamed_parent_keeps_its_partitions(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [PAYMENT, P2024],
        [
            PAYMENT.replace("TABLE payment (", "TABLE payments ("),
            P2024.replace("OF payment ", "OF payments "),
        ],
        renames=Renames(tables={("public", "payment"): "payments"}),
        data="INSERT INTO payment VALUES (1, '2024-03-01', 5)",
        forward_rows=[Rows("SELECT count(*) FROM payments", [(1,)])],
    )


def test_plain_to_partitioned_and_a_new_key_are_blocking_hazards(cluster: Cluster) -> None:
    plain = settled(
        cluster, ["CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL)"], ("public",)
    )
    ranged = settled(
        cluster, [PAYMENT.replace(", amount numeric DEFAULT 0, PRIMARY KEY (id, paid_on)", "")], ("public",)
    )
    listed = settled(
        cluster,
        ["CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL) PARTITION BY LIST (id)"],
        ("public",),
    )
    for source, target, words in [
        (plain, ranged, "payment is a plain table in the database but partitioned by RANGE (paid_on)"),
        (ranged, plain, "payment is partitioned by RANGE (paid_on) in the database but a plain table"),
        (ranged, listed, "payment is partitioned by RANGE (paid_on) in the database but by LIST (id)"),
    ]:
        plan = migration_plan(source, target)
        (hazard,) = plan.blocking_hazards
        assert hazard.kind == "manual-step" and words in hazard.message
        assert "RAISE EXCEPTION" in plan.statements[0].sql
        assert not any("DROP TABLE" in statement.sql for statement in plan.statements)


def test_retyping_a_partition_key_column_is_a_blocking_hazard(cluster: Cluster) -> None:
    # Found by the property oracle: ALTER COLUMN … TYPE on a key column, which PostgreSQL
    # refuses ("part of the partition key"); a new collation is a new type for it too.
    listed = "CREATE TABLE events (id int NOT NULL, kind text NOT NULL) PARTITION BY LIST (kind)"
    source = settled(cluster, [listed], ("public",))
    for changed in ('kind text COLLATE "C" NOT NULL', "kind varchar(20) NOT NULL"):
        target = settled(cluster, [listed.replace("kind text NOT NULL", changed)], ("public",))
        plan = migration_plan(source, target)
        (hazard,) = [h for h in plan.blocking_hazards if h.kind == "manual-step"]
        assert "events is partitioned by LIST (kind)" in hazard.message and "column kind" in hazard.message
        assert "RAISE EXCEPTION" in plan.statements[0].sql


def test_renamed_partition_key_column_is_renamed_in_place(cluster: Cluster) -> None:
    renamed = PAYMENT.replace("paid_on", "paid")
    run_oracle(
        cluster,
        [PAYMENT, P2024],
        [renamed, P2024],
        renames=Renames(columns={("public", "payment", "paid_on"): "paid"}),
        data="INSERT INTO payment VALUES (1, '2024-03-01', 5)",
        forward_rows=[Rows("SELECT paid FROM payment", [(date(2024, 3, 1),)])],
    )


def test_a_parent_index_matching_a_partitions_own_index_leaves_it_its_own(cluster: Cluster) -> None:
    # Found by the property oracle: CREATE INDEX on the parent adopts a partition's own
    # matching index as the parent's, so the partition's own index was gone. (Declared in
    # the other order, as here in A, PostgreSQL adopts it too: the DDL's order matters.)
    own = "CREATE INDEX payment_2024_amount ON payment_2024 (amount)"
    parent = "CREATE INDEX payment_amount ON payment (amount)"
    run_oracle(
        cluster,
        [PAYMENT, P2024, own],
        [PAYMENT, parent, P2024, own],
        data=ROWS.replace(", (2, '2030-01-01', 7)", ""),
        forward_rows=[Rows("SELECT count(*) FROM pg_indexes WHERE tablename = 'payment_2024'", [(3,)])],
    )
    partial = "CREATE INDEX payment_amount ON payment (amount) WHERE amount > 0"
    run_oracle(cluster, [PAYMENT, partial, P2024, own], [PAYMENT, parent, P2024, own])
