"""Render resources/icons/mediation-desk.svg to the PNG sizes a Linux desktop wants and a
Windows .ico (PyInstaller and Inno Setup take only .ico there). Generated at build time,
so only the SVG is kept in git.

    python packaging/make_icons.py OUT_DIR    # OUT_DIR/hicolor/<n>x<n>/apps/…png, OUT_DIR/mediation-desk.ico
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parents[1] / "resources" / "icons" / "mediation-desk.svg"
NAME = "mediation-desk"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def make_icons(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {SVG}")
    made: list[Path] = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"make_icons: cannot write {path}")
        made.append(path)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    made.append(scalable)

    from PIL import Image

    with Image.open(out / "hicolor" / "256x256" / "apps" / f"{NAME}.png") as big:
        ico = out / f"{NAME}.ico"
        big.save(ico, sizes=[(s, s) for s in ICO_SIZES])
    made.append(ico)
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for made in make_icons(Path(sys.argv[1])):
        print(made)
