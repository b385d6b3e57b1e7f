"""What the installed (and the frozen) command needs from its surroundings: a screenshot
on a machine without a display, and preview workers started without `python -m`."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

from PIL import Image

from app.services import preview_worker, previews

ROOT = Path(__file__).resolve().parents[1]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_screenshot_without_a_display_uses_the_offscreen_platform(tmp_path):
    # As on a server or CI box: no X, no Wayland, and no platform chosen by the user.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    shot = tmp_path / "shot.png"
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"),
                          "--demo", "30", "--screenshot", str(shot)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert _png_size(shot) == (1400, 860)


def _pdf(path: Path) -> bytes:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(200, 100))
    c.rect(20, 20, 60, 60, fill=1)
    c.showPage()
    c.save()
    return path.read_bytes()


def test_preview_command_draws_a_pdf_page_in_a_worker(tmp_path):
    _pdf(tmp_path / "a.pdf")
    out = subprocess.run([sys.executable, "-m", "app", "preview", str(tmp_path / "a.pdf"),
                          "--out", str(tmp_path / "a.png"), "--size", "400"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    with Image.open(tmp_path / "a.png") as page:
        assert page.size == (400, 200)
        assert page.convert("L").getextrema() == (0, 255)  # the black square on white


def test_a_frozen_app_starts_its_workers_as_its_own_binary(tmp_path, monkeypatch):
    # A frozen app's sys.executable is the app itself, which cannot run `-m`: stand in
    # for it with a script that knows only the app's command line.
    binary = tmp_path / "mediation-desk"
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m app "$@"\n')
    binary.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(binary))
    assert previews.worker_command(1000)[:2] == [str(binary), preview_worker.WORKER_ARG]
    pool = previews.PreviewPool(max_workers=1, keep=0, seconds=30)
    try:
        info = pool.pdf_info(_pdf(tmp_path / "b.pdf"))
    finally:
        pool.close()
    assert info.pages == 1 and pool.started == 1


def test_self_test_makes_an_encrypted_store_and_finds_the_keyring_backends():
    out = subprocess.run([sys.executable, "-m", "app", "self-test"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "a wrong key refused" in out.stdout and "self-test passed" in out.stdout
