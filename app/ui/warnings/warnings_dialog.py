"""视图 → 预警: the office's warnings, those needing attention first; each with its rule,
what it is about, what the rule saw, when it fired and grew, and who acknowledged it.
Below, the cases it rests on: a double-click (or 打开案件) shows one in the window's
case pane. 确认… records a note (audited, synced to every desk of the office).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.groups import GroupOrigin
from app.core.warnings import WarningRule
from app.core.workflow import CaseStatus, Source
from app.services import groups, warnings
from app.services.context import Workstation
from app.services.groups import TITLE_MAX, GroupInput
from app.services.queue import QueueFilter
from app.services.warnings import NOTE_MAX, WarningCase, WarningView
from app.ui import formatting, messages
from app.ui.case.sections import error_label, value_label
from app.ui.qtcompat import emit
from app.ui.reference.holiday_dialog import fit_to_screen
from app.ui.row_tables import ID_ROLE, row_item, row_table
from app.ui.tasks import TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog
from app.ui.warnings import warning_texts as texts


def _enum_text(word: Callable, enum, value: str) -> str:
    try:
        return word(enum(value))
    except ValueError:
        return value


class AckDialog(GuardedDialog):
    """确认预警: what was done about it, in a sentence or two (may be left empty)."""

    def __init__(self, w: WarningView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ackWarningDialog")
        self.setWindowTitle(self.tr("确认预警"))
        layout = QVBoxLayout(self)
        layout.addWidget(value_label(f"{texts.rule_threshold_text(w)}\n{w.subject}："
                                     f"{texts.fact_text(w)}"))
        layout.addWidget(QLabel(self.tr("处理说明（如：已联系街道，安排上门核查）：")))
        self.note = QPlainTextEdit()
        self.note.setObjectName("ackNote")
        self.note.setTabChangesFocus(True)
        self.note.setPlainText(w.ack_note)
        layout.addWidget(self.note, 1)
        self.problem = error_label("ackProblem")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("确认"))
        ok.setObjectName("ackOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 32, em * 16)

    def _accept_if_valid(self) -> None:
        if len(self.note.toPlainText().strip()) > NOTE_MAX:
            self.problem.setText(self.tr("处理说明不能超过 {limit} 个字。").format(limit=NOTE_MAX))
            self.problem.show()
            return
        self.accept()


class WarningsDialog(QDialog):
    open_case = Signal(object)  # uuid.UUID: show this case in the window
    show_cases = Signal(str, object)  # the words for the queue's chip, a QueueFilter
    group_made = Signal(object)  # uuid.UUID: a group dispute made from a warning
    loaded = Signal()  # the list shows fresh warnings (tests and the screenshot wait)
    cases_loaded = Signal()

    COLUMNS = ("状态", "规则", "对象", "情况", "首次预警", "最近增加")
    CASE_COLUMNS = ("工单编号", "来源", "登记时间", "被投诉方", "标题", "状态")

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.views: list[WarningView] = []
        self.ack_dialog: AckDialog | None = None
        self.setObjectName("warningsDialog")
        self.setWindowTitle(self.tr("预警"))
        em = self.fontMetrics().horizontalAdvance("汉")

        self.only_open = QCheckBox(self.tr("只看待处理（未确认或确认后有新增）"))
        self.only_open.setObjectName("onlyOpenWarnings")
        self.only_open.toggled.connect(lambda _on: self.load())
        self.summary = QLabel()
        self.summary.setObjectName("warningsSummary")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_open)

        self.table = row_table("warningsTable", [self.tr(c) for c in self.COLUMNS], 3)
        for column, width in ((0, 8), (1, 10), (2, 15), (4, 9), (5, 9)):
            self.table.setColumnWidth(column, em * width)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected_case())

        self.detail = value_label("", name="warningDetail")
        self.ack_label = value_label("", name="warningAck")
        self.cases = row_table("warningCases", [self.tr(c) for c in self.CASE_COLUMNS], 4)
        for column, width in ((0, 12), (1, 6), (2, 9), (3, 14), (5, 5)):
            self.cases.setColumnWidth(column, em * width)
        self.cases.itemDoubleClicked.connect(lambda _item: self.open_selected_case())

        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.setObjectName("openWarningCase")
        self.open_button.clicked.connect(self.open_selected_case)
        self.list_button = QPushButton(self.tr("在案件列表中查看"))
        self.list_button.setObjectName("listWarningCases")
        self.list_button.setToolTip(self.tr("主窗口的案件列表只显示这条预警涉及的案件"))
        self.list_button.clicked.connect(self.list_selected_cases)
        self.ack_button = QPushButton(self.tr("确认…"))
        self.ack_button.setObjectName("ackWarning")
        self.ack_button.clicked.connect(self.acknowledge)
        self.group_button = QPushButton(self.tr("建立群体纠纷"))
        self.group_button.setObjectName("makeGroup")
        self.group_button.setToolTip(self.tr("把这条预警涉及的工单合并为一个群体纠纷处理（各工单仍逐件办结）"))
        self.group_button.clicked.connect(self.make_group)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.load)
        self.error = error_label("warningsError")
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.list_button)
        buttons.addWidget(self.group_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.ack_button)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.ack_label)
        lower_layout.addWidget(QLabel(self.tr("涉及的案件（双击在主窗口中打开）：")))
        lower_layout.addWidget(self.cases, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([em * 14, em * 16])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, em * 70, em * 40)
        self._show_selected(None)
        runner.events.changed.connect(self._on_changed)
        self.load()

    # ------------------------------------------------------------ reading

    def load(self) -> None:
        ws, only_open = self.ws, self.only_open.isChecked()
        self.runner.query(self, lambda: warnings.list_warnings(ws, only_open=only_open)) \
            .success(self._show).failure(self._failed).run()

    def _on_changed(self, changes) -> None:
        if getattr(changes, "warnings", False):
            self.load()

    def _show(self, views: list[WarningView]) -> None:
        keep = self.selected()
        keep_id = keep.id if keep else None
        self.views = views
        self.table.setRowCount(len(views))
        attention = 0
        for row, w in enumerate(views):
            attention += w.needs_attention
            cells = (texts.status_text(w), messages.warning_rule_text(w.rule), w.subject,
                     texts.fact_text(w), formatting.china_datetime(w.first_fired_at),
                     formatting.china_datetime(w.last_grown_at))
            for column, text in enumerate(cells):
                item = row_item(text, w.id if column == 0 else None)
                if w.needs_attention:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.summary.setText(self.tr("共 {total} 条预警，待处理 {open} 条").format(
            total=len(views), open=attention) if views else self.tr("目前没有预警。"))
        row = next((n for n, w in enumerate(views) if w.id == keep_id), 0 if views else None)
        if row is not None:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)
        self._show_selected(self.selected())
        self.loaded.emit()

    def selected(self) -> WarningView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.views):
            return None
        return self.views[rows[0].row()]

    def _selected(self) -> None:
        self._show_selected(self.selected())

    def list_selected_cases(self) -> None:
        w = self.selected()
        if w is not None and w.case_ids:
            emit(self.show_cases, self.tr("预警：{subject}").format(subject=w.subject),
                 QueueFilter(case_ids=frozenset(w.case_ids)))

    def _show_selected(self, w: WarningView | None) -> None:
        self.ack_button.setEnabled(w is not None)
        self.list_button.setEnabled(w is not None and bool(w.case_ids))
        self.group_button.setEnabled(w is not None and len(w.case_ids) >= 2)
        self.cases.setRowCount(0)
        self.open_button.setEnabled(False)
        if w is None:
            self.detail.setText("")
            self.ack_label.setText("")
            return
        self.detail.setText(self.tr("{rule}\n对象：{subject}。{fact}").format(
            rule=texts.rule_threshold_text(w), subject=w.subject, fact=texts.fact_text(w)))
        self.ack_label.setText(texts.acknowledged_text(w))
        self.ack_button.setText(self.tr("再次确认…") if w.acknowledged_at else self.tr("确认…"))
        ws, warning_id = self.ws, w.id
        self.runner.query(self, lambda: warnings.warning_cases(ws, warning_id)) \
            .success(lambda found: self._show_cases(warning_id, found)) \
            .failure(self._failed).run()

    def _show_cases(self, warning_id: uuid.UUID, found: list[WarningCase]) -> None:
        current = self.selected()
        if current is None or current.id != warning_id:
            return  # another warning was chosen meanwhile
        self.cases.setRowCount(len(found))
        for row, c in enumerate(found):
            cells = (c.source_ticket, _enum_text(messages.source_text, Source, c.source),
                     formatting.china_datetime(c.received_at), c.respondent_name, c.title,
                     _enum_text(messages.status_text, CaseStatus, c.status))
            for column, text in enumerate(cells):
                item = row_item(text, c.id if column == 0 else None)
                item.setToolTip(text)
                self.cases.setItem(row, column, item)
        if found:
            self.cases.selectRow(0)
        self.open_button.setEnabled(bool(found))
        self.cases_loaded.emit()

    def case_ids_shown(self) -> list[uuid.UUID]:
        return [self.cases.item(r, 0).data(ID_ROLE) for r in range(self.cases.rowCount())]

    def open_selected_case(self) -> None:
        rows = self.cases.selectionModel().selectedRows()
        if rows:
            self.open_case.emit(self.cases.item(rows[0].row(), 0).data(ID_ROLE))

    # ------------------------------------------------------------ a group from a warning

    def make_group(self) -> None:
        """建立群体纠纷: the warning's cases become one group (those another group holds
        stay there, and are named)."""
        w = self.selected()
        if w is None:
            return
        self.error.hide()
        ws = self.ws
        values = GroupInput(w.subject[:TITLE_MAX], respondent_name=w.subject[:120]
                            if w.rule == WarningRule.BUSINESS_VOLUME else "",
                            origin=GroupOrigin.WARNING, warning_id=w.id)
        case_ids = list(w.case_ids)
        self.runner.op(self, lambda: groups.create_group(ws, values, case_ids)) \
            .success(self._group_made).failure(self._failed).run()

    def _group_made(self, made) -> None:
        group_id, membership = made
        if membership.refused:
            self.error.setText(self.tr("已建立群体纠纷；{n} 件工单未加入：{why}").format(
                n=len(membership.refused), why="；".join(
                    messages.member_refusal_text(reason, group)
                    for reason, group in list(membership.refused.values())[:3])))
            self.error.show()
        emit(self.group_made, group_id)

    # ------------------------------------------------------------ acknowledging

    def acknowledge(self) -> None:
        w = self.selected()
        if w is None:
            return
        dialog = AckDialog(w, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._acknowledged(w.id, dialog.note.toPlainText()))
        self.ack_dialog = dialog
        dialog.open()

    def _acknowledged(self, warning_id: uuid.UUID, note: str) -> None:
        self.error.hide()
        ws = self.ws
        self.runner.op(self, lambda: warnings.acknowledge(ws, warning_id, note)) \
            .failure(self._failed).run()

    def _failed(self, failure: TaskFailure) -> None:
        self.error.setText(messages.error_text(failure.error))
        self.error.show()
