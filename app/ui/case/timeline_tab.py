"""时间线: everything that happened on a case, in time order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services.dto import CaseDetail
from app.ui.case.sections import note_label

if TYPE_CHECKING:
    from app.ui.case.case_view import CaseView


class TimelineTab(QWidget):
    def __init__(self, owner: CaseView) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr("时间线"), name="timelineStub"))
        layout.addStretch(1)

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        self.case = case
