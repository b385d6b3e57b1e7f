"""Early warnings (预警, issue 15 item 4): the office's rules, checking cases against them,
the list a supervisor reads and acknowledges.

``check_cases(ws, session, case_ids)`` runs inside the caller's unit of work (intake,
an import of thousands of work orders): a few set-based queries whatever the number of
cases, then one row per warning raised or grown. ``recheck(ws)`` checks every case of
the rules' longest window again (after the rules change, after a sync brought cases
from other desks). The pure rules are app/core/warnings.py.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from app.core import warnings as rules_core
from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.timeutil import china_date, china_midnight, end_of_china_day
from app.core.users import UserRole
from app.core.validation import mask_phone
from app.core.warnings import (
    RuleProblem,
    WarningRule,
    WarningRules,
    WarningRulesRefused,
)
from app.services import audit
from app.services.context import Workstation
from app.services.dto import Changes
from app.store.base import china_day
from app.store.models import Case, EarlyWarning, Mediator, OfficeSetting

RULES_KEY = "warning_rules"
NOTE_MAX = 500
_CHUNK = 900  # ids per IN (…): under SQLite's variable limit
# Up to this many phones are looked up by the phone index; more are found in one pass
# over the cases of the dates concerned (cheaper for an import's batch).
_PHONES_BY_INDEX = 2000


class WarningNotFound(UserFacingError):
    def __init__(self, warning_id: uuid.UUID) -> None:
        self.warning_id = warning_id
        super().__init__(f"no warning {warning_id}")


class AckNoteTooLong(UserFacingError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"an acknowledgement note is at most {limit} characters")


# ---------------------------------------------------------------- the rules


def may_edit_rules(role: UserRole) -> bool:
    """An administrator, or a supervisor (所长 / 科长): the central database lets only
    supervisors write office settings; a mediator reads the rules."""
    return role in (UserRole.ADMIN, UserRole.SUPERVISOR)


def rules_in(session: Session, office_id: uuid.UUID) -> WarningRules:
    value = session.scalar(select(OfficeSetting.value).where(
        OfficeSetting.office_id == office_id, OfficeSetting.key == RULES_KEY,
        OfficeSetting.deleted.is_(False)))
    return WarningRules.from_json(value) if value is not None else WarningRules()


def current_rules(ws: Workstation) -> WarningRules:
    with ws.store.unit_of_work() as session:
        return rules_in(session, ws.actor.office_id)


def save_rules(ws: Workstation, rules: WarningRules, *, recheck_after: bool = True
               ) -> Changes:
    """设置 → 预警规则: checked as a whole (nothing saved half-way), kept as the office's
    synced setting with an audit row, then the recent cases are checked by the new rules.
    Raises WarningRulesRefused."""
    if not may_edit_rules(ws.actor.role):
        raise WarningRulesRefused({None: RuleProblem.NOT_PERMITTED})
    rules = replace(rules, keywords=rules_core.clean_words(rules.keywords),
                    categories=rules_core.clean_words(rules.categories))
    problems = rules_core.check_rules(rules)
    if problems:
        raise WarningRulesRefused(problems)
    office_id = ws.actor.office_id
    value = rules.to_json()
    with ws.store.unit_of_work() as session:
        row = session.scalars(select(OfficeSetting).where(
            OfficeSetting.office_id == office_id, OfficeSetting.key == RULES_KEY)).first()
        now = ws.now()
        old = None if row is None or row.deleted else row.value
        if row is None:
            row = OfficeSetting(id=new_id(), office_id=office_id, key=RULES_KEY,
                                value=value, modified_at=now, modified_by=ws.actor.login)
            session.add(row)
        elif old == value:
            return Changes()
        else:
            row.value, row.deleted = value, False
            row.modified_at, row.modified_by = now, ws.actor.login
        changes = {k: [None if old is None else old.get(k), v] for k, v in value.items()
                   if old is None or old.get(k) != v}
        audit.record(session, actor=ws.actor.login, entity="office_setting", entity_id=row.id,
                     action="update", changes={f"{RULES_KEY}.{k}": v for k, v in changes.items()},
                     office_id=office_id, at=now)
    if recheck_after:
        recheck(ws)
    return Changes(reference=True, warnings=True)


# ---------------------------------------------------------------- checking cases


@dataclass
class _Finding:
    rule: WarningRule
    key: str
    subject: str
    cases: set[str] = field(default_factory=set)  # ids as 32 hex digits
    detail: dict[str, Any] = field(default_factory=dict)
    threshold: int | None = None
    window_days: int | None = None


@dataclass(frozen=True)
class CheckResult:
    raised: int = 0  # new warnings
    grown: int = 0  # warnings that rest on more cases now

    @property
    def changed(self) -> bool:
        return bool(self.raised or self.grown)


@dataclass(frozen=True)
class KeywordHits:
    """The rules' keywords found in some cases' texts where the cases were made (an
    import's worker processes), so the check need not read the texts again."""

    keywords: tuple[str, ...]  # the rules' keywords they were looked for with
    by_case: dict[str, list[str]]  # id as 32 hex digits → the words found (none: left out)

    @staticmethod
    def find(keywords: Sequence[str], title: str | None, description: str | None,
             request: str | None) -> list[str]:
        """The keywords one case's texts hold, as the check finds them."""
        return rules_core.matched_words(f"{title}\n{description}\n{request}", keywords)


# What the rules read of the cases checked; their texts are read a chunk at a time for
# the keyword rule (an import checks 100,000 cases at once).
# The China day of receipt counted by the database (a day number), and the instant as
# the text it is stored as (it sorts as the instants do): an import checks 100,000
# cases, and making a datetime of each and its China date was most of the time.
_DAY = china_day(Case.received_at).label("day")
# Ids as the 32 hex digits stored: a warning keeps them so, and a UUID made of each of
# an import's 100,000 cases, three times over, was the rest of the time.
_HEX_ID = type_coerce(Case.id, String)
_HEX_LINKED = type_coerce(Case.linked_case_id, String)
_ID = _HEX_ID.label("id")
_LINKED = _HEX_LINKED.label("linked_case_id")
_RECEIVED = type_coerce(Case.received_at, String).label("received_at")
_CASE_COLUMNS = (_ID, _RECEIVED, _DAY, Case.source, Case.respondent_uscc,
                 Case.respondent_name, Case.complainant_phone, Case.category, Case.tags,
                 _LINKED)
_TEXT_COLUMNS = (_ID, Case.respondent_uscc, Case.respondent_name, Case.title,
                 Case.description, Case.request)


class _PhoneKeys(dict):
    """Each phone's key, worked out once per check (an import's 100,000 distinct phones
    are each looked up several times: more than phone_key's own cache holds)."""

    def __missing__(self, phone: str) -> str:
        self[phone] = key = rules_core.phone_key(phone)
        return key


@lru_cache(maxsize=4096)
def _date(day: int) -> date:
    return date.fromordinal(day)


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _live(office_id: uuid.UUID):
    return (Case.office_id == office_id, Case.deleted.is_(False))


def _received_between(bounds: tuple[date, date]):
    return (Case.received_at >= china_midnight(bounds[0]),
            Case.received_at < end_of_china_day(bounds[1]))


def check_cases(ws: Workstation, session: Session, case_ids: Iterable[uuid.UUID | str],
                keyword_hits: KeywordHits | None = None) -> CheckResult:
    """Check these cases (just taken in, imported or pulled) against the office's rules,
    raising or growing warnings in ``session``'s transaction. ``keyword_hits``: the
    keywords already found in these cases, used when the rules' keywords are still
    those they were looked for with."""
    ids = list(dict.fromkeys(i.hex if isinstance(i, uuid.UUID) else i for i in case_ids))
    if not ids:
        return CheckResult()
    office_id = ws.actor.office_id
    rules = rules_in(session, office_id)
    # First only where the windows lie (nothing kept per case); then the cases of the
    # windows' dates, read once for both rules and for these cases themselves: an import
    # checks 100,000 cases, which are most of those dates' cases.
    business_days: list[int] = []
    phone_days_of: list[int] = []
    phone_set: set[str] = set()
    for chunk in _chunks(ids):
        for day, uscc, name, phone in session.execute(
                select(_DAY, Case.respondent_uscc, Case.respondent_name,
                       Case.complainant_phone).where(_HEX_ID.in_(chunk), *_live(office_id))):
            if uscc or name:
                business_days.append(day)
            if phone:
                phone_days_of.append(day)
                phone_set.add(phone)
    business_bounds = None
    if rules.business_on:
        business_bounds = rules_core.window_bounds(map(_date, business_days),
                                                   rules.business_days)
    phone_days = max(rules.repeat_days if rules.repeat_on else 0,
                     rules.channel_days if rules.channels_on else 0)
    phones = sorted(phone_set)
    phone_bounds = rules_core.window_bounds(map(_date, phone_days_of),
                                            phone_days) if phone_days else None
    del business_days, phone_days_of, phone_set
    # (a few phones are looked up by the phone index instead)
    phones_by_date = phone_bounds is not None and len(phones) > _PHONES_BY_INDEX
    spans = [b for b in (business_bounds, phone_bounds if phones_by_date else None) if b]
    by_date = session.execute(select(*_CASE_COLUMNS).where(
        *_live(office_id), *_received_between((min(b[0] for b in spans),
                                                max(b[1] for b in spans))),
        or_(Case.respondent_uscc != "", Case.respondent_name != "",
            Case.complainant_phone != ""))).all() if spans else []
    wanted_ids = set(ids)
    new = [r for r in by_date if r.id in wanted_ids]
    rest = sorted(wanted_ids - {r.id for r in new})
    new += [row for chunk in _chunks(rest) for row in session.execute(
        select(*_CASE_COLUMNS).where(_HEX_ID.in_(chunk), *_live(office_id)))]
    if not new:
        return CheckResult()
    findings: list[_Finding] = []
    pairs: set[tuple[str, str]] = {(r.respondent_uscc, r.respondent_name) for r in new}

    def within(bounds: tuple[date, date]) -> range:
        return range(bounds[0].toordinal(), bounds[1].toordinal() + 1)

    business_rows: list[Any] = []
    if business_bounds is not None:
        days = within(business_bounds)
        business_rows = [r for r in by_date
                         if (r.respondent_uscc or r.respondent_name) and r.day in days]
    phone_rows: list[Any] = []
    if phones_by_date:
        wanted, days = set(phones), within(phone_bounds)
        phone_rows = [r for r in by_date if r.complainant_phone in wanted and r.day in days]
    elif phone_bounds is not None:
        phone_rows = [row for chunk in _chunks(phones) for row in session.execute(
            select(*_CASE_COLUMNS).where(*_live(office_id), Case.complainant_phone.in_(chunk),
                                         *_received_between(phone_bounds)))]
    del by_date
    pairs |= {(r.respondent_uscc, r.respondent_name) for r in business_rows}
    pairs |= {(r.respondent_uscc, r.respondent_name) for r in phone_rows}
    keys = rules_core.business_keys(pairs)
    phone_key = _PhoneKeys().__getitem__

    def key_of(row) -> str | None:
        return keys.get((row.respondent_uscc, row.respondent_name))

    if rules.business_on:
        findings += _business_volume(rules, new, business_rows, key_of)
    if rules.repeat_on:
        findings += _repeat_phone(rules, new, phone_rows, phone_key)
    if rules.channels_on:
        findings += _multi_channel(session, office_id, rules, new, phone_rows, key_of,
                                   phone_key)
    if rules.keywords_on:
        if keyword_hits is not None and keyword_hits.keywords == tuple(rules.keywords):
            found = ((r, keyword_hits.by_case.get(r.id, ())) for r in new)
        else:
            found = ((row, KeywordHits.find(rules.keywords, row.title, row.description,
                                            row.request))
                     for chunk in _chunks([r.id for r in new]) for row in session.execute(
                         select(*_TEXT_COLUMNS).where(_HEX_ID.in_(chunk))))
        findings += _keywords(found, key_of)
    if rules.categories_on:
        findings += _key_categories(rules, new, key_of)
    return _apply(ws, session, findings)


def _business_volume(rules: WarningRules, new, rows, key_of) -> list[_Finding]:
    wanted = {key_of(r) for r in new} - {None}
    groups: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        key = key_of(r)
        if key in wanted:
            groups[key].append(r)
    found = []
    for key, group in groups.items():
        dated = [(r.id, _date(r.day)) for r in group]
        cases = rules_core.qualifying(dated, rules.business_count, rules.business_days)
        if cases:
            latest = max(group, key=lambda r: r.received_at)
            found.append(_Finding(
                WarningRule.BUSINESS_VOLUME, key, latest.respondent_name or
                latest.respondent_uscc, cases,
                {"peak": rules_core.peak([d for i, d in dated if i in cases],
                                         rules.business_days)},
                rules.business_count, rules.business_days))
    return found


def _repeat_phone(rules: WarningRules, new, rows, phone_key) -> list[_Finding]:
    wanted = {phone_key(r.complainant_phone) for r in new} - {""}
    shown = {phone_key(r.complainant_phone): r for r in new}
    groups: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        key = phone_key(r.complainant_phone)
        if key in wanted:
            groups[key].append(r)
    found = []
    for phone, group in groups.items():
        dated = [(r.id, _date(r.day)) for r in group]
        cases = rules_core.qualifying(dated, rules.repeat_count, rules.repeat_days)
        if cases:
            found.append(_Finding(
                WarningRule.REPEAT_PHONE, "phone:" + rules_core.hashed(phone),
                mask_phone(shown[phone].complainant_phone), cases,
                {"peak": rules_core.peak([d for i, d in dated if i in cases],
                                         rules.repeat_days)},
                rules.repeat_count, rules.repeat_days))
    return found


def _multi_channel(session: Session, office_id: uuid.UUID, rules: WarningRules, new,
                   phone_rows, key_of, phone_key) -> list[_Finding]:
    found: list[_Finding] = []
    # Cases a person linked as one dispute (多头诉求), whenever they came in: the cases
    # these link to, and those that link to these (ix_cases_linked).
    columns = (_ID, Case.source, _LINKED, Case.respondent_name, Case.title)
    new_ids = {r.id for r in new}
    # Every link there is, from the partial index alone (few cases link to another).
    targets = set(session.scalars(select(_HEX_LINKED).where(
        Case.linked_case_id.is_not(None)).distinct()))
    roots = sorted({r.linked_case_id for r in new if r.linked_case_id}
                   | (targets & new_ids))
    linked = [row for chunk in _chunks(roots) for row in session.execute(
        select(*columns).where(*_live(office_id),
                               or_(_HEX_ID.in_(chunk), _HEX_LINKED.in_(chunk))))]
    in_roots = set(roots)
    groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for r in linked:
        groups[r.linked_case_id if r.linked_case_id in in_roots else r.id].append(r)
    for root, group in groups.items():
        sources = sorted({r.source for r in group})
        if len(group) >= 2 and len(sources) >= 2:
            first = next((r for r in group if r.id == root), group[0])
            found.append(_Finding(WarningRule.MULTI_CHANNEL, "link:" + root,
                                  first.respondent_name or first.title,
                                  {r.id for r in group}, {"sources": sources}))
    # The same phone against the same business from different sources within D days.
    wanted = {(phone_key(r.complainant_phone), key_of(r)) for r in new}
    pb: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in phone_rows:
        pair = (phone_key(r.complainant_phone), key_of(r))
        if pair in wanted and pair[0] and pair[1]:
            pb[pair].append(r)
    covered = [f.cases for f in found]
    for (phone, business), group in pb.items():
        cases = rules_core.multi_source(
            [(r.id, _date(r.day), r.source) for r in group], rules.channel_days)
        if not cases or any(cases <= c for c in covered):
            continue
        latest = max(group, key=lambda r: r.received_at)
        found.append(_Finding(
            WarningRule.MULTI_CHANNEL,
            "pb:" + rules_core.hashed(phone + "|" + business),
            latest.respondent_name or latest.respondent_uscc, cases,
            {"sources": sorted({r.source for r in group if r.id in cases}),
             "phone": mask_phone(latest.complainant_phone)},
            None, rules.channel_days))
    return found


def _keywords(found: Iterable[tuple[Any, Sequence[str]]], key_of) -> list[_Finding]:
    """``found``: each case checked with the keywords its texts hold."""
    by_subject: dict[str, _Finding] = {}
    for r, words in found:
        if not words:
            continue
        business = key_of(r)
        key = "kw:" + (business or "word:" + words[0])
        f = by_subject.setdefault(key, _Finding(
            WarningRule.KEYWORD, key, r.respondent_name or r.respondent_uscc or words[0],
            detail={"keywords": []}))
        f.cases.add(r.id)
        f.detail["keywords"] = sorted(set(f.detail["keywords"]) | set(words))
    return list(by_subject.values())


def _key_categories(rules: WarningRules, new, key_of) -> list[_Finding]:
    by_subject: dict[str, _Finding] = {}
    for r in new:
        category = rules_core.in_key_category(r.category, r.tags, rules.categories)
        if category is None:
            continue
        key = f"cat:{category}|{key_of(r) or ''}"
        f = by_subject.setdefault(key, _Finding(
            WarningRule.KEY_CATEGORY, key, r.respondent_name or r.respondent_uscc or category,
            detail={"category": category}))
        f.cases.add(r.id)
    return list(by_subject.values())


def _merged_detail(old: Any, new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old) if isinstance(old, dict) else {}
    for k, v in new.items():
        if k in ("keywords", "sources") and isinstance(merged.get(k), list):
            merged[k] = sorted(set(merged[k]) | set(v))
        elif k == "peak" and isinstance(merged.get(k), int):
            merged[k] = max(merged[k], v)
        else:
            merged[k] = v
    return merged


def _apply(ws: Workstation, session: Session, findings: list[_Finding]) -> CheckResult:
    if not findings:
        return CheckResult()
    office_id = ws.actor.office_id
    by_id: dict[uuid.UUID, _Finding] = {}
    for f in findings:
        wid = rules_core.warning_id(office_id, f.rule, f.key)
        if wid in by_id:  # the same subject found twice in one batch
            by_id[wid].cases |= f.cases
            by_id[wid].detail = _merged_detail(by_id[wid].detail, f.detail)
        else:
            by_id[wid] = f
    existing = {w.id: w for chunk in _chunks(list(by_id)) for w in session.scalars(
        select(EarlyWarning).where(EarlyWarning.id.in_(chunk)))}
    now = ws.now()
    raised = grown = 0
    for wid, f in by_id.items():
        w = existing.get(wid)
        if w is None:
            w = EarlyWarning(
                id=wid, office_id=office_id, rule=f.rule.value, subject_key=f.key,
                subject=f.subject[:200], case_ids=rules_core.join_ids(f.cases),
                detail=f.detail, threshold=f.threshold, window_days=f.window_days,
                first_fired_at=now, last_grown_at=now, acknowledged_by="", ack_note="",
                version=1, modified_at=now, modified_by=ws.actor.login)
            session.add(w)
            raised += 1
            audit.record(session, actor=ws.actor.login, entity="warning", entity_id=wid,
                         action="raise", changes=audit.created({
                             "rule": f.rule.value, "subject": w.subject,
                             "cases": len(f.cases)}), office_id=office_id, at=now)
            continue
        before = set(rules_core.split_ids(w.case_ids))
        after = before | f.cases
        detail = _merged_detail(w.detail, f.detail)
        if after == before and detail == w.detail and not w.deleted:
            continue
        if after != before:
            w.case_ids = rules_core.join_ids(after)
            w.last_grown_at = now
            grown += 1
        if detail != w.detail:
            w.detail = detail
        w.threshold, w.window_days = f.threshold, f.window_days
        w.deleted = False
        w.modified_at, w.modified_by = now, ws.actor.login
    session.flush()
    return CheckResult(raised, grown)


def recheck(ws: Workstation) -> CheckResult:
    """Every case of the rules' longest window checked again (after the rules change, or a
    sync brought cases other desks took in), in one transaction."""
    with ws.store.unit_of_work() as session:
        rules = rules_in(session, ws.actor.office_id)
        since = china_date(ws.now()) - timedelta(days=rules.lookback_days - 1)
        ids = list(session.scalars(select(Case.id).where(
            *_live(ws.actor.office_id), Case.received_at >= china_midnight(since))))
        return check_cases(ws, session, ids)


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class WarningView:
    id: uuid.UUID
    rule: WarningRule | str
    subject: str
    case_ids: tuple[uuid.UUID, ...]
    detail: dict[str, Any]
    threshold: int | None
    window_days: int | None
    first_fired_at: datetime
    last_grown_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str  # the person's name (their login when unknown here)
    ack_note: str
    grown_since_ack: int  # cases added since it was acknowledged

    @property
    def count(self) -> int:
        return len(self.case_ids)

    @property
    def needs_attention(self) -> bool:
        """Not acknowledged yet, or grown since."""
        return self.acknowledged_at is None or self.grown_since_ack > 0


def _rule(value: str) -> WarningRule | str:
    try:
        return WarningRule(value)
    except ValueError:  # written by a newer version
        return value


def _view(w: EarlyWarning, names: dict[str, str]) -> WarningView:
    ids = tuple(uuid.UUID(h) for h in rules_core.split_ids(w.case_ids))
    grown = 0 if w.acknowledged_at is None else max(0, len(ids) - (w.acked_count or 0))
    return WarningView(w.id, _rule(w.rule), w.subject, ids,
                       w.detail if isinstance(w.detail, dict) else {}, w.threshold,
                       w.window_days, w.first_fired_at, w.last_grown_at, w.acknowledged_at,
                       names.get(w.acknowledged_by) or w.acknowledged_by, w.ack_note, grown)


def list_warnings(ws: Workstation, *, only_open: bool = False) -> list[WarningView]:
    """The office's warnings, those needing attention first, then the latest grown."""
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(EarlyWarning).where(
            EarlyWarning.office_id == ws.actor.office_id, EarlyWarning.deleted.is_(False))
            .order_by(EarlyWarning.last_grown_at.desc(), EarlyWarning.id)).all()
        names = dict(session.execute(select(Mediator.login, Mediator.name)).all())
        views = [_view(w, names) for w in rows]
    if only_open:
        views = [v for v in views if v.needs_attention]
    return sorted(views, key=lambda v: not v.needs_attention)


def get_warning(ws: Workstation, warning_id: uuid.UUID) -> WarningView:
    with ws.store.unit_of_work() as session:
        w = session.get(EarlyWarning, warning_id)
        if w is None or w.deleted or w.office_id != ws.actor.office_id:
            raise WarningNotFound(warning_id)
        names = dict(session.execute(select(Mediator.login, Mediator.name)).all())
        return _view(w, names)


# Hex ids of 32 characters joined by commas: the count without reading the ids.
_COUNT = (func.length(EarlyWarning.case_ids) + 1) / 33


def open_count(ws: Workstation) -> int:
    """Warnings not acknowledged, or grown since (the number beside 预警)."""
    with ws.store.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(EarlyWarning).where(
            EarlyWarning.office_id == ws.actor.office_id, EarlyWarning.deleted.is_(False),
            or_(EarlyWarning.acknowledged_at.is_(None),
                _COUNT > func.coalesce(EarlyWarning.acked_count, 0)))) or 0)


def acknowledge(ws: Workstation, warning_id: uuid.UUID, note: str) -> Changes:
    """确认: who saw it and what they did, audited and synced. A warning that grew since
    its last acknowledgement is acknowledged again the same way."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AckNoteTooLong(NOTE_MAX)
    with ws.store.unit_of_work() as session:
        w = session.get(EarlyWarning, warning_id)
        if w is None or w.deleted or w.office_id != ws.actor.office_id:
            raise WarningNotFound(warning_id)
        now = ws.now()
        count = len(rules_core.split_ids(w.case_ids))
        changes = audit.apply_changes(w, {
            "acknowledged_at": now, "acknowledged_by": ws.actor.login, "ack_note": note,
            "acked_count": count})
        w.modified_at, w.modified_by = now, ws.actor.login
        audit.record(session, actor=ws.actor.login, entity="warning", entity_id=w.id,
                     action="acknowledge", changes=changes, office_id=w.office_id, at=now)
    return Changes(warnings=True)


@dataclass(frozen=True)
class WarningCase:
    """A case a warning rests on, as its list shows it (no phone, no ID)."""

    id: uuid.UUID
    source_ticket: str
    source: str
    received_at: datetime
    respondent_name: str
    title: str
    status: str


def warning_cases(ws: Workstation, warning_id: uuid.UUID) -> list[WarningCase]:
    """The cases of a warning, the latest received first (deleted ones left out)."""
    view = get_warning(ws, warning_id)
    found: list[WarningCase] = []
    with ws.store.unit_of_work() as session:
        for chunk in _chunks(list(view.case_ids)):
            found += [WarningCase(*row) for row in session.execute(
                select(Case.id, Case.source_ticket, Case.source, Case.received_at,
                       Case.respondent_name, Case.title, Case.status)
                .where(Case.id.in_(chunk), *_live(ws.actor.office_id)))]
    return sorted(found, key=lambda c: c.received_at, reverse=True)
