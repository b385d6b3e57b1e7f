"""`mediation-desk central ...` against a real PostgreSQL server and an SQLite file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from app.store.migrate import head_revision
from tests.support.pgserver import conninfo, unique_suffix

ROOT = Path(__file__).resolve().parents[1]


def central(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "central", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, input=stdin)


@pytest.mark.slow
def test_init_add_office_add_user_and_status_on_postgresql(pg_database):
    url = pg_database
    out = central("init", url)
    assert out.returncode == 0, out.stderr
    assert f"schema {head_revision()}" in out.stdout
    assert central("init", url).returncode == 0  # a second init upgrades nothing, breaks nothing
    out = central("add-office", url, "--code", "PD01", "--name", "陆家嘴市场监管所",
                  "--prefix", "浦消调")
    assert out.returncode == 0, out.stderr
    login = f"mdt_cli_{unique_suffix()}"
    out = central("add-user", url, "--login", login, "--name", "张敏", "--office", "PD01",
                  "--role", "mediator", "--password-stdin", stdin="Secret-口令-42\n")
    assert out.returncode == 0, out.stderr
    assert "Secret" not in out.stdout + out.stderr  # never echoed
    # The new login works, and row-level security knows its office.
    with psycopg.connect(conninfo(url, user=login, password="Secret-口令-42")) as conn:
        office = conn.execute("SELECT md_office()").fetchone()[0]
        assert office is not None
        assert conn.execute("SELECT count(*) FROM mediators").fetchone()[0] == 1
    out = central("status", url)
    assert out.returncode == 0, out.stderr
    assert "up to date" in out.stdout and "offices        1" in out.stdout


@pytest.mark.slow
def test_a_generated_password_is_shown_once(pg_database):
    url = pg_database
    assert central("init", url).returncode == 0
    assert central("add-office", url, "--code", "PD02", "--name", "花木所").returncode == 0
    login = f"mdt_cli_{unique_suffix()}"
    out = central("add-user", url, "--login", login, "--name", "李思", "--office", "花木所",
                  "--role", "supervisor")
    assert out.returncode == 0, out.stderr
    password = out.stdout.split("privately): ", 1)[1].strip()
    with psycopg.connect(conninfo(url, user=login, password=password)) as conn:
        assert conn.execute("SELECT md_role()").fetchone()[0] == "supervisor"


@pytest.mark.parametrize("args, words", [
    (("status", "postgresql://x@127.0.0.1:1/none"), "cannot reach the central database"),
    (("init", "not a url"), "not a database URL"),
    (("init", "mysql://x@localhost/db"), "not a database URL"),
])
def test_bad_urls_and_unreachable_servers_are_explained(args, words):
    out = central(*args)
    assert out.returncode == 2
    assert words in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_refusals_on_an_sqlite_central(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    out = central("status", url)
    assert out.returncode == 1 and "no Mediation Desk schema" in out.stdout
    assert central("init", url).returncode == 0
    out = central("add-user", url, "--login", "zhangmin", "--name", "张敏", "--office", "PD09",
                  "--role", "mediator")
    assert out.returncode == 2 and "no office 'PD09'" in out.stderr
    assert central("add-office", url, "--code", "PD01", "--name", "陆家嘴所").returncode == 0
    out = central("add-office", url, "--code", "PD01", "--name", "又一个")
    assert out.returncode == 2 and "exists already" in out.stderr
    out = central("add-user", url, "--login", "Zhang Min", "--name", "张敏", "--office", "PD01",
                  "--role", "mediator")
    assert out.returncode == 2 and "lower-case letters" in out.stderr
