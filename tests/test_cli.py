"""The command line: subcommands work without a display and say plainly what is wrong."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_help_lists_the_options():
    out = run("--help")
    assert out.returncode == 0
    for word in ("--data-dir", "--demo", "--screenshot", "demo-data"):
        assert word in out.stdout


@pytest.mark.slow
def test_demo_data_fills_a_store(tmp_path):
    out = run("demo-data", "--cases", "120", "--seed", "3", "--data-dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "120 cases" in out.stdout
    import sqlite3

    con = sqlite3.connect(tmp_path / "store.sqlite")
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 120
    con.close()


def test_demo_data_on_a_file_that_is_not_a_store_exits_2_and_keeps_the_file(tmp_path):
    target = tmp_path / "store.sqlite"
    target.write_text("姓名,电话\n张三,13800135678\n", encoding="utf-8")
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    out = run("demo-data", "--cases", "10", "--data-dir", str(tmp_path))
    assert out.returncode == 2
    assert "not a Mediation Desk store" in out.stderr
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_bad_case_count_is_refused(tmp_path):
    out = run("demo-data", "--cases", "0", "--data-dir", str(tmp_path))
    assert out.returncode == 2
    assert "positive" in out.stderr
