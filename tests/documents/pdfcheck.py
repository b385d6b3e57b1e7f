"""Reading the PDFs back: text per page, fonts and their embedding."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

SUBSET = re.compile(r"^/[A-Z]{6}\+")


def squeeze(text: str) -> str:
    """Text without whitespace: extraction puts spaces and line breaks where lines wrap."""
    return re.sub(r"\s+", "", text)


def pages(pdf: bytes) -> list[str]:
    return [squeeze(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def fonts(pdf: bytes) -> list[dict]:
    """Every font dictionary the pages use (resolved)."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        font_dict = resources.get_object().get("/Font")
        if font_dict is None:
            continue
        for ref in font_dict.get_object().values():
            font = ref.get_object()
            found[id(font)] = font
    return list(found.values())


def embedded(font) -> bool:
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and "/FontFile2" in descriptor.get_object()


def base_names(pdf: bytes) -> set[str]:
    return {str(f["/BaseFont"]) for f in fonts(pdf)}


def pdffonts(pdf: bytes) -> list[list[str]] | None:
    """poppler's view of the fonts (rows of columns), or None without poppler."""
    if shutil.which("pdffonts") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>")


def drawn_characters(pdf: bytes) -> set[str]:
    """The characters the PDF's embedded fonts can draw: each code its ToUnicode map names,
    whose glyph in the font program embedded beside it has an outline (a code on the
    empty .notdef, or on a glyph left out of the subset, draws nothing)."""
    from fontTools.ttLib import TTFont

    drawn: set[str] = set()
    for font in fonts(pdf):
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or "/ToUnicode" not in font:
            continue
        program = descriptor.get_object().get("/FontFile2")
        if program is None:
            continue
        face = TTFont(io.BytesIO(program.get_object().get_data()))
        codes = face["cmap"].getcmap(1, 0).cmap
        glyphs = face["glyf"]
        for code, utf16 in _BFCHAR.findall(font["/ToUnicode"].get_object().get_data()):
            name = codes.get(int(code, 16))
            if name is None or name == ".notdef" or glyphs[name].numberOfContours == 0:
                continue
            drawn.add(bytes.fromhex(utf16.decode()).decode("utf-16-be"))
    return drawn


def page_images(pdf: bytes, scale: float = 0.7) -> list[bytes]:
    """Each page drawn by PDFium (scale 1 = 72 dpi), as raw pixels: what a reader sees."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=scale).to_pil().tobytes() for page in doc]
    finally:
        doc.close()
