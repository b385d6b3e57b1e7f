"""记录群体调解…: one mediation with the business's representative and the complainants'
representatives, recorded for the group and in each member case it concerns (issue 17
item 3). The member table says, per member, how they took part (本人参加 / 由代表参加 /
未参加, or 不记入: not recorded in their case) and their own position where it differs.

Representatives are taken as 本人参加, members handled on their own (单独处理) as 不记入,
the rest as 由代表参加; the mediator changes any row, or a selection at once. Saving runs
on the write lane with progress and a stop (a stop writes nothing).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.group_sessions import (
    Attendance,
    GroupSessionContent,
    MemberAttendance,
    RepresentativeAtSession,
)
from app.core.sessions import SessionMode, SessionResult
from app.services import group_sessions, groups
from app.services.errors import ValidationFailed
from app.services.group_sessions import GroupSessionRecorded
from app.services.groups import GroupDetail, MemberRow
from app.ui import messages
from app.ui.case.sections import error_label, note_label
from app.ui.case.time_edit import ChinaDateTimeEdit
from app.ui.forms import form_layout
from app.ui.groups import group_session_texts as texts
from app.ui.session import session_texts
from app.ui.tasks import Lane, Task, TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog

# The choices of a member's row, in the order the combo lists them (None: 不记入).
CHOICES: tuple[Attendance | None, ...] = (Attendance.ATTENDED, Attendance.REPRESENTED,
                                          Attendance.ABSENT, None)
NAME_SPLIT = re.compile(r"[、,，;；\s]+")


class Column(IntEnum):
    TICKET = 0
    NAME = 1
    ATTENDANCE = 2
    POSITION = 3


@dataclass
class _Row:
    member: MemberRow
    attendance: Attendance | None
    position: str = ""


def default_attendance(member: MemberRow) -> Attendance | None:
    if member.individual:
        return None  # settled on their own: recorded only when the mediator says so
    return Attendance.ATTENDED if member.representative else Attendance.REPRESENTED


class AttendanceModel(QAbstractTableModel):
    """The group's members, each with how they took part and their own position (the
    whole group is in memory: members_of has read it already)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []

    def set_members(self, members: list[MemberRow]) -> None:
        self.beginResetModel()
        self.rows = [_Row(m, default_attendance(m)) for m in members]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {Column.TICKET: self.tr("工单号"), Column.NAME: self.tr("投诉人"),
                Column.ATTENDANCE: self.tr("参加情况"),
                Column.POSITION: self.tr("本人意见（与群体不同时填写）")}.get(Column(section))

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (Column.ATTENDANCE, Column.POSITION):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column is Column.TICKET:
                return row.member.ticket
            if column is Column.NAME:
                return row.member.complainant
            if column is Column.ATTENDANCE:
                if role == Qt.ItemDataRole.EditRole:
                    return row.attendance.value if row.attendance else ""
                return texts.attendance_text(row.attendance)
            return row.position
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.NAME:
            if row.member.individual:
                return self.tr("单独处理：不同意群体方案，默认不记入本次群体调解")
            if row.member.representative:
                return self.tr("投诉人代表")
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        if index.column() == Column.ATTENDANCE:
            row.attendance = Attendance(value) if value else None
        elif index.column() == Column.POSITION:
            row.position = str(value or "")
        else:
            return False
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.EditRole])
        return True

    def set_attendance(self, rows: list[int], value: Attendance | None) -> None:
        for n in rows:
            self.rows[n].attendance = value
        if rows:
            self.dataChanged.emit(self.index(min(rows), Column.ATTENDANCE),
                                  self.index(max(rows), Column.ATTENDANCE))

    def chosen(self) -> list[MemberAttendance]:
        return [MemberAttendance(r.member.case_id, r.attendance, r.position.strip())
                for r in self.rows if r.attendance is not None]


class AttendanceDelegate(QStyledItemDelegate):
    """The 参加情况 cell edited with a list of the four choices."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        if index.column() != Column.ATTENDANCE:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for value in CHOICES:
            combo.addItem(texts.attendance_text(value), value.value if value else "")
        return combo

    def setEditorData(self, editor: QWidget, index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class GroupSessionDialog(GuardedDialog):
    """Records one group session; ``recorded`` carries the service's answer."""

    recorded = Signal(object)  # GroupSessionRecorded

    def __init__(self, ws, runner: TaskRunner, group_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.group_id = ws, runner, group_id
        self.detail: GroupDetail | None = None
        self.task: Task | None = None
        self.setObjectName("groupSessionDialog")
        self.setWindowTitle(self.tr("记录群体调解"))
        em = self.fontMetrics().horizontalAdvance("汉")

        now = ws.now()
        self.mode = QComboBox(objectName="groupSessionMode")
        for mode in SessionMode:
            self.mode.addItem(session_texts.mode_text(mode), mode.value)
        self.mode.setCurrentIndex(self.mode.findData(SessionMode.ON_SITE.value))
        self.started = ChinaDateTimeEdit(now - timedelta(hours=1))
        self.started.setObjectName("groupSessionStarted")
        self.ended = ChinaDateTimeEdit(now)
        self.ended.setObjectName("groupSessionEnded")
        self.place = QLineEdit(objectName="groupSessionPlace")
        self.place.setMaxLength(255)
        self.place.setPlaceholderText(self.tr("如：本委员会调解室"))
        self.business = QLineEdit(objectName="groupSessionBusiness")
        self.business.setMaxLength(120)
        self.business.setPlaceholderText(self.tr("姓名及职务，如：周强（法定代表人）"))
        self.complainants = QLineEdit(objectName="groupSessionComplainants")
        self.complainants.setPlaceholderText(self.tr("多人用顿号隔开"))
        self.proposals = QPlainTextEdit(objectName="groupSessionProposals")
        self.proposals.setTabChangesFocus(True)
        self.proposals.setPlaceholderText(self.tr("如：经营者按未消费课时退费，分三期付清。"))
        self.responses = QPlainTextEdit(objectName="groupSessionResponses")
        self.responses.setTabChangesFocus(True)
        self.responses.setPlaceholderText(self.tr("经营者代表和投诉人代表的意见"))
        self.result = QComboBox(objectName="groupSessionResult")
        self.result.addItem(self.tr("（请选择）"), "")
        for result in SessionResult:
            self.result.addItem(session_texts.result_text(result), result.value)
        for edit in (self.proposals, self.responses):
            edit.setMinimumHeight(em * 5)

        form = form_layout()
        form.addRow(self.tr("调解方式"), self.mode)
        form.addRow(self.tr("开始时间"), self.started)
        form.addRow(self.tr("结束时间"), self.ended)
        form.addRow(self.tr("地点"), self.place)
        form.addRow(self.tr("经营者代表"), self.business)
        form.addRow(self.tr("投诉人代表"), self.complainants)
        form.addRow(self.tr("调解意见"), self.proposals)
        form.addRow(self.tr("各方意见"), self.responses)
        form.addRow(self.tr("调解结果"), self.result)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addStretch(1)

        self.model = AttendanceModel(self)
        self.table = QTableView(objectName="groupSessionMembers")
        self.table.setModel(self.model)
        self.table.setItemDelegate(AttendanceDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.POSITION, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel(objectName="groupSessionCount")
        self.model.dataChanged.connect(self._count)
        self.model.modelReset.connect(self._count)
        self.bulk = QComboBox(objectName="groupSessionBulk")
        for value in CHOICES:
            self.bulk.addItem(texts.attendance_text(value), value)
        self.bulk_button = QPushButton(self.tr("所选成员设为此项"), objectName="groupSessionApply")
        self.bulk_button.clicked.connect(self._apply_to_selection)
        bulk_row = QHBoxLayout()
        bulk_row.addWidget(self.count, 1)
        bulk_row.addWidget(self.bulk)
        bulk_row.addWidget(self.bulk_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("成员参加情况")))
        right_layout.addWidget(self.table, 1)
        right_layout.addLayout(bulk_row)

        columns = QHBoxLayout()
        columns.addWidget(left, 2)
        columns.addWidget(right, 3)

        self.error = error_label("groupSessionError")
        self.bar = QProgressBar(objectName="groupSessionProgress")
        self.bar.hide()
        buttons = QDialogButtonBox()
        self.stop = buttons.addButton(self.tr("停止"), QDialogButtonBox.ButtonRole.ActionRole)
        self.stop.setObjectName("groupSessionStop")
        self.stop.clicked.connect(self.cancel)
        self.stop.hide()
        self.save = buttons.addButton(self.tr("保存并记入各案"),
                                      QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setObjectName("groupSessionSave")
        self.cancel_button = buttons.addButton(self.tr("取消"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr(
            "本次调解记入群体，并作为一份已完成的调解记录记入每位所选成员的案件（各自的调解记录、"
            "时间线和历史中均可查看），保存后不能修改。"), name="groupSessionHint"))
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self.resize(em * 70, em * 40)
        self.save.setEnabled(False)
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        ws, gid = self.ws, self.group_id
        self.runner.query(self, lambda: (groups.group_detail(ws, gid), groups.members_of(ws, gid))) \
            .success(self._loaded).failure(self._failed).run()

    def _loaded(self, loaded: tuple[GroupDetail, list[MemberRow]]) -> None:
        self.detail, members = loaded
        self.setWindowTitle(self.tr("记录群体调解 — {title}").format(
            title=self.detail.particulars.title))
        self.complainants.setText("、".join(
            r.name for r in self.detail.particulars.representatives))
        self.model.set_members(members)
        self.save.setEnabled(True)
        self.mark_untouched()

    def _count(self, *_args) -> None:
        chosen = self.model.chosen()
        self.count.setText(self.tr("共 {n} 人，记入 {k} 人").format(
            n=len(self.model.rows), k=len(chosen)))

    def _apply_to_selection(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        self.model.set_attendance(rows, self.bulk.currentData())

    # ------------------------------------------------------------ saving

    def content(self) -> GroupSessionContent:
        """What the form says; a representative named as a member is linked to their case."""
        known: dict[str, uuid.UUID] = {}
        if self.detail is not None:
            known.update({r.name: r.case_id for r in self.detail.particulars.representatives
                          if r.case_id is not None})
        for row in self.model.rows:
            known.setdefault(row.member.complainant, row.member.case_id)
        names = [n for n in NAME_SPLIT.split(self.complainants.text()) if n]
        reps = tuple(RepresentativeAtSession(
            n, known[n].hex if known.get(n) is not None else None) for n in names)
        return GroupSessionContent(
            mode=self.mode.currentData(), started_at=self.started.value(),
            ended_at=self.ended.value(), place=self.place.text(),
            business_representative=self.business.text(), complainant_representatives=reps,
            proposals=self.proposals.toPlainText(), responses=self.responses.toPlainText(),
            result=self.result.currentData())

    def submit(self) -> None:
        if self.task is not None:
            return
        ws, gid = self.ws, self.group_id
        content, members = self.content(), self.model.chosen()
        self.error.hide()
        self.bar.setRange(0, max(1, len(members)))
        self.bar.setValue(0)
        self.bar.show()
        self.task = self.runner.task(
            self, lambda state: group_sessions.record_group_session(
                ws, gid, content, members, progress=state.report_progress,
                cancelled=lambda: state.cancelled),
            lane=Lane.WRITE, name="record_group_session") \
            .progress(lambda done, total: self.bar.setValue(done)) \
            .success(self._done).failure(self._failed).run()
        self._busy(True)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _busy(self, running: bool) -> None:
        self.stop.setVisible(running)
        self.save.setEnabled(not running)
        self.cancel_button.setEnabled(not running)

    def _done(self, result: GroupSessionRecorded) -> None:
        self.task = None
        self._busy(False)
        self.recorded.emit(result)
        self.close_without_asking()

    def _failed(self, failure: TaskFailure) -> None:
        self.task = None
        self._busy(False)
        self.bar.hide()
        error = failure.error
        if isinstance(error, ValidationFailed):
            self.error.setText(self.tr("请检查：") + "\n" + texts.problems_text(error))
        else:
            self.error.setText(messages.error_text(error))
        self.error.show()

