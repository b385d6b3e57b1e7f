"""当事人: each party with the phone and ID number masked (PIPL); 查看 reveals the ID
number after asking what for, through the audited service; 编辑 edits the party in
place with the messages beside the fields."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.parties import IdType, PartyType, Sex
from app.core.workflow import Track
from app.services import cases
from app.services.dto import CaseDetail, PartyView
from app.services.errors import FieldProblem
from app.ui import formatting, messages
from app.ui.case import field_editors as fe
from app.ui.case.action_dialog import ERROR_COLOUR, ChoiceCombo, required_label
from app.ui.case.sections import Section, error_label, note_label, scrolling_page
from app.ui.operations.cases import save_party
from app.ui.queue.flow_layout import FlowLayout
from app.ui.typed_input import GuardedDialog

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

EDITABLE = ("name", "phone", "address", "id_type", "id_number", "sex", "ethnicity",
            "birth_date", "occupation", "employer", "representative")


def party_values(party: PartyView) -> dict[str, Any]:
    """The party's editable fields as the editors hold them. The ID number editor starts
    empty: it takes a new number; the recorded one is only shown through 查看."""
    return {
        "name": party.name, "phone": party.phone, "address": party.address,
        "id_type": party.id_type or None, "id_number": "", "sex": party.sex or None,
        "ethnicity": party.ethnicity, "birth_date": party.birth_date,
        "occupation": party.occupation, "employer": party.employer,
        "representative": party.representative,
    }


class RevealDialog(GuardedDialog):
    """Asks why the full ID number is needed; the answer goes into the audit trail."""

    PURPOSES = ("核实当事人身份", "制作调解文书", "申请司法确认", "办理退款或履行")

    def __init__(self, party: PartyView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("查看完整证件号码"))
        self.setModal(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 30)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("证件号码属于敏感个人信息。查看完整号码将记入案件历史，"
                               "包括查看人、时间和用途。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        caption = QLabel(required_label(self.tr("查看用途")))
        caption.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(caption)
        self.purpose = QComboBox()
        self.purpose.setObjectName("revealPurpose")
        self.purpose.setEditable(True)
        self.purpose.addItems([self.tr(p) for p in self.PURPOSES])
        self.purpose.setCurrentIndex(-1)
        self.purpose.lineEdit().setPlaceholderText(self.tr("选择或填写用途"))
        caption.setBuddy(self.purpose)
        layout.addWidget(self.purpose)
        self.error = QLabel()
        self.error.setObjectName("purposeError")
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.hide()
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("查看"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        box.accepted.connect(self._ok)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def purpose_text(self) -> str:
        return self.purpose.currentText().strip()

    def _ok(self) -> None:
        if not self.purpose_text():
            self.error.setText(self.tr("请填写查看用途。"))
            self.error.show()
            return
        self.accept()


class PartyCard(fe.SaveFlow, QFrame):
    STALE_TEXT = QT_TRANSLATE_NOOP(
        "CaseView", "该当事人信息已被他人修改，已载入最新内容。您填写的修改仍然保留，请核对后再次保存。")

    def __init__(self, owner: CaseHost, track: Track) -> None:
        super().__init__()
        self.owner = owner
        self.track = track
        self.party: PartyView | None = None
        self.editing = False
        self.saving = False
        self.revealed = ""
        self._base: dict[str, Any] = {}
        self._base_version = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
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
        layout = QVBoxLayout(self)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m, m, m, m)
        layout.addWidget(self._stack)

    # ------------------------------------------------------------ editor

    def _build_editor(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = fe.FieldForm()
        f = self.form
        f.add("name", self.tr("姓名或名称"), fe.line_edit(), required=True)
        f.add("phone", self.tr("联系电话"), fe.line_edit(self.tr("手机、座机或 400 电话")),
              check=fe.check_phone)
        f.add("address", self.tr("地址"), fe.line_edit())
        f.add("id_type", self.tr("证件类型"), ChoiceCombo(self.tr("未登记"), messages.enum_choices(
            IdType, messages.id_type_text)))
        f.add("id_number", self.tr("证件号码"), fe.line_edit(), check=self._check_id)
        f.add("sex", self.tr("性别"), ChoiceCombo(self.tr("未登记"), messages.enum_choices(Sex, messages.sex_text)))
        f.add("ethnicity", self.tr("民族"), fe.line_edit())
        f.add("birth_date", self.tr("出生日期"), fe.date_edit())
        f.add("occupation", self.tr("职业"), fe.line_edit())
        f.add("employer", self.tr("工作单位"), fe.line_edit())
        f.add("representative", self.tr("法定代表人"), fe.line_edit())
        layout.addWidget(f)
        self.edit_error = error_label("partyError")
        layout.addWidget(self.edit_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        return page

    def _check_id(self, raw: str) -> fe.Check:
        id_type = self.form.value("id_type") or (self.party.id_type if self.party else "")
        if id_type == IdType.RESIDENT_ID:
            return fe.check_resident_id(raw)
        if id_type == IdType.USCC:
            return fe.check_uscc(raw)
        return fe.Check()

    def start_editing(self) -> None:
        if self.party is None:
            return
        self.editing = True
        self._base = party_values(self.party)
        self._base_version = self.party.version
        self.form.set_values(self._base)
        self._base = self.form.values()
        self._update_id_hint()
        business = self.party.party_type == PartyType.BUSINESS
        for key in ("sex", "ethnicity", "birth_date", "occupation", "employer"):
            self.form.set_row_visible(key, not business)
        self.form.set_row_visible("representative", business)
        self.edit_error.hide()
        self._show_editor(True)
        self.form.fields["name"].setFocus()

    def _update_id_hint(self) -> None:
        edit = self.form.fields["id_number"]
        if self.party is not None and self.party.has_id_number:
            edit.setPlaceholderText(self.tr("已登记 {masked}；不修改请留空").format(
                masked=self.party.id_number_masked))
        else:
            edit.setPlaceholderText(self.tr("未登记"))

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
        for key in ("id_type", "sex"):
            if key in changed and changed[key] is None:
                changed[key] = ""
        return changed

    def save(self) -> None:
        if self.party is None or self.saving:
            return
        self.edit_error.hide()
        problems = self.form.check_all()
        if not self.form.value("name"):
            problems["name"] = messages.field_problem_text(FieldProblem.REQUIRED)
        if problems:
            self.form.show_problems(problems)
            return
        changed = self.pending_changes()
        if not changed:
            self.cancel()
            return
        self._set_saving(True)
        case = self.owner.case
        assert case is not None
        ws, party_id, version = self.owner.ws, self.party.id, self._base_version
        self.owner.runner.op(self, lambda: save_party(ws, case.id, party_id, version, changed)) \
            .success(self._saved).failure(self._save_failed).run()

    # ------------------------------------------------------------ showing

    def show_party(self, party: PartyView) -> None:
        if self.editing and self.party is not None:
            now = self.form.values()
            fresh = party_values(party)
            for key in EDITABLE:
                if now[key] == self._base.get(key):
                    fe.set_value(self.form.fields[key], fresh[key])
            self._base = {k: (v.strip() if isinstance(v, str) else v) for k, v in fresh.items()}
            self._base_version = party.version
        if self.party is not None and party.version != self.party.version:
            self.revealed = ""
        self.party = party
        if self.editing:
            self._update_id_hint()
        self._fill_read(party)

    def _fill_read(self, party: PartyView) -> None:
        while self._read_layout.count():
            item = self._read_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        role = messages.party_role_text(party.role, self.track)
        section = Section(self.tr("{role}：{name}").format(role=role, name=party.name))
        edit = QPushButton(self.tr("编辑"))
        edit.setObjectName(f"editParty_{party.role}")
        edit.clicked.connect(self.start_editing)
        section.tools.addWidget(edit)
        self.edit_button = edit
        # One line a reader takes in at a glance (and the queue tests read).
        summary = [party.name]
        contact = [p for p in (party.phone_masked, party.address) if p]
        if contact:
            summary.append("　".join(contact))
        if party.has_id_number:
            summary.append(self.tr("证件号码 {number}").format(number=party.id_number_masked))
        section.add_text("\n".join(summary), name=f"party_{party.role}")
        if not party.phone_masked:
            section.add_row(self.tr("联系电话"), self.tr("未登记"))
        section.add_row(self.tr("类型"), messages.party_type_text(party.party_type))
        id_row = QWidget()
        # The number and its 查看 wrap onto two lines in a narrow pane (at 150 % the row
        # was wider than the pane and the card was cut off at the right).
        row = FlowLayout(id_row, spacing=self.fontMetrics().horizontalAdvance("m"))
        if party.has_id_number:
            number = self.revealed or party.id_number_masked
            self.id_label = QLabel(number)
            self.id_label.setObjectName(f"idNumber_{party.role}")
            self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(self.id_label)
            self.reveal_button = QPushButton(self.tr("隐藏") if self.revealed else self.tr("查看"))
            self.reveal_button.setObjectName(f"reveal_{party.role}")
            self.reveal_button.setToolTip(self.tr("查看完整号码，将记入案件历史"))
            self.reveal_button.clicked.connect(self._toggle_reveal)
            row.addWidget(self.reveal_button)
            caption = messages.id_type_text(party.id_type) or self.tr("证件号码")
            section.add_row(caption, id_row)
        details = [
            (self.tr("性别"), messages.sex_text(party.sex)),
            (self.tr("民族"), party.ethnicity),
            (self.tr("出生日期"), formatting.day(party.birth_date)),
            (self.tr("职业"), party.occupation),
            (self.tr("工作单位"), party.employer),
            (self.tr("法定代表人"), party.representative),
        ]
        for label, value in details:
            if value:
                section.add_row(label, value)
        self._read_layout.addWidget(section)

    # ------------------------------------------------------------ reveal

    def _toggle_reveal(self) -> None:
        if self.party is None:
            return
        if self.revealed:
            self.revealed = ""
            self._fill_read(self.party)
            return
        dialog = RevealDialog(self.party, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._reveal(dialog.purpose_text()))
        self.owner.show_dialog(dialog)

    def _reveal(self, purpose: str) -> None:
        party = self.party
        assert party is not None
        self.reveal_button.setEnabled(False)
        ws = self.owner.ws
        # On the write lane: the service writes the audit event before it answers.
        self.owner.runner.op(self, lambda: cases.reveal_id_number(ws, party.id, purpose)) \
            .success(lambda number: self._revealed(party.id, number)).run()

    def _revealed(self, party_id: uuid.UUID, number: str) -> None:
        if self.party is None or self.party.id != party_id:
            return
        self.revealed = number
        self._fill_read(self.party)
        self.owner.revealed_here(party_id)


class PartiesTab(QWidget):
    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case_id: uuid.UUID | None = None
        self.cards: dict[uuid.UUID, PartyCard] = {}
        content = QWidget()
        self._layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        self._layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        self._layout.setSpacing(m * 2)
        self._empty = note_label(self.tr("未登记当事人。"), name="noParties")
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        scrolling_page(self, content)

    def card(self, role: str) -> PartyCard:
        """The first party card of a role (tests, shortcuts)."""
        return next(c for c in self.cards.values() if c.party and c.party.role == role)

    def show_case(self, case: CaseDetail) -> None:
        if case.id != self.case_id:
            for card in self.cards.values():
                card.deleteLater()
            self.cards = {}
            self.case_id = case.id
        keep = {p.id for p in case.parties}
        for party_id in [i for i in self.cards if i not in keep]:
            self.cards.pop(party_id).deleteLater()
        for n, party in enumerate(case.parties):
            card = self.cards.get(party.id)
            if card is None:
                card = PartyCard(self.owner, case.track)
                self.cards[party.id] = card
            self._layout.insertWidget(n, card)
            card.show_party(party)
        self._empty.setVisible(not case.parties)
