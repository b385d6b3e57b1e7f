"""证据材料 through the task runner: attaching files (write lane), listing them, decoding
previews, 另存为 and 打开 (read pool). Workers are plain functions of ``(args, state)``
that never touch widgets; previews are decoded here to a QImage (thread-safe), so a
big photo or PDF is never decoded on the GUI thread."""

from __future__ import annotations

import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPen

from app.core.evidence import EvidenceKind
from app.services import evidence
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.evidence import EvidenceError, EvidenceView
from app.ui.tasks import TaskState

PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe: one call at a time, app-wide
PREVIEW_MAX_SIDE = 2048  # decode no bigger than this: the pane is smaller anyway
_KEEP = Qt.AspectRatioMode.KeepAspectRatio


@dataclass(frozen=True)
class AttachRequest:
    case_id: uuid.UUID
    paths: tuple[str, ...]
    description: str
    max_bytes: int


@dataclass(frozen=True)
class AttachOutcome:
    attached: tuple[EvidenceView, ...]
    refused: tuple[EvidenceError, ...]
    changes: Changes


def attach_files(args: tuple[Workstation, AttachRequest], state: TaskState) -> AttachOutcome:
    """Each file on its own: the good ones are kept, the bad ones come back refused."""
    ws, r = args
    attached: list[EvidenceView] = []
    refused: list[EvidenceError] = []
    for path in r.paths:
        state.raise_if_cancelled()

        def step(_done: int) -> None:
            state.raise_if_cancelled()

        try:
            result = evidence.attach_file(ws, r.case_id, Path(path), description=r.description,
                                          max_bytes=r.max_bytes, on_progress=step)
        except EvidenceError as exc:
            refused.append(exc)
        else:
            attached.append(result.evidence)
    changes = Changes(case_ids=frozenset({r.case_id}), history=True, evidence=True) \
        if attached else Changes()
    return AttachOutcome(tuple(attached), tuple(refused), changes)


def load_evidence(args: tuple[Workstation, uuid.UUID], state: TaskState) -> list[EvidenceView]:
    ws, case_id = args
    return evidence.list_evidence(ws, case_id)


@dataclass(frozen=True)
class Preview:
    view: EvidenceView
    image: QImage | None  # None: this kind is not previewed here
    pages: int = 0  # of a PDF


def load_preview(args: tuple[Workstation, EvidenceView], state: TaskState) -> Preview:
    ws, view = args
    if view.kind not in (EvidenceKind.IMAGE, EvidenceKind.PDF):
        return Preview(view, None)
    # The content in memory (decrypted in an encrypted store): no plain copy on disk.
    data = evidence.evidence_bytes(ws, view.sha256, filename=view.filename)
    state.raise_if_cancelled()
    if view.kind is EvidenceKind.PDF:
        return _pdf_preview(view, data)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    reader.setAutoTransform(True)  # phone photos: upright as taken
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > PREVIEW_MAX_SIDE:
        reader.setScaledSize(size.scaled(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, _KEEP))
    image = reader.read()
    buffer.close()
    return Preview(view, None if image.isNull() else image)


def _pdf_preview(view: EvidenceView, data: bytes) -> Preview:
    """The first page, rendered by PDFium (pypdfium2). PDFium is not thread-safe: one
    rendering at a time."""
    import pypdfium2 as pdfium  # here: loading PDFium is not worth it at start-up
    import pypdfium2.raw as pdfium_raw

    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:  # not readable as a PDF after all
            return Preview(view, None)
        try:
            if len(doc) < 1:
                return Preview(view, None)
            page = doc[0]
            width, height = page.get_size()
            scale = PREVIEW_MAX_SIDE / max(width, height, 1.0)
            bitmap = page.render(scale=scale, force_bitmap_format=pdfium_raw.FPDFBitmap_BGRA)
            # BGRA bytes are Qt's ARGB32 on a little-endian machine; copied out of PDFium's
            # buffer before the document closes.
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_ARGB32).copy()
            pages = len(doc)
            # Closed here, under the lock, not by a finalizer on some other thread later.
            bitmap.close()
            page.close()
        finally:
            doc.close()
    if image.isNull():
        return Preview(view, None)
    return Preview(view, _on_paper(image), pages=pages)


def _on_paper(page: QImage) -> QImage:
    """The rendered page (transparent where nothing is printed) on white paper with a
    thin edge, so it reads as a page on the grey window."""
    paper = QImage(page.size(), QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)  # painting on a QImage is safe in a worker thread
    painter.drawImage(0, 0, page)
    painter.setPen(QPen(QColor("#9a9a9a"), 3))
    painter.drawRect(paper.rect().adjusted(1, 1, -2, -2))
    painter.end()
    return paper


def export(args: tuple[Workstation, uuid.UUID, str], state: TaskState) -> Path:
    """另存为."""
    ws, attachment_id, target = args
    return evidence.export_evidence(ws, attachment_id, Path(target))


def open_copy(args: tuple[Workstation, EvidenceView], state: TaskState) -> Path:
    """A read-only copy under the original name in a temporary folder, for 打开 with the
    computer's own program (the stored file has no extension, and must not be edited)."""
    ws, view = args
    folder = Path(tempfile.mkdtemp(prefix="mediation-desk-evidence-"))
    return evidence.export_evidence(ws, view.id, folder / evidence.suggested_name(view),
                                    read_only=True)
