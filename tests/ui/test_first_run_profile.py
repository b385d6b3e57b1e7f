"""First run of a standalone store, as a new user meets it: who you are and who the office
is, refused beside the field when wrong, and then printed on a numbered agreement
(issue 13, item 1) — never the operating-system login."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.services import cases, documents, office_profile
from app.services.office_profile import ProfileField
from app.services.reference import open_workstation
from app.store.database import open_store
from app.ui.sync.connect_dialog import FirstRunDialog
from tests.conftest import complaint_form
from tests.support.documents import ready_agreement
from tests.ui.test_sync_ui import fill_profile


def test_first_run_to_a_numbered_agreement_printing_the_profile(qtbot, tmp_path, runner):
    store = open_store(tmp_path / "data")
    dialog = FirstRunDialog(store, runner, keyring_ok=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.standalone_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10_000)
    form = dialog.profile_form
    # The form starts empty: the store's defaults and the OS login are nobody's name.
    assert form.text(ProfileField.MEDIATOR_NAME) == ""
    assert form.text(ProfileField.ORG_NAME) == ""
    fill_profile(dialog)
    assert form.example.text() == f"编号示例：（{date.today().year}）张江调字第0001号"
    # A prefix that breaks the number format is refused beside its field; nothing kept.
    form.edits[ProfileField.NUMBER_PREFIX].setText("张江（调）")
    qtbot.mouseClick(dialog.finish_button, Qt.MouseButton.LeftButton)
    problem = form.problems[ProfileField.NUMBER_PREFIX]
    assert problem.isVisible() and problem.text().startswith("编号前缀只能是1至8个汉字")
    assert not dialog.isHidden() and dialog.choice is None
    qtbot.keyClicks(form.edits[ProfileField.NUMBER_PREFIX], "x")
    assert not problem.isVisible()  # typing in the field takes its complaint away
    form.edits[ProfileField.NUMBER_PREFIX].setText("张江调")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.finish_button, Qt.MouseButton.LeftButton)
    assert not problem.isVisible()
    dialog.grab().save(str(tmp_path / "first-run.png"))

    ws = open_workstation(store)
    assert ws.actor.name == "张敏" and ws.actor.role.value == "admin"
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, ws.actor.mediator_id)
    draft, _ = documents.create_draft(ws, case_id, documents.DocumentKind.AGREEMENT)
    assert documents.get_document(ws, draft).fields["mediator"] == "张敏"  # the profile's
    documents.discard_draft(ws, draft)
    doc_id = ready_agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    doc = documents.get_document(ws, doc_id)
    assert doc.number.endswith("张江调字第0001号")
    text = "".join(page.extract_text() for page in PdfReader(
        io.BytesIO(documents.render(ws, doc_id))).pages)
    squeezed = "".join(text.split())
    assert "张江镇人民调解委员会" in squeezed
    assert "张江调字第0001号" in squeezed
    assert "张敏" in squeezed
    assert f"人民调解员{ws.actor.login}" not in squeezed  # the OS login is no one's name
    assert office_profile.current(ws)[0].number_prefix == "张江调"
    store.close()


def test_settings_change_ones_profile_and_only_an_administrator_the_offices(
        qtbot, ws, runner):
    from dataclasses import replace

    from app.core.users import UserRole
    from app.core.workflow import Track
    from app.services.office_profile import MediatorProfile, OfficeProfile
    from app.ui.reference.profile_dialog import ProfileDialog

    office_profile.set_up_standalone(ws, OfficeProfile(
        Track.MARKET_COMPLAINT, "上海市浦东新区市场监督管理局张江市场监督管理所", "浦消调"),
        MediatorProfile("张敏"))
    dialog = ProfileDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    form = dialog.form
    assert form.market.isChecked() and form.text(ProfileField.NUMBER_PREFIX) == "浦消调"
    form.edits[ProfileField.ADDRESS].setText("上海市浦东新区科苑路88号")
    form.edits[ProfileField.MEDIATOR_PHONE].setText("1381234")  # too short
    dialog.save()
    assert form.problems[ProfileField.MEDIATOR_PHONE].isVisible()
    assert office_profile.current(ws)[0].address == ""  # nothing saved half-way
    form.edits[ProfileField.MEDIATOR_PHONE].setText("13812345678")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    office, me = office_profile.current(ws)
    assert office.address == "上海市浦东新区科苑路88号" and me.phone == "13812345678"

    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    other = ProfileDialog(ws, runner)
    qtbot.addWidget(other)
    qtbot.waitUntil(other.save_button.isEnabled, timeout=5000)
    assert other.form.edits[ProfileField.ORG_NAME].isReadOnly()
    assert not other.form.market.isEnabled()


def test_the_office_sets_its_seal_line_and_copies_and_this_computer_its_backups(
        qtbot, ws, runner):
    """设置 → 本机构: what is printed where the seal goes and how many copies the office
    keeps go onto the next agreement; the backups kept are this computer's setting."""
    from app.core.workflow import Track
    from app.services.office_profile import MediatorProfile, OfficeProfile
    from app.ui import settings
    from app.ui.reference.profile_dialog import ProfileDialog

    office_profile.set_up_standalone(ws, OfficeProfile(
        Track.MARKET_COMPLAINT, "上海市浦东新区市场监督管理局张江市场监督管理所", "浦消调"),
        MediatorProfile("张敏"))
    dialog = ProfileDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    assert dialog.seal_text.placeholderText() == "默认：（印章）"
    dialog.seal_text.setText("（张江市场监督管理所印）" * 3)  # too long
    dialog.kept_copies.setValue(2)
    dialog.backups.setValue(8)
    dialog.save()
    qtbot.waitUntil(dialog.seal_problem.isVisible, timeout=5000)
    assert dialog.seal_problem.text() == "盖章处文字太长，请核对。"
    assert office_profile.current_documents(ws).kept_copies == 1  # nothing saved half-way
    dialog.seal_text.setText("（张江市场监督管理所印）")
    assert dialog.invited.isVisibleTo(dialog)  # a bureau says whether it runs a 特邀调解组织
    dialog.invited.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert office_profile.current_documents(ws) == office_profile.OfficeDocuments(
        "（张江市场监督管理所印）", 2, invited_mediation=True)
    assert settings.STORE_BACKUPS_KEPT.get() == 8

    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, ws.actor.mediator_id)
    doc_id = ready_agreement(ws, case_id)
    assert documents.get_document(ws, doc_id).fields["copies"] == 4  # two parties + two kept
    documents.finalize(ws, doc_id)
    text = "".join(page.extract_text() for page in PdfReader(
        io.BytesIO(documents.render(ws, doc_id))).pages).replace(" ", "").replace("\n", "")
    assert ("本调解书一式四份，当事人各执一份，"
            "上海市浦东新区市场监督管理局张江市场监督管理所留存二份归档。") in text
    assert "（张江市场监督管理所印）" in text and "（印章）" not in text
    assert "三十日内共同向人民法院申请司法确认" in text  # a 特邀调解组织's 调解书
    documents.sign(ws, doc_id, date(2026, 3, 3))
    assert documents.get_document(ws, doc_id).confirmation_deadline == date(2026, 4, 2)
