"""设置 → 用户与权限 and 登录, as an office meets them (issue 13, item 2): the
administrator sets a password and adds a colleague, who then signs in on the same
standalone store in her own name and works her own cases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.core.users import UserRole
from app.services import cases, documents, office_profile, office_users
from app.services.office_profile import MediatorProfile
from app.services.office_users import NewUser
from app.ui.app import SignInNeeded, sign_in_standalone
from app.ui.reference.users_dialog import PasswordDialog, UserEditDialog, UsersDialog
from app.ui.security.sign_in_dialog import SignInDialog
from tests.conftest import complaint_form


def _open_users(qtbot, ws, runner) -> UsersDialog:
    dialog = UsersDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1, timeout=10_000)
    return dialog


def _row_of(dialog: UsersDialog, login: str) -> int:
    return next(r for r in range(dialog.table.rowCount())
                if dialog.table.item(r, 1).text() == login)


def _dialog_of(kind):
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_the_administrator_adds_a_colleague_who_signs_in_in_her_own_name(
        qtbot, ws, store, runner, tmp_path):
    office_profile.save_profile(ws, MediatorProfile("张敏"))
    users = _open_users(qtbot, ws, runner)
    assert users.add_button.isEnabled()
    # Adding a colleague before one's own password is set: refused with the reason.
    users.add_button.click()
    add = _dialog_of(UserEditDialog)
    add.name.setText("李秀英")
    qtbot.waitUntil(lambda: add.login.text() == "lixiuying", timeout=10_000)  # from pinyin
    add.password.setText("li-xiu-ying-8")
    add.again.setText("li-xiu-ying-8")
    add.save_button.click()
    qtbot.waitUntil(lambda: add.general.isVisible(), timeout=10_000)
    assert add.general.text().startswith("请先为自己设置登录密码")
    add.reject()

    users.table.selectRow(_row_of(users, "zhangmin"))
    users.password_button.click()
    mine = _dialog_of(PasswordDialog)
    mine.password.setText("zhang-2026")
    mine.again.setText("zhang-2026x")
    mine.save_button.click()
    assert mine.problem.text() == "两次输入的密码不一致，请重新输入。"
    mine.again.setText("zhang-2026")
    with qtbot.waitSignal(mine.accepted, timeout=10_000):
        mine.save_button.click()
    qtbot.waitUntil(lambda: users.table.item(_row_of(users, "zhangmin"), 6).text() == "已设置",
                    timeout=10_000)

    users.add_button.click()
    add = _dialog_of(UserEditDialog)
    add.name.setText("李秀英")
    qtbot.waitUntil(lambda: add.login.text() == "lixiuying", timeout=10_000)
    add.password.setText("short")
    add.again.setText("short")
    add.save_button.click()
    problem = add.fields.problems[office_users.UserField.PASSWORD]
    qtbot.waitUntil(problem.isVisible, timeout=10_000)
    assert problem.text() == "登录密码至少要8个字符。"
    add.password.setText("li-xiu-ying-8")
    add.again.setText("li-xiu-ying-8")
    with qtbot.waitSignal(add.accepted, timeout=10_000):
        add.save_button.click()
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=10_000)
    row = _row_of(users, "lixiuying")
    assert [users.table.item(row, c).text() for c in (0, 2, 6, 7)] == [
        "李秀英", "调解员", "已设置", "在用"]
    users.grab().save(str(tmp_path / "users.png"))

    # Next start: the store asks who is there. A wrong password is said plainly.
    with pytest.raises(SignInNeeded):
        sign_in_standalone(store, runner, interactive=False)
    choices, last = office_users.sign_in_choices(store)
    sign_in = SignInDialog(store, runner, choices, last)
    qtbot.addWidget(sign_in)
    sign_in.show()
    assert sign_in.person.currentText() == "张敏（管理员）"  # who signed in last
    sign_in.person.setCurrentIndex(sign_in.person.findText("李秀英（调解员）"))
    qtbot.keyClicks(sign_in.password, "zhang-2026")
    qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    qtbot.waitUntil(sign_in.error_label.isVisible, timeout=10_000)
    assert sign_in.error_label.text() == "密码不正确，请重新输入。"
    sign_in.password.setText("li-xiu-ying-8")
    with qtbot.waitSignal(sign_in.accepted, timeout=10_000):
        qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    her = sign_in.workstation
    assert (her.actor.name, her.actor.role) == ("李秀英", UserRole.MEDIATOR)
    her.now = ws.now

    # She takes a new case for herself, and her name goes on its agreement.
    case_id, _ = cases.intake_work_order(her, complaint_form())
    cases.accept(her, case_id)
    cases.assign(her, case_id, her.actor.mediator_id)
    draft, _ = documents.create_draft(her, case_id, documents.DocumentKind.AGREEMENT)
    assert documents.get_document(her, draft).fields["mediator"] == "李秀英"


def test_a_mediator_sees_the_people_but_changes_only_her_own_password(qtbot, ws, store, runner):
    office_users.set_password(ws, ws.actor.mediator_id, "zhang-2026")
    office_users.add_user(ws, NewUser("李秀英", "lixiuying", UserRole.MEDIATOR, "li-xiu-ying-8"))
    her = office_users.sign_in(store, next(
        u.id for u in office_users.users(ws) if u.login == "lixiuying"), "li-xiu-ying-8")
    users = _open_users(qtbot, her, runner)
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=10_000)
    assert users.intro.text().startswith("只有管理员可以添加或修改用户")
    assert not users.add_button.isEnabled()
    users.table.selectRow(_row_of(users, "zhangmin"))
    assert not users.edit_button.isEnabled() and not users.password_button.isEnabled()
    users.table.selectRow(_row_of(users, "lixiuying"))
    assert users.password_button.isEnabled()
    # The roles' table says what each may do.
    table = users.findChild(type(users.table), "permissionsTable")
    rows = {table.verticalHeaderItem(r).text(): [table.item(r, c).text() for c in range(3)]
            for r in range(table.rowCount())}
    assert rows["分派、改派案件给其他调解员"] == ["—", "✓", "✓"]
    assert rows["添加用户、设置角色和登录密码，更换恢复码"] == ["—", "—", "✓"]


def test_switching_user_reopens_the_window_as_the_one_who_signed_in(qtbot, window, runner):
    ws = window.ws
    office_users.set_password(ws, ws.actor.mediator_id, "zhang-2026")
    office_users.add_user(ws, NewUser("李秀英", "lixiuying", UserRole.MEDIATOR, "li-xiu-ying-8"))

    def answer() -> None:
        dialog = _dialog_of(SignInDialog)
        dialog.person.setCurrentIndex(dialog.person.findText("李秀英（调解员）"))
        dialog.password.setText("li-xiu-ying-8")
        dialog.submit()

    QTimer.singleShot(0, answer)
    window.switch_user_action.trigger()
    assert window.switch_to is not None
    assert window.switch_to[0].actor.name == "李秀英" and window.switch_to[1] is None
