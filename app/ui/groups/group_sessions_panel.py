"""The group page's 群体调解记录 tab (issue 17, item 3): the group's sessions, the latest
first — when, how, the result and how many member cases hold the record — what the
chosen one said, and 记录群体调解… to record another (GroupSessionDialog). The group
window places it with ``add_page``; ``set_group`` tells it which group is shown."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import group_sessions
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.group_sessions import GroupSessionRecorded, GroupSessionSummary
from app.ui import formatting
from app.ui.case.sections import value_label
from app.ui.groups.group_session_dialog import GroupSessionDialog
from app.ui.row_tables import ID_ROLE, row_item, row_table
from app.ui.session import session_texts
from app.ui.tasks import TaskRunner


class GroupSessionsPanel(QWidget):
    loaded = Signal()  # the list is fresh
    dialog_opened = Signal(object)  # the GroupSessionDialog, for whoever watches

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.group_id: uuid.UUID | None = None
        self.sessions: list[GroupSessionSummary] = []
        self.dialog: GroupSessionDialog | None = None
        self.setObjectName("groupSessions")
        em = self.fontMetrics().horizontalAdvance("汉")

        self.table = row_table("groupSessionsTable", (
            self.tr("时间"), self.tr("方式"), self.tr("调解结果"), self.tr("记入成员")), 3)
        for column, width in ((0, 9), (1, 4), (2, 6)):
            self.table.setColumnWidth(column, em * width)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.detail = QTextBrowser(objectName="groupSessionDetail")
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        self.empty = value_label(self.tr("尚无群体调解记录。"), name="noGroupSessions")
        self.record_button = QPushButton(self.tr("记录群体调解…"))
        self.record_button.setObjectName("recordGroupSession")
        self.record_button.setToolTip(self.tr(
            "与经营者代表、投诉人代表的一次调解，记入群体并记入每位所选成员的调解记录"))
        self.record_button.clicked.connect(self.record)
        self.result = value_label("", name="groupSessionsResult")
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        runner.events.changed.connect(self._on_changed)
        self._enable()

    def set_group(self, group_id: uuid.UUID | None) -> None:
        self.group_id = group_id
        self.result.setText("")
        self._enable()
        self.load()

    def load(self) -> None:
        if self.group_id is None:
            self._show([])
            return
        ws, gid = self.ws, self.group_id
        self.runner.query(self, lambda: group_sessions.list_group_sessions(ws, gid)) \
            .success(lambda rows, gid=gid: self._show(rows) if gid == self.group_id else None) \
            .run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.sessions and self.group_id is not None:
            self.load()

    def _enable(self) -> None:
        self.record_button.setEnabled(self.group_id is not None)

    def _show(self, rows: list[GroupSessionSummary]) -> None:
        self.sessions = rows
        self.table.setRowCount(len(rows))
        for n, s in enumerate(rows):
            c = s.content
            cells = (formatting.china_datetime(c.started_at), session_texts.mode_text(c.mode),
                     session_texts.result_text(c.result) if c.result else "",
                     self.tr("{n} 件（本人参加 {a}，由代表参加 {r}，未参加 {x}）").format(
                         n=s.members, a=s.attended, r=s.represented, x=s.absent))
            for column, text in enumerate(cells):
                self.table.setItem(n, column, row_item(text, s.id if column == 0 else None))
        for column in (0, 1, 2):
            self.table.resizeColumnToContents(column)
        self.empty.setVisible(not rows)
        if rows:
            self.table.selectRow(0)
        else:
            self.detail.clear()
        self.loaded.emit()

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.clear()
            return
        chosen = self.table.item(rows[0].row(), 0).data(ID_ROLE)
        found = next((s for s in self.sessions if s.id == chosen), None)
        self.detail.setHtml(self.session_html(found) if found is not None else "")

    def session_html(self, s: GroupSessionSummary) -> str:
        """The record as read-only text; everything typed is escaped."""
        e = html.escape
        c = s.content

        def block(title: str, text: str) -> str:
            if not text.strip():
                return ""
            return f"<p><b>{e(title)}</b><br>{e(text).replace(chr(10), '<br>')}</p>"

        when = formatting.china_datetime(c.started_at)
        if c.ended_at is not None:
            when += "—" + formatting.china_datetime(c.ended_at)
        head = self.tr("{mode}群体调解　{when}").format(
            mode=session_texts.mode_text(c.mode), when=when)
        parts = [f"<h3>{e(head)}</h3>"]
        if c.place:
            parts.append(f"<p>{e(self.tr('地点：{place}').format(place=c.place))}</p>")
        parts.append(block(self.tr("经营者代表"), c.business_representative))
        parts.append(block(self.tr("投诉人代表"), "、".join(
            r.name for r in c.complainant_representatives)))
        parts.append(block(self.tr("调解意见"), c.proposals))
        parts.append(block(self.tr("各方意见"), c.responses))
        parts.append(block(self.tr("调解结果"), session_texts.result_text(c.result)
                           if c.result else ""))
        return "".join(parts)

    # ------------------------------------------------------------ recording

    def record(self) -> None:
        if self.group_id is None:
            return
        dialog = GroupSessionDialog(self.ws, self.runner, self.group_id, self)
        dialog.recorded.connect(self._recorded)
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _recorded(self, result: GroupSessionRecorded) -> None:
        text = self.tr("已记入 {n} 件成员案件的调解记录。").format(n=len(result.recorded))
        if result.skipped:
            text += self.tr("{k} 件已不在本群体中，未记入。").format(k=len(result.skipped))
        self.result.setText(text)
        self.load()
