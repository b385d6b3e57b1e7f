"""文书 work with steps of its own, run as ops: a new draft or version read back, signing
with its scan, the live preview, printables and export. PDF pages are rasterised by the
preview worker processes and turned into QImage here (thread-safe); nothing here
touches a widget."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from app.core.documents import DocumentKind
from app.services import documents, evidence, previews
from app.services.context import Workstation
from app.services.documents import DocumentView
from app.services.dto import Changes
from app.store.blobs import write_atomically
from app.ui.operations.evidence import to_qimage
from app.ui.tasks import TaskCancelled, TaskState

POINTS_PER_INCH = 72.0


# ---------------------------------------------------------------- the documents


def create_draft(ws: Workstation, case_id: uuid.UUID, kind: DocumentKind
                 ) -> tuple[DocumentView, Changes]:
    doc_id, changes = documents.create_draft(ws, case_id, kind)
    return documents.get_document(ws, doc_id), changes


@dataclass(frozen=True)
class SignRequest:
    doc_id: uuid.UUID
    case_id: uuid.UUID
    signed_on: date
    scan_path: str = ""  # the signed paper, scanned: kept as evidence of the case
    max_bytes: int = evidence.DEFAULT_MAX_BYTES


def sign(ws: Workstation, r: SignRequest) -> Changes:
    """Signing, with the scanned paper attached as evidence first when there is one."""
    scan_id = None
    if r.scan_path:
        try:
            attached = evidence.attach_file(ws, r.case_id, Path(r.scan_path),
                                            description="签署后的调解文书扫描件",
                                            max_bytes=r.max_bytes)
            scan_id = attached.evidence.id
        except evidence.EvidenceError as exc:
            if exc.problem is not evidence.EvidenceProblem.ALREADY_ATTACHED:
                raise
            # The same file is in the case already: that attachment is the scan.
            scan_id = next(v.id for v in evidence.list_evidence(ws, r.case_id)
                           if v.filename == exc.existing)
    changes = documents.sign(ws, r.doc_id, r.signed_on, scan_attachment_id=scan_id)
    if scan_id is not None:
        return Changes(case_ids=changes.case_ids, history=True, evidence=True)
    return changes


def new_version(ws: Workstation, doc_id: uuid.UUID) -> tuple[DocumentView, Changes]:
    new_id, changes = documents.new_version(ws, doc_id)
    return documents.get_document(ws, new_id), changes


# ---------------------------------------------------------------- PDFs and pages


@dataclass(frozen=True)
class Pages:
    """A rendered document: the exact PDF and its pages as pictures."""

    doc_id: uuid.UUID
    pdf: bytes
    images: tuple[QImage, ...]
    page_sizes: tuple[tuple[float, float], ...]  # in points
    revision: int = 0  # of the editor's request, so a late answer is dropped


def preview(ws: Workstation, doc_id: uuid.UUID, fields: Mapping[str, Any] | None, dpi: float,
            revision: int, state: TaskState) -> Pages:
    """The editor's live preview: the fields saved to the draft (when given), the draft
    rendered and its pages rasterised at ``dpi``."""
    if fields is not None:
        documents.update_draft(ws, doc_id, fields)
    state.raise_if_cancelled()
    pdf = documents.render(ws, doc_id)
    state.raise_if_cancelled()
    images, sizes = rasterise(pdf, dpi, state=state)
    return Pages(doc_id, pdf, tuple(images), tuple(sizes), revision)


@dataclass(frozen=True)
class Printable:
    doc: DocumentView
    pdf: bytes
    previews: tuple[QImage, ...]  # at the preview's resolution
    page_sizes: tuple[tuple[float, float], ...]


def printables(ws: Workstation, doc_ids: tuple[uuid.UUID, ...], dpi: float, state: TaskState
               ) -> list[Printable]:
    """The exact PDFs of the documents to print, with their pages pictured for the
    print preview (the printer itself gets them again at its own resolution)."""
    result = []
    for n, doc_id in enumerate(doc_ids):
        state.raise_if_cancelled()
        doc = documents.get_document(ws, doc_id)
        pdf = documents.render(ws, doc_id)
        images, sizes = rasterise(pdf, dpi, state=state)
        result.append(Printable(doc, pdf, tuple(images), tuple(sizes)))
        state.report_progress(n + 1, len(doc_ids))
    return result


def rasterise(pdf: bytes, dpi: float, *, pages: Iterable[int] | None = None,
              state: TaskState | None = None
              ) -> tuple[list[QImage], list[tuple[float, float]]]:
    """The pages (0-based; all by default) on white paper at ``dpi``, and every page's
    size in points. Rendered by the preview workers (app/services/previews.py): a final
    document's PDF comes from the central database and is no more trusted than
    evidence. PreviewFailed when a page is over the workers' limits."""
    pool = previews.default_pool()
    cancelled = (lambda: state.cancelled) if state is not None else None
    try:
        info = pool.pdf_info(pdf, cancelled=cancelled)
        images: list[QImage] = []
        wanted = list(range(info.pages)) if pages is None else list(pages)
        for n in wanted:
            if state is not None:
                state.raise_if_cancelled()
            bitmap = pool.pdf_page(pdf, n, scale=dpi / POINTS_PER_INCH, white=True,
                                   cancelled=cancelled)
            images.append(to_qimage(bitmap))
    except previews.PreviewCancelled:
        raise TaskCancelled() from None
    return images, list(info.sizes)


def page_image(pdf: bytes, index: int, dpi: float) -> QImage:
    images, _sizes = rasterise(pdf, dpi, pages=[index])
    return images[0]


# ---------------------------------------------------------------- 导出 PDF


def export_pdf(ws: Workstation, doc_id: uuid.UUID, target: str) -> Path:
    """The exact bytes, written atomically: a temporary file beside the target, flushed
    to disk, then renamed over it (a crash leaves the old file or the new one)."""
    pdf = documents.render(ws, doc_id)
    return write_atomically(Path(target), pdf)


