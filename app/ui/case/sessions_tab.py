"""调解记录: start a session record, continue a draft, read finished records and add
dated addenda to them (a finished record itself never changes)."""

from __future__ import annotations

import html
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.sessions import SessionMode
from app.services import sessions
from app.services.dto import CaseDetail, Changes
from app.services.errors import ValidationFailed
from app.services.sessions import CaseSessions, DraftView, SessionView
from app.ui import formatting, messages
from app.ui.case.action_dialog import ERROR_COLOUR
from app.ui.case.sections import note_label
from app.ui.groups import group_session_texts
from app.ui.qtcompat import emit
from app.ui.session import session_texts as texts
from app.ui.tasks import LatestOnly, TaskFailure
from app.ui.typed_input import GuardedDialog

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost


class AddendumDialog(GuardedDialog):
    """补充更正: a dated text filed against a finished record."""

    def __init__(self, host: CaseHost, record: SessionView, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.record = record
        self.setObjectName("addendumDialog")
        self.setWindowTitle(self.tr("补充或更正调解记录"))
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr(
            "原记录不会改动。补充说明注明日期和填写人，附在原记录之后。"), name="addendumHint"))
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendumText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("如：更正：被申请人同意退还的金额为2500元。"))
        layout.addWidget(self.text, 1)
        self.error = QLabel()
        self.error.setObjectName("addendumError")
        self.error.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("添加补充说明"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("addAddendum")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 32, em * 16)

    def submit(self) -> None:
        self.ok.setEnabled(False)
        ws, record_id, text = self.host.ws, self.record.id, self.text.toPlainText()
        self.host.runner.op(self, lambda: sessions.add_addendum(ws, record_id, text)) \
            .success(self._done).failure(self._failed).run()

    def _done(self, changes: Changes) -> None:
        self.accept()
        self.host.saved_here(changes)

    def _failed(self, failure: TaskFailure) -> None:
        self.ok.setEnabled(True)
        if isinstance(failure.error, ValidationFailed):
            self.error.setText(self.tr("请填写补充内容。"))
        else:
            self.error.setText(messages.error_text(failure.error))
        self.error.show()


class SessionsTab(QWidget):
    loaded = Signal()  # the case's records and drafts are on screen

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.data: CaseSessions | None = None
        self.current_dialog: QDialog | None = None
        self._reads = LatestOnly(owner.runner, self)
        em = self.fontMetrics().horizontalAdvance("汉")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.setSpacing(em // 2)

        start = QHBoxLayout()
        self.mode = QComboBox()
        self.mode.setObjectName("newSessionMode")
        for mode in SessionMode:
            self.mode.addItem(texts.mode_text(mode), mode.value)
        self.mode.setToolTip(self.tr("调解方式"))
        # The case pane can be narrow: the combo gives way first.
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode.setMinimumContentsLength(2)
        self.start_button = QPushButton(self.tr("新建记录"))
        self.start_button.setToolTip(self.tr("新建一份调解记录，在单独的窗口中填写"))
        self.start_button.setObjectName("startSession")
        self.start_button.clicked.connect(self.start)
        start.addWidget(self.mode)
        start.addWidget(self.start_button)
        start.addStretch(1)
        layout.addLayout(start)

        self.drafts_box = QVBoxLayout()
        layout.addLayout(self.drafts_box)

        self.records = QListWidget()
        self.records.setObjectName("sessionRecords")
        self.records.currentItemChanged.connect(self._show_selected)
        self.detail = QTextBrowser()
        self.detail.setObjectName("sessionDetail")
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.records)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.empty = note_label(self.tr("尚无调解记录。"), name="noSessions")
        layout.addWidget(self.empty)

        row = QHBoxLayout()
        row.addStretch(1)
        self.addendum_button = QPushButton(self.tr("补充或更正…"))
        self.addendum_button.setObjectName("addendumButton")
        self.addendum_button.clicked.connect(self.ask_addendum)
        self.addendum_button.setEnabled(False)
        row.addWidget(self.addendum_button)
        layout.addLayout(row)

    # ------------------------------------------------------------ loading

    def show_case(self, case: CaseDetail) -> None:
        changed_case = self.case is None or self.case.id != case.id
        self.case = case
        if changed_case:
            self.records.clear()
            self.detail.clear()
            self.data = None
        self.reload()

    def reload(self) -> None:
        if self.case is None:
            return
        ws, case_id = self.owner.ws, self.case.id
        self._reads.query(lambda: sessions.case_sessions(ws, case_id)).success(self._loaded).run()

    def _loaded(self, data: CaseSessions) -> None:
        keep = self.selected_record()
        self.data = data
        self._show_drafts(data.drafts)
        self.records.blockSignals(True)
        self.records.clear()
        for record in reversed(data.sessions):  # newest first
            item = QListWidgetItem(self._record_line(record))
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.records.addItem(item)
            if keep is not None and record.id == keep.id:
                self.records.setCurrentItem(item)
        self.records.blockSignals(False)
        if self.records.currentItem() is None and self.records.count():
            self.records.setCurrentRow(0)
        self._show_selected(self.records.currentItem())
        self.empty.setVisible(not data.sessions and not data.drafts)
        self.records.setVisible(bool(data.sessions))
        self.detail.setVisible(bool(data.sessions))
        emit(self.loaded)

    def _show_drafts(self, drafts: tuple[DraftView, ...]) -> None:
        while self.drafts_box.count():
            widget = self.drafts_box.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for draft in drafts:
            line = QWidget()
            line.setObjectName(f"draft_{draft.id.hex}")
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            label = QLabel(self.tr("草稿：{mode}，{start} 开始，{saved} 保存").format(
                mode=texts.mode_text(draft.content.mode),
                start=formatting.china_datetime(draft.content.started_at or draft.created_at),
                saved=formatting.china_datetime(draft.saved_at)))
            label.setWordWrap(True)
            button = QPushButton(self.tr("继续填写"))
            button.setObjectName("continueDraft")
            button.clicked.connect(lambda _=False, d=draft.id: self.continue_draft(d))
            row.addWidget(label, 1)
            row.addWidget(button)
            self.drafts_box.addWidget(line)
            line.show()  # now, not on the layout's queued call

    def _record_line(self, r: SessionView) -> str:
        parts = [formatting.china_datetime(r.started_at), self.tr("{mode}调解").format(
            mode=texts.mode_text(r.mode))]
        if r.group_session_id is not None:
            parts.append(self.tr("群体调解：{group}（{attendance}）").format(
                group=r.group_title, attendance=group_session_texts.attendance_text(
                    r.attendance)))
        if r.duration_seconds:
            parts.append(texts.duration_text(r.duration_seconds))
        if r.result:
            parts.append(texts.result_text(r.result))
        if r.addenda:
            parts.append(self.tr("补充 {n} 条").format(n=len(r.addenda)))
        return "　".join(parts)

    def select_record(self, ref: uuid.UUID) -> None:
        """Show the record with this id, or the one this addendum belongs to."""
        for n in range(self.records.count()):
            record: SessionView = self.records.item(n).data(Qt.ItemDataRole.UserRole)
            if record.id == ref or any(a.id == ref for a in record.addenda):
                self.records.setCurrentRow(n)
                return

    def selected_record(self) -> SessionView | None:
        item = self.records.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        record = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.addendum_button.setEnabled(record is not None)
        self.detail.setHtml(self.record_html(record) if record is not None else "")

    def record_html(self, r: SessionView) -> str:
        """The record as read-only text; everything typed is escaped."""
        e = html.escape
        people = self.owner.people

        def block(title: str, text: str) -> str:
            if not text.strip():
                return ""
            body = e(text).replace("\n", "<br>")
            return f"<p><b>{e(title)}</b><br>{body}</p>"

        head = self.tr("{mode}调解　{start}").format(
            mode=texts.mode_text(r.mode), start=formatting.china_datetime(r.started_at))
        facts = []
        if r.place:
            facts.append(self.tr("地点：{place}").format(place=r.place))
        if r.duration_seconds:
            facts.append(self.tr("用时：{d}").format(d=texts.duration_text(r.duration_seconds)))
        facts.append(self.tr("记录人：{who}").format(who=people.get(r.author, r.author)))
        if r.finalized_at:
            facts.append(self.tr("完成于 {at}").format(at=formatting.china_datetime(r.finalized_at)))
        parts = [f"<h3>{e(head)}</h3>", f"<p>{e('　'.join(facts))}</p>"]
        if r.group_session_id is not None:
            group = self.tr("群体调解：{group}　本人：{attendance}").format(
                group=r.group_title,
                attendance=group_session_texts.attendance_text(r.attendance))
            parts.append(f"<p>{e(group)}</p>")
        parts.append(block(self.tr("参加人"), "、".join(
            texts.participant_text(p.name, p.role) for p in r.participants)))
        for s in r.statements:
            parts.append(block(self.tr("{name}陈述").format(name=s.name), s.text))
        parts.append(block(self.tr("证据情况"), r.evidence))
        parts.append(block(self.tr("调解意见"), r.proposals))
        parts.append(block(self.tr("各方意见"), r.responses))
        parts.append(block(self.tr("本人意见（与群体不同之处）"), r.position))
        result = texts.result_text(r.result) if r.result else ""
        if r.next_step_on:
            result += self.tr("；下次调解日期 {d}").format(d=formatting.day(r.next_step_on))
        parts.append(block(self.tr("调解结果"), result))
        parts.append(block(self.tr("下一步"), r.next_step))
        for a in r.addenda:
            title = self.tr("补充说明（{at}，{who}）").format(
                at=formatting.china_datetime(a.at), who=people.get(a.author, a.author))
            parts.append(block(title, a.text))
        return "".join(parts)

    # ------------------------------------------------------------ actions

    def start(self) -> None:
        if self.case is None:
            return
        self.owner.session_editors.start(self.case.id, self.mode.currentData())

    def continue_draft(self, draft_id: uuid.UUID) -> None:
        self.owner.session_editors.open_id(draft_id)

    def ask_addendum(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        dialog = AddendumDialog(self.owner, record, self)
        self.current_dialog = dialog
        dialog.open()
