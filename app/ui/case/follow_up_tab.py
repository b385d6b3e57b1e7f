"""回访: the follow-up visits recorded so far and, once the case is closed, the form that
records one (performance of what was agreed, and the complainant's satisfaction). A member
of a group dispute also sees the refund its group agreed for it and what came of it
(应退、已退、到期日、逾期): a member whose refund is overdue needs another call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.groups import PerformanceState
from app.core.workflow import Action, CaseStatus
from app.services import cases, group_payments
from app.services.dto import CaseDetail
from app.services.errors import FieldProblem, ValidationFailed
from app.services.group_payments import CasePerformance
from app.ui import formatting, messages
from app.ui.case import field_editors as fe
from app.ui.case.action_dialog import ERROR_COLOUR, ChoiceCombo
from app.ui.case.sections import Section, error_label, note_label, scrolling_page
from app.ui.tasks import TaskFailure

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

class FollowUpTab(QWidget):
    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.saving = False
        content = QWidget()
        layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        layout.setSpacing(m * 2)
        self.refund = Section(self.tr("群体纠纷退款履行"))
        self.refund.setObjectName("refundPerformance")
        self.refund_group = self.refund.add_row(self.tr("群体纠纷"), "", name="refundGroup")
        self.refund_figures = self.refund.add_row(self.tr("退款"), "", name="refundFigures")
        self.refund_state = self.refund.add_row(self.tr("履行情况"), "", name="refundState")
        self.refund.hide()
        layout.addWidget(self.refund)
        self.records = Section(self.tr("回访记录"))
        self._records_box = QVBoxLayout()
        self.records.grid.addLayout(self._records_box, 0, 0, 1, 2)
        layout.addWidget(self.records)

        self.form_section = Section(self.tr("登记回访"))
        self.form = fe.FieldForm()
        self.form.add("method", self.tr("回访方式"),
                      ChoiceCombo(self.tr("请选择"), messages.enum_choices(
                          FollowUpMethod, messages.follow_up_method_text)), required=True)
        self.form.add("performance", self.tr("履行情况"),
                      ChoiceCombo(self.tr("请选择"), messages.enum_choices(
                          Performance, messages.performance_text)), required=True)
        self.form.add("satisfaction", self.tr("满意度"), ChoiceCombo(self.tr("请选择"),
                      messages.enum_choices(Satisfaction, messages.satisfaction_text)),
                      required=True)
        self.form.add("note", self.tr("回访情况"), fe.text_edit(self.tr("当事人反馈的情况"), 3))
        self.form_section.add_widget(self.form)
        self.error = error_label("followUpError")
        self.form_section.add_widget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(self.tr("登记回访"))
        self.save_button.setObjectName("saveFollowUp")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.form_section.grid.addLayout(row, self.form_section.grid.rowCount(), 0, 1, 2)
        layout.addWidget(self.form_section)
        self.not_yet = note_label("", name="followUpNotYet")
        layout.addWidget(self.not_yet)
        layout.addStretch(1)

        scrolling_page(self, content)

    def show_case(self, case: CaseDetail, people: dict[str, str]) -> None:
        changed_case = self.case is None or self.case.id != case.id
        self.case = case
        if changed_case:
            self.refund.hide()
        ws, case_id = self.owner.ws, case.id
        self.owner.runner.query(self, lambda: group_payments.case_performance(ws, case_id)) \
            .success(lambda found: self._show_refund(case_id, found)).run()
        while self._records_box.count():
            item = self._records_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if not case.follow_ups:
            self._records_box.addWidget(note_label(self.tr("尚无回访记录。"), name="noFollowUps"))
        for n, f in enumerate(case.follow_ups):
            lines = [self.tr("{when}　{who}　{method}回访").format(
                when=formatting.china_datetime(f.followed_at), who=people.get(f.by, f.by),
                method=messages.follow_up_method_text(f.method))]
            lines.append(self.tr("履行情况：{p}　满意度：{s}").format(
                p=messages.performance_text(f.performance),
                s=messages.satisfaction_text(f.satisfaction)))
            if f.note:
                lines.append(f.note)
            label = note_label("\n".join(lines), name=f"followUp_{n}")
            label.setEnabled(True)
            self._records_box.addWidget(label)
        allowed = Action.FOLLOW_UP in case.allowed_actions
        self.form_section.setVisible(allowed)
        if changed_case:
            self.form.set_values({"method": FollowUpMethod.PHONE, "performance": None,
                                  "satisfaction": None, "note": ""})
            self.error.hide()
        if allowed:
            self.not_yet.hide()
        else:
            if case.status in (CaseStatus.FOLLOWED_UP, CaseStatus.RATED):
                text = self.tr("本案已回访。")
            else:
                text = self.tr("案件办结后可在此登记回访。")
            self.not_yet.setText(text)
            self.not_yet.show()

    def _show_refund(self, case_id, found: CasePerformance | None) -> None:
        if self.case is None or self.case.id != case_id:
            return  # another case is shown meanwhile
        if found is None:
            self.refund.hide()
            return
        perf, state = found.member.performance, found.member.state
        self.refund_group.setText(found.group_title)
        due = f"{perf.due_on:%Y-%m-%d}" if perf.due_on else self.tr("未定")
        self.refund_figures.setText(self.tr("应退 {agreed}，已退 {paid}，到期日 {due}").format(
            agreed=formatting.yuan(perf.agreed_fen), paid=formatting.yuan(perf.paid_fen), due=due))
        words = messages.ENUM_TEXTS[PerformanceState](state)
        if state is PerformanceState.OVERDUE:
            words = self.tr("{state}，尚欠 {left}，需再次回访").format(
                state=words, left=formatting.yuan(perf.outstanding_fen))
        elif perf.last_paid_on is not None:
            words = self.tr("{state}（最近一笔 {day}）").format(
                state=words, day=f"{perf.last_paid_on:%Y-%m-%d}")
        self.refund_state.setText(words)
        self.refund_state.setStyleSheet(
            f"color: {ERROR_COLOUR};" if state is PerformanceState.OVERDUE else "")
        self.refund.show()

    def save(self) -> None:
        if self.case is None or self.saving:
            return
        self.error.hide()
        values = self.form.values()
        required = messages.field_problem_text(FieldProblem.REQUIRED)
        problems = {k: required for k in ("method", "performance", "satisfaction")
                    if not values[k]}
        self.form.show_problems(problems)
        if problems:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        ws, case_id = self.owner.ws, self.case.id
        self.owner.runner.op(self, lambda: cases.record_follow_up(
            ws, case_id, satisfaction=values["satisfaction"], performance=values["performance"],
            method=values["method"], note=values["note"])) \
            .success(self._saved).failure(self._failed).run()

    def _saved(self, changes) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.form.set_values({"method": FollowUpMethod.PHONE, "performance": None, "satisfaction": None,
                              "note": ""})
        self.owner.saved_here(changes)

    def _failed(self, failure: TaskFailure) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(failure.error, ValidationFailed):
            mine, rest = fe.split_problems(failure.error, self.form)
            self.form.show_problems(mine)
            if not rest:
                return
        self.error.setText(messages.error_text(failure.error))
        self.error.show()
        self.owner.save_failed_here(failure)


