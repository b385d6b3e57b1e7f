"""Benchmark: an evidence preview in the app's process (as before issue 11) and in a
preview worker process (cold: the worker starts; warm: it is running), for a normal
one-page PDF, a 12-megapixel phone photo (JPEG) and the hostile PDF of the report.

    .venv/bin/python bench/preview.py [--runs 10] [--hostile-ops 5000000]

Prints the median time of each; the hostile PDF is rendered in-process once (its
time and the process's peak memory growth) only with --hostile-in-process, since it
takes the memory the workers are there to cap.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.previews import PreviewFailed, PreviewPool  # noqa: E402
from bench.memory import peak_rss_mb  # noqa: E402
from tests.support.hostile_pdf import hostile_pdf  # noqa: E402

MAX_SIDE = 2048


def normal_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(60):
        c.drawString(60, 800 - n * 12, f"Line {n}: the contract terms, the amounts and dates")
    c.rect(40, 40, 500, 760)
    c.showPage()
    c.save()
    return buf.getvalue()


def photo() -> bytes:
    from PIL import Image

    image = Image.effect_mandelbrot((4000, 3000), (-2, -1.2, 1, 1.2), 60).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def in_process_pdf(data: bytes) -> None:
    """What the app did before: PDFium in the app's own process."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    doc = pdfium.PdfDocument(data)
    page = doc[0]
    width, height = page.get_size()
    bitmap = page.render(scale=MAX_SIDE / max(width, height),
                         force_bitmap_format=pdfium_raw.FPDFBitmap_BGRA)
    bytes(bitmap.buffer)
    bitmap.close()
    page.close()
    doc.close()


def in_process_image(data: bytes) -> None:
    """What the app did before: QImageReader in the app's process, scaled on decode."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImageReader

    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if max(size.width(), size.height()) > MAX_SIDE:
        reader.setScaledSize(size.scaled(MAX_SIDE, MAX_SIDE,
                                         Qt.AspectRatioMode.KeepAspectRatio))
    assert not reader.read().isNull()


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hostile-ops", type=int, default=5_000_000)
    parser.add_argument("--hostile-in-process", action="store_true")
    args = parser.parse_args()

    pdf, jpeg = normal_pdf(), photo()
    print(f"normal PDF {len(pdf) / 1024:.0f} KB, photo 4000x3000 JPEG {len(jpeg) / 1024:.0f} KB")
    print(f"in process (before)    PDF {median_ms(lambda: in_process_pdf(pdf), args.runs):7.1f} ms"
          f"   photo {median_ms(lambda: in_process_image(jpeg), args.runs):7.1f} ms")

    cold_pdf, cold_photo = [], []
    for _ in range(max(1, args.runs // 2)):
        for data, out, call in ((pdf, cold_pdf, "pdf"), (jpeg, cold_photo, "image")):
            pool = PreviewPool()
            t = time.perf_counter()
            if call == "pdf":
                pool.pdf_page(data, 0, max_side=MAX_SIDE, white=False)
            else:
                pool.image(data, MAX_SIDE)
            out.append(time.perf_counter() - t)
            pool.close()
    print(f"worker, cold start     PDF {statistics.median(cold_pdf) * 1000:7.1f} ms"
          f"   photo {statistics.median(cold_photo) * 1000:7.1f} ms")

    pool = PreviewPool()
    pool.warm()
    pool.pdf_page(pdf, 0, max_side=MAX_SIDE, white=False)
    warm_pdf = median_ms(lambda: pool.pdf_page(pdf, 0, max_side=MAX_SIDE, white=False),
                         args.runs)
    warm_photo = median_ms(lambda: pool.image(jpeg, MAX_SIDE), args.runs)
    print(f"worker, warm (after)   PDF {warm_pdf:7.1f} ms   photo {warm_photo:7.1f} ms")

    hostile = hostile_pdf(args.hostile_ops)
    t = time.perf_counter()
    try:
        pool.pdf_page(hostile, 0, max_side=MAX_SIDE, white=False)
        outcome = "drawn"
    except PreviewFailed as exc:
        outcome = f"无法预览 ({exc.problem.value})"
    print(f"hostile PDF ({len(hostile) / 1024:.0f} KB, {args.hostile_ops:,} path operations) "
          f"in a worker: {outcome} after {time.perf_counter() - t:.2f} s "
          f"(limits {pool.memory_bytes // 2**20} MB, {pool.seconds:g} s)")
    pool.close()
    if args.hostile_in_process:
        before = peak_rss_mb()
        t = time.perf_counter()
        in_process_pdf(hostile)
        grown = peak_rss_mb() - before
        print(f"hostile PDF in process (before): {time.perf_counter() - t:.2f} s, "
              f"peak memory +{grown:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
