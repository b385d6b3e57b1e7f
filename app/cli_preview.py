"""`mediation-desk preview FILE --out PAGE.png`: a PDF page or a picture drawn by the
preview worker process, as the workstation draws it, saved as PNG.

Hidden from the help: it is a self-check, used by the packaging smoke run to prove that
a built app can start its worker processes and load PDFium (packaging/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Bitmap formats of app.services.previews -> (Pillow mode, Pillow raw mode)
_PIL_MODES = {"BGRx": ("RGB", "BGRX"), "BGRA": ("RGBA", "BGRA"),
              "RGB888": ("RGB", "RGB"), "RGBA8888": ("RGBA", "RGBA")}


def add_parser(sub) -> None:
    # No help=: argparse then leaves it out of the command list.
    preview = sub.add_parser("preview", description="draw a PDF page or a picture through "
                             "the preview worker and save it as PNG")
    preview.add_argument("file", type=Path, metavar="FILE")
    preview.add_argument("--out", required=True, type=Path, metavar="PAGE.png")
    preview.add_argument("--page", type=int, default=1, metavar="N", help="PDF page, from 1")
    preview.add_argument("--size", type=int, default=1200, metavar="PIXELS",
                         help="longest side")


def _fail(message: str) -> int:
    print(f"mediation-desk preview: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    from PIL import Image

    from app.services.previews import PreviewFailed, PreviewPool

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    pool = PreviewPool(max_workers=1, keep=0)
    try:
        if data.startswith(b"%PDF"):
            bitmap = pool.pdf_page(data, args.page - 1, max_side=args.size)
        else:
            bitmap = pool.image(data, args.size)
    except PreviewFailed as exc:
        return _fail(str(exc))
    finally:
        pool.close()
    mode, raw = _PIL_MODES[bitmap.format]
    picture = Image.frombuffer(mode, (bitmap.width, bitmap.height), bitmap.pixels, "raw",
                               raw, bitmap.stride, 1)
    try:
        picture.save(args.out, "PNG")
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    pages = f", {bitmap.pages} pages" if bitmap.pages else ""
    print(f"wrote {args.out} ({bitmap.width}×{bitmap.height}{pages})")
    return 0
