"""Every dialog and editor window, walked with Tab (issue 16, accessibility): from its
first control Tab reaches every visible, enabled control exactly once before it comes
back round, in the order the window reads (rows top to bottom, left to right within a
row; a second column after the first), each control visibly marked while it has the
focus; and no style sheet of the program hides that mark."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QRadioButton, QWidget

from app.services import cases
from tests.conftest import FIXED_NOW, complaint_form
from tests.ui.tab_walk import (
    controls,
    describe,
    first_in_reading_order,
    out_of_order,
    place,
    walk,
)

APP_UI = Path(__file__).resolve().parents[2] / "app" / "ui"


@dataclass
class Ctx:
    qtbot: object
    ws: object
    seeded: object
    runner: object
    tmp_path: Path

    def case(self, case_id: uuid.UUID):
        return cases.get_case(self.ws, case_id)

    def accepted(self):
        return self.case(self.seeded.accepted)

    def mediating(self):
        detail = self.accepted()
        cases.assign(self.ws, detail.id, self.ws.actor.mediator_id,
                     expected_version=detail.version)
        cases.start_mediation(self.ws, detail.id,
                              expected_version=self.case(detail.id).version)
        return self.case(detail.id)


# ------------------------------------------------------------------ the windows

def _assign(c: Ctx):
    from app.services.cases import list_mediators
    from app.ui.case.assign_dialog import AssignDialog
    return AssignDialog(c.accepted(), list_mediators(c.ws))


def _pause(c: Ctx):
    from app.ui.case.pause_dialog import PauseDialog
    return PauseDialog(c.accepted(), today=date(2026, 3, 2))


def _resume(c: Ctx):
    from app.core.workflow import PauseReason
    from app.ui.case.pause_dialog import ResumeDialog
    cases.pause_clock(c.ws, c.seeded.accepted, PauseReason.INSPECTION,
                      expected_end=date(2026, 3, 20))
    return ResumeDialog(c.accepted(), today=date(2026, 3, 2))


def _reject(c: Ctx):
    from app.ui.case.reject_dialog import RejectDialog
    return RejectDialog(c.case(c.seeded.first))


def _close(c: Ctx):
    from app.ui.case.close_dialog import CloseDialog
    return CloseDialog(c.mediating())


def _reopen(c: Ctx):
    from app.core.workflow import Outcome
    from app.ui.case.reopen_dialog import ReopenDialog
    detail = c.mediating()
    cases.close(c.ws, detail.id, Outcome.SETTLED, expected_version=detail.version)
    return ReopenDialog(c.case(detail.id))


def _extension(c: Ctx):
    from app.ui.case.extension_dialog import ExtensionDialog
    return ExtensionDialog(c.accepted(), now=FIXED_NOW)


def _delivery(c: Ctx):
    from app.ui.case.delivery_dialog import DeliveryDialog
    return DeliveryDialog(c.accepted(), now=FIXED_NOW)


def _intake(c: Ctx):
    from app.ui.case.intake_dialog import IntakeDialog
    return IntakeDialog(c.ws, c.runner)


def _duplicates(c: Ctx):
    from app.services.duplicates import find_probable_duplicates
    from app.ui.case.intake_dialog import DuplicateDialog
    found = find_probable_duplicates(c.ws, complaint_form())
    assert found
    return DuplicateDialog(found)


def _reveal(c: Ctx):
    from app.ui.case.parties_tab import RevealDialog
    return RevealDialog(c.case(c.seeded.first).parties[0])


def _session_editor(c: Ctx):
    from app.services import sessions
    from app.ui.session.session_editor import SessionEditor
    draft, _ = sessions.start_draft(c.ws, c.seeded.first)
    return SessionEditor(c.ws, c.runner, draft)


def _addendum(c: Ctx):
    from dataclasses import replace

    from app.core.sessions import SessionResult
    from app.services import sessions
    from tests.ui.test_case_view import open_view
    view = open_view(c.qtbot, c.ws, c.runner, c.seeded.first)
    draft, _ = sessions.start_draft(c.ws, c.seeded.first)
    content = replace(draft.content.with_statement("李秀英", "要求退款"),
                      result=SessionResult.AGREED.value)
    sessions.finish_session(c.ws, draft.id, content)
    record = sessions.case_sessions(c.ws, c.seeded.first).sessions[0]
    from app.ui.case.sessions_tab import AddendumDialog
    return AddendumDialog(view, record, view)


def _phrases(c: Ctx):
    from app.ui.session.phrase_dialog import PhraseDialog
    return PhraseDialog(c.ws, c.runner, "预付式消费")


def _draft_document(c: Ctx, kind=None):
    """A draft of a people's-mediation case with a mediator (as test_documents_tab)."""
    from sqlalchemy import update

    from app.core.documents import DocumentKind
    from app.core.workflow import Track
    from app.services import documents
    from app.store.models import Case, Office
    with c.ws.store.unit_of_work() as s:
        s.execute(update(Office).values(number_prefix="浦消调",
                                        committee_name="张江镇人民调解委员会"))
        s.execute(update(Case).where(Case.id == c.seeded.accepted)
                  .values(track=Track.PEOPLES_MEDIATION.value))
    if c.accepted().mediator_id is None:
        cases.assign(c.ws, c.seeded.accepted, c.seeded.colleague)
    doc_id, _ = documents.create_draft(c.ws, c.seeded.accepted, kind or DocumentKind.AGREEMENT)
    return documents.get_document(c.ws, doc_id)


def _agreement_editor(c: Ctx):
    from app.ui.documents.agreement_editor import AgreementEditor
    return AgreementEditor(c.ws, c.runner, _draft_document(c), "测试")


def _clause(c: Ctx):
    from app.documents import wording
    from app.ui.documents.clause_dialog import ClauseDialog
    template = next(t for t in wording.CLAUSES if t.blanks)
    return ClauseDialog(template, applicant="赵建国", respondent="上海悦动健身管理有限公司",
                        today=date(2026, 3, 2))


def _clause_library(c: Ctx):
    from app.ui.documents.clause_library_dialog import ClauseLibraryDialog
    return ClauseLibraryDialog(c.ws, c.runner)


def _sign(c: Ctx):
    from app.ui.documents.document_dialogs import SignDialog
    return SignDialog(_draft_document(c), date(2026, 3, 2))


def _void(c: Ctx):
    from app.ui.documents.document_dialogs import VoidDialog
    return VoidDialog(_draft_document(c))


def _fields(c: Ctx):
    from app.ui.documents.document_dialogs import FieldsDialog
    return FieldsDialog(_draft_document(c), ("mediator", "recorder"))


def _dossier(c: Ctx):
    from app.core.documents import DocumentKind
    from app.ui.documents.dossier_dialog import DossierDialog
    return DossierDialog(c.ws, c.runner, _draft_document(c, DocumentKind.DOSSIER))


def _help(c: Ctx):
    from app.ui.help_dialog import HelpDialog
    return HelpDialog()


def _about(c: Ctx):
    from app.ui.about_dialog import AboutDialog
    return AboutDialog(data_dir=c.ws.store.path.parent, database=str(c.ws.store.path),
                       encrypted=False)


def _import(c: Ctx):
    from app.ui.importing.import_wizard import ImportWizard
    return ImportWizard(c.ws, c.runner)


def _holidays(c: Ctx):
    from app.ui.reference.holiday_dialog import HolidayDialog
    return HolidayDialog(c.ws, c.runner)


def _notice(c: Ctx):
    from app.ui.reference.holiday_dialog import NoticeDialog
    return NoticeDialog()


def _profile(c: Ctx):
    from app.ui.reference.profile_dialog import ProfileDialog
    return ProfileDialog(c.ws, c.runner)


def _rules(c: Ctx):
    from app.ui.reference.rules_dialog import RulesDialog
    return RulesDialog(c.ws, c.runner)


def _users(c: Ctx):
    from app.ui.reference.users_dialog import UsersDialog
    return UsersDialog(c.ws, c.runner)


def _new_user(c: Ctx):
    from app.ui.reference.users_dialog import UserEditDialog
    return UserEditDialog(c.ws, c.runner, None)


def _user_password(c: Ctx):
    from app.services import office_users
    from app.ui.reference.users_dialog import PasswordDialog
    return PasswordDialog(c.ws, c.runner, office_users.users(c.ws)[0])


def _sign_in(c: Ctx):
    from app.services import office_users
    from app.ui.security.sign_in_dialog import SignInDialog
    choices, last = office_users.sign_in_choices(c.ws.store)
    return SignInDialog(c.ws.store, c.runner, choices, last)


def _new_passphrase(c: Ctx):
    from app.ui.security.store_key_dialogs import NewPassphraseDialog
    return NewPassphraseDialog(reason="change")


def _unlock(c: Ctx):
    from app.ui.security.store_key_dialogs import UnlockDialog
    return UnlockDialog(c.tmp_path, c.runner, passphrase=True)


def _encrypt(c: Ctx):
    from app.ui.security.store_key_dialogs import EncryptChoiceDialog
    return EncryptChoiceDialog(c.ws.store.path)


def _recovery_code(c: Ctx):
    from app.ui.security.store_key_dialogs import RecoveryCodeDialog
    return RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345", in_keyring=True,
                              data_dir=c.tmp_path)


def _first_run(c: Ctx):
    from app.ui.sync.connect_dialog import FirstRunDialog
    return FirstRunDialog(c.ws.store, c.runner, keyring_ok=True)


def _first_run_central(c: Ctx):
    dialog = _first_run(c)
    dialog.show()
    dialog.central_button.click()  # the second page: the central database's address
    return dialog


def _sync_password(c: Ctx):
    from app.ui.sync.connect_dialog import PasswordDialog
    return PasswordDialog("db.example:5432/mediation", "zhangmin", wrong=False,
                          keyring_ok=True)


def _connection(c: Ctx):
    from app.ui.sync.connection_dialog import ConnectionDialog
    return ConnectionDialog(c.ws.store, c.runner, None, keyring_ok=True)


def _connection_linked(c: Ctx):
    from app.services.central_link import CentralLink
    from app.sync.central import CentralConfig
    from app.ui.sync.connection_dialog import ConnectionDialog
    link = CentralLink(c.ws.store, CentralConfig("postgresql://zhangmin@db.example.cn/mediation"))
    return ConnectionDialog(c.ws.store, c.runner, link, keyring_ok=True)


def _conflicts(c: Ctx):
    from app.ui.sync.conflicts_view import ConflictsDialog
    return ConflictsDialog(c.ws, c.runner)


def _warning_rules(c: Ctx):
    from app.ui.warnings.warning_rules_dialog import WarningRulesDialog
    return WarningRulesDialog(c.ws, c.runner)


def _groups(c: Ctx):
    from app.services import groups
    from app.services.groups import GroupInput
    from app.ui.groups.groups_dialog import GroupsDialog

    groups.create_group(c.ws, GroupInput("悦动健身预付卡退费"), [c.seeded.accepted])
    return GroupsDialog(c.ws, c.runner)


def _group_members(c: Ctx):
    from app.services import groups
    from app.services.groups import GroupInput

    gid, _ = groups.create_group(c.ws, GroupInput("悦动健身预付卡退费"), [c.seeded.accepted])
    return gid, groups.members_of(c.ws, gid)


def _group_edit(c: Ctx):
    from app.services import groups
    from app.services.cases import list_mediators
    from app.ui.groups.group_dialogs import GroupEditDialog

    gid, members = _group_members(c)
    return GroupEditDialog(groups.group_detail(c.ws, gid), list_mediators(c.ws), members)


def _refund_plan(c: Ctx):
    from app.ui.groups.group_dialogs import RefundPlanDialog
    return RefundPlanDialog(None)


def _member_facts(c: Ctx):
    from app.ui.groups.group_dialogs import MemberFactsDialog
    return MemberFactsDialog(_group_members(c)[1][0])


def _member_payment(c: Ctx):
    from app.ui.groups.group_dialogs import PaymentDialog
    return PaymentDialog(_group_members(c)[1][0], date(2026, 3, 2))


def _group_reassign(c: Ctx):
    from app.services.cases import list_mediators
    from app.ui.groups.group_dialogs import ReassignDialog
    return ReassignDialog("悦动健身预付卡退费", 1, list_mediators(c.ws), None)


def _selection_group(c: Ctx):
    from app.services import groups
    from app.ui.groups.group_selection import SelectionGroupDialog

    _group_members(c)
    return SelectionGroupDialog(2, groups.common_respondent(c.ws, [c.seeded.first]),
                                groups.list_groups(c.ws))


def _group_session(c: Ctx):
    from app.ui.groups.group_session_dialog import GroupSessionDialog
    gid, _ = _group_members(c)
    return GroupSessionDialog(c.ws, c.runner, gid)


def _warnings(c: Ctx):
    from app.ui.warnings.warnings_dialog import WarningsDialog
    return WarningsDialog(c.ws, c.runner)


def _acknowledge(c: Ctx):
    from app.core.warnings import WarningRule
    from app.services.warnings import WarningView
    from app.ui.warnings.warnings_dialog import AckDialog
    when = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    view = WarningView(uuid.uuid4(), WarningRule.BUSINESS_VOLUME, "上海悦动健身管理有限公司",
                       (c.seeded.first, c.seeded.second), {}, 2, 7, when, when, None, "",
                       "", 0)
    return AckDialog(view)


def _stats(c: Ctx):
    from app.ui.stats.dashboard import StatsDashboard
    return StatsDashboard(c.ws, c.runner)


WINDOWS = {
    "assign": _assign, "pause": _pause, "resume": _resume, "reject": _reject,
    "close": _close, "reopen": _reopen, "extension": _extension, "delivery": _delivery,
    "intake": _intake, "duplicates": _duplicates, "reveal": _reveal,
    "session_editor": _session_editor, "addendum": _addendum, "phrases": _phrases,
    "agreement_editor": _agreement_editor, "clause": _clause,
    "clause_library": _clause_library, "sign": _sign, "void": _void, "fields": _fields,
    "dossier": _dossier, "help": _help, "about": _about, "import": _import,
    "holidays": _holidays, "notice": _notice, "profile": _profile, "rules": _rules,
    "users": _users, "new_user": _new_user, "user_password": _user_password,
    "sign_in": _sign_in, "new_passphrase": _new_passphrase, "unlock": _unlock,
    "encrypt": _encrypt, "recovery_code": _recovery_code, "first_run": _first_run,
    "first_run_central": _first_run_central, "sync_password": _sync_password,
    "connection": _connection, "connection_linked": _connection_linked,
    "conflicts": _conflicts, "warning_rules": _warning_rules, "warnings": _warnings,
    "acknowledge": _acknowledge, "stats": _stats, "groups": _groups,
    "group_edit": _group_edit, "refund_plan": _refund_plan, "member_facts": _member_facts,
    "member_payment": _member_payment, "group_reassign": _group_reassign,
    "selection_group": _selection_group, "group_session": _group_session,
}


def _group(widget: QWidget) -> object:
    """What Tab stops at once: a widget, or a group of exclusive radio buttons."""
    if isinstance(widget, QRadioButton) and widget.autoExclusive():
        return ("radios", widget.parentWidget())
    return widget


def open_window(c: Ctx, name: str) -> QWidget:
    window = WINDOWS[name](c)
    c.qtbot.addWidget(window)
    window.show()
    c.qtbot.waitExposed(window)
    c.qtbot.waitUntil(lambda: not c.runner.busy, timeout=10_000)  # loaded
    QApplication.processEvents()
    return window


@pytest.mark.parametrize("name", WINDOWS)
def test_tab_reaches_every_control_once_in_reading_order(qtbot, ws, seeded, runner,
                                                         tmp_path, name):
    window = open_window(Ctx(qtbot, ws, seeded, runner, tmp_path), name)
    start = controls(window)
    assert start, "nothing to walk"
    first = first_in_reading_order(start, {w: place(w, window) for w in start})
    result = walk(qtbot, window, first)
    print(f"Tab order of {name}:", *(f"{describe(w)} {result.places[w].getRect()}"
                                      for w in result.reached), sep="\n  ")
    expected = controls(window)  # as the window is now (a list given focus may choose)
    assert result.stuck is None, f"Tab does not leave {describe(result.stuck)}"
    assert result.cycled, "Tab did not come back round: " + ", ".join(
        describe(w) for w in result.reached[-5:])
    groups = [_group(w) for w in result.reached]
    twice = [describe(w) for w, g in zip(result.reached, groups, strict=True)
             if groups.count(g) > 1]
    assert twice == [], "reached more than once"
    missed = [describe(w) for w in expected
              if _group(w) not in groups and not isinstance(w, QRadioButton)]
    assert missed == [], "never reached by Tab"
    backwards = out_of_order(result.reached, result.places)
    assert len(backwards) <= 1, "against reading order:\n" + "\n".join(backwards)
    assert [describe(w) for w in result.unmarked] == [], "no visible focus"


# ------------------------------------------------------------------ focus kept visible

_HIDES_FOCUS = re.compile(
    r"outline\s*:\s*(none|0)|:focus[^{]*\{[^}]*(border\s*:\s*(none|0)|outline)",
    re.IGNORECASE | re.DOTALL)


def test_no_style_sheet_of_the_program_hides_the_focus():
    """Fusion marks the focused control; a style sheet with outline: none or a :focus
    rule taking the border away would hide it (and QSS applies to every child)."""
    found = []
    for path in APP_UI.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(APP_UI)}: {m.group(0)!r}"
                  for m in _HIDES_FOCUS.finditer(text)]
    assert found == []
    assert not _HIDES_FOCUS.search(QApplication.instance().styleSheet() or "")
