"""The agreement (人民调解协议书, and the 口头协议登记表 with the same fields) editor: a
window of its own with the form on the left and the printed pages on the right.

Every change restarts a short timer (``PREVIEW_DELAY_MS``); when it fires, the fields
are saved to the draft on the write lane and the draft is then rendered and its pages
rasterised in the read pool; ``preview_ready`` says when the new pages are on screen.
A late answer for an older revision is dropped. Closing hands any unsaved change to
the write lane (``closing``), so nothing typed is lost with the window.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clauses import (
    AMOUNT_MARK,
    AgreedClause,
    money_text,
    read_clause,
    stored_clause,
)
from app.core.documents import DocumentKind
from app.core.errors import AmountError
from app.core.money import parse_amount, to_capitals
from app.core.parties import Sex
from app.core.timeutil import china_today
from app.documents import wording
from app.services import documents
from app.services.clauses import ClauseView, office_clauses
from app.services.context import Workstation
from app.services.documents import DocumentView
from app.services.dto import Changes
from app.ui import messages, tab_order, text_size
from app.ui.case.action_dialog import ERROR_COLOUR
from app.ui.case.sections import Section, form_scroll, note_label
from app.ui.documents import document_texts as texts
from app.ui.documents.clause_dialog import ClauseDialog
from app.ui.documents.page_view import PageView
from app.ui.forms import form_layout
from app.ui.operations import documents as ops
from app.ui.qtcompat import emit
from app.ui.tasks import LatestOnly, TaskFailure, TaskRunner

PREVIEW_DELAY_MS = 600
PREVIEW_DPI = 110.0
# The printed fields of a party the mediator can correct here (JSON key, caption).
PARTY_FIELDS = (("sex", "性别"), ("ethnicity", "民族"), ("occupation", "职业"),
                ("phone", "联系方式"), ("address", "住所或单位"))
PERSON_ONLY = frozenset({"sex", "ethnicity", "occupation"})


def _text_box(placeholder: str, lines: int, name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return edit


class PartyForm(QWidget):
    """One party's printed particulars: name and role shown, the rest editable."""

    def __init__(self, party: dict[str, Any], track: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.party = dict(party)
        self.edits: dict[str, QWidget] = {}
        layout = form_layout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        role = wording.role(track, party.get("role", ""))
        heading = QLabel(f"{role}：{party.get('name', '')}")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        layout.addRow(heading)
        business = bool(party.get("business"))
        for key, caption in PARTY_FIELDS:
            if business and key in PERSON_ONLY:
                continue
            if key == "sex":
                edit: QWidget = QComboBox()
                edit.addItem(self.tr("未填"), "")
                for member in Sex:
                    edit.addItem(messages.sex_text(member), member.value)
                current = Sex.parse(party.get("sex"))
                edit.setCurrentIndex(edit.findData(current.value) if current else 0)
            else:
                edit = QLineEdit(party.get(key) or "")
            edit.setObjectName(f"party_{key}")
            layout.addRow(self.tr(caption), edit)
            self.edits[key] = edit

    def value(self) -> dict[str, Any]:
        party = dict(self.party)
        for key, edit in self.edits.items():
            party[key] = edit.currentData() if isinstance(edit, QComboBox) else edit.text()
        return party


AMOUNT_SHOWN = "【金额】"  # where the clause's amount prints, as the text box shows it


class ClauseRow(QWidget):
    """One clause: its number, its text (edited freely) and 上移 / 下移 / 删除; a clause
    that names money has its amount as a value beside it, typed once: the clause, its
    capitals and the 所涉金额 line all print from it."""

    changed = Signal()
    move = Signal(object, int)  # row, -1 / +1
    remove = Signal(object)

    def __init__(self, stored: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        clause = read_clause(stored)
        self.structured = clause.amount is not None or AMOUNT_MARK in clause.text
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(4)
        self.number = QLabel()
        self.number.setObjectName("clauseNumber")
        self.edit = _text_box("", 3, "clauseText")
        self.edit.setPlainText(clause.text.replace(AMOUNT_MARK, AMOUNT_SHOWN))
        self.edit.textChanged.connect(self._edited)
        self.up = QToolButton()
        self.up.setText("↑")
        self.up.setObjectName("clauseUp")
        self.up.setToolTip(self.tr("上移"))
        self.down = QToolButton()
        self.down.setText("↓")
        self.down.setObjectName("clauseDown")
        self.down.setToolTip(self.tr("下移"))
        self.delete = QToolButton()
        self.delete.setText("✕")
        self.delete.setObjectName("clauseDelete")
        self.delete.setToolTip(self.tr("删除此条"))
        self.up.clicked.connect(lambda: emit(self.move, self, -1))
        self.down.clicked.connect(lambda: emit(self.move, self, 1))
        self.delete.clicked.connect(lambda: emit(self.remove, self))
        tools = QVBoxLayout()
        tools.setSpacing(0)
        for b in (self.up, self.down, self.delete):
            tools.addWidget(b)
        tools.addStretch(1)
        layout.addWidget(self.number, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.edit, 0, 1)
        layout.addLayout(tools, 0, 2)
        layout.setColumnStretch(1, 1)
        self.amount_edit = QLineEdit("" if clause.amount is None else str(clause.amount))
        self.amount_edit.setObjectName("clauseAmount")
        self.amount_edit.setPlaceholderText(self.tr("金额（元），如 3200 或 3,200.50"))
        self.capitals = QLabel()
        self.capitals.setObjectName("clauseCapitals")
        self.capitals.setWordWrap(True)
        money = QHBoxLayout()
        money.addWidget(QLabel(self.tr("金额")))
        money.addWidget(self.amount_edit)
        money.addWidget(self.capitals, 1)
        self.money_row = QWidget()
        self.money_row.setLayout(money)
        money.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.money_row, 1, 1)
        self.money_row.setVisible(self.structured)
        self.amount_edit.textChanged.connect(self._edited)
        self._show_capitals()

    @property
    def amount(self) -> Decimal | None:
        text = self.amount_edit.text().strip()
        if not self.structured or not text:
            return None
        try:
            return parse_amount(text)
        except AmountError:
            return None

    def _edited(self) -> None:
        self._show_capitals()
        emit(self.changed)

    def _show_capitals(self) -> None:
        """The amount in capitals as it will print, or what is wrong with it."""
        if not self.structured:
            return
        raw = self.amount_edit.text().strip()
        style = ""
        if AMOUNT_SHOWN not in self.edit.toPlainText():
            words, style = self.tr("条款中须保留“{mark}”，金额印在那里").format(
                mark=AMOUNT_SHOWN), f"color: {ERROR_COLOUR}"
        elif not raw:
            words, style = self.tr("请填写金额"), f"color: {ERROR_COLOUR}"
        elif self.amount is None:
            words, style = self.tr("金额格式不对"), f"color: {ERROR_COLOUR}"
        else:
            words = self.tr("大写：{capitals}").format(capitals=to_capitals(self.amount))
        self.capitals.setText(words)
        self.capitals.setStyleSheet(style)

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def value(self) -> Any:
        """The clause as the draft stores it."""
        text = self.text().replace(AMOUNT_SHOWN, AMOUNT_MARK)
        if not self.structured:
            return text
        raw = self.amount_edit.text().strip()
        try:
            amount = str(parse_amount(raw)) if raw else ""
        except AmountError:
            amount = raw  # kept as typed: finalising refuses it in words
        return {"text": text, "amount": amount}


class AgreementEditor(QWidget):
    """Edits one draft. ``preview_ready(pages)`` when fresh pages are shown,
    ``saved(Changes)`` after each save, ``closing(doc_id, fields | None)`` when the
    window goes (the fields when something is still unsaved), ``finalize_requested``."""

    preview_ready = Signal(int)
    preview_failed = Signal(str)
    saved = Signal(object)
    closing = Signal(object, object)
    finalize_requested = Signal(object)  # doc id

    def __init__(self, ws: Workstation, runner: TaskRunner, doc: DocumentView,
                 case_title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ws = ws
        self.runner = runner
        self.doc = doc
        self.setObjectName("agreementEditor")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.revision = 0  # of the last change
        self.saved_revision = 0
        self.shown_revision = -1
        self.dirty = False
        self.closed = False
        self._loading = True
        self.party_forms: list[PartyForm] = []
        self.clauses: list[ClauseRow] = []
        self.current_dialog: ClauseDialog | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_and_preview)
        self._clause_reads = LatestOnly(runner, self)
        self._build(case_title)
        self._fill(doc.fields)
        self._loading = False
        self.refresh_preview(save=False)
        runner.events.changed.connect(self._on_changes)
        self.load_office_clauses()

    # ------------------------------------------------------------ building

    def _build(self, case_title: str) -> None:
        em = self.fontMetrics().horizontalAdvance("汉")
        title = texts.kind_text(self.doc.kind, self.doc.track)
        self.setWindowTitle(self.tr("{kind}（{version}）— {case}").format(
            kind=title, version=texts.version_text(self.doc.version_no), case=case_title)
            if case_title else title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(em, em, em, em)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_form(em))
        self.pages = PageView()
        self.pages.setMinimumWidth(em * 16)
        self.pages.show_message(self.tr("正在生成预览…"))
        # The preview zooms (Ctrl+= / Ctrl+- / Ctrl+0), and opens larger with a larger 字号.
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        zoom_row = QHBoxLayout()
        zoom_row.addStretch(1)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("previewZoom")
        zoom_row.addWidget(self.zoom_label)
        for name, text, keys, step in (("zoomOut", self.tr("缩小"), QKeySequence.StandardKey.ZoomOut, -0.25),
                                       ("zoomIn", self.tr("放大"), QKeySequence.StandardKey.ZoomIn, 0.25),
                                       ("zoomFit", self.tr("适应宽度"), "Ctrl+0", None)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, s=step: self.zoom_preview(s))
            QShortcut(QKeySequence(keys), self, activated=lambda s=step: self.zoom_preview(s))
            zoom_row.addWidget(button)
        preview_layout.addLayout(zoom_row)
        preview_layout.addWidget(self.pages, 1)
        splitter.addWidget(preview)
        self.zoom_preview(None, start=text_size.FACTORS[text_size.chosen()])
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([em * 32, em * 40])
        outer.addWidget(splitter, 1)
        self.problems = QLabel()
        self.problems.setObjectName("agreementProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.problems.hide()
        outer.addWidget(self.problems)
        bottom = QHBoxLayout()
        self.state_label = QLabel()
        self.state_label.setObjectName("agreementState")
        self.state_label.setWordWrap(True)
        bottom.addWidget(self.state_label, 1)
        self.close_button = QPushButton(self.tr("关闭（保留草稿）"))
        self.close_button.setObjectName("closeAgreement")
        self.close_button.clicked.connect(self.close)
        self.finalize_button = QPushButton(self.tr("定稿…"))
        self.finalize_button.setObjectName("finalizeFromEditor")
        self.finalize_button.clicked.connect(self._ask_finalize)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.finalize_button)
        outer.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_and_preview)
        self.resize(em * 72, em * 46)

    def _build_form(self, em: int) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, em // 2, 0)
        layout.setSpacing(em)

        people = Section(self.tr("当事人"))
        people.add_widget(note_label(self.tr("当事人取自案件；这里只改打印在协议书上的信息。"),
                                     name="partiesHint"))
        self._parties_box = QVBoxLayout()
        self._parties_box.setSpacing(em // 2)
        people.grid.addLayout(self._parties_box, people.grid.rowCount(), 0, 1, 2)
        layout.addWidget(people)

        self.facts = _text_box(self.tr("纠纷发生的经过和主要事实"), 5, "agreementFacts")
        self.disputes = _text_box(self.tr("双方争议的问题"), 2, "agreementDisputes")
        self.responsibility = _text_box(self.tr("经调查和调解，各方应承担的责任（可不填）"), 2,
                                        "agreementResponsibility")
        oral = self.doc.kind is DocumentKind.ORAL_AGREEMENT
        for edit, key in ((self.facts, "facts"), (self.disputes, "disputes"),
                          (self.responsibility, "responsibility")):
            section = Section(texts.field_text(key))
            section.add_widget(edit)
            layout.addWidget(section)
            # The 口头协议登记表 prints the facts, the terms and the performance only.
            section.setVisible(not (oral and key != "facts"))
            edit.textChanged.connect(self.changed)

        agreed = Section(self.tr("协议内容"))
        # A push button with a menu keeps room for its arrow (a tool button's drew over
        # the text at 150 %).
        self.add_clause_button = QPushButton(self.tr("添加条款"))
        self.add_clause_button.setObjectName("addClause")
        menu = QMenu(self.add_clause_button)
        menu.setObjectName("clauseMenu")
        for template in wording.CLAUSES:
            action = menu.addAction(template.title)
            action.setData(template.key)
            action.triggered.connect(lambda _=False, t=template: self.choose_clause(t))
        self._office_actions: list[QAction] = []  # the office's own clauses, after these
        self._blank_separator = menu.addSeparator()
        menu.aboutToShow.connect(self.load_office_clauses)  # synced ones too, next time
        self.clause_menu = menu
        blank = menu.addAction(self.tr("空白条款"))
        blank.triggered.connect(lambda: self.add_clause("", focus=True))
        self.add_clause_button.setMenu(menu)
        agreed.tools.addWidget(self.add_clause_button)
        self._clauses_box = QVBoxLayout()
        self._clauses_box.setSpacing(em // 2)
        agreed.grid.addLayout(self._clauses_box, 0, 0, 1, 2)
        layout.addWidget(agreed)

        self.performance = _text_box(self.tr("如：被申请人于2026年3月9日前通过银行转账一次性支付。"),
                                     2, "agreementPerformance")
        self.performance.textChanged.connect(self.changed)
        section = Section(texts.field_text("performance"))
        section.add_widget(self.performance)
        layout.addWidget(section)

        sign = Section(self.tr("份数和签名"))
        form = form_layout()
        self.copies = QSpinBox()
        self.copies.setObjectName("agreementCopies")
        self.copies.setRange(1, 20)
        self.copies.setSuffix(self.tr(" 份"))
        self.copies.setToolTip(self.tr("一般每方当事人各一份，调解委员会留存一份"))
        self.mediator = QLineEdit()
        self.mediator.setObjectName("agreementMediator")
        self.recorder = QLineEdit()
        self.recorder.setObjectName("agreementRecorder")
        form.addRow(texts.field_text("copies"), self.copies)
        form.addRow(texts.field_text("mediator", self.doc.track), self.mediator)
        form.addRow(texts.field_text("recorder"), self.recorder)
        form.setRowVisible(self.copies, not oral)
        sign.grid.addLayout(form, 0, 0, 1, 2)
        layout.addWidget(sign)
        layout.addStretch(1)
        self.copies.valueChanged.connect(self.changed)
        self.mediator.textChanged.connect(self.changed)
        self.recorder.textChanged.connect(self.changed)

        scroll = form_scroll(content, "agreementFormScroll")
        scroll.setMinimumWidth(em * 20)
        return scroll

    # ------------------------------------------------------------ fields in and out

    def _fill(self, f: dict[str, Any]) -> None:
        for party in f.get("parties", []):
            form = PartyForm(party, self.doc.track)
            for edit in form.edits.values():
                signal = edit.currentIndexChanged if isinstance(edit, QComboBox) \
                    else edit.textChanged
                signal.connect(self.changed)
            self._parties_box.addWidget(form)
            self.party_forms.append(form)
        # Added after the window was built: Tab reaches the parties before the facts.
        tab_order.chain([*self.party_forms, self.facts])
        self.facts.setPlainText(f.get("facts") or "")
        self.disputes.setPlainText(f.get("disputes") or "")
        self.responsibility.setPlainText(f.get("responsibility") or "")
        # A draft from before amounts were values: its listed amounts become the values of
        # the clauses that print them.
        amounts = [Decimal(str(a)) for a in f.get("amounts", [])]
        for stored in f.get("clauses", []):
            if isinstance(stored, str):
                amount = next((a for a in amounts if money_text(a) in stored), None)
                if amount is not None:
                    amounts.remove(amount)
                    stored = stored_clause(AgreedClause(
                        stored.replace(money_text(amount), AMOUNT_MARK, 1), amount))
            self.add_clause(stored)
        self.performance.setPlainText(f.get("performance") or "")
        self.copies.setValue(int(f.get("copies") or len(self.party_forms) + 1))
        self.mediator.setText(f.get("mediator") or "")
        self.recorder.setText(f.get("recorder") or "")

    def fields(self) -> dict[str, Any]:
        """The draft's fields as they stand on screen."""
        clauses = [row for row in self.clauses if row.text()]
        return {
            "parties": [form.value() for form in self.party_forms],
            "facts": self.facts.toPlainText(),
            "disputes": self.disputes.toPlainText(),
            "responsibility": self.responsibility.toPlainText(),
            "clauses": [row.value() for row in clauses],
            "amounts": [],  # the clauses carry their amounts
            "performance": self.performance.toPlainText(),
            "copies": self.copies.value(),
            "mediator": self.mediator.text().strip(),
            "recorder": self.recorder.text().strip(),
        }

    def _names(self) -> tuple[str, str]:
        parties = [form.party for form in self.party_forms]
        applicant = next((p.get("name", "") for p in parties if p.get("role") == "applicant"), "")
        respondent = next((p.get("name", "") for p in parties
                           if p.get("role") == "respondent"), "")
        return applicant, respondent

    # ------------------------------------------------------------ clauses

    def load_office_clauses(self) -> None:
        ws = self.ws
        self._clause_reads.query(lambda: office_clauses(ws)) \
            .success(self._show_office_clauses).run()

    def _show_office_clauses(self, found: list[ClauseView]) -> None:
        """The office's clauses in the 添加条款 menu, under the built-in ones."""
        menu = self.clause_menu
        for action in self._office_actions:
            menu.removeAction(action)
            action.deleteLater()
        self._office_actions = []
        if found:
            self._office_actions.append(menu.insertSeparator(self._blank_separator))
            heading = QAction(self.tr("本机构条款"), menu)
            heading.setEnabled(False)
            menu.insertAction(self._blank_separator, heading)
            self._office_actions.append(heading)
        for clause in found:
            action = QAction(clause.title, menu)
            action.setData(clause.key)
            template = clause.template()
            action.triggered.connect(lambda _=False, t=template: self.choose_clause(t))
            menu.insertAction(self._blank_separator, action)
            self._office_actions.append(action)

    def _on_changes(self, changes: Changes) -> None:
        if changes.clauses:  # edited in the 条款库
            self.load_office_clauses()

    def choose_clause(self, template: wording.ClauseTemplate) -> ClauseDialog | None:
        """A clause without blanks goes in at once; one with blanks asks for them."""
        if not template.blanks:
            self.add_clause(wording.fill_clause(template))
            return None
        applicant, respondent = self._names()
        dialog = ClauseDialog(template, applicant=applicant, respondent=respondent,
                              today=china_today(self.ws.now()), parent=self)
        dialog.accepted.connect(lambda: self.add_clause(dialog.stored()))
        self.current_dialog = dialog
        dialog.open()
        return dialog

    def add_clause(self, stored: Any, *, focus: bool = False) -> ClauseRow:
        row = ClauseRow(stored)
        row.changed.connect(self.changed)
        row.move.connect(self.move_clause)
        row.remove.connect(self.remove_clause)
        self.clauses.append(row)
        self._clauses_box.addWidget(row)
        row.show()
        self._renumber()
        if focus:
            row.edit.setFocus()
        self.changed()
        return row

    def move_clause(self, row: ClauseRow, step: int) -> None:
        n = self.clauses.index(row)
        m = n + step
        if not 0 <= m < len(self.clauses):
            return
        self.clauses[n], self.clauses[m] = self.clauses[m], self.clauses[n]
        self._clauses_box.removeWidget(row)
        self._clauses_box.insertWidget(m, row)
        self._renumber()
        self.changed()

    def remove_clause(self, row: ClauseRow) -> None:
        self.clauses.remove(row)
        self._clauses_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.changed()

    def _renumber(self) -> None:
        """Numbers, arrows and Tab order as the clauses stand now."""
        tab_order.chain([self.add_clause_button, *self.clauses, self.performance])
        for n, row in enumerate(self.clauses):
            row.number.setText(f"{n + 1}.")
            row.up.setEnabled(n > 0)
            row.down.setEnabled(n < len(self.clauses) - 1)

    # ------------------------------------------------------------ saving and the preview

    def changed(self) -> None:
        if self._loading or self.closed:
            return
        self.dirty = True
        self.revision += 1
        self._timer.start(PREVIEW_DELAY_MS)  # restarted by each change: after a pause

    def save_and_preview(self) -> None:
        self.refresh_preview(save=True)

    def refresh_preview(self, *, save: bool) -> None:
        self._timer.stop()
        revision = self.revision
        if save and self.dirty:
            self.dirty = False
            fields = self.fields()
            ws, doc_id = self.ws, self.doc.id
            self.runner.op(self, lambda: documents.update_draft(ws, doc_id, fields)) \
                .success(lambda changes: self._saved(changes, revision)) \
                .failure(self._save_failed).run()
        else:
            self._render(revision)

    def _saved(self, changes: Changes, revision: int) -> None:
        self.saved_revision = max(self.saved_revision, revision)
        self.state_label.setStyleSheet("")
        self.state_label.setText(self.tr("草稿已自动保存"))
        emit(self.saved, changes)
        if revision == self.revision:  # no newer change waiting: show this one
            self._render(revision)

    def _save_failed(self, failure: TaskFailure) -> None:
        self.dirty = True
        self.state_label.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.state_label.setText(self.tr("草稿暂未保存（{reason}），稍后自动重试。").format(
            reason=messages.error_text(failure.error)))
        if not self.closed:
            self._timer.start(PREVIEW_DELAY_MS * 5)

    def zoom_preview(self, step: float | None, *, start: float | None = None) -> None:
        """Zoom the preview by ``step`` (None: back to the pane's width)."""
        before = self.pages.zoom
        zoom = start if start is not None else (1.0 if step is None else before + step)
        zoom = self.pages.set_zoom(zoom)
        self.zoom_label.setText(self.tr("{n}%").format(n=round(zoom * 100)))
        if zoom > max(1.0, before) and start is None and self.shown_revision >= 0:
            self._render(self.revision)  # sharper pages for the larger size

    def _render(self, revision: int) -> None:
        # Pages drawn for the zoom they are shown at (never blurred by enlarging).
        dpi = PREVIEW_DPI * self.devicePixelRatioF() * max(1.0, self.pages.zoom)
        ws, doc_id = self.ws, self.doc.id
        self.runner.task(self, lambda state: ops.preview(ws, doc_id, None, dpi, revision, state)) \
            .success(self._show_pages).failure(self._render_failed).run()

    def _show_pages(self, pages: ops.Pages) -> None:
        if pages.revision < self.shown_revision or pages.revision != self.revision:
            return
        self.shown_revision = pages.revision
        self.problems.hide()
        self.pages.show_message("")
        self.pages.show_pages(pages.images)
        emit(self.preview_ready, len(pages.images))

    def _render_failed(self, failure: TaskFailure) -> None:
        text = texts.error_text(failure.error)
        self.problems.setText(self.tr("预览未能生成：{reason}").format(reason=text))
        self.problems.show()
        self.pages.show_message(text)
        emit(self.preview_failed, text)

    # ------------------------------------------------------------ finalising and closing

    def _ask_finalize(self) -> None:
        """The tab asks and finalises; the window closes first, saving what is typed."""
        emit(self.finalize_requested, self.doc.id)

    def pending_fields(self) -> dict[str, Any] | None:
        return self.fields() if self.dirty else None

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.closed:
            self.closed = True
            self._timer.stop()
            emit(self.closing, self.doc.id, self.pending_fields())
            self.dirty = False
        super().closeEvent(event)

    @property
    def doc_id(self) -> uuid.UUID:
        return self.doc.id

    def is_oral(self) -> bool:
        return self.doc.kind is DocumentKind.ORAL_AGREEMENT
