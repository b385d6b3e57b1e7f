"""Who the office is and who the mediator is, as the documents print them (issue 13).

A standalone store is set up at first run: the mediator's profile (name, phone,
调解员证号), the organisation (track, full printed name, the number prefix of
（2026）浦消调字第0001号, address and phone for notices), and the person setting it up
becomes the office's administrator. Later 设置 → 本机构 / 个人资料 change the same
fields. Every change is checked as a whole (nothing saved half-way) and audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.documents import format_number
from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.users import UserRole
from app.core.validation import check_phone
from app.core.workflow import Track
from app.services import audit, sync
from app.services.context import Workstation
from app.services.dto import Changes
from app.store.models import Mediator, Office, OfficeSetting

NAME_MAX = 20  # a person's name
ORG_NAME_MAX = 60  # 上海市浦东新区市场监督管理局张江市场监督管理所 is 22
ADDRESS_MAX = 100
CERTIFICATE_MAX = 32
# The prefix sits in （2026）{prefix}字第0001号: Chinese characters only, so that no
# bracket, digit or 字/号 can make a number read two ways.
_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,8}$")


class ProfileField(StrEnum):
    MEDIATOR_NAME = "mediator_name"
    MEDIATOR_PHONE = "mediator_phone"
    CERTIFICATE_NO = "certificate_no"
    ORG_NAME = "org_name"
    NUMBER_PREFIX = "number_prefix"
    ADDRESS = "address"
    ORG_PHONE = "org_phone"
    SEAL_TEXT = "seal_text"
    KEPT_COPIES = "kept_copies"


class ProfileProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_PREFIX = "bad_prefix"  # not 1-8 Chinese characters, or ends in 字 / 号
    BAD_PHONE = "bad_phone"
    BAD_COPIES = "bad_copies"  # not 1 to KEPT_COPIES_MAX
    NOT_ADMINISTRATOR = "not_administrator"  # only an administrator edits the office


class ProfileRefused(UserFacingError):
    """Nothing was saved; ``problems`` names each field that is wrong."""

    def __init__(self, problems: dict[ProfileField | None, ProfileProblem]) -> None:
        super().__init__(", ".join(f"{f}: {p}" for f, p in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class OfficeProfile:
    track: Track
    name: str  # as printed: 张江镇人民调解委员会 / …市场监督管理局张江市场监督管理所
    number_prefix: str  # 浦消调
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class OfficeDocuments:
    """How the office's documents are finished: what is printed where the seal goes, and
    how many copies of an agreement the office keeps (one per party besides)."""

    seal_text: str = ""  # "" = by the track: （人民调解委员会印） / （印章）
    kept_copies: int = 1
    # A market-regulation office whose mediation is run by a 特邀调解组织 whose agreements
    # the parties may take to court for 司法确认; people's mediation always may.
    invited_mediation: bool = False


SEAL_TEXT_KEY = "seal_text"
KEPT_COPIES_KEY = "kept_copies"
INVITED_MEDIATION_KEY = "invited_mediation"
_DOCUMENT_KEYS = (SEAL_TEXT_KEY, KEPT_COPIES_KEY, INVITED_MEDIATION_KEY)
SEAL_TEXT_MAX = 24
KEPT_COPIES_MAX = 5


@dataclass(frozen=True)
class MediatorProfile:
    name: str
    phone: str = ""
    certificate_no: str = ""  # 调解员证号, optional


def number_example(prefix: str, year: int) -> str:
    """The first number of the year as it will print: （2026）浦消调字第0001号."""
    return format_number(prefix.strip(), year, 1)


def _check_text(problems, field: ProfileField, value: str, limit: int, *,
                required: bool) -> None:
    if required and not value.strip():
        problems[field] = ProfileProblem.EMPTY
    elif len(value.strip()) > limit:
        problems[field] = ProfileProblem.TOO_LONG


def _check_phone(problems, field: ProfileField, value: str) -> None:
    if value.strip() and not check_phone(value).valid:
        problems[field] = ProfileProblem.BAD_PHONE


def check_office(office: OfficeProfile) -> dict[ProfileField | None, ProfileProblem]:
    problems: dict[ProfileField | None, ProfileProblem] = {}
    _check_text(problems, ProfileField.ORG_NAME, office.name, ORG_NAME_MAX, required=True)
    prefix = office.number_prefix.strip()
    if not prefix:
        problems[ProfileField.NUMBER_PREFIX] = ProfileProblem.EMPTY
    elif not _PREFIX.match(prefix) or prefix.endswith(("字", "号")):
        problems[ProfileField.NUMBER_PREFIX] = ProfileProblem.BAD_PREFIX
    _check_text(problems, ProfileField.ADDRESS, office.address, ADDRESS_MAX, required=False)
    _check_phone(problems, ProfileField.ORG_PHONE, office.phone)
    return problems


def check_documents(docs: OfficeDocuments) -> dict[ProfileField | None, ProfileProblem]:
    problems: dict[ProfileField | None, ProfileProblem] = {}
    _check_text(problems, ProfileField.SEAL_TEXT, docs.seal_text, SEAL_TEXT_MAX, required=False)
    if not 1 <= docs.kept_copies <= KEPT_COPIES_MAX:
        problems[ProfileField.KEPT_COPIES] = ProfileProblem.BAD_COPIES
    return problems


def document_settings(session: Session, office_id) -> OfficeDocuments:
    values = dict(session.execute(select(OfficeSetting.key, OfficeSetting.value).where(
        OfficeSetting.office_id == office_id, OfficeSetting.deleted.is_(False),
        OfficeSetting.key.in_(_DOCUMENT_KEYS))).all())
    kept = values.get(KEPT_COPIES_KEY)
    return OfficeDocuments(str(values.get(SEAL_TEXT_KEY) or ""),
                           kept if isinstance(kept, int) and kept >= 1 else 1,
                           values.get(INVITED_MEDIATION_KEY) is True)


def may_confirm_judicially(track: Track | str, docs: OfficeDocuments) -> bool:
    """Whether a signed agreement of this track opens the 30-day 司法确认 window
    (人民调解法 第三十三条): a people's mediation agreement, or a market-regulation one where
    the office's mediation is run by a 特邀调解组织."""
    return track == Track.PEOPLES_MEDIATION or docs.invited_mediation


def current_documents(ws: Workstation) -> OfficeDocuments:
    with ws.store.unit_of_work() as session:
        return document_settings(session, ws.actor.office_id)


def check_mediator(me: MediatorProfile) -> dict[ProfileField | None, ProfileProblem]:
    problems: dict[ProfileField | None, ProfileProblem] = {}
    _check_text(problems, ProfileField.MEDIATOR_NAME, me.name, NAME_MAX, required=True)
    _check_phone(problems, ProfileField.MEDIATOR_PHONE, me.phone)
    _check_text(problems, ProfileField.CERTIFICATE_NO, me.certificate_no, CERTIFICATE_MAX,
                required=False)
    return problems


def current(ws: Workstation) -> tuple[OfficeProfile, MediatorProfile]:
    with ws.store.unit_of_work() as session:
        office = session.get(Office, ws.actor.office_id)
        me = session.get(Mediator, ws.actor.mediator_id)
        return (OfficeProfile(Track(office.default_track), office.committee_name or office.name,
                              office.number_prefix, office.address, office.phone),
                MediatorProfile(me.name, me.phone, me.certificate_no))


# What a fresh store says before anyone is asked (app/services/reference.py): nobody's
# words, so the first-run form starts empty instead of offering them.
_DEFAULT_OFFICE_NAMES = frozenset({"本调解委员会", "人民调解委员会"})
_DEFAULT_PREFIX = "调"


def for_first_run(ws: Workstation) -> tuple[OfficeProfile, MediatorProfile]:
    """The profile to offer at first run: what a person typed before (a first run cut
    short), never the defaults, and never the operating-system login as a name."""
    office, me = current(ws)
    if me.name == ws.actor.login:  # a store made before names were asked for
        me = replace(me, name="")
    if office.name in _DEFAULT_OFFICE_NAMES:
        office = replace(office, name="")
    if office.number_prefix == _DEFAULT_PREFIX:
        office = replace(office, number_prefix="")
    return office, me


def set_up_standalone(ws: Workstation, office: OfficeProfile,
                      me: MediatorProfile) -> Changes:
    """First run of a standalone store: the office, the mediator, and the mediator as the
    office's administrator. All or nothing."""
    problems = {**check_mediator(me), **check_office(office)}
    if problems:
        raise ProfileRefused(problems)
    with ws.store.unit_of_work() as session:
        _save_office(ws, session, office)
        _save_mediator(ws, session, me, role=UserRole.ADMIN)
    _refresh_actor(ws, me.name, UserRole.ADMIN)
    return Changes(reference=True)


def save_profile(ws: Workstation, me: MediatorProfile,
                 office: OfficeProfile | None = None,
                 docs: OfficeDocuments | None = None) -> Changes:
    """设置 → 个人资料与本机构: one's own profile and, for an administrator, the office's
    (and how its documents are finished), in one transaction (nothing saved half-way)."""
    sync.require_standalone(ws.store)
    problems = check_mediator(me)
    if office is not None or docs is not None:
        if ws.actor.role != UserRole.ADMIN:
            raise ProfileRefused({None: ProfileProblem.NOT_ADMINISTRATOR})
    if office is not None:
        problems.update(check_office(office))
    if docs is not None:
        problems.update(check_documents(docs))
    if problems:
        raise ProfileRefused(problems)
    with ws.store.unit_of_work() as session:
        _save_mediator(ws, session, me)
        if office is not None:
            _save_office(ws, session, office)
        if docs is not None:
            _save_documents(ws, session, docs)
    _refresh_actor(ws, me.name, ws.actor.role)
    return Changes(reference=True)


def _save_office(ws: Workstation, session: Session, profile: OfficeProfile) -> None:
    office = session.get(Office, ws.actor.office_id)
    name = profile.name.strip()
    changes = audit.apply_changes(office, {
        "name": name, "committee_name": name, "default_track": profile.track.value,
        "number_prefix": profile.number_prefix.strip(), "address": profile.address.strip(),
        "phone": profile.phone.strip()})
    if changes:
        now = ws.now()
        office.modified_at, office.modified_by = now, ws.actor.login
        audit.record(session, actor=ws.actor.login, entity="office", entity_id=office.id,
                     action="update", changes=changes, office_id=office.id, at=now)


def _save_documents(ws: Workstation, session: Session, docs: OfficeDocuments) -> None:
    office_id = ws.actor.office_id
    rows = {r.key: r for r in session.scalars(select(OfficeSetting).where(
        OfficeSetting.office_id == office_id,
        OfficeSetting.key.in_(_DOCUMENT_KEYS)))}
    now = ws.now()
    for key, value in ((SEAL_TEXT_KEY, docs.seal_text.strip()),
                       (KEPT_COPIES_KEY, docs.kept_copies),
                       (INVITED_MEDIATION_KEY, bool(docs.invited_mediation))):
        row = rows.get(key)
        if row is None:
            old = None
            row = OfficeSetting(id=new_id(), office_id=office_id, key=key, value=value,
                                modified_at=now, modified_by=ws.actor.login)
            session.add(row)
        elif row.value == value and not row.deleted:
            continue
        else:
            old = None if row.deleted else row.value
            row.value, row.deleted = value, False
            row.modified_at, row.modified_by = now, ws.actor.login
        audit.record(session, actor=ws.actor.login, entity="office_setting", entity_id=row.id,
                     action="update", changes={key: [old, value]}, office_id=office_id, at=now)


def _save_mediator(ws: Workstation, session: Session, profile: MediatorProfile, *,
                   role: UserRole | None = None) -> None:
    me = session.get(Mediator, ws.actor.mediator_id)
    values = {"name": profile.name.strip(), "phone": profile.phone.strip(),
              "certificate_no": profile.certificate_no.strip()}
    if role is not None:
        values["role"] = role
    changes = audit.apply_changes(me, values)
    if changes:
        now = ws.now()
        me.modified_at, me.modified_by = now, ws.actor.login
        audit.record(session, actor=ws.actor.login, entity="mediator", entity_id=me.id,
                     action="update", changes=changes, office_id=me.office_id, at=now)


def _refresh_actor(ws: Workstation, name: str, role: UserRole) -> None:
    ws.actor = replace(ws.actor, name=name.strip(), role=role)
