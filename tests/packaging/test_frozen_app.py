"""The packaged app (PyInstaller, one folder) is built once and smoke-run: the checks of
packaging/build.py, run by its built binary. About two minutes to build on the 2-core
reference machine, half a minute to run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("package")  # never inside the repository
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"),
                           "--out", str(out)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", cwd=ROOT, timeout=1800)
    return done, out


def test_the_built_app_passes_its_smoke_run(built):
    done, out = built
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    summary = json.loads((out / "smoke" / "summary.json").read_text(encoding="utf-8"))
    checks = {r["check"].split(" (")[0]: r for r in summary["smoke"]}
    assert all(r["ok"] for r in checks.values()), checks
    assert set(checks) >= {"screenshot of a demo store", "verify-audit", "check-store",
                           "render agreement", "preview of page 1 in a worker process",
                           "self-test", "demo-data --cases 20001"}


def test_the_folder_carries_data_files_translations_and_icons(built):
    _, out = built
    app = out / "dist" / "mediation-desk"
    inside = app / "_internal" if (app / "_internal").is_dir() else app
    for relative in ("app/_migrations/env.py", "app/_resources/fonts/wqy-microhei.ttc",
                     "app/_resources/icons/mediation-desk.svg",
                     "PySide6/Qt/translations/qtbase_zh_CN.qm"):
        assert (inside / relative).is_file(), relative
    versions = {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert versions <= {p.name for p in (inside / "app/_migrations/versions").glob("*.py")}
    if sys.platform.startswith("linux"):
        assert (app / "share/applications/mediation-desk.desktop").is_file()
        assert (app / "share/icons/hicolor/48x48/apps/mediation-desk.png").is_file()
