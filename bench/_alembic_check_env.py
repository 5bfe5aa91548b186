"""The env.py of a throwaway Alembic project for `alembic check` (bench/sync.py writes it
beside alembic.ini): the synthetic schema's MetaData as the target, the database from the
environment. Kept free of puckdb imports on purpose."""

import importlib.util
import os

from alembic import context
from sqlalchemy import create_engine

spec = importlib.util.spec_from_file_location("synthetic_schema", os.environ["BENCH_SCHEMA_FILE"])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

engine = create_engine(os.environ["BENCH_SQLALCHEMY_URL"])
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=module.metadata)
    with context.begin_transaction():
        context.run_migrations()
