"""Hostile PDFs for the preview limits (tests/security and bench/preview.py): small
files that cost a renderer much memory or time."""

from __future__ import annotations

import io
import zlib


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (the first the catalog), with its xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def hostile_pdf(operations: int = 5_000_000) -> bytes:
    """One page whose content stream draws millions of tiny paths (the file is ~130 KB,
    compressed: it took 8 s and 1.8 GB in the app)."""
    content = zlib.compress(b"0 0 m 1 1 l S\n" * operations, 9)
    return pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
    ])


def slow_pdf(steps: int = 1000) -> bytes:
    """A 22 KB page shaded by a function PDFium evaluates for every pixel, each time
    running ``steps`` calculator steps: minutes of work in little memory."""
    program = b"{ " + b"dup mul 0.5 add sqrt " * steps + b"dup dup }"
    content = b"/Sh0 sh"
    return pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Shading << /Sh0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /ShadingType 1 /ColorSpace /DeviceRGB /Domain [0 1 0 1] "
        b"/Matrix [595 0 0 842 0 0] /Function 6 0 R >>",
        b"<< /FunctionType 4 /Domain [0 1 0 1] /Range [0 1 0 1 0 1] /Length %d >>\nstream\n"
        % len(program) + program + b"\nendstream",
    ])
