"""不予受理: the ground from the rules of the case's track, and a reason where the
ground needs one (the catch-all grounds, core ``requires_reason``)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.core.workflow import Action, RejectionGround
from app.services.dto import CaseDetail
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


class RejectDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("不予受理"), self.tr("不予受理"))
        self.ground_combo = choice_combo(self.tr("请选择不予受理的依据"), ground_options(
            case.rejection_grounds, RejectionGround, case.track))
        self.add_field("ground", self.tr("依据"), self.ground_combo, required=True)
        self.citation = QLabel()
        self.citation.setObjectName("citation")
        self.citation.setWordWrap(True)
        hint_look(self.citation)
        self.form.addRow("", self.citation)
        self.form.setRowVisible(self.citation, False)
        self.reason_edit = reason_edit(self.tr("向当事人说明的具体情况"))
        self.add_field("reason", self.tr("说明"), self.reason_edit,
                       hint=self.tr("选择“其他情形”时必须填写说明。"))
        self.ground_combo.currentIndexChanged.connect(self._show_citation)

    def ground(self) -> RejectionGround | None:
        return self.ground_combo.value()

    def _show_citation(self) -> None:
        ground = self.ground()
        self.citation.setText(ground_note(ground, self.case.rejection_grounds))
        self.form.setRowVisible(self.citation, ground is not None)

    def problems(self) -> dict[str, str]:
        ground = self.ground()
        if ground is None:
            return {"ground": self.tr("请选择不予受理的依据。")}
        if ground.requires_reason and not text_of(self.reason_edit):
            return {"reason": self.tr("所选依据须填写具体说明。")}
        return {}

    def request(self) -> ActionRequest:
        return ActionRequest(Action.REJECT, self.case.id, self.case.version,
                             rejection_ground=self.ground(), reason=text_of(self.reason_edit))

