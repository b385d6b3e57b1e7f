"""`mediation-desk calendar import | show`: the 2026 notice loads, a wrong one is refused
naming its line and nothing changes, clocks are recomputed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.services.reference import open_workstation
from app.store.database import open_store
from tests.core.test_holiday_notice import NOTICE_2026
from tests.services.test_calendar_admin import NOTICE_2027

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                          cwd=ROOT, timeout=300, input=stdin)


def test_a_notice_is_imported_from_a_gb18030_file_and_shown(tmp_path):
    store = open_store(tmp_path / "data")
    open_workstation(store)
    store.close()
    notice = tmp_path / "2027.txt"
    notice.write_bytes(NOTICE_2027.encode("gb18030"))
    out = run("calendar", "import", str(notice), "--data-dir", str(tmp_path / "data"))
    assert out.returncode == 0, out.stderr.decode()
    text = out.stdout.decode()
    assert "2027: 18 days off, 4 adjusted working days saved" in text
    assert "open cases recomputed" in text
    shown = run("calendar", "show", "2027", "--data-dir", str(tmp_path / "data"))
    assert shown.returncode == 0
    lines = shown.stdout.decode().splitlines()
    assert " 2月  放假 5日、6日、7日、8日、9日、10日、11日、12日  上班 14日、20日  (春节)" in lines


def test_the_2026_notice_from_standard_input_matches_the_shipped_year(tmp_path):
    store = open_store(tmp_path / "data")
    open_workstation(store)
    store.close()
    before = run("calendar", "show", "2026", "--data-dir", str(tmp_path / "data")).stdout
    out = run("calendar", "import", "-", "--data-dir", str(tmp_path / "data"),
              stdin=NOTICE_2026.encode())
    assert out.returncode == 0, out.stderr.decode()
    after = run("calendar", "show", "2026", "--data-dir", str(tmp_path / "data")).stdout
    # Same days; only the source and revision line differs.
    assert before.decode().splitlines()[1:] == after.decode().splitlines()[1:]
    assert "248 working days" in after.decode()


def test_a_wrong_notice_is_refused_with_its_line_and_nothing_saved(tmp_path):
    store = open_store(tmp_path / "data")
    open_workstation(store)
    store.close()
    bad = NOTICE_2027.replace("10月1日（周五）", "10月1日（周六）")
    out = run("calendar", "import", "-", "--data-dir", str(tmp_path / "data"),
              stdin=bad.encode())
    assert out.returncode == 2
    assert "line 4: the weekday in brackets after 10月1日（周六）" in out.stderr.decode()
    shown = run("calendar", "show", "2027", "--data-dir", str(tmp_path / "data"))
    assert shown.returncode == 2 and "has no 2027" in shown.stderr.decode()
