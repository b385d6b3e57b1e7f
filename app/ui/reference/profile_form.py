"""The mediator's profile and the office's, as one form: first run of a standalone store
(and 设置 → 个人资料 / 本机构 later). A refused field is named beside it, in Chinese."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.workflow import Track
from app.services import office_profile
from app.services.office_profile import (
    MediatorProfile,
    OfficeProfile,
    ProfileField,
    ProfileProblem,
)
from app.ui import messages
from app.ui.case.sections import error_label, with_problem
from app.ui.forms import form_layout

# What the full printed name looks like for each kind of organisation.
EXAMPLES = {
    Track.PEOPLES_MEDIATION: ("例：张江镇人民调解委员会", "例：张江调"),
    Track.MARKET_COMPLAINT: ("例：上海市浦东新区市场监督管理局张江市场监督管理所", "例：浦消调"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfileForm", text)


class ProfileForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileForm")
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[ProfileField, QLineEdit] = {}
        self.problems: dict[ProfileField, QLabel] = {}

        # One form for both parts, so that their fields line up (a dialog adds its own
        # rows to it the same way).
        form = self.rows = form_layout()
        form.addRow(self._heading(_tr("您本人")))
        self._row(form, ProfileField.MEDIATOR_NAME, _tr("姓名 *"), _tr("将打印在调解文书上"))
        self._row(form, ProfileField.MEDIATOR_PHONE, _tr("联系电话"), "")
        self._row(form, ProfileField.CERTIFICATE_NO, _tr("调解员证号"), _tr("选填"))
        form.addRow(self._heading(_tr("本机构")))
        kinds = QHBoxLayout()
        self.track_group = QButtonGroup(self)
        self.peoples = QRadioButton(_tr("人民调解委员会"))
        self.peoples.setObjectName("trackPeoples")
        self.market = QRadioButton(_tr("市场监管所"))
        self.market.setObjectName("trackMarket")
        for button in (self.peoples, self.market):
            self.track_group.addButton(button)
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.peoples.setChecked(True)
        form.addRow(_tr("机构类型"), kinds)
        self._row(form, ProfileField.ORG_NAME, _tr("机构全称 *"), "")
        self._row(form, ProfileField.NUMBER_PREFIX, _tr("文书编号前缀 *"), "")
        self.example = QLabel()
        self.example.setObjectName("numberExample")
        form.addRow("", self.example)
        self._row(form, ProfileField.ADDRESS, _tr("地址"), _tr("用于发给当事人的通知书"))
        self._row(form, ProfileField.ORG_PHONE, _tr("机构电话"), _tr("用于发给当事人的通知书"))
        col.addLayout(form)
        self.general = error_label("profileProblem")
        col.addWidget(self.general)

        self.track_group.buttonToggled.connect(lambda *_: self._placeholders())
        self.edits[ProfileField.NUMBER_PREFIX].textChanged.connect(self._show_example)
        self._placeholders()
        self._show_example()

    def _heading(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        return label

    def _row(self, form: QFormLayout, field: ProfileField, label: str, hint: str) -> None:
        edit = QLineEdit()
        edit.setObjectName(f"profile_{field.value}")
        edit.setPlaceholderText(hint)
        edit.setAccessibleName(label)  # its caption is a row away, not a buddy Qt finds
        box, problem = with_problem(edit, f"profileProblem_{field.value}")
        form.addRow(label, box)
        self.edits[field] = edit
        self.problems[field] = problem

    def track(self) -> Track:
        return Track.PEOPLES_MEDIATION if self.peoples.isChecked() else Track.MARKET_COMPLAINT

    def _placeholders(self) -> None:
        name, prefix = EXAMPLES[self.track()]
        self.edits[ProfileField.ORG_NAME].setPlaceholderText(_tr(name))
        self.edits[ProfileField.NUMBER_PREFIX].setPlaceholderText(_tr(prefix))

    def _show_example(self) -> None:
        prefix = self.edits[ProfileField.NUMBER_PREFIX].text().strip()
        self.example.setText(_tr("编号示例：{number}").format(
            number=office_profile.number_example(prefix or "□", date.today().year)))

    def text(self, field: ProfileField) -> str:
        return self.edits[field].text()

    def office(self) -> OfficeProfile:
        return OfficeProfile(self.track(), self.text(ProfileField.ORG_NAME),
                             self.text(ProfileField.NUMBER_PREFIX),
                             self.text(ProfileField.ADDRESS), self.text(ProfileField.ORG_PHONE))

    def mediator(self) -> MediatorProfile:
        return MediatorProfile(self.text(ProfileField.MEDIATOR_NAME),
                               self.text(ProfileField.MEDIATOR_PHONE),
                               self.text(ProfileField.CERTIFICATE_NO))

    def set_profile(self, office: OfficeProfile, me: MediatorProfile) -> None:
        (self.peoples if office.track is Track.PEOPLES_MEDIATION else self.market
         ).setChecked(True)
        values = {ProfileField.ORG_NAME: office.name, ProfileField.NUMBER_PREFIX:
                  office.number_prefix, ProfileField.ADDRESS: office.address,
                  ProfileField.ORG_PHONE: office.phone, ProfileField.MEDIATOR_NAME: me.name,
                  ProfileField.MEDIATOR_PHONE: me.phone,
                  ProfileField.CERTIFICATE_NO: me.certificate_no}
        for field, value in values.items():
            self.edits[field].setText(value)

    def check(self) -> bool:
        """Shows what is wrong beside each field; True when nothing is."""
        problems = {**office_profile.check_mediator(self.mediator()),
                    **office_profile.check_office(self.office())}
        self.show_problems(problems)
        return not problems

    def show_problems(self, problems: dict[ProfileField | None, ProfileProblem]) -> None:
        for field, label in self.problems.items():
            problem = problems.get(field)
            label.setText(messages.profile_problem_text(field, problem) if problem else "")
            label.setVisible(problem is not None)
        general = problems.get(None)
        self.general.setText(messages.profile_problem_text(None, general) if general else "")
        self.general.setVisible(general is not None)
        window = self.window()
        if window is not self and window.height() < window.sizeHint().height():
            window.resize(window.width(), window.sizeHint().height())  # room for the words
        first = next((self.edits[f] for f in self.edits if f in problems), None)
        if first is not None:
            first.setFocus()
