"""The pane beside the queue: one case's key facts and the actions allowed now."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.deadlines import DueStatus
from app.core.workflow import Action, RejectionGround, TerminationGround
from app.services.dto import CaseDetail, PartyView
from app.ui import formatting, messages
from app.ui.operations.cases import PERFORMERS
from app.ui.operations.queue import CaseView
from app.ui.qtcompat import emit
from app.ui.queue.queue_model import DUE_COLOURS

# Actions that ask for more before they run get an ellipsis on their button.
ACTIONS_WITH_DIALOG = frozenset({Action.REJECT, Action.ASSIGN, Action.CLOSE, Action.REOPEN})


def action_button_text(action: Action) -> str:
    text = messages.action_text(action)
    return text + "…" if action in ACTIONS_WITH_DIALOG else text


def _ground_text(enum: type[RejectionGround] | type[TerminationGround], value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum(value).label
    except ValueError:
        return value


class _Section(QWidget):
    """A titled block of label/value rows."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        heading = QLabel(title)
        heading.setObjectName("sectionHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)

    def add_row(self, label: str, value: str | QWidget, *, name: str = "") -> QLabel | None:
        row = self.grid.rowCount()
        caption = QLabel(label)
        caption.setObjectName("fieldCaption")
        caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(caption, row, 0)
        if isinstance(value, QWidget):
            self.grid.addWidget(value, row, 1)
            return None
        text = _value_label(value, name=name)
        self.grid.addWidget(text, row, 1)
        return text

    def add_text(self, value: str, *, name: str = "") -> QLabel:
        text = _value_label(value, name=name)
        self.grid.addWidget(text, self.grid.rowCount(), 0, 1, 2)
        return text


def _value_label(text: str, *, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if name:
        label.setObjectName(name)
    return label


class CaseSummaryView(QWidget):
    """Shows a ``CaseView``; emits ``action_requested(Action)`` when a button is clicked."""

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseSummaryView")
        self.case: CaseDetail | None = None
        self.buttons: dict[Action, QPushButton] = {}

        self._stack = QStackedWidget(self)
        self._placeholder = QLabel(self.tr("在列表中选择一件案件，这里会显示案件详情和可办理的操作。"))
        self._placeholder.setObjectName("placeholder")
        self._placeholder.setWordWrap(True)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setMargin(24)
        self._stack.addWidget(self._placeholder)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._stack.addWidget(self._scroll)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.show_placeholder()

    # ------------------------------------------------------------ states

    def show_placeholder(self, text: str | None = None) -> None:
        self.case = None
        self.buttons = {}
        if text:
            self._placeholder.setText(text)
        else:
            self._placeholder.setText(
                self.tr("在列表中选择一件案件，这里会显示案件详情和可办理的操作。")
            )
        self._stack.setCurrentWidget(self._placeholder)

    def set_busy(self, busy: bool) -> None:
        """While an action runs, its buttons wait."""
        for button in self.buttons.values():
            button.setEnabled(not busy)

    def show_case(self, view: CaseView) -> None:
        case = view.detail
        self.case = case
        content = QWidget()
        content.setObjectName("caseContent")
        layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        layout.setSpacing(m * 2)
        layout.addLayout(self._header(case))
        actions = self._actions(case)
        if actions is not None:
            layout.addWidget(actions)
        layout.addWidget(self._deadlines(view))
        layout.addWidget(self._parties(case))
        layout.addWidget(self._matter(case))
        layout.addWidget(self._handling(case))
        layout.addStretch(1)
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self._scroll.setWidget(content)
        self._stack.setCurrentWidget(self._scroll)

    # ------------------------------------------------------------ blocks

    def _header(self, case: CaseDetail) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        top = QGridLayout()
        top.setHorizontalSpacing(12)
        ticket = _value_label(case.source_ticket, name="caseTicket")
        font = QFont(ticket.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        ticket.setFont(font)
        status = QLabel(messages.status_text(case.status))
        status.setObjectName("caseStatus")
        status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        status.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        top.addWidget(ticket, 0, 0)
        top.addWidget(status, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top.setColumnStretch(0, 1)
        box.addLayout(top)
        facts = [messages.track_text(case.track), messages.kind_text(case.kind),
                 messages.source_text(case.source),
                 self.tr("收到 {time}").format(time=formatting.china_datetime(case.received_at))]
        subtitle = _value_label(" · ".join(facts), name="caseSubtitle")
        box.addWidget(subtitle)
        if case.title:
            title = _value_label(case.title, name="caseTitle")
            box.addWidget(title)
        return box

    def _actions(self, case: CaseDetail) -> QWidget | None:
        offered = [a for a in case.allowed_actions if a in PERFORMERS]
        self.buttons = {}
        if not offered:
            return None
        section = _Section(self.tr("办理"))
        row = QGridLayout()
        row.setHorizontalSpacing(8)
        row.setVerticalSpacing(8)
        per_row = 3
        for n, action in enumerate(offered):
            button = QPushButton(action_button_text(action))
            button.setObjectName(f"action_{action.value}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, a=action: emit(self.action_requested, a))
            row.addWidget(button, n // per_row, n % per_row)
            self.buttons[action] = button
        for c in range(per_row):
            row.setColumnStretch(c, 1)
        section.grid.addLayout(row, section.grid.rowCount(), 0, 1, 2)
        others = [a for a in case.allowed_actions if a not in PERFORMERS]
        if others:
            note = section.add_text(
                self.tr("另可办理：{actions}（在后续版本中提供）").format(
                    actions="、".join(messages.action_text(a) for a in others)),
                name="otherActions")
            note.setEnabled(False)
        return section

    def _deadlines(self, view: CaseView) -> QWidget:
        section = _Section(self.tr("期限"))
        if not view.deadlines:
            section.add_text(self.tr("暂无计时中的期限。"))
        for deadline, badge in view.deadlines:
            value = f"{formatting.day_with_weekday(deadline.due)}　{badge.text}"
            label = section.add_row(messages.clock_kind_text(deadline.kind), value)
            if label is not None:
                label.setToolTip(badge.tooltip)
                colour = DUE_COLOURS.get(badge.status)
                if colour is not None and badge.status is not DueStatus.PAUSED:
                    label.setStyleSheet(f"color: {colour.name()};")
        return section

    def _parties(self, case: CaseDetail) -> QWidget:
        section = _Section(self.tr("当事人"))
        if not case.parties:
            section.add_text(self.tr("未登记当事人。"))
        for party in case.parties:
            section.add_row(messages.party_role_text(party.role, case.track), self._party(party),
                            name=f"party_{party.role}")
        return section

    def _party(self, party: PartyView) -> str:
        lines = [party.name]
        contact = [p for p in (party.phone_masked, party.address) if p]
        if contact:
            lines.append("　".join(contact))
        if party.has_id_number:
            lines.append(self.tr("证件号码 {number}").format(number=party.id_number_masked))
        return "\n".join(lines)

    def _matter(self, case: CaseDetail) -> QWidget:
        section = _Section(self.tr("投诉内容"))
        section.add_text(case.description or self.tr("（未填写）"), name="caseDescription")
        if case.request:
            section.add_row(self.tr("诉求"), case.request)
        if case.amount_claimed is not None:
            section.add_row(self.tr("诉求金额"), formatting.amount(case.amount_claimed))
        return section

    def _handling(self, case: CaseDetail) -> QWidget:
        section = _Section(self.tr("办理情况"))
        rows = [
            (self.tr("类别"), " / ".join(p for p in (case.category, case.issue_type) if p)),
            (self.tr("区域"), case.region),
            (self.tr("标签"), "、".join(case.tags)),
            (self.tr("承办人"), case.mediator_name or self.tr("未派单")),
            (self.tr("受理时间"), formatting.china_datetime(case.accepted_at)),
            (self.tr("派单时间"), formatting.china_datetime(case.assigned_at)),
            (self.tr("办结时间"), formatting.china_datetime(case.closed_at)),
            (self.tr("办结结果"), messages.outcome_text(case.outcome) if case.outcome else ""),
            (self.tr("不予受理理由"), _ground_text(RejectionGround, case.rejection_ground)),
            (self.tr("终止调解理由"), _ground_text(TerminationGround, case.termination_ground)),
            (self.tr("说明"), case.status_reason),
            (self.tr("挽回金额"), formatting.amount(case.amount_recovered)),
        ]
        for label, value in rows:
            if value:
                section.add_row(label, value)
        if case.paused:
            section.add_text(self.tr("计时已中止（检定、检验、检测、鉴定或回避期间不计入期限）。"))
        if not case.rule_set_confirmed:
            section.add_text(self.tr("本案适用的期限规则尚未核实，期限仅供参考。"))
        return section
