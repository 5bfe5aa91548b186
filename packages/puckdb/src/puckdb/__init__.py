"""puckdb: schema-as-code migrations, drift checks, branches and a studio for PostgreSQL.

The library is organised as one pipeline (see docs/architecture.md): configuration and
URL resolution (:mod:`puckdb.config`, :mod:`puckdb.urls`), the embedded development
server (:mod:`puckdb.server`), schema-as-code objects (:mod:`puckdb.objects`) and the
loader that finds a project's MetaData (:mod:`puckdb.loading`).
"""

from puckdb.errors import PuckdbError
from puckdb.objects import View, views_of

__version__ = "0.1.0"

__all__ = ["PuckdbError", "View", "__version__", "views_of"]
