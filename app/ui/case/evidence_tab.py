"""证据材料: the files attached to a case, with previews.

添加证据… (several files at once) or files dragged here from the file manager are
attached on the write lane; the good ones are kept, each bad one is listed with its
reason. Selecting a file shows it: pictures scaled to fit, the first page of a PDF,
and for anything else its icon, name and size. Previews are decoded in a worker
process with a memory cap and a time limit (app/services/previews.py); one over them
says 无法预览. Names are display text only (a synced row's name may be hostile);
打开 and 另存为… copy the stored file out, checked against its hash, named by what
its bytes are, 打开 into the run's private temp folder (emptied at exit).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.evidence import EvidenceKind
from app.services import evidence, previews
from app.services.dto import CaseDetail
from app.services.evidence import EvidenceError, EvidenceView
from app.ui import formatting, messages, settings
from app.ui.case.evidence_texts import (
    kind_text,
    preview_problem_text,
    problem_text,
    size_text,
)
from app.ui.case.sections import error_label, note_label, value_label
from app.ui.operations import evidence as ops
from app.ui.qtcompat import emit
from app.ui.tasks import Lane, LatestOnly, TaskFailure

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

ID_ROLE = Qt.ItemDataRole.UserRole + 100


class Column:
    NAME, KIND, SIZE, AUTHOR, CREATED = range(5)


def _local_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [url.toLocalFile() for url in data.urls() if url.isLocalFile()]


class PicturePane(QLabel):
    """A picture scaled to fit, kept as decoded so a resize scales from the original."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("evidencePicture")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(80, 80)
        self._image: QImage | None = None

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._fit()

    def resizeEvent(self, event) -> None:  # Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._image is None or self._image.isNull():
            return
        pixmap = QPixmap.fromImage(self._image)
        box = self.contentsRect().size()
        if pixmap.width() > box.width() or pixmap.height() > box.height():
            pixmap = pixmap.scaled(box, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(pixmap)


class EvidenceTab(QWidget):
    evidence_loaded = Signal()  # the list shows the case's evidence, freshly read
    attach_finished = Signal(object)  # ops.AttachOutcome, or TaskFailure
    preview_shown = Signal(object)  # EvidenceView whose preview (or info) is on screen
    exported = Signal(object)  # Path of a copy saved by 另存为…
    opened = Signal(object)  # Path of the copy 打开 handed to the computer's program
    file_refused = Signal(object)  # TaskFailure of 打开 / 另存为 (e.g. unsafe content)

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.items: list[EvidenceView] = []
        self.attaching = False
        self._select_after: uuid.UUID | None = None
        self._lists = LatestOnly(owner.runner, self)
        self._previews = LatestOnly(owner.runner, self)
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m, m, m, m)
        layout.setSpacing(m)

        top = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加证据…"))
        self.add_button.setObjectName("addEvidence")
        self.add_button.clicked.connect(self.choose_files)
        top.addWidget(self.add_button)
        self.description = QLineEdit()
        self.description.setObjectName("evidenceDescription")
        self.description.setPlaceholderText(self.tr("说明（可选，用于本次添加的文件）"))
        self.description.setMaxLength(500)
        top.addWidget(self.description, 1)
        layout.addLayout(top)
        self.hint = note_label("", name="evidenceHint")
        layout.addWidget(self.hint)
        self.status = value_label("", name="evidenceStatus")
        self.status.hide()
        layout.addWidget(self.status)
        self.error = error_label("evidenceError")
        layout.addWidget(self.error)

        self.list = QTreeWidget()
        self.list.setObjectName("evidenceList")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHeaderLabels([self.tr("名称"), self.tr("类型"), self.tr("大小"),
                                   self.tr("添加人"), self.tr("添加时间")])
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (Column.KIND, Column.SIZE, Column.AUTHOR, Column.CREATED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.empty = note_label(self.tr("本案尚无证据材料。"), name="noEvidence")

        self.preview = self._build_preview()
        splitter = QSplitter(Qt.Orientation.Vertical)
        top_half = QWidget()
        top_layout = QVBoxLayout(top_half)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.empty)
        top_layout.addWidget(self.list)
        splitter.addWidget(top_half)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([200, 300])  # the preview gets the larger part; kept on resize
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self._show_list()
        self._show_note(self.tr("选择一件证据材料，这里会显示预览。"))

    def _build_preview(self) -> QWidget:
        box = QWidget()
        box.setObjectName("evidencePreview")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview_stack = QStackedWidget()
        self.picture = PicturePane()
        info = QWidget()
        info_layout = QHBoxLayout(info)
        self.info_icon = QLabel()
        self.info_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        info_layout.addWidget(self.info_icon)
        self.info_text = value_label("", name="evidenceInfo")
        info_layout.addWidget(self.info_text, 1)
        self.preview_stack.addWidget(self.picture)
        self.preview_stack.addWidget(info)
        layout.addWidget(self.preview_stack, 1)
        self.caption = value_label("", name="evidenceCaption")
        layout.addWidget(self.caption)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton(self.tr("打开"))
        self.open_button.setObjectName("openEvidence")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton(self.tr("另存为…"))
        self.save_button.setObjectName("saveEvidence")
        self.save_button.clicked.connect(self.save_selected)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        return box

    # ------------------------------------------------------------ the case

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        if self.case is None or self.case.id != case.id:
            self.items = []
            self.list.clear()
            self.description.clear()
            self.error.hide()
            self.status.hide()
            self._show_note(self.tr("选择一件证据材料，这里会显示预览。"))
        if self.case is None:  # the first case shown: a preview is likely soon
            # A preview worker started before the first preview is asked for: ~0.2 s.
            self.owner.runner.query(None, lambda: previews.default_pool().warm(),
                                    name="warm_previews").run()
        self.case = case
        limit = size_text(self.max_bytes())
        self.hint.setText(self.tr(
            "可添加图片、PDF、Word/Excel/PPT 文档、录音、视频和文本文件，每个不超过 {limit}；"
            "也可以把文件从文件夹拖到这里。").format(limit=limit))
        self.reload()

    def max_bytes(self) -> int:
        return max(1, settings.EVIDENCE_MAX_MEGABYTES.get()) * 1024 * 1024

    def reload(self) -> None:
        if self.case is None:
            return
        ws, case_id = self.owner.ws, self.case.id
        self._lists.query(lambda: evidence.list_evidence(ws, case_id)).success(self._loaded).run()

    def _loaded(self, items: list[EvidenceView]) -> None:
        selected = self._select_after or self.selected_id()
        self._select_after = None
        self.items = list(items)
        self.list.blockSignals(True)
        self.list.clear()
        people = self.owner.people
        for view in self.items:
            item = QTreeWidgetItem([
                view.filename, kind_text(view.kind), size_text(view.size),
                people.get(view.author, view.author),
                formatting.china_datetime(view.created_at)])
            item.setData(Column.NAME, ID_ROLE, str(view.id))
            item.setTextAlignment(Column.SIZE, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
            tip = view.description or view.filename
            if not view.on_disk:
                tip += "\n" + self.tr("文件尚未下载到本机")
            item.setToolTip(Column.NAME, tip)
            self.list.addTopLevelItem(item)
        self.list.blockSignals(False)
        self._show_list()
        if selected is not None:
            self.select(selected)
        elif not self.items:
            self._show_note(self.tr("选择一件证据材料，这里会显示预览。"))
        emit(self.evidence_loaded)

    def _show_list(self) -> None:
        has_items = bool(self.items)
        self.empty.setVisible(not has_items)
        self.list.setVisible(has_items)

    # ------------------------------------------------------------ attaching

    def choose_files(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("添加证据材料"), folder,
            self.tr("证据材料 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.heic *.heif *.pdf "
                    "*.doc *.docx *.xls *.xlsx *.ppt *.pptx *.mp3 *.m4a *.amr *.wav *.aac "
                    "*.mp4 *.mov *.3gp *.txt);;所有文件 (*)"))
        if paths:
            self.attach_paths(paths)

    def attach_paths(self, paths: list[str]) -> None:
        if self.case is None or not paths:
            return
        if self.attaching:
            self._show_error(self.tr("正在添加上一批文件，请稍候再试。"))
            return
        self.attaching = True
        self.add_button.setEnabled(False)
        self.error.hide()
        self._show_status(self.tr("正在添加 {n} 个文件…").format(n=len(paths)))
        request = ops.AttachRequest(self.case.id, tuple(paths), self.description.text().strip(),
                                    self.max_bytes())
        ws = self.owner.ws
        self.owner.runner.task(self, lambda state: ops.attach_files(ws, request, state),
                               lane=Lane.WRITE) \
            .success(self._attached).failure(self._attach_failed).run()

    def _attached(self, outcome: ops.AttachOutcome) -> None:
        self.attaching = False
        self.add_button.setEnabled(True)
        if outcome.attached:
            self.description.clear()
            self._show_status(self.tr("已添加 {n} 个文件。").format(n=len(outcome.attached)))
            self._select_after = outcome.attached[-1].id
        else:
            self.status.hide()
        if outcome.refused:
            lines = [problem_text(e) for e in outcome.refused]
            if outcome.attached or len(lines) > 1:
                lines.insert(0, self.tr("以下文件未添加："))
            self._show_error("\n".join(lines))
        if outcome.attached:
            self.reload()
            self.owner.saved_here(outcome.changes)
        emit(self.attach_finished, outcome)

    def _attach_failed(self, failure: TaskFailure) -> None:
        self.attaching = False
        self.add_button.setEnabled(True)
        self.status.hide()
        self._show_error(self._error_text(failure.error))
        self.reload()  # files before the failure may have been kept
        emit(self.attach_finished, failure)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # Qt's name
        if self.case is not None and _local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # Qt's name
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # Qt's name
        paths = _local_files(event)
        if self.case is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_paths(paths)

    # ------------------------------------------------------------ preview

    def selected_id(self) -> uuid.UUID | None:
        items = self.list.selectedItems()
        return uuid.UUID(items[0].data(Column.NAME, ID_ROLE)) if items else None

    def selected(self) -> EvidenceView | None:
        chosen = self.selected_id()
        return next((v for v in self.items if v.id == chosen), None)

    def select(self, attachment_id: uuid.UUID) -> None:
        for n in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(n)
            if item.data(Column.NAME, ID_ROLE) == str(attachment_id):
                self.list.setCurrentItem(item)
                item.setSelected(True)
                return

    def _selection_changed(self) -> None:
        view = self.selected()
        if view is None:
            self._show_note(self.tr("选择一件证据材料，这里会显示预览。"))
            return
        self._set_caption(view)
        self._show_info(view, self.tr("正在载入预览…"))
        ws = self.owner.ws
        self._previews.task(lambda state: ops.load_preview(ws, view, state)) \
            .success(self._preview_ready).failure(lambda f: self._preview_failed(view, f)).run()

    def _preview_ready(self, preview: ops.Preview) -> None:
        view = preview.view
        if preview.failed is not None:  # over the worker's memory or time, or unreadable
            self._show_info(view, preview_problem_text(preview.failed,
                                                       previews.default_pool().seconds))
        elif preview.image is not None:
            self.picture.set_image(preview.image)
            self.preview_stack.setCurrentWidget(self.picture)
            self._set_caption(view, pages=preview.pages)
        elif view.kind is EvidenceKind.PDF:
            self._show_info(view, self.tr("此电脑无法在这里预览 PDF，请点“打开”查看。"))
        elif view.kind is EvidenceKind.IMAGE:
            self._show_info(view, self.tr("此图片格式无法在这里预览，请点“打开”查看。"))
        else:
            self._show_info(view, self.tr("此类文件不能在这里预览，请点“打开”用电脑上的程序查看。"))
        emit(self.preview_shown, view)

    def _preview_failed(self, view: EvidenceView, failure: TaskFailure) -> None:
        self._show_info(view, self._error_text(failure.error))
        emit(self.preview_shown, view)

    def _set_caption(self, view: EvidenceView, pages: int = 0) -> None:
        parts = [view.filename, kind_text(view.kind), size_text(view.size)]
        if pages > 1:
            parts.append(self.tr("共 {n} 页，此处显示第 1 页").format(n=pages))
        text = " · ".join(parts)
        if view.description:
            text += "\n" + self.tr("说明：{d}").format(d=view.description)
        self.caption.setText(text)
        self.open_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _show_info(self, view: EvidenceView, note: str) -> None:
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        side = self.fontMetrics().height() * 3
        self.info_icon.setPixmap(icon.pixmap(side, side))
        self.info_icon.show()
        self.info_text.setText("\n".join([view.filename, f"{kind_text(view.kind)} · "
                                          f"{size_text(view.size)}", "", note]))
        self.preview_stack.setCurrentIndex(1)
        # the facts are beside the icon: below, only the description
        self.caption.setText(self.tr("说明：{d}").format(d=view.description)
                             if view.description else "")

    def _show_note(self, note: str) -> None:
        self._previews.forget()
        self.info_icon.hide()
        self.info_text.setText(note)
        self.preview_stack.setCurrentIndex(1)
        self.caption.setText("")
        self.open_button.setEnabled(False)
        self.save_button.setEnabled(False)

    # ------------------------------------------------------------ 打开 / 另存为

    def open_selected(self) -> None:
        """A copy in the run's private temp folder, named by what its bytes are; bytes
        that are a program or no evidence kind are refused by the worker."""
        view = self.selected()
        if view is None:
            return
        ws, temp = self.owner.ws, self.owner.temp
        # Named by the bytes' real type: the row's name is display text only.
        self.owner.runner.query(self, lambda: evidence.open_copy(ws, view.id, temp)) \
            .success(self._open_copy).failure(self._file_failed).run()

    def _open_copy(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        emit(self.opened, path)

    def save_selected(self) -> None:
        """The name offered is worked out from the bytes first (off the GUI thread)."""
        view = self.selected()
        if view is None:
            return
        ws = self.owner.ws
        self.owner.runner.query(self, lambda: evidence.copy_name(ws, view.id)) \
            .success(lambda name: self._ask_where(view, name)).failure(self._file_failed).run()

    def _ask_where(self, view: EvidenceView, name: str) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为"), str(Path(folder) / name))
        if not target:
            return
        ws = self.owner.ws
        self.owner.runner.query(self, lambda: evidence.export_evidence(ws, view.id, Path(target))) \
            .success(self._saved).failure(self._file_failed).run()

    def _saved(self, path: Path) -> None:
        self.error.hide()
        self._show_status(self.tr("已另存为 {path}").format(path=QDir.toNativeSeparators(
            str(path))))
        emit(self.exported, path)

    def _file_failed(self, failure: TaskFailure) -> None:
        self._show_error(self._error_text(failure.error))
        emit(self.file_refused, failure)

    # ------------------------------------------------------------ messages

    def _error_text(self, error: BaseException) -> str:
        if isinstance(error, EvidenceError):
            return problem_text(error)
        return messages.error_text(error)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()
