"""Imports point down the layers; only app/ui touches Qt (STYLE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Which project packages each layer may import.
ALLOWED = {
    "core": {"core"},
    "store": {"store", "core"},
    "sync": {"sync", "store", "core"},
    "documents": {"documents", "core"},
    "services": {"services", "documents", "sync", "store", "core"},
    # Demo data is a tool beside the services, not a use case of the product.
    "demo": {"demo", "services", "documents", "sync", "store", "core"},
    "ui": {"ui", "demo", "services", "documents", "sync", "store", "core"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_layers_import_only_downwards():
    offences = []
    for layer, allowed in ALLOWED.items():
        for path in (ROOT / "app" / layer).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] in ALLOWED:
                    if parts[1] not in allowed:
                        offences.append(f"{path.relative_to(ROOT)} imports {name}")
                if layer != "ui" and parts[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6"):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_ui_leaves_database_addresses_to_the_services():
    # Reading and building connection URLs is app/services/central_address.py's job.
    offences = [f"{path.relative_to(ROOT)} imports {name}"
                for path in (ROOT / "app" / "ui").rglob("*.py")
                for name in _imports(path) if name.split(".")[0] == "sqlalchemy"]
    assert offences == []


def test_services_load_without_qt():
    code = (
        "import sys, app.services.cases, app.services.queue, app.services.reference, app.main;"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
