"""Who hands out cases is a rule of the central database too: a mediator login with psql
can take an unassigned case for themself, but cannot give a case to a colleague nor take
a colleague's (issue 13, 用户与权限; migration 0011). A supervisor can."""

from __future__ import annotations

import psycopg
import pytest

from app.services import cases
from tests.conftest import complaint_form


def _ids(superuser) -> dict[str, object]:
    return dict(superuser.execute(
        "SELECT login, id FROM mediators WHERE login LIKE 'mdt_%'").fetchall())


def _unassigned_case(desk) -> object:
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form())
    desk.sync()
    return case_id


def _holder(superuser, case_id):
    return superuser.execute("SELECT mediator_id FROM cases WHERE id = %s",
                             (case_id,)).fetchone()[0]


def test_a_mediator_login_cannot_hand_a_case_to_a_colleague(pg_desks, psql, superuser):
    case_id = _unassigned_case(pg_desks("mdt_lisi"))
    people = _ids(superuser)
    me = psql("mdt_zhangmin")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="supervisor"):
        me.execute("UPDATE cases SET mediator_id = %s WHERE id = %s",
                   (people["mdt_wangfang"], case_id))
    assert _holder(superuser, case_id) is None
    # Taking the unassigned case for herself is hers to do; then a colleague cannot take it.
    me.execute("UPDATE cases SET mediator_id = %s WHERE id = %s",
               (people["mdt_zhangmin"], case_id))
    colleague = psql("mdt_wangfang")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        colleague.execute("UPDATE cases SET mediator_id = %s WHERE id = %s",
                          (people["mdt_wangfang"], case_id))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        colleague.execute("UPDATE cases SET mediator_id = NULL WHERE id = %s", (case_id,))
    assert _holder(superuser, case_id) == people["mdt_zhangmin"]
    # The supervisor dispatches.
    psql("mdt_lisi").execute("UPDATE cases SET mediator_id = %s WHERE id = %s",
                             (people["mdt_wangfang"], case_id))
    assert _holder(superuser, case_id) == people["mdt_wangfang"]


def test_a_supervisor_desk_dispatches_through_sync(pg_desks, superuser):
    supervisor = pg_desks("mdt_lisi")
    case_id = _unassigned_case(supervisor)
    people = _ids(superuser)
    cases.accept(supervisor.ws, case_id)
    cases.assign(supervisor.ws, case_id, people["mdt_wangfang"])
    supervisor.sync()
    assert _holder(superuser, case_id) == people["mdt_wangfang"]
