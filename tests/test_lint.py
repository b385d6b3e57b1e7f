"""`ruff check` is part of the test suite, so the README's test command and CI agree.

The rules are pyproject's [tool.ruff]; fix a finding rather than add a `noqa` (RUF100
reports any `noqa` that suppresses nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", "."],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
