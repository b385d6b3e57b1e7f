"""Build Mediation Desk as a one-folder app with PyInstaller, then smoke-run the built
binary. Exit status 0 only when the build and every smoke check passed.

    .venv/bin/python packaging/build.py [--out DIR] [--no-smoke]

DIR (default build/package, ignored by git) receives icons/, work/, dist/mediation-desk/
(the app: copy the folder anywhere) and smoke/ (the checks' files and summary.json).
Needs the `package` extra: pip install -e ".[package]". Runs on Linux and Windows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "mediation-desk"


def build(out: Path) -> Path:
    """The one-folder app, built afresh; returns its folder."""
    sys.path.insert(0, str(ROOT / "packaging"))
    from make_icons import make_icons

    icons = out / "icons"
    shutil.rmtree(icons, ignore_errors=True)
    make_icons(icons)
    env = dict(os.environ, MEDIATION_DESK_ICONS=str(icons))
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(out / "dist"),
                    "--workpath", str(out / "work"), str(ROOT / "packaging" / f"{NAME}.spec")],
                   check=True, env=env, cwd=ROOT)
    app = out / "dist" / NAME
    if sys.platform.startswith("linux"):
        # What packaging/README.md installs into ~/.local/share or /usr/share.
        share = app / "share"
        (share / "applications").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "packaging" / "linux" / f"{NAME}.desktop", share / "applications")
        shutil.copytree(icons / "hicolor", share / "icons" / "hicolor", dirs_exist_ok=True)
    return app


# ---------------------------------------------------------------- smoke run


class Smoke:
    def __init__(self, app: Path, folder: Path) -> None:
        exe = "mediation-desk-cli.exe" if sys.platform == "win32" else NAME
        self.binary = app / exe
        self.folder = folder
        self.results: list[dict] = []

    def run(self, *args: str, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
        # English lines whatever the build machine's desktop language (the checks read them).
        env = {**(os.environ if env is None else env), "LC_ALL": "C.UTF-8"}
        return subprocess.run([str(self.binary), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", env=env, timeout=timeout,
                              cwd=self.folder)

    def check(self, name: str, step: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            detail, ok = step(), True
        except Exception as exc:
            detail, ok = f"{type(exc).__name__}: {exc}", False
        seconds = time.perf_counter() - started
        self.results.append({"check": name, "ok": ok, "seconds": round(seconds, 1),
                             "detail": detail})
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({seconds:.1f} s): {detail}", flush=True)

    def expect(self, out: subprocess.CompletedProcess, *words: str) -> str:
        text = out.stdout + out.stderr
        if out.returncode != 0:
            raise RuntimeError(f"exit {out.returncode}: {text.strip()[-2000:]}")
        missing = [w for w in words if w not in text]
        if missing:
            raise RuntimeError(f"output lacks {missing}: {text.strip()[-2000:]}")
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def picture_check(path: Path, *, size: tuple[int, int] | None = None) -> str:
    """A real picture, not a blank or one-colour one: many colours, no colour covering
    nearly all of it, and dark pixels (text; a screenshot has about 4 %, a page 2 %)."""
    from PIL import Image

    with Image.open(path) as picture:
        rgb = picture.convert("RGB")
    if size is not None and rgb.size != size:
        raise RuntimeError(f"{path.name} is {rgb.size}, not {size}")
    colours = rgb.getcolors(maxcolors=1 << 24) or []
    total = rgb.width * rgb.height
    commonest = max(count for count, _ in colours) / total
    grey = rgb.convert("L").histogram()
    dark = sum(grey[:128]) / total
    if len(colours) < 50 or commonest > 0.97 or dark < 0.005:
        raise RuntimeError(f"{path.name} looks blank: {len(colours)} colours, the commonest "
                           f"covers {commonest:.0%}, dark {dark:.2%}")
    return f"{path.name} {rgb.width}×{rgb.height}, {len(colours)} colours, dark {dark:.1%}"


def smoke(app: Path, folder: Path) -> list[dict]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    s = Smoke(app, folder)
    demo = folder / "demo"
    headless = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}

    def screenshot() -> str:
        # Without a display (as on CI): the app must pick the offscreen platform itself.
        out = s.run("--data-dir", str(demo), "--demo", "300", "--screenshot",
                    str(folder / "shot.png"), env=headless)
        s.expect(out)
        return picture_check(folder / "shot.png", size=(1400, 860))

    s.check("screenshot of a demo store (--demo 300, no display)", screenshot)
    s.check("verify-audit", lambda: s.expect(s.run("verify-audit", "--data-dir", str(demo)),
                                             "intact"))
    s.check("check-store", lambda: s.expect(s.run("check-store", "--data-dir", str(demo)),
                                            "no damage found"))

    rendered: list[Path] = []

    def render_agreement() -> str:
        case = agreement_case(demo)
        pdf = folder / "agreement.pdf"
        detail = s.expect(s.run("render", "agreement", "--case", case, "--out", str(pdf),
                                "--data-dir", str(demo)), "wrote")
        rendered.append(pdf)
        return detail

    s.check("render agreement", render_agreement)

    def preview() -> str:
        if not rendered:
            raise RuntimeError("nothing was rendered to preview")
        png = folder / "page1.png"
        detail = s.expect(s.run("preview", str(rendered[0]), "--out", str(png)), "wrote")
        return f"{detail}; {picture_check(png)}"

    s.check("preview of page 1 in a worker process (PDFium)", preview)
    def self_test() -> str:
        out = s.run("self-test")
        s.expect(out, "self-test passed")
        return " / ".join(out.stdout.strip().splitlines()[:2])

    s.check("self-test (SQLCipher, recovery key, keyring backends)", self_test)
    s.check("demo-data --cases 20001 (spawned builder processes)",
            lambda: s.expect(s.run("demo-data", "--cases", "20001", "--data-dir",
                                   str(folder / "big")), "20,001 cases written"))
    return s.results


def agreement_case(data_dir: Path) -> str:
    """The ticket of a demo case with a final or signed agreement (demo stores hold
    documents; the store is plain SQLite)."""
    con = sqlite3.connect(f"file:{data_dir / 'store.sqlite'}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT c.source_ticket FROM documents d JOIN cases c ON "
                          "c.id = d.case_id WHERE d.kind = 'agreement' AND NOT d.deleted "
                          "AND d.state IN ('final', 'signed') LIMIT 1").fetchone()
    finally:
        con.close()
    if not row:
        raise RuntimeError("the demo store has no final agreement to render")
    return row[0]


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "package")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--smoke-only", action="store_true",
                        help="smoke-run an app built before in --out")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {}
    app = out / "dist" / NAME
    if not args.smoke_only:
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            print("build: PyInstaller is missing; pip install -e \".[package]\"",
                  file=sys.stderr)
            return 2
        started = time.perf_counter()
        try:
            app = build(out)
        except subprocess.CalledProcessError as exc:
            print(f"build: PyInstaller failed (exit {exc.returncode})", file=sys.stderr)
            return 1
        summary["build_seconds"] = round(time.perf_counter() - started, 1)
        summary["size_bytes"] = folder_size(app)
        print(f"built {app} in {summary['build_seconds']} s, "
              f"{summary['size_bytes'] / 2**20:.0f} MiB", flush=True)
    if not args.no_smoke:
        results = smoke(app, out / "smoke")
        summary["smoke"] = results
        (out / "smoke" / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        failed = [r["check"] for r in results if not r["ok"]]
        if failed:
            print(f"smoke run FAILED: {', '.join(failed)}", file=sys.stderr)
            return 1
        print("smoke run passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
