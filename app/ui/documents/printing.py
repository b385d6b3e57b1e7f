"""Printing the exact PDF pages through Qt: the print preview, the system print dialog,
and the painting of pages onto a QPrinter.

Qt prints by painting, and cannot draw a PDF: each page is rasterised with PDFium
(app/ui/operations/documents.rasterise) at the printer's resolution, capped at
``MAX_PRINT_DPI``, and drawn at its true size on the paper. One page is held at a time.
The preview shows pictures made beforehand in a worker at ``PREVIEW_DPI``.

Copies: the number the user chose (``QPrinter.copyCount``) is expanded here — every
page painted that many times, collated or not — and the printer is then asked for one
copy. A printer that does copies itself would do the same; a PDF file or a printer
without that support would otherwise get one copy only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.ui.operations import documents as ops
from app.ui.tasks import TaskCancelled, TaskState

PREVIEW_DPI = 110.0
MAX_PRINT_DPI = 600.0  # 600 dpi: sharp small print; an A4 page is ~140 MB while drawn


class PrintFailed(Exception):
    """The printer could not be opened (no printer, a file that cannot be written)."""


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare(printer)
    return printer


def prepare(printer: QPrinter, *, copies: int = 1, title: str = "") -> None:
    """A4 portrait, the whole sheet ours (the PDF has its own margins)."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setCopyCount(max(1, copies))
    if title:
        printer.setDocName(title)


def job_pages(items: Sequence[ops.Printable], printer: QPrinter, *, preview: bool
              ) -> list[tuple[int, int]]:
    """(document, page) in the order they come out of the printer: the chosen page range
    of the whole job (counted across all its documents), each copy in turn (collated)
    or each page repeated (not collated)."""
    pages = [(i, p) for i, item in enumerate(items) for p in range(len(item.page_sizes))]
    if preview:
        return pages
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), printer.toPage() or len(pages)
        pages = pages[first - 1:last]
    copies = max(1, printer.copyCount())
    if copies == 1:
        return pages
    if printer.collateCopies():
        return pages * copies
    return [page for page in pages for _ in range(copies)]


def paint_pages(printer: QPrinter, items: Sequence[ops.Printable], *,
                state: TaskState | None = None,
                page_image: Callable[[bytes, int, float], QImage] = ops.page_image) -> int:
    """Paint the job onto ``printer`` (the preview's or a real one); the number of
    sheets painted. Safe in a worker thread: Qt allows painting on a QPrinter there."""
    engine = printer.paintEngine()
    preview = engine is not None and engine.type() == QPaintEngine.Type.Picture
    order = job_pages(items, printer, preview=preview)
    if not preview:
        printer.setCopyCount(1)  # the copies are in ``order``
    dpi = min(float(printer.resolution()), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(printer.outputFileName() or printer.printerName())
    last: tuple[int, int] | None = None
    image = QImage()
    try:
        for n, (i, p) in enumerate(order):
            if state is not None and state.cancelled:
                printer.abort()
                raise TaskCancelled()
            if n and not printer.newPage():
                raise PrintFailed(printer.outputFileName() or printer.printerName())
            item = items[i]
            if preview:
                image = item.previews[p]
            elif (i, p) != last:
                image = QImage()  # the previous page goes before the next is made
                image = page_image(item.pdf, p, dpi)
                last = (i, p)
            painter.drawImage(_target(printer, item.page_sizes[p]), image)
            if state is not None:
                state.report_progress(n + 1, len(order))
    finally:
        painter.end()
    return len(order)


def paint_copies(printer: QPrinter, documents: Iterable[tuple[bytes, int]], total: int, *,
                 state: TaskState | None = None) -> int:
    """One print job of many PDFs, each ``copies`` times, collated (a group's agreements:
    each member's set together). ``documents`` is read one at a time and only that
    document's pages are held, so a job of thousands fits in memory; ``total``: how many
    documents, for the progress. The number of sheets painted."""
    printer.setCopyCount(1)  # the copies are painted here
    dpi = min(float(printer.resolution()), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(printer.outputFileName() or printer.printerName())
    sheets = 0
    try:
        for n, (pdf, copies) in enumerate(documents):
            if state is not None and state.cancelled:
                printer.abort()
                raise TaskCancelled()
            images, sizes = ops.rasterise(pdf, dpi)
            for _copy in range(max(1, copies)):
                for image, size in zip(images, sizes, strict=True):
                    if sheets and not printer.newPage():
                        raise PrintFailed(printer.outputFileName() or printer.printerName())
                    painter.drawImage(_target(printer, size), image)
                    sheets += 1
            del images
            if state is not None:
                state.report_progress(n + 1, total)
    finally:
        painter.end()
    return sheets


def _target(printer: QPrinter, size_pt: tuple[float, float]) -> QRectF:
    """Where a page of ``size_pt`` goes: its true size from the sheet's corner (scaled
    down to fit should the paper be smaller)."""
    res = printer.resolution()
    width, height = size_pt[0] * res / 72.0, size_pt[1] * res / 72.0
    sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(1.0, sheet.width() / width if width else 1.0,
                sheet.height() / height if height else 1.0)
    size = QSizeF(width * scale, height * scale)
    return QRectF(0.0, 0.0, size.width(), size.height())
