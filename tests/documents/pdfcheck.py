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
