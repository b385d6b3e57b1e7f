"""概况: the claim, its classification and amounts (editable in place), the clocks with
their due dates — with who has been told of a decision that owes a notice (登记送达…) and
an approved extension of a report's verification (延长核查期限…) — the clock pauses and
how the case has been handled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.deadlines import DueStatus
from app.core.workflow import PauseReason, RejectionGround, TerminationGround
from app.services import cases
from app.services.dto import CaseDetail, Changes
from app.services.errors import FieldProblem
from app.ui import formatting, messages
from app.ui.case import clock_texts
from app.ui.case import field_editors as fe
from app.ui.case.action_dialog import ActionDialog, ChoiceCombo
from app.ui.case.case_texts import URGENCY, choice_text, choices
from app.ui.case.delivery_dialog import DeliveryDialog, DeliveryRequest
from app.ui.case.extension_dialog import ExtensionDialog, ExtensionRequest
from app.ui.case.field_editors import WARNING_COLOUR
from app.ui.case.sections import Section, error_label, scrolling_page
from app.ui.operations.cases import LoadedCase, save_case
from app.ui.queue.queue_model import DUE_COLOURS
from app.ui.single_dialog import single_dialog
from app.ui.tasks import TaskFailure

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

# The editable fields of the overview, in screen order (a subset of CASE_EDITABLE).
EDITABLE = ("title", "description", "request", "category", "issue_type", "region", "tags",
            "urgency", "amount_claimed", "amount_recovered")


def _ground_text(enum: type[RejectionGround] | type[TerminationGround], value: str | None) -> str:
    if not value:
        return ""
    try:
        return messages.ground_wording(enum(value)).text
    except ValueError:
        return value


def _amount_text(value) -> str:
    return "" if value is None else f"{value:f}"


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the editors hand them back (text stripped)."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def editable_values(case: CaseDetail) -> dict[str, Any]:
    """The case's editable fields as the editors hold them."""
    return {
        "title": case.title, "description": case.description, "request": case.request,
        "category": case.category, "issue_type": case.issue_type, "region": case.region,
        "tags": fe.join_tags(case.tags), "urgency": case.urgency,
        "amount_claimed": _amount_text(case.amount_claimed),
        "amount_recovered": _amount_text(case.amount_recovered),
    }


class OverviewTab(fe.SaveFlow, QWidget):
    STALE_TEXT = QT_TRANSLATE_NOOP(
        "CaseView", "该案件已被他人修改，已载入最新内容。您填写的修改仍然保留，请核对后再次保存。")

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.editing = False
        self.saving = False
        self._base: dict[str, Any] = {}
        self._base_version = 0

        # Read page and editor share the place; hidden, the editor takes no room.
        self._stack = QWidget()
        stack = QVBoxLayout(self._stack)
        stack.setContentsMargins(0, 0, 0, 0)
        self._read = QWidget()
        self._read_layout = QVBoxLayout(self._read)
        self._read_layout.setContentsMargins(0, 0, 0, 0)
        self._editor = self._build_editor()
        self._editor.hide()
        stack.addWidget(self._read)
        stack.addWidget(self._editor)

        content = QWidget()
        content.setObjectName("overviewContent")
        layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        layout.setSpacing(m * 2)
        layout.addWidget(self._stack)
        self._rest = QWidget()
        self._rest_layout = QVBoxLayout(self._rest)
        self._rest_layout.setContentsMargins(0, 0, 0, 0)
        self._rest_layout.setSpacing(m * 2)
        layout.addWidget(self._rest)
        layout.addStretch(1)

        scrolling_page(self, content)

    # ------------------------------------------------------------ editor

    def _build_editor(self) -> QWidget:
        page = QWidget()
        page.setObjectName("overviewEditor")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = fe.FieldForm()
        f = self.form
        f.add("title", self.tr("标题"), fe.line_edit(self.tr("一句话概括（可不填）")))
        f.add("description", self.tr("投诉内容"), fe.text_edit(lines=5), required=True)
        f.add("request", self.tr("诉求"), fe.text_edit(lines=2))
        f.add("category", self.tr("类别"), fe.editable_combo([], self.tr("选择或输入类别")))
        f.add("issue_type", self.tr("问题类型"), fe.line_edit())
        f.add("region", self.tr("区域"), fe.line_edit())
        f.add("tags", self.tr("标签"), fe.line_edit(self.tr("多个标签用顿号或逗号分隔")))
        f.add("urgency", self.tr("紧急程度"), ChoiceCombo(self.tr("请选择"), choices(URGENCY)))
        f.add("amount_claimed", self.tr("诉求金额（元）"), fe.line_edit(self.tr("例如 3200.50")),
              check=fe.check_amount)
        f.add("amount_recovered", self.tr("挽回金额（元）"), fe.line_edit(),
              check=fe.check_amount)
        layout.addWidget(f)
        self.edit_error = error_label("overviewError")
        layout.addWidget(self.edit_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("saveOverview")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("cancelOverview")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        return page

    def start_editing(self) -> None:
        if self.case is None:
            return
        self.editing = True
        self._base = _normalised(editable_values(self.case))
        self._base_version = self.case.version
        self.form.set_values(self._base)
        self.edit_error.hide()
        self._show_editor(True)
        self.form.fields["description"].setFocus()
        self.owner.load_choices(lambda c: fe.set_combo_items(self.form.fields["category"],
                                                             c.categories))

    def _show_editor(self, editing: bool) -> None:
        self._read.setVisible(not editing)
        self._editor.setVisible(editing)

    def cancel(self) -> None:
        self.editing = False
        self.form.clear_messages()
        self._show_editor(False)

    def pending_changes(self) -> dict[str, Any]:
        now = self.form.values()
        changed = {k: v for k, v in now.items() if v != self._base.get(k)}
        if "tags" in changed:
            changed["tags"] = fe.split_tags(changed["tags"])
        return changed

    def save(self) -> None:
        if self.case is None or self.saving:
            return
        self.edit_error.hide()
        problems = self.form.check_all()
        if not self.form.value("description"):
            problems["description"] = messages.field_problem_text(FieldProblem.REQUIRED)
        if problems:
            self.form.show_problems(problems)
            return
        changed = self.pending_changes()
        if not changed:
            self.cancel()
            return
        self._set_saving(True)
        ws, case_id, version = self.owner.ws, self.case.id, self._base_version
        self.owner.runner.op(self, lambda: save_case(ws, case_id, version, changed)) \
            .success(self._saved).failure(self._save_failed).run()

    # ------------------------------------------------------------ showing

    def show_case(self, data: LoadedCase) -> None:
        case = data.detail
        same = self.case is not None and self.case.id == case.id
        self.case = case
        if self.editing and same:
            self._merge(case)
        elif self.editing:
            self.cancel()
        self._fill_read(case)
        self._fill_rest(data)

    def _merge(self, case: CaseDetail) -> None:
        """A fresh read while editing: fields the user has not touched take the new
        values, the ones they changed keep their text, and the next save is checked
        against the new version (a field-by-field merge, like sync's)."""
        now = self.form.values()
        fresh = _normalised(editable_values(case))
        for key in EDITABLE:
            if now[key] == self._base.get(key):
                fe.set_value(self.form.fields[key], fresh[key])
        self._base = fresh
        self._base_version = case.version

    def _clear(self, layout: QVBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()

    def _fill_read(self, case: CaseDetail) -> None:
        self._clear(self._read_layout)
        matter = Section(self.tr("投诉内容"))
        edit = QPushButton(self.tr("编辑"))
        edit.setObjectName("editOverview")
        edit.clicked.connect(self.start_editing)
        matter.tools.addWidget(edit)
        self.edit_button = edit
        if case.title and not case.description.startswith(case.title):
            matter.add_row(self.tr("标题"), case.title, name="caseTitle")
        matter.add_row(self.tr("内容"), case.description or self.tr("（未填写）"),
                       name="caseDescription")
        matter.add_row(self.tr("诉求"), case.request or self.tr("（未填写）"),
                       name="caseRequest")
        self._read_layout.addWidget(matter)

        facts = Section(self.tr("分类与金额"))
        rows = [
            (self.tr("类别"), " / ".join(p for p in (case.category, case.issue_type) if p),
             "caseCategory"),
            (self.tr("区域"), case.region, "caseRegion"),
            (self.tr("标签"), "、".join(case.tags), "caseTags"),
            (self.tr("紧急程度"), choice_text(URGENCY, case.urgency), "caseUrgency"),
            (self.tr("诉求金额"), formatting.amount(case.amount_claimed), "amountClaimed"),
            (self.tr("挽回金额"), formatting.amount(case.amount_recovered), "amountRecovered"),
        ]
        for label, value, name in rows:
            facts.add_row(label, value or self.tr("—"), name=name)
        self._read_layout.addWidget(facts)

    def _fill_rest(self, data: LoadedCase) -> None:
        self._clear(self._rest_layout)
        case = data.detail
        self._rest_layout.addWidget(self._deadlines(data))
        if case.pauses or case.paused:
            self._rest_layout.addWidget(self._pauses(case))
        self._rest_layout.addWidget(self._handling(case))

    def _deadlines(self, data: LoadedCase) -> QWidget:
        section = Section(self.tr("期限"))
        case = data.detail
        if any(n.still_owed for n in case.notices):
            deliver = QPushButton(self.tr("登记送达…"))
            deliver.setObjectName("recordDelivery")
            deliver.clicked.connect(self.record_delivery)
            section.tools.addWidget(deliver)
        if case.verification_extendable:
            extend = QPushButton(self.tr("延长核查期限…"))
            extend.setObjectName("extendVerification")
            extend.clicked.connect(self.extend_verification)
            section.tools.addWidget(extend)
        if not data.deadlines:
            section.add_text(self.tr("暂无计时中的期限。"), note=True)
        for deadline, badge in data.deadlines:
            value = f"{formatting.day_with_weekday(deadline.due)}　{badge.text}"
            if deadline.soft:
                value += self.tr("（参考目标）")
            label = section.add_row(messages.clock_kind_text(deadline.kind), value,
                                    name=f"clock_{deadline.kind.value}")
            if label is not None:
                label.setToolTip(badge.tooltip)
                colour = DUE_COLOURS.get(badge.status)
                if colour is not None and badge.status is not DueStatus.PAUSED:
                    label.setStyleSheet(f"color: {colour.name()};")
        for notice in case.notices:
            for role in notice.owed:
                names = clock_texts.party_names(case, role)
                told = clock_texts.told_text(case, notice.kind, role, notice.decided_at)
                section.add_row(self.tr("告知{party}").format(
                    party=messages.party_role_text(role, case.track)),
                    f"{names}　{told}" if names else told,
                    name=f"told_{notice.kind.value}_{role.value}")
        for extension in case.extensions:
            section.add_row(self.tr("延长核查期限"), self.tr(
                "{who} 于 {when} 批准：{why}").format(
                    who=extension.approved_by,
                    when=formatting.china_datetime(extension.approved_at),
                    why=extension.reason), name="extension")
        if any(d.provisional for d, _ in data.deadlines):
            section.add_text(self.tr("标“暂定”的期限所在年度的节假日安排尚未录入，按周末推算，"
                                     "仅供参考。"), name="provisionalNote")
        if not data.detail.rule_set_confirmed:
            # A warning, not a grey aside (issue 16, item 7): the dates may be wrong.
            warning = section.add_text("⚠ " + self.tr("本案适用的期限规则尚未核实，期限仅供参考。"),
                                       name="unverifiedRules")
            warning.setStyleSheet(f"color: {WARNING_COLOUR}; font-weight: bold;")
        return section

    def _pauses(self, case: CaseDetail) -> QWidget:
        section = Section(self.tr("计时中止"))
        if case.paused:
            section.add_text(self.tr("计时已中止：检定、检验、检测、鉴定或回避期间不计入期限。"),
                             name="pausedNote")
        for n, pause in enumerate(case.pauses):
            try:
                reason = messages.pause_reason_text(PauseReason(pause.reason))
            except ValueError:
                reason = pause.reason
            if pause.ended_on is not None:
                span = self.tr("{start} 至 {end}").format(
                    start=formatting.day(pause.started_on), end=formatting.day(pause.ended_on))
            else:
                span = self.tr("自 {start} 起，尚未恢复").format(
                    start=formatting.day(pause.started_on))
                if pause.expected_end is not None:
                    span += self.tr("；预计 {end} 结束").format(
                        end=formatting.day(pause.expected_end))
            if pause.note:
                span += "\n" + pause.note
            section.add_row(reason, span, name=f"pause_{n}")
        return section

    def _handling(self, case: CaseDetail) -> QWidget:
        section = Section(self.tr("办理情况"))
        rows = [
            (self.tr("承办人"), case.mediator_name or self.tr("未派单")),
            (self.tr("收到时间"), formatting.china_datetime(case.received_at)),
            (self.tr("受理时间"), formatting.china_datetime(case.accepted_at)),
            (self.tr("派单时间"), formatting.china_datetime(case.assigned_at)),
            (self.tr("办结时间"), formatting.china_datetime(case.closed_at)),
            (self.tr("重新办理时间"), formatting.china_datetime(case.reopened_at)),
            (self.tr("办结结果"), messages.outcome_text(case.outcome) if case.outcome else ""),
            (self.tr("不予受理依据"), _ground_text(RejectionGround, case.rejection_ground)),
            (self.tr("终止调解依据"), _ground_text(TerminationGround, case.termination_ground)),
            (self.tr("办理说明"), case.status_reason),
            (self.tr("满意度"), messages.satisfaction_text(case.satisfaction)
             if case.satisfaction else ""),
        ]
        for label, value in rows:
            if value:
                section.add_row(label, value)
        if case.linked_case_id is not None:
            section.add_row(self.tr("关联案件"), self.tr("已关联到此前的同一诉求"),
                            name="linkedCase")
        if case.reporter_confidential:
            section.add_text(self.tr("举报人信息保密：不得告知被举报人，不得写入送达被举报人的文书。"),
                             name="confidentialNote")
        return section

    # ------------------------------------------------------------ clock records

    def record_delivery(self) -> None:
        """登记送达…: the dialog; its request runs here, on the write lane."""
        if self.case is not None:
            self._open(DeliveryDialog(self.case, self, now=self.owner.ws.now()))

    def extend_verification(self) -> None:
        if self.case is not None:
            self._open(ExtensionDialog(self.case, self, now=self.owner.ws.now()))

    def _open(self, dialog: ActionDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda request: self._record(request, dialog))
        self.owner.show_dialog(dialog)

    def _record(self, request: DeliveryRequest | ExtensionRequest,
                dialog: ActionDialog) -> None:
        ws = self.owner.ws
        if isinstance(request, DeliveryRequest):
            def work() -> Changes:
                return cases.record_delivery(
                    ws, request.case_id, notice=request.notice, to=request.to,
                    method=request.method, delivered_at=request.delivered_at,
                    note=request.note)
        else:
            def work() -> Changes:
                return cases.extend_verification(
                    ws, request.case_id, approved_by=request.approved_by,
                    approved_at=request.approved_at, reason=request.reason)
        self.owner.runner.op(self, work) \
            .success(lambda changes: self._recorded(changes, dialog)) \
            .failure(lambda failure: self._refused(failure, dialog)).run()

    def _recorded(self, changes: Changes, dialog: ActionDialog) -> None:
        if single_dialog(dialog) is not None:
            dialog.finish()
        self.owner.saved_here(changes)  # the pane reads the case again (runner.events)

    def _refused(self, failure: TaskFailure, dialog: ActionDialog) -> None:
        if single_dialog(dialog) is not None and dialog.isVisible():
            dialog.show_failure(failure.error)
        else:
            self.owner.save_failed_here(failure)
