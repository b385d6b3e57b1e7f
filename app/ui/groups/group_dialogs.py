"""The group page's small dialogs (issue 17): 编辑… a group's particulars, 退费方案…,
a member's 退费数据 and a refund paid by hand, and 整组改派…. Each asks, checks what it
can itself (an amount, a formula) and hands the group window a value; the window runs
the service on the write lane and shows a refusal here (``refuse``), keeping what was
typed.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.groups import GroupError, GroupStatus, MemberFacts, RefundBasis, RefundFormula
from app.core.money import AmountError, format_amount, from_fen, parse_amount, to_fen
from app.services.group_payments import RefundPlan
from app.services.groups import GroupDetail, GroupParticulars, MemberRow, Representative
from app.ui import messages
from app.ui.case.sections import error_label, note_label
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.forms import form_layout
from app.ui.row_tables import ID_ROLE

NO_DATE = QDate(2000, 1, 1)  # a date field's 'not chosen'


def _yuan_text(fen: int | None) -> str:
    return "" if fen is None else format_amount(from_fen(fen)).replace(",", "")


def date_field(value: date | None, *, optional: bool, latest: date | None = None) -> QDateEdit:
    """A date picker; ``optional``: its first day reads 未定 (not chosen)."""
    edit = OneTabDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if optional:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(QCoreApplication.translate("GroupDialogs", "未定"))
    if latest is not None:
        edit.setMaximumDate(QDate(latest))
    edit.setDate(QDate(value) if value else (NO_DATE if optional else QDate.currentDate()))
    return edit


def index_of(combo: QComboBox, value: object) -> int:
    """The item holding ``value`` (-1: none). QComboBox.findData compares a Python
    object's wrapper, not its value: a UUID read again is never found by it."""
    return next((n for n in range(combo.count()) if combo.itemData(n) == value), -1)


def chosen_date(edit: QDateEdit) -> date | None:
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return None
    return edit.date().toPython()


class FormDialog(QDialog):
    """A form, a line for what is wrong, and OK / 取消; OK emits ``submitted`` with the
    value (the window closes the dialog once the service took it)."""

    submitted = Signal(object)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.form = form_layout()
        self.problem = error_label(f"{name}Problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self.em = self.fontMetrics().horizontalAdvance("汉")

    def finish_layout(self, title: str, ok_text: str, width_em: int) -> None:
        self.setWindowTitle(title)
        self.ok_button.setText(ok_text)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(self.em * width_em)

    def value(self) -> object:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            value = self.value()
        except (AmountError, GroupError, ValueError) as exc:
            self.refuse(_input_text(exc))
            return
        self.problem.hide()
        self.ok_button.setEnabled(False)  # until the window answers
        self.submitted.emit(value)

    def refuse(self, text: str) -> None:
        self.ok_button.setEnabled(True)
        self.problem.setText(text)
        self.problem.show()


def _input_text(exc: Exception) -> str:
    if isinstance(exc, GroupError):
        return messages.ENUM_TEXTS[type(exc.code)](exc.code)
    if isinstance(exc, AmountError):
        return messages.error_text(exc)
    return str(exc.args[0]) if exc.args else messages.error_text(exc)


# ------------------------------------------------------------------ 编辑…


class GroupEditDialog(FormDialog):
    """编辑…: the group's name, business, lead mediator, representatives (picked from the
    members, or anyone typed in), status and notes."""

    def __init__(self, detail: GroupDetail, mediators: list[tuple[uuid.UUID, str]],
                 members: list[MemberRow], parent: QWidget | None = None) -> None:
        super().__init__("groupEdit", parent)
        p = detail.particulars
        self.detail, self.members = detail, members
        self.title = QLineEdit(p.title, objectName="groupTitle")
        self.title.setMaxLength(120)
        self.respondent = QLineEdit(p.respondent_name, objectName="groupRespondent")
        self.uscc = QLineEdit(p.respondent_uscc, objectName="groupUscc")
        self.uscc.setMaxLength(18)
        self.uscc.setPlaceholderText(self.tr("18 位，不知道可以留空"))
        self.lead = QComboBox(objectName="groupLead")
        self.lead.addItem(self.tr("（未指定）"), None)
        for mediator_id, name in mediators:
            self.lead.addItem(name or self.tr("（未填姓名）"), mediator_id)
        if p.lead_mediator_id is not None and index_of(self.lead, p.lead_mediator_id) < 0:
            self.lead.addItem(detail.lead_mediator or self.tr("（已停用）"), p.lead_mediator_id)
        self.lead.setCurrentIndex(max(0, index_of(self.lead, p.lead_mediator_id)))
        self.status = QComboBox(objectName="groupStatus")
        for status in GroupStatus:
            self.status.addItem(messages.group_status_text(status), status)
        self.status.setCurrentIndex(index_of(self.status, p.status))

        self.reps = QTableWidget(0, 2)
        self.reps.setObjectName("groupRepresentatives")
        self.reps.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("电话")])
        self.reps.horizontalHeader().setStretchLastSection(True)
        self.reps.setColumnWidth(0, self.em * 8)
        self.reps.verticalHeader().hide()
        self.reps.setTabKeyNavigation(False)
        self.reps.setMinimumHeight(self.em * 6)
        for rep in p.representatives:
            self._add_row(rep)
        self.pick = QComboBox(objectName="representativePick")
        self.pick.addItem(self.tr("（另行填写）"), None)
        for m in members:
            self.pick.addItem(f"{m.complainant}（{m.ticket}）", m.case_id)
        add = QPushButton(self.tr("添加代表"), objectName="addRepresentative")
        add.clicked.connect(self.add_picked)
        remove = QPushButton(self.tr("移除"), objectName="removeRepresentative")
        remove.clicked.connect(self.remove_selected)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.pick, 1)
        pick_row.addWidget(add)
        pick_row.addWidget(remove)
        reps = QVBoxLayout()
        reps.addWidget(self.reps)
        reps.addLayout(pick_row)

        self.notes = QPlainTextEdit(p.notes, objectName="groupNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.em * 5)
        self.form.addRow(self.tr("名称"), self.title)
        self.form.addRow(self.tr("被投诉方"), self.respondent)
        self.form.addRow(self.tr("统一社会信用代码"), self.uscc)
        self.form.addRow(self.tr("牵头调解员"), self.lead)
        self.form.addRow(self.tr("状态"), self.status)
        self.form.addRow(self.tr("投诉人代表"), reps)
        self.form.addRow(self.tr("备注"), self.notes)
        self.finish_layout(self.tr("编辑群体纠纷"), self.tr("保存"), 34)

    def _add_row(self, rep: Representative) -> None:
        row = self.reps.rowCount()
        self.reps.insertRow(row)
        name = QTableWidgetItem(rep.name)
        name.setData(ID_ROLE, rep.case_id)
        self.reps.setItem(row, 0, name)
        self.reps.setItem(row, 1, QTableWidgetItem(rep.phone))

    def add_picked(self) -> None:
        case_id = self.pick.currentData()
        member = next((m for m in self.members if m.case_id == case_id), None)
        if member is not None and any(self.reps.item(r, 0).data(ID_ROLE) == case_id
                                      for r in range(self.reps.rowCount())):
            return  # already a representative
        self._add_row(Representative(member.complainant, member.phone, member.case_id)
                      if member is not None else Representative(""))
        row = self.reps.rowCount() - 1
        self.reps.setCurrentCell(row, 0)
        if member is None:
            self.reps.editItem(self.reps.item(row, 0))

    def remove_selected(self) -> None:
        row = self.reps.currentRow()
        if row >= 0:
            self.reps.removeRow(row)

    def value(self) -> GroupParticulars:
        reps = tuple(Representative(self.reps.item(r, 0).text(),
                                    (self.reps.item(r, 1).text()
                                     if self.reps.item(r, 1) else ""),
                                    self.reps.item(r, 0).data(ID_ROLE))
                     for r in range(self.reps.rowCount()))
        return GroupParticulars(self.title.text(), self.respondent.text(), self.uscc.text(),
                                self.lead.currentData(), reps,
                                GroupStatus(self.status.currentData()),
                                self.notes.toPlainText())


# ------------------------------------------------------------------ 退费方案…


class RefundPlanDialog(FormDialog):
    """退费方案…: how each member's refund is counted, by when it is paid, what the
    business undertakes, and the prefix of the agreements' numbers."""

    def __init__(self, plan: RefundPlan | None, parent: QWidget | None = None) -> None:
        super().__init__("refundPlan", parent)
        self.basis = QComboBox(objectName="refundBasis")
        for basis in RefundBasis:
            self.basis.addItem(messages.ENUM_TEXTS[RefundBasis](basis), basis)
        formula = plan.formula if plan is not None else None
        self.unit_price = QLineEdit(objectName="refundUnitPrice")
        self.share = QLineEdit(objectName="refundShare")
        self.fixed = QLineEdit(objectName="refundFixed")
        self.unit_price.setPlaceholderText(self.tr("如：128.50"))
        self.share.setPlaceholderText(self.tr("如：80"))
        self.fixed.setPlaceholderText(self.tr("如：500"))
        if formula is not None:
            self.basis.setCurrentIndex(index_of(self.basis, formula.basis))
            if formula.unit_price_fen:
                self.unit_price.setText(_yuan_text(formula.unit_price_fen))
            if formula.share_percent:
                self.share.setText(f"{Decimal(formula.share_percent).normalize():f}")
            if formula.fixed_fen:
                self.fixed.setText(_yuan_text(formula.fixed_fen))
        self.due = date_field(plan.due_on if plan else None, optional=True)
        self.due.setObjectName("refundDue")
        self.undertaking = QPlainTextEdit(plan.undertaking if plan else "",
                                          objectName="refundUndertaking")
        self.undertaking.setTabChangesFocus(True)
        self.undertaking.setPlaceholderText(self.tr(
            "如：被申请人承诺按会员未使用课时退还预付款，于履行期限前汇入各申请人账户。"))
        self.undertaking.setFixedHeight(self.em * 5)
        self.prefix = QLineEdit(plan.agreement_prefix if plan else "",
                                objectName="agreementPrefix")
        self.prefix.setPlaceholderText(self.tr("如：浦市监调〔2026〕群3-"))
        self.form.addRow(self.tr("退费方式"), self.basis)
        self.form.addRow(self.tr("单价（元/次）"), self.unit_price)
        self.form.addRow(self.tr("退还比例（%）"), self.share)
        self.form.addRow(self.tr("每人金额（元）"), self.fixed)
        self.form.addRow(self.tr("履行期限"), self.due)
        self.form.addRow(self.tr("经营者承诺"), self.undertaking)
        self.form.addRow(self.tr("协议书编号前缀"), self.prefix)
        self.body.addWidget(note_label(self.tr(
            "保存后，按各成员已填的未使用次数或预付余额重新算出应退金额"
            "（单独处理和已出具协议书的成员不变）。"), name="refundPlanNote"))
        self.basis.currentIndexChanged.connect(self._show_fields)
        self._show_fields()
        self.finish_layout(self.tr("退费方案"), self.tr("保存"), 36)

    def _show_fields(self) -> None:
        basis = RefundBasis(self.basis.currentData())
        for edit, wanted in ((self.unit_price, RefundBasis.SESSIONS),
                             (self.share, RefundBasis.BALANCE_SHARE),
                             (self.fixed, RefundBasis.FIXED)):
            self.form.setRowVisible(edit, basis == wanted)

    def value(self) -> RefundPlan:
        basis = RefundBasis(self.basis.currentData())
        if basis is RefundBasis.SESSIONS:
            formula = RefundFormula(basis, unit_price_fen=_fen(self.unit_price.text()))
        elif basis is RefundBasis.FIXED:
            formula = RefundFormula(basis, fixed_fen=_fen(self.fixed.text()))
        else:
            try:
                share = Decimal(self.share.text().strip().rstrip("%％") or "0")
            except InvalidOperation:
                share = Decimal(0)
            formula = RefundFormula(basis, share_percent=share)
        return RefundPlan(formula, chosen_date(self.due), self.undertaking.toPlainText(),
                          self.prefix.text())


def _fen(text: str) -> int:
    """Yuan as typed, in fen (nothing typed: 0, which the formula refuses)."""
    return to_fen(parse_amount(text)) if text.strip() else 0


# ------------------------------------------------------------------ a member


class MemberFactsDialog(FormDialog):
    """退费数据…: what the formula needs of one member (from the business's records or
    the member's card); left empty, it is not known yet."""

    def __init__(self, member: MemberRow, parent: QWidget | None = None) -> None:
        super().__init__("memberFacts", parent)
        self.member = member
        self.sessions = QLineEdit("" if member.unused_sessions is None
                                  else str(member.unused_sessions), objectName="unusedSessions")
        self.balance = QLineEdit(_yuan_text(member.prepaid_balance_fen),
                                 objectName="prepaidBalance")
        # A member settling on their own: what their own agreement says instead.
        self.own_amount = QLineEdit(_yuan_text(member.agreed_fen), objectName="ownAmount")
        self.own_due = date_field(member.due_on, optional=True)
        self.own_due.setObjectName("ownDue")
        self.form.addRow(self.tr("工单号"), QLabel(member.ticket))
        if member.individual:
            self.form.addRow(self.tr("本人约定退款（元）"), self.own_amount)
            self.form.addRow(self.tr("履行期限"), self.own_due)
            self.body.addWidget(note_label(self.tr(
                "该成员单独处理：按其本人协议填写，退款进度和逾期按此跟踪。"), name="ownTermsNote"))
        else:
            self.form.addRow(self.tr("未使用次数（课时）"), self.sessions)
            self.form.addRow(self.tr("预付余额（元）"), self.balance)
        self.finish_layout(self.tr("退费数据 — {name}").format(name=member.complainant),
                           self.tr("保存"), 24)

    def own_terms(self) -> tuple[int | None, date | None]:
        """An individual member's own amount (fen) and due date; None where not given."""
        amount = self.own_amount.text().strip()
        due = self.own_due.date()
        return (to_fen(parse_amount(amount)) if amount else None,
                None if due == NO_DATE else due.toPython())

    def value(self) -> MemberFacts | tuple[int | None, date | None]:
        if self.member.individual:
            return self.own_terms()
        sessions = self.sessions.text().strip()
        if sessions and not sessions.isdigit():
            raise ValueError(self.tr("未使用次数须是不小于零的整数。"))
        balance = self.balance.text().strip()
        return MemberFacts(int(sessions) if sessions else None,
                           to_fen(parse_amount(balance)) if balance else None)


class PaymentDialog(FormDialog):
    """登记退款…: a refund paid to the member, entered by hand."""

    def __init__(self, member: MemberRow, today: date, parent: QWidget | None = None) -> None:
        super().__init__("memberPayment", parent)
        left = max(0, (member.agreed_fen or 0) - member.paid_fen)
        self.paid_on = date_field(today, optional=False, latest=today)
        self.paid_on.setObjectName("paymentDate")
        self.amount = QLineEdit(_yuan_text(left) if left else "", objectName="paymentAmount")
        self.note = QLineEdit(objectName="paymentNote")
        self.note.setPlaceholderText(self.tr("如：银行转账，流水号 …"))
        self.note.setMaxLength(500)
        self.form.addRow(self.tr("工单号"), QLabel(member.ticket))
        self.form.addRow(self.tr("退款日期"), self.paid_on)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("说明"), self.note)
        self.finish_layout(self.tr("登记退款 — {name}").format(name=member.complainant),
                           self.tr("登记"), 26)

    def value(self) -> tuple[date, int, str]:
        return (self.paid_on.date().toPython(), to_fen(parse_amount(self.amount.text())),
                self.note.text())


# ------------------------------------------------------------------ 整组改派…


class ReassignDialog(FormDialog):
    """整组改派…: the mediator who takes the whole group over."""

    def __init__(self, group_title: str, open_members: int,
                 mediators: list[tuple[uuid.UUID, str]], current: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("groupReassign", parent)
        self.choice = QComboBox(objectName="reassignMediator")
        for mediator_id, name in mediators:
            self.choice.addItem(name or self.tr("（未填姓名）"), mediator_id)
        self.choice.setCurrentIndex(max(0, index_of(self.choice, current)))
        self.form.addRow(self.tr("改派给"), self.choice)
        self.body.addWidget(note_label(self.tr(
            "“{group}”的牵头调解员改为所选的人，{n} 件未办结的工单逐件改派给他（她），记入各自的"
            "历史；尚未受理的工单保持原样并列出。").format(group=group_title, n=open_members),
            name="reassignNote"))
        self.finish_layout(self.tr("整组改派"), self.tr("改派"), 30)

    def value(self) -> uuid.UUID:
        if self.choice.currentData() is None:
            raise ValueError(self.tr("请选择改派给谁。"))
        return self.choice.currentData()
