"""Alembic environment: one model set builds both the local SQLite store and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import app.store.models  # noqa: F401  (registers every table on the metadata)
from app.store.base import Base, is_model_table

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _include_name(name, type_, parent_names) -> bool:
    return type_ != "table" or is_model_table(name)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
run_migrations_online()
