"""Imports point down the layers; only app/ui touches Qt (STYLE.md).

The rules are import-linter contracts in pyproject.toml; these tests run them and check
at run time what the contracts cannot: that the command line loads no Qt at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    # From the project root it reads [tool.importlinter] in pyproject.toml.
    out = subprocess.run([str(lint), "--no-cache"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_services_and_the_command_line_load_without_qt():
    # Contracts see imports, lazy ones too; this sees what a subcommand really loads.
    code = (
        "import sys, app.services.cases, app.services.queue, app.services.reference, app.cli;"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
