"""Alembic owns the schema: the migrations must build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.store.base import Base, is_model_table
from app.store.database import open_store
from app.store.models.sync import SYNC_INTERNAL_TABLES


def test_models_and_migrations_agree(tmp_path):
    store = open_store(tmp_path)
    try:
        with store.engine.connect() as con:
            ctx = MigrationContext.configure(con, opts={
                "compare_type": True,
                "include_name": lambda name, type_, _: type_ != "table" or is_model_table(name),
            })
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        store.close()


def test_every_synced_table_carries_the_sync_columns(tmp_path):
    store = open_store(tmp_path)
    try:
        insp = inspect(store.engine)
        local_only = {"case_tags", "case_search_keys", "local_meta", "alembic_version", "session_drafts",
                      "case_word_docs", "case_words",  # the hot-words index (derived)
                      "imported_values",
                      # the figures' summaries (derived; issue 15 budgets)
                      "stats_dirty", "stats_daily", "stats_daily_by", "stats_monthly_by",
                      "stats_repeat_cases",
                      *SYNC_INTERNAL_TABLES}
        for table in insp.get_table_names():
            if table in local_only or not is_model_table(table):
                continue
            cols = {c["name"] for c in insp.get_columns(table)}
            assert {"id", "version", "modified_at", "modified_by", "deleted"} <= cols, table
    finally:
        store.close()


def test_queue_indexes_exist(tmp_path):
    store = open_store(tmp_path)
    try:
        names = {ix["name"] for ix in inspect(store.engine).get_indexes("cases")}
        assert {"ix_cases_q_status_received", "ix_cases_q_received", "ix_cases_q_deadline",
                "ix_cases_complainant_phone_tail", "ix_cases_source_ticket"} <= names
        tables = set(inspect(store.engine).get_table_names())
        assert {"case_search", "case_search_keys"} <= tables
    finally:
        store.close()


def test_the_revision_graph_read_from_the_files_is_alembics():
    from alembic.script import ScriptDirectory

    from app.store import migrate

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    assert set(migrate._revisions()) == {r.revision for r in script.walk_revisions()}
    assert not migrate.is_known_revision("9999")


def test_the_search_table_is_made_alike_by_migration_and_rebuild():
    import importlib.util

    from app.services.search import SEARCH_TABLE_DDL
    from app.store.migrate import MIGRATIONS_DIR

    path = next((MIGRATIONS_DIR / "versions").glob("0002_*.py"))
    spec = importlib.util.spec_from_file_location("m0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CASE_SEARCH_DDL == SEARCH_TABLE_DDL
