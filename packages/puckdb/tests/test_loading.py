import sys
import textwrap
from pathlib import Path

import pytest

from puckdb.errors import SchemaLoadError
from puckdb.loading import load_schema

TABLES = """
from sqlalchemy import Column, Integer, MetaData, Table
metadata = MetaData()
things = Table("things", metadata, Column("id", Integer, primary_key=True))
"""

DECLARATIVE = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
class Base(DeclarativeBase):
    pass
class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory whose modules are cleaned out of sys.modules afterwards."""
    before = set(sys.modules)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_file_path_with_a_metadata(project):
    write(project / "src" / "app" / "schema.py", TABLES)
    loaded = load_schema("src/app/schema.py", project)
    assert set(loaded.metadata.tables) == {"things"}


def test_module_path_from_the_src_folder_with_a_declarative_base(project):
    write(project / "src" / "shop" / "__init__.py", "")
    write(project / "src" / "shop" / "models.py", DECLARATIVE)
    loaded = load_schema("shop.models", project)
    assert set(loaded.metadata.tables) == {"things"}
    assert loaded.origin == "shop.models:Base"


def test_module_attr_picks_one_of_several_metadata(project):
    write(project / "two.py", TABLES + "\nother = MetaData()\n")
    with pytest.raises(SchemaLoadError, match="several different MetaData"):
        load_schema("two", project)
    assert set(load_schema("two:metadata", project).metadata.tables) == {"things"}
    assert load_schema("two.py:other", project).metadata.tables == {}


def test_attr_that_is_not_metadata_is_explained(project):
    write(project / "m.py", TABLES + "\nvalue = 3\n")
    with pytest.raises(SchemaLoadError, match="neither a SQLAlchemy MetaData"):
        load_schema("m:value", project)
    with pytest.raises(SchemaLoadError, match="no attribute 'missing'"):
        load_schema("m:missing", project)


def test_module_without_metadata_is_reported(project):
    write(project / "empty_schema.py", "x = 1\n")
    with pytest.raises(SchemaLoadError, match="No SQLAlchemy MetaData was found"):
        load_schema("empty_schema", project)


def test_missing_module_says_it_cannot_be_found(project):
    with pytest.raises(SchemaLoadError, match="cannot be found: no module named 'no_such_pkg'"):
        load_schema("no_such_pkg.schema", project)


def test_missing_file_is_reported(project):
    with pytest.raises(SchemaLoadError, match="does not exist"):
        load_schema("src/nope.py", project)


def test_error_inside_the_module_shows_its_own_file_and_line(project):
    write(project / "broken.py", "import sqlalchemy\n\nx = 1\nundefined_name + 1\n")
    with pytest.raises(SchemaLoadError) as caught:
        load_schema("broken", project)
    message = str(caught.value)
    assert f"{project / 'broken.py'}, line 4" in message
    assert "NameError" in message
    assert "undefined_name + 1" in message


def test_syntax_error_shows_file_line_and_text(project):
    write(project / "bad_syntax.py", "x = (\n")
    with pytest.raises(SchemaLoadError) as caught:
        load_schema("bad_syntax.py", project)
    assert "bad_syntax.py, line 1" in str(caught.value)


def test_missing_dependency_of_the_module_is_its_own_error_line(project):
    write(project / "needs_dep.py", "import definitely_not_installed_pkg\n")
    with pytest.raises(SchemaLoadError) as caught:
        load_schema("needs_dep", project)
    message = str(caught.value)
    assert "needs_dep.py, line 1" in message
    assert "definitely_not_installed_pkg" in message
