"""Run inside a throwaway environment with Alembic: time compare_metadata on a database.

Usage: python _alembic_compare.py SCHEMA_MODULE_FILE SQLALCHEMY_URL RUNS
Prints the median seconds as JSON. Kept free of puckdb imports on purpose.
"""

import importlib.util
import json
import statistics
import sys
import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

path, url, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("synthetic_schema", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
engine = create_engine(url)
timings = []
changes = None
for _ in range(runs):
    with engine.connect() as conn:
        started = time.perf_counter()
        changes = compare_metadata(MigrationContext.configure(conn), module.metadata)
        timings.append(time.perf_counter() - started)
print(json.dumps({"median_s": statistics.median(timings), "changes": len(changes or [])}))
