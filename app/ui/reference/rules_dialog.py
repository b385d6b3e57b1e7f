"""设置 → 期限规则: each rule set (track, the receipt dates it governs) with its clocks:
limit, unit, from when, and the legal basis cited; the 不予受理 and 终止调解 grounds its
notices print, with their legal basis; whether it is 已核实 and by whom.

An administrator changes a limit, a citation or a ground's wording and ticks 已核实 after
checking the text; saving recomputes every open case's clocks. Others see the rules
read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.timeutil import china_date
from app.core.users import UserRole
from app.services import rule_admin
from app.services.context import Workstation
from app.services.rule_admin import RuleEditRefused, RuleSetView
from app.ui import messages, tab_order
from app.ui.case.sections import error_label
from app.ui.reference.holiday_dialog import fit_to_screen, recompute_with_progress
from app.ui.tasks import TaskFailure, TaskRunner

COLUMNS = ("期限", "时限", "单位", "起算", "依据")
GROUND_COLUMNS = ("类别", "理由（文书上的文字）", "依据（文书上引用的规定）")
GROUND_KINDS = {rule_admin.REJECTION: "不予受理", rule_admin.TERMINATION: "终止调解"}


class RulesDialog(QDialog):
    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.admin = ws.actor.role == UserRole.ADMIN
        self.setObjectName("rulesDialog")
        self.setWindowTitle(self.tr("期限规则"))
        self.views: dict[str, RuleSetView] = {}
        col = QVBoxLayout(self)
        body = QHBoxLayout()
        self.sets = QListWidget()
        self.sets.setObjectName("ruleSets")
        self.sets.setMaximumWidth(300)
        self.sets.setWordWrap(True)
        self.sets.currentItemChanged.connect(lambda *_: self._show_current())
        body.addWidget(self.sets)
        right = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("ruleSetHeading")
        self.heading.setWordWrap(True)
        right.addWidget(self.heading)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("rulesTable")
        self.table.setTabKeyNavigation(False)  # Tab goes on to the cells' editors
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.grounds = QTableWidget(0, len(GROUND_COLUMNS))
        self.grounds.setObjectName("groundsTable")
        self.grounds.setTabKeyNavigation(False)
        self.grounds.setHorizontalHeaderLabels([self.tr(c) for c in GROUND_COLUMNS])
        self.grounds.verticalHeader().hide()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rulesTabs")
        self.tabs.addTab(self.table, self.tr("期限"))
        self.tabs.addTab(self.grounds, self.tr("不予受理和终止调解的理由"))
        right.addWidget(self.tabs, 1)
        self.verified = QCheckBox(self.tr("已核实：已对照法规原文核对以上时限、理由和依据"))
        self.verified.setObjectName("ruleSetVerified")
        right.addWidget(self.verified)
        self.verified_note = QLabel()
        self.verified_note.setObjectName("ruleSetVerifiedBy")
        right.addWidget(self.verified_note)
        self.problem = error_label("rulesProblem")
        right.addWidget(self.problem)
        body.addLayout(right, 1)
        col.addLayout(body, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("保存"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveRules")
        self.save_button.clicked.connect(self.save)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        col.addWidget(buttons)
        self.save_button.setVisible(self.admin)
        self.verified.setEnabled(self.admin)
        if not self.admin:
            col.addWidget(QLabel(self.tr("期限规则只有管理员可以修改。")))
        fit_to_screen(self, 1000, 560)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        ws = self.ws
        self.runner.query(self, lambda: rule_admin.rule_sets(ws)).success(
            lambda views: self._fill(views, select)).run()

    def _fill(self, views: list[RuleSetView], select: str | None) -> None:
        self.views = {v.code: v for v in views}
        self.sets.clear()
        for view in views:
            until = view.valid_to.isoformat() if view.valid_to else self.tr("今")
            state = self.tr("已核实") if view.confirmed else self.tr("未核实")
            item = QListWidgetItem(self.tr("{name}\n{track}，{start} 至 {end}（{state}）").format(
                name=view.name, track=messages.track_text(view.track),
                start=view.valid_from.isoformat(), end=until, state=state))
            item.setData(Qt.ItemDataRole.UserRole, view.code)
            self.sets.addItem(item)
            if view.code == select:
                self.sets.setCurrentItem(item)
        if self.sets.currentItem() is None and self.sets.count():
            self.sets.setCurrentRow(0)

    @staticmethod
    def _cell_editors(table: QTableWidget) -> list[QWidget]:
        return [w for r in range(table.rowCount()) for c in range(table.columnCount())
                if (w := table.cellWidget(r, c)) is not None]

    def current(self) -> RuleSetView | None:
        item = self.sets.currentItem()
        return self.views.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _show_current(self) -> None:
        view = self.current()
        self.problem.hide()
        if view is None:
            return
        self.heading.setText(f"<b>{view.name}</b>")
        self.table.setRowCount(len(view.rules))
        for row, rule in enumerate(view.rules):
            kind = QTableWidgetItem(messages.clock_kind_text(rule.kind))
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, kind)
            limit = QSpinBox()
            limit.setRange(0, 999)
            limit.setValue(rule.limit)
            limit.setEnabled(self.admin)
            self.table.setCellWidget(row, 1, limit)
            for column, text in ((2, messages.unit_text(rule.unit)),
                                 (3, messages.clock_start_text(rule.starts_at))):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            citation = QLineEdit(rule.citation)
            citation.setReadOnly(not self.admin)
            citation.setCursorPosition(0)
            self.table.setCellWidget(row, 4, citation)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.grounds.setRowCount(len(view.grounds))
        for row, ground in enumerate(view.grounds):
            kind = QTableWidgetItem(self.tr(GROUND_KINDS.get(ground.kind, ground.kind)))
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.grounds.setItem(row, 0, kind)
            for column, text in ((1, ground.text), (2, ground.basis)):
                edit = QLineEdit(text)
                edit.setReadOnly(not self.admin)
                edit.setCursorPosition(0)
                edit.setToolTip(text)  # the whole wording, where the column cuts it
                if column == 2:
                    edit.setPlaceholderText(self.tr("无明文规定的，留空：文书不引用"))
                self.grounds.setCellWidget(row, column, edit)
        self.grounds.resizeColumnToContents(0)
        header = self.grounds.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # The cells' editors are new: Tab goes through them row by row after the table.
        tab_order.chain([self.tabs.tabBar(), self.table, *self._cell_editors(self.table),
                         self.grounds, *self._cell_editors(self.grounds), self.verified])
        self.verified.setChecked(view.confirmed)
        if view.confirmed and view.verified_by:
            self.verified_note.setText(self.tr("核实人：{who}，{day}").format(
                who=view.verified_by_name or self.tr("（未填写姓名的用户）"), day=china_date(view.verified_at).isoformat()
                if view.verified_at else ""))
        elif view.confirmed:
            self.verified_note.setText(self.tr("随程序提供，已对照原文核实"))
        else:
            self.verified_note.setText(self.tr("本套规则尚未核实：依此计算的期限会标明，"
                                               "出具文书前会提醒"))

    def save(self) -> None:
        view = self.current()
        if view is None:
            return
        limits, citations = {}, {}
        for row, rule in enumerate(view.rules):
            value = self.table.cellWidget(row, 1).value()
            text = self.table.cellWidget(row, 4).text()
            if value != rule.limit:
                limits[row] = value
            if text.strip() != rule.citation:
                citations[row] = text
        grounds = {}
        for row, ground in enumerate(view.grounds):
            text = self.grounds.cellWidget(row, 1).text()
            basis = self.grounds.cellWidget(row, 2).text()
            if (text.strip(), basis.strip()) != (ground.text, ground.basis):
                grounds[(ground.kind, ground.code)] = (text, basis)
        ws, code, confirmed = self.ws, view.code, self.verified.isChecked()
        self.save_button.setEnabled(False)
        self.runner.op(self, lambda: rule_admin.save_rule_set(
            ws, code, limits=limits, citations=citations, confirmed=confirmed,
            grounds=grounds)) \
            .success(lambda changes: self._saved(code, changes)) \
            .failure(self._failed).run()

    def _saved(self, code: str, changes) -> None:
        self.save_button.setEnabled(True)
        self.reload(select=code)
        if changes.reference:
            recompute_with_progress(self.ws, self.runner, self, self.tr("期限规则"),
                                    self.tr("正在按修改后的规则重新计算在办案件的期限…"))

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        error = failure.error
        text = messages.rule_edit_text(error) if isinstance(error, RuleEditRefused) \
            else messages.error_text(error)
        self.problem.setText(text)
        self.problem.show()
