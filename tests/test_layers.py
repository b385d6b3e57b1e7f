"""Imports point down the layers; only app/ui touches Qt (STYLE.md).

The rules are import-linter contracts in pyproject.toml; these tests run them and check
at run time what the contracts cannot: that the command line loads no Qt at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_every_service_module_imports_first_in_a_fresh_process():
    """A cycle between two modules only breaks the process that imports one of them
    first (a worker, a child process, a command): each is imported first, alone."""
    from concurrent.futures import ThreadPoolExecutor

    modules = sorted(f"app.services.{p.stem}" for p in (ROOT / "app" / "services").glob("*.py")
                     if p.stem != "__init__")

    def first(module: str) -> tuple[str, str]:
        out = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                             text=True, cwd=ROOT, timeout=120)
        return module, out.stderr.strip().splitlines()[-1] if out.returncode else ""

    with ThreadPoolExecutor(2) as pool:
        broken = {m: why for m, why in pool.map(first, modules) if why}
    assert broken == {}
