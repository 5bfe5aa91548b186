"""Run with puckdb's own Python: time push's comparison in a warm process, as
_alembic_compare.py times Alembic's compare_metadata.

Usage: python _puckdb_compare.py PROJECT_DIR LIBPQ_URL RUNS
One untimed call first (it fills the caches, as the developer's previous command would),
then RUNS calls of `push(dry_run=True)`: the schema code's normalized form from its cache,
the live database inspected, the plan computed. Prints the median seconds as JSON.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

from puckdb.project import Project
from puckdb.push import PushOptions, push

root, url, runs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
os.chdir(root)
project = Project.load(None, url)
statements = len(push(project, PushOptions(dry_run=True)).plan.statements)
timings = []
for _ in range(runs):
    project = Project.load(None, url)  # nothing carried over from the previous run but the process
    started = time.perf_counter()
    statements = len(push(project, PushOptions(dry_run=True)).plan.statements)
    timings.append(time.perf_counter() - started)
print(json.dumps({"median_s": statistics.median(timings), "changes": statements}))
