"""用户与权限 on a workstation linked to a central database: the office's people as the
central ``mediators`` rows say, read-only here; nothing of the standalone sign-in."""

from __future__ import annotations

import pytest

from app.core.users import UserRole
from app.services import office_users
from app.services.office_users import NewUser
from app.services.sync import CentrallyManaged
from app.ui.reference.users_dialog import UsersDialog
from app.ui.tasks import TaskRunner


def test_a_linked_desk_mirrors_the_central_people_and_changes_none(qtbot, desks):
    desk = desks("mdt_lisi")  # the office's supervisor
    desk.sync()
    people = {(u.login, u.role) for u in office_users.users(desk.ws)}
    assert {("mdt_zhangmin", UserRole.MEDIATOR), ("mdt_lisi", UserRole.SUPERVISOR),
            ("mdt_wangfang", UserRole.MEDIATOR)} <= people
    assert "mdt_zhaolei" not in {login for login, _ in people}  # another office's
    assert not office_users.sign_in_required(desk.ws.store)  # the login is who one is
    with pytest.raises(CentrallyManaged):
        office_users.add_user(desk.ws, NewUser("李秀英", "lixiuying", UserRole.MEDIATOR,
                                               "li-xiu-ying-8"))
    runner = TaskRunner()
    try:
        dialog = UsersDialog(desk.ws, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.table.rowCount() >= 3, timeout=10_000)
        assert dialog.intro.text().startswith("本工作台连接了中心数据库")
        dialog.table.selectRow(0)
        assert not (dialog.add_button.isEnabled() or dialog.edit_button.isEnabled()
                    or dialog.password_button.isEnabled())
        dialog.close()
    finally:
        runner.shutdown()
