"""办结: the outcome; for 终止调解 the ground from the track's rules and, where the ground
needs one, a reason; for 调解成功 the amount recovered for the consumer."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.core.workflow import (
    Action,
    CaseKind,
    CaseStatus,
    Outcome,
    TerminationGround,
    outcomes_for_kind,
)
from app.services.dto import CaseDetail
from app.ui import messages
from app.ui.case.action_dialog import (
    ActionDialog,
    choice_combo,
    ground_note,
    ground_options,
    hint_look,
    reason_edit,
    text_of,
)
from app.ui.operations.cases import ActionRequest


def offered_outcomes(case: CaseDetail) -> list[Outcome]:
    """The outcomes core accepts now: a complaint succeeds or is referred only once
    mediation has started; before that it can only be terminated."""
    outcomes = [o for o in Outcome if o in outcomes_for_kind(case.kind, case.track)]
    if case.kind is CaseKind.COMPLAINT and case.status is not CaseStatus.MEDIATING:
        outcomes = [o for o in outcomes if o is Outcome.TERMINATED]
    return outcomes


class CloseDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("办结"), self.tr("办结"))
        outcomes = offered_outcomes(case)
        self.outcome_combo = choice_combo(
            self.tr("请选择办结结果"), [(messages.outcome_text(o), o, "") for o in outcomes])
        self.add_field("outcome", self.tr("办结结果"), self.outcome_combo, required=True)
        self.ground_combo = choice_combo(self.tr("请选择终止调解的依据"), ground_options(
            case.termination_grounds, TerminationGround, case.track))
        self.add_field("ground", self.tr("终止依据"), self.ground_combo, required=True)
        self.citation = QLabel()
        self.citation.setObjectName("citation")
        self.citation.setWordWrap(True)
        hint_look(self.citation)
        self.form.addRow("", self.citation)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(self.tr("例如 3200 或 3200.50"))
        self.add_field("amount_recovered", self.tr("挽回金额（元）"), self.amount_edit)
        self.reason_edit = reason_edit(self.tr("办结情况说明"))
        self.add_field("reason", self.tr("说明"), self.reason_edit,
                       hint=self.tr("终止调解选择“其他情形”时必须填写说明。"))
        self.outcome_combo.currentIndexChanged.connect(self._update)
        self.ground_combo.currentIndexChanged.connect(self._update)
        if len(outcomes) == 1:
            self.outcome_combo.setCurrentIndex(0)
        self._update()

    def outcome(self) -> Outcome | None:
        return self.outcome_combo.value()

    def ground(self) -> TerminationGround | None:
        return self.ground_combo.value()

    def _update(self) -> None:
        terminated = self.outcome() is Outcome.TERMINATED
        self.set_field_visible("ground", terminated)
        ground = self.ground()
        self.form.setRowVisible(self.citation, terminated and ground is not None)
        self.citation.setText(ground_note(ground, self.case.termination_grounds)
                              if terminated else "")
        self.set_field_visible("amount_recovered", self.outcome() is Outcome.SETTLED)

    def problems(self) -> dict[str, str]:
        outcome = self.outcome()
        if outcome is None:
            return {"outcome": self.tr("请选择办结结果。")}
        if outcome is Outcome.TERMINATED:
            ground = self.ground()
            if ground is None:
                return {"ground": self.tr("请选择终止调解的依据。")}
            if ground.requires_reason and not text_of(self.reason_edit):
                return {"reason": self.tr("所选依据须填写具体说明。")}
        return {}

    def request(self) -> ActionRequest:
        outcome = self.outcome()
        terminated = outcome is Outcome.TERMINATED
        return ActionRequest(
            Action.CLOSE, self.case.id, self.case.version, outcome=outcome,
            termination_ground=self.ground() if terminated else None,
            reason=text_of(self.reason_edit),
            amount_recovered=text_of(self.amount_edit) if outcome is Outcome.SETTLED else "",
        )
