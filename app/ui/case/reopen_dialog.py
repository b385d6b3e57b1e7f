"""重新办理: a closed or rejected case goes back into the workflow, with a reason."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.workflow import Action
from app.services.dto import CaseDetail
from app.ui.case.action_dialog import ActionDialog, reason_edit, text_of
from app.ui.operations.cases import ActionRequest


class ReopenDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("重新办理"), self.tr("重新办理"))
        self.reason_edit = reason_edit(self.tr("为什么需要重新办理"))
        self.add_field("reason", self.tr("说明"), self.reason_edit, required=True)

    def problems(self) -> dict[str, str]:
        if not text_of(self.reason_edit):
            return {"reason": self.tr("请填写重新办理的原因。")}
        return {}

    def request(self) -> ActionRequest:
        return ActionRequest(Action.REOPEN, self.case.id, self.case.version,
                             reason=text_of(self.reason_edit))
