"""Alembic, driven from code. `migrations/` sits at the top of the project."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

# Alembic is imported only to upgrade: it (with Mako and Pygments) costs a quarter of a
# second at start-up, and a store at the head revision needs none of it. The revision
# graph is read from the migration files' own "revision = ..." lines.
_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.M)
_DOWN_REVISION = re.compile(r"""^down_revision\s*=\s*(?:["']([^"']+)["']|None)""", re.M)


def _migrations_dir() -> Path:
    """The source tree's migrations/, or the copy a wheel installs as app/_migrations."""
    source = Path(__file__).resolve().parents[2] / "migrations"
    if (source / "env.py").exists():
        return source
    return Path(__file__).resolve().parents[1] / "_migrations"


MIGRATIONS_DIR = _migrations_dir()


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def _revisions() -> dict[str, str | None]:
    """revision -> down_revision, for every migration file."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        down = _DOWN_REVISION.search(text)
        if revision and down:
            graph[revision.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    graph = _revisions()
    heads = set(graph) - {down for down in graph.values() if down}
    assert len(heads) == 1, f"migrations/ must have one head, found {sorted(heads)}"
    return heads.pop()


def is_known_revision(revision: str) -> bool:
    return revision in _revisions()


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)


def downgrade(engine: Engine, target: str) -> None:
    """Back to ``target`` (tests that need a store as an older version left it)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, target)
