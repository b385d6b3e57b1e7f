"""视图 → 群体纠纷管理: the office's group disputes, the largest first; below, the chosen
group's members with their status and refunds, and the group's progress (已退款 ¥X /
¥Y, N/M 人). Batch actions act on every member the workflow allows, with progress and
a cancel; those left as they were are listed with the reason. The last batch of
assignments or pauses can be undone; 受理 and 开始调解 are asked first, since the
workflow has no way back from them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.groups import PerformanceState, RefundBasis
from app.core.money import from_fen
from app.core.timeutil import china_date
from app.core.users import Permission, may
from app.core.validation import mask_phone
from app.core.workflow import Action, CaseKind, CaseStatus, Outcome, PauseReason, outcomes_for_kind
from app.services import batches, cases, group_payments, groups
from app.services.batches import BatchRequest, BatchResult, MemberClose, Notice
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import NotPermitted
from app.services.group_payments import PaymentImport, PaymentProblem, RefundPlan
from app.services.groups import GroupDetail, GroupSummary, MemberRow
from app.services.notes import ContactChannel
from app.ui import messages
from app.ui.case import contact_texts
from app.ui.case.action_dialog import ERROR_COLOUR
from app.ui.case.sections import error_label, note_label, value_label
from app.ui.formatting import yuan
from app.ui.forms import form_layout
from app.ui.groups.agreements_panel import GroupAgreementsPanel
from app.ui.groups.group_dialogs import (
    FormDialog,
    GroupEditDialog,
    MemberFactsDialog,
    PaymentDialog,
    ReassignDialog,
    RefundPlanDialog,
)
from app.ui.groups.group_sessions_panel import GroupSessionsPanel
from app.ui.reference import users_texts  # noqa: F401  (NotPermitted in words)
from app.ui.reference.holiday_dialog import fit_to_screen
from app.ui.row_tables import ID_ROLE, row_item, row_table
from app.ui.tasks import Lane, TaskFailure, TaskRunner

SHOWN_REFUSALS = 8  # members named in a batch's result; the rest are counted




def _documents() -> str:
    return (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or QDir.homePath())


class BatchOptions(QDialog):
    """What a batch 派单, 中止计时 or 办结 needs: the mediator; the reason; the outcome and
    whether each member's agreed refund is the amount recovered."""

    def __init__(self, action: Action, mediators: list[tuple[uuid.UUID, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action
        self.setObjectName("batchOptions")
        self.setWindowTitle(self.tr("批量{action}").format(action=messages.action_text(action)))
        form = form_layout()
        self.choice = QComboBox(objectName="batchChoice")
        self.note = QLineEdit(objectName="batchNote")
        self.amounts = QCheckBox(self.tr("以各成员的应退金额作为挽回经济损失"),
                                 objectName="batchAmounts")
        if action is Action.ASSIGN:
            for mediator_id, name in mediators:
                self.choice.addItem(name or self.tr("（未填姓名）"), mediator_id)
            form.addRow(self.tr("承办人"), self.choice)
        elif action is Action.PAUSE:
            for reason in PauseReason:
                self.choice.addItem(messages.pause_reason_text(reason), reason)
            form.addRow(self.tr("中止原因"), self.choice)
            self.note.setPlaceholderText(self.tr("如：等待企业资产核查结果"))
            form.addRow(self.tr("说明"), self.note)
        else:
            for outcome in sorted(outcomes_for_kind(CaseKind.COMPLAINT), key=list(Outcome).index):
                self.choice.addItem(messages.outcome_text(outcome), outcome)
            self.amounts.setChecked(True)
            form.addRow(self.tr("办结结果"), self.choice)
            form.addRow("", self.amounts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(messages.action_text(action))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        # Room for the longest reason (检定、检验、检测、鉴定) and a sentence of 说明.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 28)

    def request(self, members: list[MemberRow]) -> BatchRequest:
        value = self.choice.currentData()
        if self.action is Action.ASSIGN:
            return BatchRequest(Action.ASSIGN, mediator_id=value)
        if self.action is Action.PAUSE:
            return BatchRequest(Action.PAUSE, pause_reason=PauseReason(value),
                                reason=self.note.text().strip())
        outcome = Outcome(value)
        return BatchRequest(Action.CLOSE, closes={
            m.case_id: MemberClose(outcome, str(from_fen(m.agreed_fen))
                                   if self.amounts.isChecked() and m.agreed_fen else None)
            for m in members})


class NoticeOptions(QDialog):
    """批量通知: how the notice went out to every member, and what it said."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeOptions")
        self.setWindowTitle(self.tr("批量通知"))
        self.channel = QComboBox(objectName="noticeChannel")
        for channel in (ContactChannel.SMS, ContactChannel.PHONE, ContactChannel.WECHAT):
            self.channel.addItem(contact_texts.channel_text(channel.value), channel)
        self.text = QPlainTextEdit(objectName="noticeText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("如：经营者已承诺三十日内退款，请留意短信通知。"))
        self.problem = error_label("noticeProblem")
        form = form_layout()
        form.addRow(self.tr("方式"), self.channel)
        form.addRow(self.tr("内容"), self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登记通知"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept_if_written)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 30, em * 14)

    def _accept_if_written(self) -> None:
        if not self.text.toPlainText().strip():
            self.problem.setText(self.tr("请填写通知的内容。"))
            self.problem.show()
            return
        self.accept()

    def notice(self) -> Notice:
        return Notice(ContactChannel(self.channel.currentData()),
                      self.text.toPlainText().strip())


class GroupsDialog(QDialog):
    open_case = Signal(object)  # uuid.UUID: show this case in the window
    loaded = Signal()  # the group list is fresh (tests wait for it)
    members_loaded = Signal()
    batch_done = Signal(object)  # BatchResult
    member_done = Signal()  # a member's facts, track or payment written
    unmatched_saved = Signal(object)  # Path: the rows a refund list left out, saved

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.summaries: list[GroupSummary] = []
        self.members: list[MemberRow] = []
        self.detail: GroupDetail | None = None
        self.plan: RefundPlan | None = None
        self.pages: list[QWidget] = []  # add_page's: told of the group shown (set_group)
        self.task = None
        self.question: QMessageBox | None = None
        self.form: FormDialog | None = None  # the small dialog open (编辑…, 退费方案… …)
        self.wanted: uuid.UUID | None = None  # show_group's, until the list has it
        self.setObjectName("groupsDialog")
        self.setWindowTitle(self.tr("群体纠纷管理"))
        em = self.fontMetrics().horizontalAdvance("汉")

        self.summary = QLabel()
        self.summary.setObjectName("groupsSummary")
        self.table = row_table("groupsTable", (self.tr("名称"), self.tr("被投诉方"),
                                            self.tr("状态"), self.tr("成员"),
                                            self.tr("未办结"), self.tr("牵头调解员")), 0)
        for column, width in ((1, 16), (2, 6), (3, 5), (4, 5), (5, 8)):
            self.table.setColumnWidth(column, em * width)
        self.table.itemSelectionChanged.connect(self._load_members)

        # The group's page: its particulars, then its tabs (成员, and add_page's).
        self.particulars: dict[str, QLabel] = {}
        heading = QGridLayout()
        heading.setHorizontalSpacing(em)
        heading.setVerticalSpacing(em // 4)
        for key, caption, row, column, span in (
                ("respondent", self.tr("被投诉方"), 0, 0, 1),
                ("lead", self.tr("牵头调解员"), 0, 2, 1),
                ("status", self.tr("状态"), 1, 0, 1),
                ("representatives", self.tr("代表"), 1, 2, 1),
                ("plan", self.tr("退费方案"), 2, 0, 1),
                ("progress", self.tr("退款进度"), 2, 2, 1),
                ("notes", self.tr("备注"), 3, 0, 3)):
            label = QLabel(caption + self.tr("："))
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            heading.addWidget(label, row, column)
            value = value_label("", name=f"group_{key}")
            heading.addWidget(value, row, column + 1, 1, span)
            self.particulars[key] = value
        heading.setColumnStretch(1, 1)
        heading.setColumnStretch(3, 1)
        self.progress_label = self.particulars["progress"]
        self.edit_button = QPushButton(self.tr("编辑…"))
        self.edit_button.setObjectName("editGroup")
        self.edit_button.setToolTip(self.tr("修改名称、被投诉方、牵头调解员、代表、状态和备注"))
        self.edit_button.clicked.connect(self.edit_group)
        heading.addWidget(self.edit_button, 0, 4, Qt.AlignmentFlag.AlignTop)

        self.member_table = row_table("groupMembers", (
            self.tr("工单号"), self.tr("投诉人"), self.tr("状态"), self.tr("应退"),
            self.tr("已退"), self.tr("履行期限"), self.tr("履行情况"), self.tr("备注")), 1)
        for column, width in ((0, 14), (2, 7), (3, 7), (4, 7), (5, 7), (6, 7), (7, 7)):
            self.member_table.setColumnWidth(column, em * width)
        self.member_table.itemDoubleClicked.connect(lambda _item: self.open_selected_case())
        self.member_table.itemSelectionChanged.connect(self._enable)
        self.facts_button = QPushButton(self.tr("退费数据…"))
        self.facts_button.setObjectName("memberFacts")
        self.facts_button.setToolTip(self.tr("所选成员的未使用次数、预付余额；按退费方案算出应退金额"))
        self.facts_button.clicked.connect(self.edit_facts)
        self.pay_button = QPushButton(self.tr("登记退款…"))
        self.pay_button.setObjectName("memberPay")
        self.pay_button.clicked.connect(self.record_payment)
        self.individual_button = QPushButton(self.tr("单独处理"))
        self.individual_button.setObjectName("memberIndividual")
        self.individual_button.setToolTip(self.tr(
            "所选成员不同意群体协议，单独调解、单独履行（不计入群体的退款进度）"))
        self.individual_button.clicked.connect(self.toggle_individual)
        self.remove_button = QPushButton(self.tr("移出群体…"))
        self.remove_button.setObjectName("memberRemove")
        self.remove_button.setToolTip(self.tr("所选工单不属于本群体纠纷（如误并入），移出后单独办理"))
        self.remove_button.clicked.connect(self.ask_remove)
        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.clicked.connect(self.open_selected_case)
        member_buttons = QHBoxLayout()
        for button in (self.facts_button, self.pay_button, self.individual_button,
                       self.remove_button):
            member_buttons.addWidget(button)
        member_buttons.addStretch(1)
        hint = note_label(self.tr("双击成员在主窗口中打开"), name="membersHint")
        hint.setWordWrap(False)
        member_buttons.addWidget(hint)
        member_buttons.addWidget(self.open_button)
        members_page = QWidget()
        members_page.setObjectName("groupMembersPage")
        members_layout = QVBoxLayout(members_page)
        members_layout.setContentsMargins(0, em // 2, 0, 0)
        members_layout.addWidget(self.member_table, 1)
        members_layout.addLayout(member_buttons)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("groupTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(members_page, self.tr("成员"))

        self.accept_button = QPushButton(self.tr("批量受理"))
        self.accept_button.setObjectName("batchAccept")
        self.accept_button.clicked.connect(lambda: self.ask(Action.ACCEPT))
        self.start_button = QPushButton(self.tr("批量开始调解"))
        self.start_button.setObjectName("batchStart")
        self.start_button.clicked.connect(lambda: self.ask(Action.START_MEDIATION))
        self.more_buttons = {}
        for action, text in ((Action.ASSIGN, self.tr("批量派单…")),
                             (Action.PAUSE, self.tr("批量中止计时…")),
                             (Action.CLOSE, self.tr("批量办结…"))):
            button = QPushButton(text)
            button.setObjectName(f"batch_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.choose(a))
            self.more_buttons[action] = button
        self.options: BatchOptions | None = None
        self.notice_button = QPushButton(self.tr("批量通知…"))
        self.notice_button.setObjectName("batchNotice")
        self.notice_button.setToolTip(self.tr("把一次短信或电话通知登记到每个成员的联系记录"))
        self.notice_button.clicked.connect(self.choose_notice)
        self.notice_options: NoticeOptions | None = None
        self.undo_button = QPushButton(self.tr("撤销上次批量操作"))
        self.undo_button.setObjectName("batchUndo")
        self.undo_button.clicked.connect(self.undo)
        self.cancel_button = QPushButton(self.tr("停止"))
        self.cancel_button.setObjectName("batchCancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.plan_button = QPushButton(self.tr("退费方案…"))
        self.plan_button.setObjectName("refundPlanButton")
        self.plan_button.setToolTip(self.tr("退费方式、履行期限、经营者承诺和协议书编号前缀"))
        self.plan_button.clicked.connect(self.edit_plan)
        # The refund lists in and out, less used: behind one button.
        self.refunds_button = QPushButton(self.tr("退款记录"))
        self.refunds_button.setObjectName("refundsMenuButton")
        refunds = QMenu(self.refunds_button)
        refunds.setObjectName("refundsMenu")
        self.payments_action = refunds.addAction(self.tr("导入退款记录…"))
        self.payments_action.setObjectName("importPayments")
        self.payments_action.setToolTip(self.tr(
            "导入经营者提供的退款明细（.xlsx、.xls 或 .csv），按工单号或姓名、电话登记到各成员"))
        self.payments_action.triggered.connect(lambda: self.import_payments())
        self.unmatched_action = refunds.addAction(self.tr("保存未登记的行…"))
        self.unmatched_action.setObjectName("saveUnmatched")
        self.unmatched_action.setToolTip(self.tr("上次导入中没有登记的行及原因，存为 .xlsx 交经营者核对"))
        self.unmatched_action.triggered.connect(lambda: self.save_unmatched())
        self.unmatched_action.setEnabled(False)
        self.last_import: PaymentImport | None = None
        self.list_action = refunds.addAction(self.tr("保存退款清单…"))
        self.list_action.setObjectName("refundList")
        self.list_action.triggered.connect(lambda: self.save_refund_list())
        refunds.setToolTipsVisible(True)
        self.refunds_button.setMenu(refunds)
        self.reassign_button = QPushButton(self.tr("整组改派…"))
        self.reassign_button.setObjectName("reassignGroup")
        self.reassign_button.setToolTip(self.tr(
            "更换牵头调解员，并把全部未办结的成员工单改派给他（她）；须有派单权限"))
        self.reassign_button.clicked.connect(self.choose_reassign)
        self.bar = QProgressBar()
        self.bar.setObjectName("batchProgress")
        self.bar.hide()
        self.result = value_label("", name="batchResult")
        self.error = error_label("groupsError")

        # Two rows: the batch actions, then the group's refunds and the window's own.
        batch_row = QHBoxLayout()
        for button in (self.accept_button, self.start_button, *self.more_buttons.values(),
                       self.notice_button, self.cancel_button):
            batch_row.addWidget(button)
        batch_row.addWidget(self.bar, 1)
        buttons = QHBoxLayout()
        for button in (self.undo_button, self.plan_button, self.refunds_button,
                       self.reassign_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)

        lower = QWidget()
        lower.setObjectName("groupPage")
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(heading)
        lower_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([em * 8, em * 24])
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addLayout(batch_row)
        layout.addLayout(buttons)
        fit_to_screen(self, em * 70, em * 44)
        self.sessions = GroupSessionsPanel(ws, runner, self)
        self.add_page(self.sessions, self.tr("群体调解"))
        self.agreements = GroupAgreementsPanel(ws, runner, self)
        self.add_page(self.agreements, self.tr("协议书"))
        runner.events.changed.connect(self._on_changed)
        self._enable()
        self.load()

    def add_page(self, widget: QWidget, title: str) -> int:
        """Another tab of the group's page (群体调解记录, 协议书 …), after 成员. A page with
        ``set_group(group_id | None)`` is told of the group shown, now and at each
        change. Returns the tab's index."""
        self.pages.append(widget)
        index = self.tabs.addTab(widget, title)
        if hasattr(widget, "set_group"):
            g = self.selected()
            widget.set_group(g.id if g is not None else None)
        return index

    def show_group(self, group_id: uuid.UUID) -> None:
        """Choose this group in the list (now, or when the list has it)."""
        row = next((n for n, g in enumerate(self.summaries) if g.id == group_id), None)
        if row is None:
            self.wanted = group_id
            self.load()
            return
        self.wanted = None
        self.table.selectRow(row)

    # ------------------------------------------------------------ reading

    def load(self) -> None:
        ws = self.ws
        self.runner.query(self, lambda: groups.list_groups(ws)).success(self._show) \
            .failure(self._failed).run()

    def _on_changed(self, changes) -> None:
        if getattr(changes, "queue", False) or getattr(changes, "history", False):
            self.load()

    def _show(self, summaries: list[GroupSummary]) -> None:
        keep = self.wanted or (g.id if (g := self.selected()) is not None else None)
        self.summaries = summaries
        self.table.blockSignals(True)  # one load of the members, after the rows are in
        self.table.setRowCount(len(summaries))
        for row, g in enumerate(summaries):
            cells = (g.title, g.respondent_name, messages.group_status_text(g.status),
                     str(g.members), str(g.open_members), g.lead_mediator)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, row_item(text, g.id if column == 0 else None))
        row = next((n for n, g in enumerate(summaries) if keep and g.id == keep),
                   0 if summaries else None)
        if row is not None:
            self.table.selectRow(row)
            if self.wanted is not None and summaries[row].id == self.wanted:
                self.wanted = None
        self.table.blockSignals(False)
        self.summary.setText(self.tr("共 {n} 个群体纠纷").format(n=len(summaries))
                             if summaries else self.tr("目前没有群体纠纷。"))
        self._load_members()
        self.loaded.emit()

    def selected(self) -> GroupSummary | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.summaries):
            return None
        return self.summaries[rows[0].row()]

    def _load_members(self) -> None:
        g = self.selected()
        for page in self.pages:
            if hasattr(page, "set_group"):
                page.set_group(g.id if g is not None else None)
        self._enable()
        if g is None:
            self.members, self.detail, self.plan = [], None, None
            self.member_table.setRowCount(0)
            for label in self.particulars.values():
                label.setText("")
            return
        ws, gid = self.ws, g.id
        self.runner.query(self, lambda: (groups.members_of(ws, gid),
                                         group_payments.progress(ws, gid),
                                         groups.group_detail(ws, gid),
                                         group_payments.refund_plan(ws, gid))) \
            .success(lambda found: self._show_members(gid, *found)) \
            .failure(self._failed).run()

    def _show_members(self, group_id: uuid.UUID, members: list[MemberRow], progress,
                      detail: GroupDetail, plan: RefundPlan | None) -> None:
        current = self.selected()
        if current is None or current.id != group_id:
            return  # another group was chosen meanwhile
        keep = self.selected_member()
        self.members, self.detail, self.plan = members, detail, plan
        self.member_table.setRowCount(len(members))
        for row, m in enumerate(members):
            status = messages.status_text(CaseStatus(m.status))
            if m.paused:
                status += self.tr("（中止计时）")
            notes = "、".join(t for t, on in ((self.tr("代表"), m.representative),
                                               (self.tr("单独处理"), m.individual)) if on)
            state = messages.ENUM_TEXTS[PerformanceState](m.state) if m.state else ""
            cells = (m.ticket, m.complainant, status, yuan(m.agreed_fen),
                     yuan(m.paid_fen) if m.paid_fen else "",
                     m.due_on.isoformat() if m.due_on else "", state, notes)
            for column, text in enumerate(cells):
                item = row_item(text, m.case_id if column == 0 else None)
                if column == 6 and m.state is PerformanceState.OVERDUE:
                    item.setForeground(QColor(ERROR_COLOUR))
                self.member_table.setItem(row, column, item)
            if keep is not None and m.case_id == keep.case_id:
                self.member_table.selectRow(row)
        self._show_particulars(detail, plan, progress, len(members))
        self._enable()
        self.members_loaded.emit()

    def _show_particulars(self, detail: GroupDetail, plan: RefundPlan | None, progress,
                          members: int) -> None:
        p = detail.particulars
        text = self.particulars
        business = p.respondent_name or self.tr("（未填写）")
        if p.respondent_uscc:
            business += self.tr("（统一社会信用代码 {code}）").format(code=p.respondent_uscc)
        text["respondent"].setText(business)
        text["lead"].setText(detail.lead_mediator or self.tr("（未指定）"))
        text["status"].setText(" · ".join((messages.group_status_text(detail.status),
                                           messages.group_origin_text(detail.origin))))
        text["representatives"].setText("、".join(
            f"{r.name} {mask_phone(r.phone)}" if r.phone else r.name
            for r in p.representatives) or self.tr("（未推选）"))
        text["plan"].setText(self.plan_text(plan))
        if progress.members:
            text["progress"].setText(self.tr(
                "已退款 {paid} / {agreed}，{settled} / {members} 人已履行，{overdue} 人逾期").format(
                paid=yuan(progress.paid_fen), agreed=yuan(progress.agreed_fen),
                settled=progress.settled, members=progress.members, overdue=progress.overdue))
        else:
            text["progress"].setText(self.tr("{n} 件工单，尚未算出应退金额。").format(n=members))
        text["notes"].setText(p.notes or self.tr("—"))

    def plan_text(self, plan: RefundPlan | None) -> str:
        if plan is None:
            return self.tr("尚未确定")
        f = plan.formula
        match f.basis:
            case RefundBasis.SESSIONS:
                rule = self.tr("未使用次数 × {price}").format(price=yuan(f.unit_price_fen))
            case RefundBasis.BALANCE_SHARE:
                rule = self.tr("预付余额 × {share}%").format(
                    share=f"{Decimal(f.share_percent).normalize():f}")
            case _:
                rule = self.tr("每人 {amount}").format(amount=yuan(f.fixed_fen))
        due = (self.tr("，{day} 前履行").format(day=plan.due_on.isoformat())
               if plan.due_on else "")
        return rule + due

    def selected_member(self) -> MemberRow | None:
        rows = self.member_table.selectionModel().selectedRows()
        if not rows:
            return None
        case_id = self.member_table.item(rows[0].row(), 0).data(ID_ROLE)
        return next((m for m in self.members if m.case_id == case_id), None)

    def open_selected_case(self) -> None:
        member = self.selected_member()
        if member is not None:
            self.open_case.emit(member.case_id)

    # ------------------------------------------------------------ batches

    def _enable(self) -> None:
        running = self.task is not None
        group = self.selected() is not None
        has_members = group and bool(self.members)
        for button in (self.accept_button, self.start_button, *self.more_buttons.values(),
                       self.notice_button):
            button.setEnabled(has_members and not running)
        self.undo_button.setEnabled(not running and batches.can_undo(self.ws) is not None)
        for action in (self.payments_action, self.list_action):
            action.setEnabled(has_members and not running)
        self.refunds_button.setEnabled(has_members and not running)
        for button in (self.plan_button, self.reassign_button):
            button.setEnabled(has_members and not running)
        self.edit_button.setEnabled(group and self.detail is not None and not running)
        member = self.selected_member()
        for button in (self.facts_button, self.pay_button, self.individual_button,
                       self.remove_button, self.open_button):
            button.setEnabled(member is not None and not running)
        self.individual_button.setText(self.tr("回到群体协议") if member is not None
                                       and member.individual else self.tr("单独处理"))
        self.cancel_button.setVisible(running)

    def ask(self, action: Action) -> None:
        """受理 and 开始调解 cannot be undone: asked once, with how many it concerns."""
        g = self.selected()
        if g is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, messages.action_text(action),
                          self.tr("对“{group}”的 {n} 件工单{action}？允许{action}的工单将逐件"
                                  "办理并记入各自的历史；其余保持原样并列出原因。此操作不能撤销。")
                          .format(group=g.title, n=len(self.members),
                                  action=messages.action_text(action)),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmBatch")
        go = box.addButton(messages.action_text(action), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.buttonClicked.connect(
            lambda button: self.run(BatchRequest(action)) if button is go else None)
        self.question = box
        box.open()

    def choose(self, action: Action) -> None:
        """派单, 中止计时 and 办结 ask what they need first (the office's mediators read
        off the GUI thread)."""
        ws = self.ws
        self.runner.query(self, lambda: cases.list_mediators(ws)) \
            .success(lambda people: self._open_options(action, people)) \
            .failure(self._failed).run()

    def _open_options(self, action: Action, people) -> None:
        dialog = BatchOptions(action, people, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.run(dialog.request(self.members)))
        self.options = dialog
        dialog.open()

    def choose_notice(self) -> None:
        dialog = NoticeOptions(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.send(dialog.notice()))
        self.notice_options = dialog
        dialog.open()

    def send(self, notice: Notice) -> None:
        ws, ids = self.ws, [m.case_id for m in self.members]
        self._start_batch(lambda **how: batches.send_notice(ws, ids, notice, **how),
                          len(ids), "batch_notice")

    def run(self, request: BatchRequest) -> None:
        ws, ids = self.ws, [m.case_id for m in self.members]
        self._start_batch(lambda **how: batches.run_batch(ws, ids, request, **how),
                          len(ids), f"batch_{request.action.value}")

    def _start_batch(self, work, total: int, name: str) -> None:
        """A batch on the write lane: ``work(progress=…, cancelled=…)``, its bar shown,
        停止 offered, the result (a BatchResult) listed by ``_done``."""
        self.result.setText("")
        self.error.hide()
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.bar.show()
        self.task = self.runner.task(
            self, lambda state: work(progress=state.report_progress,
                                     cancelled=lambda: state.cancelled),
            lane=Lane.WRITE, name=name) \
            .progress(lambda done, _total: self.bar.setValue(done)) \
            .success(self._done).failure(self._failed).run()
        self._enable()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def undo(self) -> None:
        ws = self.ws
        self.task = self.runner.op(self, lambda: batches.undo_last_batch(ws)) \
            .success(self._done).failure(self._failed).run()
        self._enable()

    def _done(self, result: BatchResult) -> None:
        self.task = None
        self.bar.hide()
        self.result.setText(self.result_text(result))
        self._enable()
        self.batch_done.emit(result)

    def result_text(self, result: BatchResult) -> str:
        """办理 N 件; each member left as it was, with why (the first few by ticket)."""
        tickets = {m.case_id: m.ticket for m in self.members}
        action = (messages.action_text(result.action) if result.action is not None
                  else self.tr("通知"))
        lines = [self.tr("{action}：已办理 {done} 件，{left} 件保持原样。").format(
            action=action, done=len(result.done), left=len(result.refused))]
        for case_id, error in list(result.refused.items())[:SHOWN_REFUSALS]:
            lines.append(f"{tickets.get(case_id, str(case_id))}：{messages.error_text(error)}")
        if len(result.refused) > SHOWN_REFUSALS:
            lines.append(self.tr("……另有 {n} 件").format(
                n=len(result.refused) - SHOWN_REFUSALS))
        return "\n".join(lines)

    # ------------------------------------------------------------ the group and its members

    def _open_form(self, dialog: FormDialog, work, done_text="") -> None:
        """A small dialog whose value ``work(value)`` writes on the write lane: closed
        once written, the refusal shown in it otherwise."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def written(result) -> None:
            dialog.accept()
            self.result.setText(done_text if not callable(done_text) else done_text(result))
            self.member_done.emit()
            self._load_members()

        dialog.submitted.connect(lambda value: self.runner.op(self, lambda: work(value))
                                 .success(written)
                                 .failure(lambda f: dialog.refuse(messages.error_text(f.error)))
                                 .run())
        self.form = dialog
        dialog.open()

    def edit_group(self) -> None:
        """编辑…: the office's mediators read first (off the GUI thread)."""
        if self.detail is None:
            return
        ws = self.ws
        self.runner.query(self, lambda: cases.list_mediators(ws)) \
            .success(self._open_edit).failure(self._failed).run()

    def _open_edit(self, people) -> None:
        detail = self.detail
        if detail is None:
            return
        ws, gid, version = self.ws, detail.id, detail.version
        self._open_form(GroupEditDialog(detail, people, self.members, self),
                        lambda values: groups.update_group(ws, gid, values,
                                                           expected_version=version),
                        self.tr("群体纠纷的信息已保存。"))

    def edit_plan(self) -> None:
        """退费方案…; saved, each member's amount is counted again from their facts
        (not one settling on their own, nor one whose agreement is issued)."""
        g = self.selected()
        if g is None:
            return
        ws, gid = self.ws, g.id

        def work(plan: RefundPlan) -> tuple[Changes, int]:
            saved = group_payments.set_refund_plan(ws, gid, plan, everyone=True)
            return saved.changes, saved.missing

        self._open_form(RefundPlanDialog(self.plan, self), work,
                        lambda result: self.tr("退费方案已保存。") + (self.tr(
                            "{n} 位成员缺少未使用次数或预付余额，尚未算出应退金额。").format(
                            n=result[1]) if result[1] else ""))

    def edit_facts(self) -> None:
        member, g = self.selected_member(), self.selected()
        if member is None or g is None:
            return
        ws, gid, case_id = self.ws, g.id, member.case_id

        def work(value) -> tuple[Changes, int]:
            if member.individual:  # their own agreement's amount and date
                agreed, due = value
                return group_payments.set_own_terms(ws, gid, case_id, agreed_fen=agreed,
                                                    due_on=due), 0
            _amounts, problems = group_payments.set_member_facts(ws, gid, {case_id: value})
            return Changes(case_ids=frozenset({case_id}), history=True), len(problems)

        self._open_form(MemberFactsDialog(member, self), work,
                        lambda result: self.tr("{name} 的退费数据已保存。").format(
                            name=member.complainant) + (self.tr(
                                "按退费方案还缺少数据，尚未算出应退金额。") if result[1] else ""))

    def record_payment(self) -> None:
        member, g = self.selected_member(), self.selected()
        if member is None or g is None:
            return
        ws, gid, case_id = self.ws, g.id, member.case_id
        today = china_date(ws.now())

        def work(value) -> Changes:
            paid_on, amount, note = value
            return group_payments.record_payment(ws, gid, case_id, paid_on=paid_on,
                                                 amount_fen=amount, note=note)

        self._open_form(PaymentDialog(member, today, self), work,
                        self.tr("已为 {name} 登记一笔退款。").format(name=member.complainant))

    def toggle_individual(self) -> None:
        """单独处理 / 回到群体协议 for the member chosen (asked first: it takes the group's
        amount away, or gives it back)."""
        member, g = self.selected_member(), self.selected()
        if member is None or g is None:
            return
        leaving = not member.individual
        text = (self.tr("{name} 不同意群体协议，改为单独调解、单独履行？按群体方案算出的应退金额将"
                        "取消，不再计入群体的退款进度；此事记入该案件的历史。")
                if leaving else
                self.tr("{name} 回到群体协议？将按退费方案重新算出应退金额。"))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("单独处理"),
                          text.format(name=member.complainant),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmIndividual")
        go = box.addButton(self.tr("单独处理") if leaving else self.tr("回到群体协议"),
                           QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        ws, gid, case_id = self.ws, g.id, member.case_id
        box.buttonClicked.connect(lambda button: self.runner.op(
            self, lambda: group_payments.set_individual(ws, gid, case_id, leaving))
            .success(lambda _c: (self.member_done.emit(), self._load_members()))
            .failure(self._failed).run() if button is go else None)
        self.question = box
        box.open()

    def ask_remove(self) -> None:
        """移出群体…: the chosen member's case leaves the group (asked first; recorded in
        the case's history; what was paid stays readable there)."""
        member, g = self.selected_member(), self.selected()
        if member is None or g is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("移出群体"), self.tr(
            "把工单 {ticket}（{name}）移出“{group}”？该工单今后单独办理，不再参加批量操作；"
            "已有的记录和文书留在该案件中。").format(ticket=member.ticket,
                                               name=member.complainant, group=g.title),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmRemove")
        go = box.addButton(self.tr("移出"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        ws, gid, case_id = self.ws, g.id, member.case_id
        box.buttonClicked.connect(lambda button: self.runner.op(
            self, lambda: groups.remove_members(ws, gid, [case_id]))
            .success(lambda _m: (self.member_done.emit(), self._load_members()))
            .failure(self._failed).run() if button is go else None)
        self.question = box
        box.open()

    def choose_reassign(self) -> None:
        """整组改派…: only a role that dispatches; anyone else is told why at once."""
        g = self.selected()
        if g is None:
            return
        self.error.hide()
        if not may(self.ws.actor.role, Permission.DISPATCH):
            self.error.setText(messages.error_text(
                NotPermitted(Permission.DISPATCH, self.ws.actor.role)))
            self.error.show()
            return
        ws = self.ws
        self.runner.query(self, lambda: cases.list_mediators(ws)) \
            .success(self._open_reassign).failure(self._failed).run()

    def _open_reassign(self, people) -> None:
        g = self.selected()
        if g is None:
            return
        lead = self.detail.particulars.lead_mediator_id if self.detail else None
        dialog = ReassignDialog(g.title, g.open_members, people, lead, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda mediator_id: (dialog.accept(),
                                                      self.reassign(mediator_id)))
        self.form = dialog
        dialog.open()

    def reassign(self, mediator_id: uuid.UUID) -> None:
        g = self.selected()
        if g is None:
            return
        ws, gid = self.ws, g.id
        self._start_batch(lambda **how: groups.reassign_group(ws, gid, mediator_id, **how),
                          g.open_members, "reassign_group")

    # ------------------------------------------------------------ refunds

    def import_payments(self, path: Path | None = None) -> None:
        """The business's refund list, recorded as payments; the rows left out listed."""
        g = self.selected()
        if g is None:
            return
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.tr("导入退款记录"), _documents(),
                self.tr("退款明细 (*.xlsx *.xls *.csv)"))
            if not name:
                return
            path = Path(name)
        ws, gid = self.ws, g.id
        self.error.hide()
        self.task = self.runner.op(self, lambda: group_payments.import_payments(ws, gid, path)) \
            .success(self._payments_done).failure(self._failed).run()
        self._enable()

    def _payments_done(self, result: PaymentImport) -> None:
        self.task = None
        self.last_import = result if result.problems else None
        self.unmatched_action.setEnabled(self.last_import is not None)
        lines = [self.tr("已登记退款 {n} 笔，合计 {total}；{left} 行未登记。").format(
            n=result.recorded, total=yuan(result.total_fen), left=len(result.problems))]
        for row, problem, who in result.problems[:SHOWN_REFUSALS]:
            lines.append(self.tr("第 {row} 行{who}：{why}").format(
                row=row, who=f"（{who}）" if who else "",
                why=messages.ENUM_TEXTS[PaymentProblem](problem)))
        if len(result.problems) > SHOWN_REFUSALS:
            lines.append(self.tr("……另有 {n} 行").format(
                n=len(result.problems) - SHOWN_REFUSALS))
        if result.problems:
            lines.append(self.tr("全部未登记的行可用“退款记录 → 保存未登记的行…”存为表格。"))
        self.result.setText("\n".join(lines))
        self._enable()
        self._load_members()

    def save_unmatched(self, path: Path | None = None) -> None:
        """The last refund list's rows left out, with why, as .xlsx."""
        result = self.last_import
        if result is None:
            return
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存未登记的行"),
                str(Path(_documents()) / self.tr("未登记的退款.xlsx")),
                self.tr("Excel 工作簿 (*.xlsx)"))
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        words = messages.ENUM_TEXTS[PaymentProblem]
        headers = (self.tr("行号"), self.tr("姓名"), self.tr("未登记的原因"))
        self.runner.query(self, lambda: (group_payments.write_payment_report(
            result, path, problem_words=words, headers=headers), path)[1]) \
            .success(lambda written: (self.result.setText(self.tr(
                "未登记的行已保存到 {path}。").format(path=QDir.toNativeSeparators(str(written)))),
                self.unmatched_saved.emit(written))) \
            .failure(self._failed).run()

    def save_refund_list(self, path: Path | None = None) -> None:
        """退款清单 as .xlsx or PDF, by the name chosen."""
        g = self.selected()
        if g is None:
            return
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存退款清单"),
                str(Path(_documents()) / self.tr("退款清单-{title}.xlsx").format(title=g.title)),
                self.tr("Excel 工作簿 (*.xlsx);;PDF 文件 (*.pdf)"))
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".pdf"):
            path = path.with_name(path.name + ".xlsx")
        ws, gid = self.ws, g.id
        self.error.hide()
        self.runner.query(self, lambda: group_payments.write_refund_list(ws, gid, path)) \
            .success(lambda written: self.result.setText(self.tr("退款清单已保存到 {path}。").format(
                path=QDir.toNativeSeparators(str(written))))) \
            .failure(self._failed).run()

    def _failed(self, failure: TaskFailure) -> None:
        self.task = None
        self.bar.hide()
        self.error.setText(messages.error_text(failure.error))
        self.error.show()
        self._enable()
