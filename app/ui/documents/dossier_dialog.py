"""The 卷宗 draft: its checklist in filing order (有 / 缺, and a box for why each missing
item is missing), where each file of the case goes, how the 权利义务告知书 was given,
the retention and the remarks. The checklist follows the choices as they are made (the
completeness rule is the core's, app/core/dossier.py); 保存 hands the fields to the tab,
which writes them on the write lane."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.dossier import (
    EXCLUDED,
    GENERATED,
    DossierCheck,
    DossierItem,
    ItemState,
    Need,
    check_dossier,
)
from app.core.timeutil import china_today
from app.services import dossier
from app.services.context import Workstation
from app.services.documents import DocumentView
from app.services.dossier import DossierChecklist, DossierFile
from app.ui import tab_order
from app.ui.case.field_editors import WARNING_COLOUR, editable_combo
from app.ui.case.sections import error_label, form_scroll, note_label
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.documents import document_texts as texts
from app.ui.documents import dossier_texts as words
from app.ui.forms import form_layout
from app.ui.qtcompat import emit
from app.ui.tasks import TaskFailure, TaskRunner


class DossierDialog(QDialog):
    loaded = Signal()  # the checklist is on screen

    def __init__(self, ws: Workstation, runner: TaskRunner, doc: DocumentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.doc = ws, runner, doc
        self.checklist: DossierChecklist | None = None
        self.states: dict[DossierItem, QLabel] = {}
        self.reasons: dict[DossierItem, QLineEdit] = {}
        self.places: dict[str, QComboBox] = {}
        self.setObjectName("dossierDialog")
        self.setWindowTitle(self.tr("编辑调解卷宗"))
        em = self.fontMetrics().horizontalAdvance("汉")
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr(
            "卷宗按卷内目录的顺序排列。必须的材料缺少时，请写明缺少的原因（会印在卷内目录和备考表上）；"
            "没有写明原因的，不能归档。"), name="dossierHint"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossierTabs")
        self.items_page = QWidget()
        self.items_grid = QGridLayout(self.items_page)
        self.items_grid.setHorizontalSpacing(em)
        self.tabs.addTab(form_scroll(self.items_page, "dossierItems"), self.tr("材料清单"))
        self.files_page = QWidget()
        self.files_grid = QGridLayout(self.files_page)
        self.files_grid.setHorizontalSpacing(em)
        self.tabs.addTab(form_scroll(self.files_page, "dossierFiles"), self.tr("案件文件"))
        self.notice_page = self._notice_page()
        self.tabs.addTab(self.notice_page, self.tr("告知与备考"))
        layout.addWidget(self.tabs, 1)
        self.summary = QLabel()
        self.summary.setObjectName("dossierSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.error = error_label("dossierError")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("dossierOk")
        self.ok.setEnabled(False)  # until the checklist is read
        self.cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(em * 44, em * 40)
        ws_, doc_id = ws, doc.id
        runner.query(self, lambda: dossier.checklist(ws_, doc_id)) \
            .success(self._show).failure(self._failed).run()

    # ------------------------------------------------------------ building

    def _notice_page(self) -> QWidget:
        page = QWidget()
        form = form_layout(page)
        given = self.doc.fields.get("rights_notice")
        given = given if isinstance(given, dict) else {}
        self.recorded = QCheckBox(self.tr("已记录告知情况（印在权利义务告知书上）"))
        self.recorded.setObjectName("noticeRecorded")
        self.recorded.setChecked(bool(given.get("on") or given.get("method")))
        form.addRow(self.recorded)
        self.notice_on = OneTabDateEdit()
        self.notice_on.setObjectName("noticeDate")
        self.notice_on.setCalendarPopup(True)
        self.notice_on.setDisplayFormat("yyyy-MM-dd")
        try:
            on = date.fromisoformat(str(given.get("on") or ""))
        except ValueError:
            on = china_today(self.ws.now())
        self.notice_on.setDate(QDate(on.year, on.month, on.day))
        form.addRow(self.tr("告知日期"), self.notice_on)
        self.notice_method = editable_combo(words.delivery_methods(), self.tr("如：当面告知"))
        self.notice_method.setObjectName("noticeMethod")
        self.notice_method.setEditText(str(given.get("method") or ""))
        form.addRow(self.tr("告知方式"), self.notice_method)
        self.notice_by = QLineEdit(str(given.get("by") or ""))
        self.notice_by.setObjectName("noticeBy")
        self.notice_by.setPlaceholderText(self.tr("不填则为本案调解员"))
        form.addRow(self.tr("告知人"), self.notice_by)
        self.notice_to = QLineEdit(str(given.get("to") or ""))
        self.notice_to.setObjectName("noticeTo")
        self.notice_to.setPlaceholderText(self.tr("不填则为全体当事人"))
        form.addRow(self.tr("告知对象"), self.notice_to)
        self.recorded.toggled.connect(self._notice_enabled)
        self._notice_enabled(self.recorded.isChecked())
        self.retention = QLineEdit(str(self.doc.fields.get("retention") or ""))
        self.retention.setObjectName("field_retention")
        form.addRow(texts.field_text("retention"), self.retention)
        self.remarks = QPlainTextEdit(str(self.doc.fields.get("remarks") or ""))
        self.remarks.setObjectName("field_remarks")
        self.remarks.setTabChangesFocus(True)
        self.remarks.setPlaceholderText(self.tr("印在封面和备考表上"))
        self.remarks.setMaximumHeight(self.remarks.fontMetrics().lineSpacing() * 6)
        form.addRow(texts.field_text("remarks"), self.remarks)
        return page

    def _notice_enabled(self, on: bool) -> None:
        for widget in (self.notice_on, self.notice_method, self.notice_by, self.notice_to):
            widget.setEnabled(on)

    def _show(self, checklist: DossierChecklist) -> None:
        self.checklist = checklist
        reasons = dossier.reasons_of(checklist.fields)
        grid = self.items_grid
        for column, caption in enumerate((self.tr("材料"), self.tr("要求"), self.tr("状态"),
                                          self.tr("内容或缺少原因"))):
            grid.addWidget(QLabel(f"<b>{caption}</b>"), 0, column)
        contents = self._contents(checklist)
        for row, check in enumerate(checklist.plan.check.items, start=1):
            item = check.item
            grid.addWidget(QLabel(words.item_text(item)), row, 0)
            grid.addWidget(QLabel(words.need_text(check.need)), row, 1)
            state = QLabel()
            state.setObjectName(f"state_{item.value}")
            self.states[item] = state
            grid.addWidget(state, row, 2)
            if check.need is Need.REQUIRED and item not in GENERATED:
                reason = QLineEdit(reasons.get(item.value, ""))
                reason.setObjectName(f"reason_{item.value}")
                reason.setPlaceholderText(self.tr("缺少时写明原因，如：当事人未提供"))
                reason.textChanged.connect(self._recheck)
                self.reasons[item] = reason
                box = QVBoxLayout()
                box.setSpacing(2)
                shown = note_label(contents.get(item, ""), name=f"contents_{item.value}")
                box.addWidget(shown)
                box.addWidget(reason)
                grid.addLayout(box, row, 3)
            else:
                grid.addWidget(note_label(words.made_text(item) or contents.get(item, ""),
                                          name=f"contents_{item.value}"), row, 3)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(len(checklist.plan.check.items) + 1, 1)
        self._show_files(checklist.plan.files)
        # The lists were filled after the buttons were made: Tab reads them first.
        tab_order.chain([self.tabs.tabBar(), self.items_page, self.files_page,
                         self.notice_page, self.ok, self.cancel])
        self.ok.setEnabled(True)
        self._recheck()
        emit(self.loaded)

    def _contents(self, checklist: DossierChecklist) -> dict[DossierItem, str]:
        found: dict[DossierItem, list[str]] = {}
        for f in checklist.plan.files:
            if f.item is not None:
                found.setdefault(f.item, []).append(f.title)
        shown = {item: "、".join(titles) for item, titles in found.items()}
        for item in checklist.plan.drafts - set(found):
            shown[item] = self.tr("有草稿，定稿后才归入卷宗")
        return shown

    def _show_files(self, files: tuple[DossierFile, ...]) -> None:
        grid = self.files_grid
        movable = [f for f in files if f.movable]
        if not movable:
            grid.addWidget(note_label(self.tr("本案没有可归入卷宗的文件。"), name="noFiles"),
                           0, 0)
            return
        grid.addWidget(QLabel(f"<b>{self.tr('文件')}</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>{self.tr('归入')}</b>"), 0, 1)
        for row, f in enumerate(movable, start=1):
            name = QLabel(f.name)
            name.setWordWrap(True)
            grid.addWidget(name, row, 0)
            combo = QComboBox()
            combo.setObjectName(f"placement_{f.key}")
            for place in words.PLACES:
                combo.addItem(words.place_text(place), place)
            chosen = EXCLUDED if f.item is None else f.item.value
            combo.setCurrentIndex(combo.findData(chosen))
            combo.currentIndexChanged.connect(self._recheck)
            self.places[f.key] = combo
            grid.addWidget(combo, row, 1)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(len(movable) + 1, 1)

    # ------------------------------------------------------------ the check, live

    def current_check(self) -> DossierCheck | None:
        if self.checklist is None:
            return None
        plan = self.checklist.plan
        present = set()
        for f in plan.files:
            combo = self.places.get(f.key)
            place = combo.currentData() if combo is not None else (
                f.item.value if f.item is not None else EXCLUDED)
            if place != EXCLUDED:
                present.add(DossierItem(place))
        reasons = {item.value: edit.text() for item, edit in self.reasons.items()}
        return check_dossier(plan.track, plan.outcome, present, reasons, mediated=plan.mediated)

    def _recheck(self) -> None:
        check = self.current_check()
        if check is None:
            return
        for entry in check.items:
            label = self.states[entry.item]
            label.setText(words.state_text(entry.state))
            label.setStyleSheet(f"color: {WARNING_COLOUR}; font-weight: bold;"
                                if entry.state is ItemState.MISSING else "")
            reason = self.reasons.get(entry.item)
            if reason is not None:
                reason.setVisible(entry.state is not ItemState.PRESENT)
        if check.complete:
            self.summary.setText(self.tr("材料齐全或已写明缺少原因，可以归档。"))
            self.summary.setStyleSheet("")
        else:
            self.summary.setText(self.tr("以下材料缺少，且没有写明原因，暂不能归档：{items}").format(
                items=words.items_text(check.blocking)))
            self.summary.setStyleSheet(f"color: {WARNING_COLOUR};")

    def _failed(self, failure: TaskFailure) -> None:
        self.error.setText(texts.error_text(failure.error))
        self.error.show()

    # ------------------------------------------------------------ the answer

    def values(self) -> dict[str, Any]:
        """The draft's fields as the dialog leaves them."""
        check = self.current_check()
        missing = {e.item for e in check.items if e.state is not ItemState.PRESENT} \
            if check else set()
        reasons = {item.value: edit.text().strip() for item, edit in self.reasons.items()
                   if item in missing and edit.text().strip()}
        placement = {}
        for f in (self.checklist.plan.files if self.checklist else ()):
            combo = self.places.get(f.key)
            if combo is not None and combo.currentData() != f.default.value:
                placement[f.key] = combo.currentData()
        notice: dict[str, str] = {}
        if self.recorded.isChecked():
            q = self.notice_on.date()
            notice = {"on": date(q.year(), q.month(), q.day()).isoformat(),
                      "method": self.notice_method.currentText().strip(),
                      "by": self.notice_by.text().strip(), "to": self.notice_to.text().strip()}
        return {"missing_reasons": reasons, "placement": placement, "rights_notice": notice,
                "retention": self.retention.text().strip(),
                "remarks": self.remarks.toPlainText().strip()}
