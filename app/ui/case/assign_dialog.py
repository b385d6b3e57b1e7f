"""派单: choose the mediator who handles the case (a different one to reassign)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from app.core.workflow import Action
from app.services.dto import CaseDetail
from app.ui.case.action_dialog import ActionDialog, choice_combo, reason_edit, text_of
from app.ui.operations.cases import ActionRequest


class AssignDialog(ActionDialog):
    def __init__(self, case: CaseDetail, mediators: Sequence[tuple[uuid.UUID, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(case, parent)
        reassign = case.mediator_id is not None
        title = self.tr("改派") if reassign else self.tr("派单")
        self.set_texts(title, title)
        # The current mediator is not offered: core refuses an unchanged assignment.
        choices = [(name, mid, "") for mid, name in mediators if mid != case.mediator_id]
        self.mediator_combo = choice_combo(self.tr("请选择承办人"), choices)
        hint = ""
        if reassign:
            hint = self.tr("现承办人：{name}").format(name=case.mediator_name)
        if not choices:
            hint = self.tr("本单位没有其他可派单的调解员。")
        self.add_field("mediator_id", self.tr("承办人"), self.mediator_combo, required=True,
                       hint=hint)
        self.reason_edit = reason_edit(self.tr("派单说明（可不填）"))
        self.add_field("reason", self.tr("说明"), self.reason_edit)

    def mediator_id(self) -> uuid.UUID | None:
        return self.mediator_combo.value()

    def problems(self) -> dict[str, str]:
        if self.mediator_id() is None:
            return {"mediator_id": self.tr("请选择承办人。")}
        return {}

    def request(self) -> ActionRequest:
        return ActionRequest(Action.ASSIGN, self.case.id, self.case.version,
                             mediator_id=self.mediator_id(), reason=text_of(self.reason_edit))
