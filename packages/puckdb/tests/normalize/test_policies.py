"""Row-level security and policies declared with puckdb's objects (``RowLevelSecurity``,
``Policy``) normalize into the model, on a Table, a declarative class or a name, with SQL
text or SQLAlchemy expressions; mistakes are refused where they are declared."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from puckdb import Function, Policy, RowLevelSecurity
from puckdb.engine import migration_plan
from puckdb.errors import SchemaCodeError
from puckdb.model import Schema
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


class Base(DeclarativeBase):
    metadata = MetaData()


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str]


def _metadata() -> MetaData:
    metadata = Base.metadata
    if metadata.info:
        return metadata  # declared once per process: the declarations register themselves
    cards = Table(
        "cards", metadata, Column("id", Integer, primary_key=True), Column("owner", Text), schema="app"
    )
    Function(
        "is_owner(who text)", metadata, "RETURNS boolean LANGUAGE sql STABLE AS 'SELECT who = current_user'"
    )
    RowLevelSecurity(cards, force=True)
    RowLevelSecurity(Note)
    Policy("own", cards, using=cards.c.owner == func.current_user(), comment="each their own")
    Policy("read_all", "notes", metadata=metadata, command="SELECT", to="pg_read_all_data", using="true")
    Policy("add", Note, command="insert", as_="restrictive", with_check="is_owner(owner)")
    return metadata


def test_declared_row_level_security_and_policies_are_in_the_model(pg_server) -> None:
    code = normalize(_metadata(), _dev(pg_server), schemas=["public", "app"])
    cards, notes = code.table("app", "cards"), code.table("public", "notes")
    assert cards is not None and (cards.rls_enabled, cards.rls_forced) == (True, True)
    assert notes is not None and (notes.rls_enabled, notes.rls_forced) == (True, False)
    policies = {(p.table, p.name): p for p in code.policies}
    assert policies[("cards", "own")].using == "(owner = CURRENT_USER)"
    assert policies[("cards", "own")].comment == "each their own"
    read_all = policies[("notes", "read_all")]
    assert (read_all.command, read_all.roles, read_all.using) == ("SELECT", ("pg_read_all_data",), "true")
    add = policies[("notes", "add")]  # owner is a varchar, passed as text
    assert (add.command, add.permissive, add.with_check) == ("INSERT", False, "is_owner((owner)::text)")
    assert add.functions == (("public", "is_owner"),)

    plan = migration_plan(Schema(), code).sql()
    assert 'ALTER TABLE "app"."cards" FORCE ROW LEVEL SECURITY' in plan
    assert (
        'CREATE POLICY "add" ON "public"."notes" AS RESTRICTIVE FOR INSERT WITH CHECK (is_owner((owner)::text))'
        in plan
    )
    # The policies come after the function they call and the tables they are on.
    assert plan.index('CREATE POLICY "add"') > plan.index('CREATE TABLE "public"."notes"')
    assert plan.index('CREATE POLICY "add"') > plan.index("FUNCTION public.is_owner")


def test_a_policy_to_a_missing_role_is_a_schema_code_error(pg_server) -> None:
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True))
    Policy("p", table, to=("puckdb_no_such_role",), using="true")
    with pytest.raises(
        SchemaCodeError, match=r"(?s)puckdb_no_such_role.*create the role on the development server"
    ):
        normalize(metadata, _dev(pg_server))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"command": "upsert"}, "command is one of all, select, insert, update, delete"),
        ({"as_": "strict"}, "as_ is 'permissive' or 'restrictive'"),
        ({"to": ()}, "to= names the roles"),
        ({"command": "insert", "using": "true"}, "an INSERT policy has no USING"),
        ({"command": "select", "with_check": "true"}, "a SELECT policy has no WITH CHECK"),
    ],
)
def test_policy_mistakes_are_refused_where_declared(arguments: dict[str, object], message: str) -> None:
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True))
    with pytest.raises(ValueError, match=message):
        Policy("p", table, **arguments)  # type: ignore[arg-type]


def test_declaring_twice_is_refused() -> None:
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True))
    Policy("p", table, using="true")
    RowLevelSecurity(table)
    with pytest.raises(ValueError, match="a policy 'p' on 't' is already declared"):
        Policy("p", table, using="false")
    with pytest.raises(ValueError, match="row-level security on 't' is already declared"):
        RowLevelSecurity(table, force=True)
    with pytest.raises(ValueError, match="names its table as text, so it needs metadata="):
        RowLevelSecurity("t")
