"""新建工单: take a work order — where it came from, who complains about whom, what
about — with live checks of the phone, ID and USCC beside the fields.

Before saving, the probable duplicates (same source ticket; same complainant phone and
business within 30 days) are looked up off the GUI thread. If there are any, the user
links the new work order to one of them (重复诉求 / 多头诉求, counted once), takes it as
a new case anyway, or goes back to the form. After saving, ``created(case_id)`` tells
the window which case to open.

What is typed is kept as the user's draft two seconds after the last change
(app.services.intake_drafts), as session records are; Esc, 取消 or × on a form with
typed text asks 保存草稿 / 放弃 / 继续编辑, and the next 新建工单 offers the draft back.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.parties import IdType, PartyRole, PartyType
from app.core.timeutil import CHINA_TZ
from app.core.workflow import CaseKind, Source, Track, kinds_for_track
from app.services import cases, duplicates, intake_drafts
from app.services.context import Workstation
from app.services.dto import Changes, IntakeForm, PartyInput
from app.services.duplicates import DuplicateCandidate, DuplicateReason
from app.services.errors import FieldProblem, ValidationFailed
from app.ui import formatting, messages
from app.ui.case import field_editors as fe
from app.ui.case.action_dialog import ChoiceCombo, hint_look
from app.ui.case.case_texts import URGENCY, choices
from app.ui.case.sections import error_label
from app.ui.case.time_edit import OneTabDateTimeEdit
from app.ui.operations.cases import IntakeChoices, load_intake_choices
from app.ui.qtcompat import emit
from app.ui.tasks import TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog

DRAFT_DELAY_MS = 2000  # after the last change, as session records
HOTLINES = frozenset({Source.HOTLINE_12315, Source.HOTLINE_12345})
# Tags that drive priority (DOMAIN.md), offered as one-click buttons.
COMMON_TAGS = ("网购", "预付式消费", "三品一特", "群体性", "舆情", "职业索赔", "重复诉求", "涉疫")

_REASONS = {
    DuplicateReason.SAME_TICKET: "同一工单号",
    DuplicateReason.SAME_PHONE_AND_BUSINESS: "同一电话、同一被投诉方（30日内）",
}


def reason_text(reason: DuplicateReason) -> str:
    return messages.tr("Duplicate", _REASONS.get(reason, reason.value))


class DuplicateDialog(QDialog):
    """The probable duplicates, and what to do about them."""

    LINK, NEW, BACK = 1, 2, 0

    def __init__(self, candidates: list[DuplicateCandidate], parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.candidates = candidates
        self.choice = self.BACK
        self.setWindowTitle(self.tr("可能是重复工单"))
        self.setModal(True)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.setMinimumWidth(em * 56)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "找到 {n} 件可能相同的工单。同一诉求应关联到已有案件，避免重复计数；"
            "确属新的诉求时再新建。").format(n=len(candidates)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        headers = [self.tr("工单号"), self.tr("收到时间"), self.tr("投诉人"),
                   self.tr("被投诉方"), self.tr("状态"), self.tr("相同之处")]
        self.table = QTableWidget(len(candidates), len(headers))
        self.table.setObjectName("duplicateTable")
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        for row, c in enumerate(candidates):
            s = c.case
            cells = [s.source_ticket, formatting.china_datetime(s.received_at),
                     s.complainant_name, s.respondent_name, messages.status_text(s.status),
                     "\n".join(reason_text(r) for r in c.reasons)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        rows = min(len(candidates), 6)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * rows
                                    + header.sizeHint().height() + 8)
        layout.addWidget(self.table)
        self.table.selectRow(0)
        # Every column readable without eliding, within the screen.
        self.table.resizeColumnsToContents()
        wanted = sum(self.table.columnWidth(c) for c in range(len(headers))) + em * 3
        screen = self.screen()
        if screen is not None:
            wanted = min(wanted, int(screen.availableGeometry().width() * 0.9))
        self.resize(max(wanted, em * 56), self.sizeHint().height())
        self.table.resizeRowsToContents()

        buttons = QDialogButtonBox()
        self.link_button = QPushButton(self.tr("关联到此案件"))
        self.link_button.setObjectName("linkDuplicate")
        self.link_button.setToolTip(self.tr("新工单作为所选案件的重复诉求登记并与之关联"))
        self.new_button = QPushButton(self.tr("仍然新建"))
        self.new_button.setObjectName("createAnyway")
        self.back_button = QPushButton(self.tr("返回修改"))
        self.back_button.setObjectName("backToForm")
        buttons.addButton(self.link_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.link_button.clicked.connect(lambda: self._choose(self.LINK))
        self.new_button.clicked.connect(lambda: self._choose(self.NEW))
        self.back_button.clicked.connect(lambda: self._choose(self.BACK))
        self.table.itemSelectionChanged.connect(
            lambda: self.link_button.setEnabled(self.selected() is not None))
        layout.addWidget(buttons)

    def selected(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.candidates[rows[0].row()].case.id if rows else None

    def _choose(self, choice: int) -> None:
        self.choice = choice
        if choice == self.BACK:
            self.reject()
        else:
            self.accept()


def _group(title: str, form: fe.FieldForm) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(form)
    return box


class IntakeDialog(GuardedDialog):
    created = Signal(object)  # uuid.UUID of the new case
    saved = Signal(object)  # Changes
    duplicates_checked = Signal(object)  # list[DuplicateCandidate]
    save_failed = Signal(object)  # TaskFailure

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.busy = False
        self.duplicate_dialog: DuplicateDialog | None = None
        self.created_id: uuid.UUID | None = None
        self.setWindowTitle(self.tr("新建工单"))
        self.setObjectName("intakeDialog")
        self.setModal(True)
        self.setSizeGripEnabled(True)

        self.order = fe.FieldForm()
        self.complainant = fe.FieldForm()
        self.respondent = fe.FieldForm()
        self.matter = fe.FieldForm()
        self.forms = (self.order, self.complainant, self.respondent, self.matter)
        self._build_order()
        self._build_parties()
        self._build_matter()

        content = QWidget()
        grid = QGridLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        grid.setContentsMargins(m, m, m, m)
        grid.setHorizontalSpacing(m * 2)
        grid.setVerticalSpacing(m)
        self.order_box = _group(self.tr("工单"), self.order)
        self.complainant_box = _group("", self.complainant)
        self.respondent_box = _group("", self.respondent)
        self.matter_box = _group(self.tr("投诉内容"), self.matter)
        grid.addWidget(self.order_box, 0, 0)
        grid.addWidget(self.complainant_box, 1, 0)
        grid.addWidget(self.respondent_box, 2, 0)
        grid.addWidget(self.matter_box, 0, 1, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take the focus
        scroll.setWidget(content)

        # A draft kept from an earlier form, offered back (hidden until one is found).
        self.draft_bar = QFrame()
        self.draft_bar.setObjectName("intakeDraftBar")
        self.draft_bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar = QHBoxLayout(self.draft_bar)
        self.draft_label = QLabel()
        self.draft_label.setObjectName("intakeDraftText")
        self.draft_label.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("继续填写草稿"))
        self.restore_button.setObjectName("restoreIntakeDraft")
        self.drop_draft_button = QPushButton(self.tr("丢弃草稿"))
        self.drop_draft_button.setObjectName("dropIntakeDraft")
        bar.addWidget(self.draft_label, 1)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.drop_draft_button)
        self.draft_bar.hide()
        self.draft: intake_drafts.IntakeDraft | None = None
        self.restore_button.clicked.connect(self.restore_draft)
        self.drop_draft_button.clicked.connect(self.drop_draft)
        # Typed text is kept as a draft this long after the last change.
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for form in self.forms:
            for widget in form.fields.values():
                signal = fe.changed_signal(widget)
                if signal is not None:
                    signal.connect(self._draft_timer.start)

        self.general_error = error_label("intakeError")
        self.status = QLabel()
        self.status.setObjectName("intakeStatus")
        hint_look(self.status)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("保存工单"))
        self.save_button.setObjectName("saveIntake")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.draft_bar)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        self._on_source()
        self._on_track()
        # Wide enough for both columns without clipping; the scroll area takes the rest.
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(max(content.sizeHint().width() + 4 * m, em * 64),
                    min(content.sizeHint().height() + 12 * m, em * 52))
        ws = self.ws
        self.runner.query(self, lambda: load_intake_choices(ws)).success(self._apply_choices).run()
        self.runner.query(self, lambda: intake_drafts.load_intake_draft(ws)) \
            .success(self._offer_draft).run()

    # ------------------------------------------------------------ building

    def _build_order(self) -> None:
        f = self.order
        self.source_combo = ChoiceCombo(self.tr("请选择来源"), [
            (messages.source_text(s), s, "") for s in Source])
        f.add("source", self.tr("来源"), self.source_combo, required=True)
        f.add("source_ticket", self.tr("工单号"), fe.line_edit(self.tr("平台工单编号")),
              hint=self.tr("12315、12345 工单必填；其他来源可不填，保存时自动编号。"))
        self.track_combo = ChoiceCombo(self.tr("请选择"), [
            (messages.track_text(t), t, "") for t in Track])
        f.add("track", self.tr("办理程序"), self.track_combo, required=True)
        self.kind_combo = ChoiceCombo(self.tr("请选择"), [
            (messages.kind_text(k), k, "") for k in CaseKind])
        f.add("kind", self.tr("类型"), self.kind_combo, required=True)
        self.received_edit = OneTabDateTimeEdit()
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = self.ws.now().astimezone(CHINA_TZ).replace(tzinfo=None, second=0, microsecond=0)
        self.received_edit.setMaximumDateTime(QDateTime(now))
        self.received_edit.setDateTime(QDateTime(now))
        f.add("received_at", self.tr("收到时间"), self.received_edit, required=True)
        f.add("urgency", self.tr("紧急程度"), ChoiceCombo(self.tr("请选择"), choices(URGENCY)))
        self.source_combo.select(Source.HOTLINE_12315)
        self.track_combo.select(Track.MARKET_COMPLAINT)
        self.kind_combo.select(CaseKind.COMPLAINT)
        f.fields["urgency"].select(0)
        self.source_combo.currentIndexChanged.connect(self._on_source)
        self.track_combo.currentIndexChanged.connect(self._on_track)
        self.kind_combo.currentIndexChanged.connect(self._on_kind)

    def _build_parties(self) -> None:
        c = self.complainant
        c.add("complainant.name", self.tr("姓名"), fe.line_edit(), required=True)
        c.add("complainant.phone", self.tr("联系电话"), fe.line_edit(self.tr("手机、座机或 400 电话")),
              check=fe.check_phone)
        c.add("complainant.address", self.tr("地址"), fe.line_edit())
        c.add("complainant.id_number", self.tr("身份证号码"), fe.line_edit(self.tr("可不填")),
              check=fe.check_resident_id,
              hint=self.tr("仅在需要时登记（如申请司法确认），保存后屏蔽显示。"))
        r = self.respondent
        self.respondent_type = ChoiceCombo(self.tr("请选择"), messages.enum_choices(
            PartyType, messages.party_type_text))
        self.respondent_type.select(PartyType.BUSINESS)
        r.add("respondent.party_type", self.tr("类型"), self.respondent_type)
        r.add("respondent.name", self.tr("名称"), fe.line_edit(self.tr("经营者名称或姓名")))
        r.add("respondent.id_number", self.tr("统一社会信用代码"), fe.line_edit(self.tr("可不填")),
              check=self._check_respondent_id)
        r.add("respondent.phone", self.tr("联系电话"), fe.line_edit(), check=fe.check_phone)
        r.add("respondent.address", self.tr("地址"), fe.line_edit())
        self.respondent_type.currentIndexChanged.connect(self._on_respondent_type)

    def _build_matter(self) -> None:
        f = self.matter
        f.add("description", self.tr("投诉内容"),
              fe.text_edit(self.tr("经过、时间、地点、涉及的商品或服务"), 6), required=True)
        f.add("request", self.tr("诉求"), fe.text_edit(self.tr("例如：退还预付款 3200 元"), 2))
        f.add("amount_claimed", self.tr("诉求金额（元）"), fe.line_edit(self.tr("例如 3200.50")),
              check=fe.check_amount)
        f.add("category", self.tr("类别"), fe.editable_combo([], self.tr("选择或输入类别")))
        self.tags_edit = fe.line_edit(self.tr("多个标签用顿号或逗号分隔"))
        f.add("tags", self.tr("标签"), self.tags_edit)
        tag_row = QWidget()
        tag_grid = QGridLayout(tag_row)
        tag_grid.setContentsMargins(0, 0, 0, 0)
        tag_grid.setSpacing(4)
        self.tag_buttons: dict[str, QToolButton] = {}
        for n, tag in enumerate(COMMON_TAGS):
            button = QToolButton()
            button.setText(tag)
            button.setCheckable(True)
            button.setObjectName(f"tag_{n}")
            button.toggled.connect(lambda on, t=tag: self._toggle_tag(t, on))
            tag_grid.addWidget(button, n // 4, n % 4)
            self.tag_buttons[tag] = button
        self.matter.form.addRow("", tag_row)
        self.tags_edit.textChanged.connect(self._sync_tag_buttons)

    # ------------------------------------------------------------ reactions

    def _on_source(self) -> None:
        hotline = self.source_combo.value() in HOTLINES
        self.order.set_required("source_ticket", hotline)

    def _on_track(self) -> None:
        track = self.track_combo.value() or Track.MARKET_COMPLAINT
        allowed = kinds_for_track(track)
        view = self.kind_combo.view()
        for row, kind in enumerate(self.kind_combo.values()):
            view.setRowHidden(row, kind not in allowed)
        if self.kind_combo.value() not in allowed:
            self.kind_combo.select(CaseKind.COMPLAINT)
        self._on_kind()

    def _on_kind(self) -> None:
        track = self.track_combo.value() or Track.MARKET_COMPLAINT
        kind = self.kind_combo.value()
        if kind is CaseKind.REPORT:
            first, second = self.tr("举报人"), self.tr("被举报人")
        elif track is Track.PEOPLES_MEDIATION:
            first, second = self.tr("申请人"), self.tr("被申请人")
        else:
            first, second = self.tr("投诉人"), self.tr("被投诉人")
        self.complainant_box.setTitle(first)
        self.respondent_box.setTitle(second)
        complaint = kind is CaseKind.COMPLAINT
        # 暂行办法 第九条: a complaint needs the complainant's phone and the respondent.
        self.complainant.set_required("complainant.phone", complaint)
        self.respondent.set_required("respondent.name", complaint)

    def _on_respondent_type(self) -> None:
        business = self.respondent_type.value() != PartyType.PERSON
        label = self.tr("统一社会信用代码") if business else self.tr("身份证号码")
        self.respondent.set_required("respondent.id_number", False, label)
        self.respondent.run_check("respondent.id_number")

    def _check_respondent_id(self, raw: str) -> fe.Check:
        if self.respondent_type.value() == PartyType.PERSON:
            return fe.check_resident_id(raw)
        return fe.check_uscc(raw)

    def _toggle_tag(self, tag: str, on: bool) -> None:
        tags = list(fe.split_tags(self.tags_edit.text()))
        if on and tag not in tags:
            tags.append(tag)
        elif not on and tag in tags:
            tags.remove(tag)
        text = fe.join_tags(tags)
        if text != fe.join_tags(fe.split_tags(self.tags_edit.text())):
            self.tags_edit.setText(text)

    def _sync_tag_buttons(self) -> None:
        tags = set(fe.split_tags(self.tags_edit.text()))
        for tag, button in self.tag_buttons.items():
            button.blockSignals(True)
            button.setChecked(tag in tags)
            button.blockSignals(False)

    def _apply_choices(self, c: IntakeChoices) -> None:
        fe.set_combo_items(self.matter.fields["category"], c.categories)
        completer = QCompleter(sorted(set(c.tags) | set(COMMON_TAGS)), self.tags_edit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags_edit.setCompleter(completer)

    # ------------------------------------------------------------ values

    def field(self, key: str) -> QWidget:
        for form in self.forms:
            if key in form.fields:
                return form.fields[key]
        raise KeyError(key)

    def message_text(self, key: str) -> str:
        for form in self.forms:
            if key in form.fields:
                return form.message_text(key)
        raise KeyError(key)

    def received_at(self) -> datetime:
        return self.received_edit.dateTime().toPython().replace(tzinfo=CHINA_TZ)

    def intake_form(self) -> IntakeForm:
        o, c, r, m = (f.values() for f in self.forms)
        kind = o["kind"] or CaseKind.COMPLAINT
        complainant = PartyInput(
            role=PartyRole.REPORTER if kind is CaseKind.REPORT else PartyRole.APPLICANT,
            party_type=PartyType.PERSON,
            name=c["complainant.name"], phone=c["complainant.phone"],
            address=c["complainant.address"],
            id_type=IdType.RESIDENT_ID if c["complainant.id_number"] else "",
            id_number=c["complainant.id_number"])
        respondent = None
        if r["respondent.name"]:
            business = r["respondent.party_type"] != PartyType.PERSON
            respondent = PartyInput(
                role=PartyRole.RESPONDENT,
                party_type=PartyType.BUSINESS if business else PartyType.PERSON,
                name=r["respondent.name"], phone=r["respondent.phone"],
                address=r["respondent.address"],
                id_type=(IdType.USCC if business else IdType.RESIDENT_ID)
                if r["respondent.id_number"]
                else "",
                id_number=r["respondent.id_number"])
        return IntakeForm(
            track=o["track"] or Track.MARKET_COMPLAINT, kind=kind,
            source=o["source"] or Source.PHONE, received_at=self.received_at(),
            complainant=complainant, respondent=respondent,
            description=m["description"], source_ticket=o["source_ticket"],
            request=m["request"], category=m["category"],
            tags=fe.split_tags(m["tags"]), urgency=o["urgency"] or 0,
            amount_claimed=m["amount_claimed"] or None,
        )

    def problems(self) -> dict[str, str]:
        """What can be told before asking the store: required fields and live checks."""
        problems: dict[str, str] = {}
        for form in self.forms:
            problems.update(form.check_all())
        required = messages.field_problem_text(FieldProblem.REQUIRED)
        values = {k: v for f in self.forms for k, v in f.values().items()}
        needed = ["source", "track", "kind", "complainant.name", "description"]
        if values["source"] in HOTLINES:
            needed.append("source_ticket")
        if values["kind"] is CaseKind.COMPLAINT:
            needed += ["complainant.phone", "respondent.name"]
        for key in needed:
            if not values[key] and key not in problems:
                problems[key] = required
        return problems

    def show_problems(self, problems: dict[str, str]) -> None:
        for form in self.forms:
            form.show_problems({k: v for k, v in problems.items() if k in form.fields})
        first = next((k for f in self.forms for k in f.fields if k in problems), None)
        if first is not None:
            self.field(first).setFocus()

    # ------------------------------------------------------------ the draft

    def draft_values(self) -> dict[str, object]:
        """Every field's value as a draft keeps it (JSON: an instant as ISO text)."""
        out: dict[str, object] = {}
        for form in self.forms:
            for key, value in form.values().items():
                out[key] = value.isoformat() if isinstance(value, datetime) else value
        return out

    def save_draft(self) -> None:
        """Keep what is typed as the draft (in place of one offered and not taken)."""
        self._draft_timer.stop()
        if self.busy or self.created_id is not None:
            return
        ws = self.ws
        if self.has_typed_input():
            values = self.draft_values()
            self.runner.op(self, lambda: intake_drafts.save_intake_draft(ws, values)).run()

    def _offer_draft(self, draft: intake_drafts.IntakeDraft | None) -> None:
        if draft is None:
            return
        self.draft = draft
        self.draft_label.setText(self.tr(
            "有一份未保存的工单草稿（{when}）。可以继续填写，或丢弃；直接填写新工单会替换它。").format(
            when=formatting.china_datetime(draft.saved_at)))
        self.draft_bar.show()

    def restore_draft(self) -> None:
        """Put the kept draft's values back in the form."""
        if self.draft is None:
            return
        values = dict(self.draft.values)
        if isinstance(values.get("received_at"), str):
            try:
                values["received_at"] = datetime.fromisoformat(values["received_at"])
            except ValueError:
                del values["received_at"]
        for form in self.forms:
            form.set_values({k: v for k, v in values.items() if k in form.fields})
        self._sync_tag_buttons()
        self._draft_timer.stop()
        self.draft_bar.hide()
        self.mark_untouched()  # kept already: closing now loses nothing

    def drop_draft(self) -> None:
        self.draft = None
        self.draft_bar.hide()
        ws = self.ws
        self.runner.op(self, lambda: intake_drafts.discard_intake_draft(ws)).run()

    def can_keep_draft(self) -> bool:
        return True

    def keep_draft(self) -> None:
        self._draft_timer.stop()
        ws, values = self.ws, self.draft_values()
        self.runner.op(self, lambda: intake_drafts.save_intake_draft(ws, values)) \
            .success(lambda _: self.close_without_asking()).failure(self._failed).run()

    def discard_typed_input(self) -> None:
        self._draft_timer.stop()
        ws = self.ws
        self.runner.op(self, lambda: intake_drafts.discard_intake_draft(ws)) \
            .success(lambda _: self.close_without_asking()).failure(self._failed).run()

    # ------------------------------------------------------------ saving

    def set_busy(self, busy: bool, status: str = "") -> None:
        self.busy = busy
        self.save_button.setEnabled(not busy)
        for form in self.forms:
            form.set_enabled_fields(not busy)
        self.status.setText(status)

    def save(self) -> None:
        if self.busy:
            return
        self.general_error.hide()
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return
        form = self.intake_form()
        self.set_busy(True, self.tr("正在检查是否为重复工单…"))
        ws = self.ws
        self.runner.query(self, lambda: duplicates.find_probable_duplicates(ws, form)) \
            .success(lambda found: self._checked(form, found)).failure(self._failed).run()

    def _checked(self, form: IntakeForm, found: list[DuplicateCandidate]) -> None:
        emit(self.duplicates_checked, found)
        if not found:
            self._write(form)
            return
        self.set_busy(True, self.tr("发现可能重复的工单，请选择处理方式。"))
        dialog = DuplicateDialog(found, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.duplicate_dialog = dialog
        dialog.finished.connect(lambda _: self._duplicate_choice(form, dialog))
        dialog.open()

    def _duplicate_choice(self, form: IntakeForm, dialog: DuplicateDialog) -> None:
        self.duplicate_dialog = None
        if dialog.choice == DuplicateDialog.LINK and dialog.selected() is not None:
            self._write(replace(form, link_to=dialog.selected()))
        elif dialog.choice == DuplicateDialog.NEW:
            self._write(form)
        else:
            self.set_busy(False)

    def _write(self, form: IntakeForm) -> None:
        self.set_busy(True, self.tr("正在保存…"))
        self._draft_timer.stop()
        ws = self.ws

        def write() -> tuple[uuid.UUID, Changes]:
            written = cases.intake_work_order(ws, form)
            intake_drafts.discard_intake_draft(ws)  # taken in: nothing left to keep
            return written

        self.runner.op(self, write) \
            .success(self._saved).failure(self._failed).run()

    def _saved(self, result: tuple[uuid.UUID, Changes]) -> None:
        case_id, changes = result
        self.created_id = case_id
        self.set_busy(False)
        emit(self.saved, changes)
        emit(self.created, case_id)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self.set_busy(False)
        error = failure.error
        if isinstance(error, ValidationFailed):
            mine = {k: messages.field_problem_text(p) for k, p in error.problems.items()
                    if any(k in f.fields for f in self.forms)}
            self.show_problems(mine)
            rest = {k: p for k, p in error.problems.items() if k not in mine}
            if rest:
                self.general_error.setText(messages.validation_text(ValidationFailed(rest)))
                self.general_error.show()
        else:
            self.general_error.setText(messages.error_text(error))
            self.general_error.show()
        emit(self.save_failed, failure)
