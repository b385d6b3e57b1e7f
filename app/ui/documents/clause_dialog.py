"""A clause from the library (built-in or the office's own) with its blanks filled in a
small form: who pays whom, how much (shown in figures and in capitals as it will
print), by when, how."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.clauses import AMOUNT_MARK, AgreedClause, stored_clause
from app.core.money import AmountError, format_amount, parse_amount, to_capitals
from app.documents import wording
from app.documents.wording import ClauseTemplate
from app.ui.case.sections import error_label, note_label
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.forms import form_layout
from app.ui.typed_input import GuardedDialog


def deadline_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class ClauseDialog(GuardedDialog):
    """``text()`` and ``amount()`` once accepted."""

    def __init__(self, template: ClauseTemplate, *, applicant: str, respondent: str,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.setObjectName("clauseDialog")
        self.setWindowTitle(self.tr("添加条款：{title}").format(title=template.title))
        layout = QVBoxLayout(self)
        form = form_layout()
        self.edits: dict[str, QWidget] = {}
        defaults = {"payer": respondent, "payee": applicant, "applicant": applicant,
                    "respondent": respondent, "method": self.tr("银行转账")}
        captions = {"payer": self.tr("付款（履行）方"), "payee": self.tr("收款方"),
                    "applicant": self.tr("申请人"), "respondent": self.tr("被申请人"),
                    "amount": self.tr("金额（元）"), "deadline": self.tr("期限"),
                    "method": self.tr("支付方式")}
        for blank in template.blanks:
            if blank == "deadline":
                edit = OneTabDateEdit()
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
                later = today.toordinal() + 7
                d = date.fromordinal(later)
                edit.setDate(QDate(d.year, d.month, d.day))
            else:
                edit = QLineEdit(defaults.get(blank, ""))
            edit.setObjectName(f"blank_{blank}")
            form.addRow(captions.get(blank, blank), edit)
            self.edits[blank] = edit
        layout.addLayout(form)
        self.capitals = note_label("", name="amountCapitals")
        self.capitals.setEnabled(True)
        layout.addWidget(self.capitals)
        self.error = error_label("clauseError")
        layout.addWidget(self.error)
        self.sample = note_label("", name="clauseSample")
        layout.addWidget(self.sample)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("添加"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("addClauseOk")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for edit in self.edits.values():
            signal = edit.dateChanged if isinstance(edit, QDateEdit) else edit.textChanged
            signal.connect(self._update)
        self._update()
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 30, self.sizeHint().height())

    def set_blank(self, name: str, value: str) -> None:
        edit = self.edits[name]
        assert isinstance(edit, QLineEdit)
        edit.setText(value)

    def amount(self) -> Decimal | None:
        edit = self.edits.get("amount")
        if not isinstance(edit, QLineEdit) or not edit.text().strip():
            return None
        return parse_amount(edit.text())

    def _values(self) -> dict[str, str]:
        values = {}
        for name, edit in self.edits.items():
            if isinstance(edit, QDateEdit):
                q = edit.date()
                values[name] = deadline_text(date(q.year(), q.month(), q.day()))
            elif name == "amount":
                amount = self.amount()
                values[name] = wording.money(amount) if amount is not None else ""
            else:
                values[name] = edit.text().strip()
        return values

    def _update(self) -> None:
        self.error.hide()
        if "amount" in self.edits:
            try:
                amount = self.amount()
            except AmountError:
                self.capitals.setText("")
                self.error.setText(self.tr("金额格式不对，请输入如 3200 或 3,200.50。"))
                self.error.show()
                self.ok.setEnabled(False)
                return
            self.capitals.setText(self.tr("{figures} 元　大写：{capitals}").format(
                figures=format_amount(amount), capitals=to_capitals(amount))
                if amount is not None else self.tr("请输入金额。"))
        self.ok.setEnabled(True)
        self.sample.setText(self.text())

    def text(self) -> str:
        try:
            return wording.fill_clause(self.template, **self._values())
        except AmountError:
            return ""

    def stored(self) -> Any:
        """The clause as the draft keeps it: its amount a value, printed where the
        template puts it."""
        values = self._values()
        if "amount" in values:
            values["amount"] = AMOUNT_MARK
        text = wording.fill_clause(self.template, **values)
        amount = self.amount() if "amount" in self.edits else None
        return stored_clause(AgreedClause(text, amount))

    def submit(self) -> None:
        if "amount" in self.edits and self.amount() is None:
            self.error.setText(self.tr("请输入金额。"))
            self.error.show()
            return
        self.accept()
