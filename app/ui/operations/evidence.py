"""证据材料 work with steps of its own, run as ops: attaching a batch of files (write
lane) and decoding previews. Previews are decoded by a worker process and turned into a
QImage here (thread-safe), so a big or hostile photo or PDF is never decoded on the GUI
thread, nor in the app at all; nothing here touches a widget."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPainter, QPen

from app.core.evidence import EvidenceKind
from app.services import evidence, previews
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.evidence import EvidenceError, EvidenceView
from app.services.previews import PreviewProblem
from app.ui.tasks import TaskCancelled, TaskState

PREVIEW_MAX_SIDE = 2048  # decode no bigger than this: the pane is smaller anyway


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


def attach_files(ws: Workstation, r: AttachRequest, state: TaskState) -> AttachOutcome:
    """Each file on its own: the good ones are kept, the bad ones come back refused."""
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


@dataclass(frozen=True)
class Preview:
    view: EvidenceView
    image: QImage | None  # None: this kind is not previewed here, or it failed
    pages: int = 0  # of a PDF
    failed: PreviewProblem | None = None  # over the worker's limits, or unreadable


def load_preview(ws: Workstation, view: EvidenceView, state: TaskState) -> Preview:
    """Decoded in a worker process (app/services/previews.py): a hostile file spends
    that process's memory and time, never the app's."""
    if view.kind not in (EvidenceKind.IMAGE, EvidenceKind.PDF):
        return Preview(view, None)
    data = evidence.read_evidence(ws, view)
    state.raise_if_cancelled()
    pool = previews.default_pool()
    try:
        if view.kind is EvidenceKind.PDF:
            bitmap = pool.pdf_page(data, 0, max_side=PREVIEW_MAX_SIDE, white=False,
                                   cancelled=lambda: state.cancelled)
        else:
            bitmap = pool.image(data, PREVIEW_MAX_SIDE, cancelled=lambda: state.cancelled)
    except previews.PreviewCancelled:
        raise TaskCancelled() from None
    except previews.PreviewFailed as exc:
        return Preview(view, None, failed=exc.problem)
    image = to_qimage(bitmap)
    if view.kind is EvidenceKind.PDF:
        return Preview(view, _on_paper(image), pages=bitmap.pages)
    return Preview(view, image)


_QT_FORMATS = {"RGBA8888": QImage.Format.Format_RGBA8888,
               "RGB888": QImage.Format.Format_RGB888,
               # BGRA/BGRx bytes are Qt's ARGB32/RGB32 on a little-endian machine
               "BGRA": QImage.Format.Format_ARGB32, "BGRx": QImage.Format.Format_RGB32}


def to_qimage(bitmap: previews.Bitmap) -> QImage:
    """The worker's pixels as a QImage that owns its memory."""
    return QImage(bitmap.pixels, bitmap.width, bitmap.height, bitmap.stride,
                  _QT_FORMATS[bitmap.format]).copy()


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
