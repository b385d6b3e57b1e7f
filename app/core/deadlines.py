"""Deadlines: rule sets held as data, clocks with pauses, and office pledges.

Which limits apply is decided by the track and the date the work order was *received*
(``select_rule_set``): the 暂行办法 values before 2026-04-15, and an unverified,
editable placeholder for 总局令第121号 from 2026-04-15 (its limits were NOT FOUND).

Day counting (see ``app.core.calendar``): the start day never counts; working-day
clocks count official working days from the next day; calendar-day periods follow
民法典 第二百零一条 (start the next day) and 第二百零三条 (roll past a rest day); month
periods end on the corresponding day of the due month (民法典 第二百零二条).
"""

from __future__ import annotations

import calendar as _stdcalendar
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from app.core.calendar import WorkCalendar
from app.core.errors import NoRuleSetError, RuleSetError, RuleSetErrorCode
from app.core.timeutil import (
    china_date,
    china_today,
    end_of_china_day,
    to_china_date,
    to_china_datetime,
)
from app.core.workflow import CaseKind, PauseReason, RejectionGround, TerminationGround, Track

_ONE_DAY = timedelta(days=1)


class ClockKind(StrEnum):
    ACCEPT_DECISION = "accept_decision"
    MEDIATION = "mediation"
    TERMINATION_NOTICE = "termination_notice"
    REPORT_VERIFICATION = "report_verification"
    REPORT_NOTICE = "report_notice"
    MEDIATION_TARGET = "mediation_target"
    JUDICIAL_CONFIRMATION = "judicial_confirmation"
    PLEDGE_DISPATCH = "pledge_dispatch"
    PLEDGE_RESPONSE = "pledge_response"


PLEDGE_KINDS = frozenset({ClockKind.PLEDGE_DISPATCH, ClockKind.PLEDGE_RESPONSE})
# Clocks a reopened case runs again from the reopening (see case_deadlines).
RESTART_ON_REOPEN = frozenset({ClockKind.ACCEPT_DECISION, ClockKind.MEDIATION,
                               ClockKind.MEDIATION_TARGET, ClockKind.REPORT_VERIFICATION})


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"
    MONTHS = "months"


class ClockStart(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"
    VERIFIED = "verified"  # the report's 立案 / 不予立案 decision
    EFFECTIVE = "effective"  # the mediation agreement's effective date
    ASSIGNED = "assigned"  # for pledges counted from dispatch


class DueStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    PAUSED = "paused"
    DONE = "done"  # completed on time
    DONE_LATE = "done_late"  # completed after the due date


def _invalid(msg: str) -> RuleSetError:
    return RuleSetError(RuleSetErrorCode.INVALID_DATA, msg)


@dataclass(frozen=True)
class ClockRule:
    """One clock. ``extension``: extra units allowed with approval (e.g. +15 working days
    for report verification); applied only when the case records the approval."""

    kind: ClockKind
    limit: int
    unit: Unit
    starts_at: ClockStart
    kinds: frozenset[CaseKind]
    pausable: bool = False
    soft: bool = False
    citation: str = ""
    extension: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        if self.limit < 0 or self.extension < 0:
            raise _invalid(f"{self.kind.value}: limit and extension must be >= 0")
        if not self.kinds:
            raise _invalid(f"{self.kind.value}: a rule must apply to at least one case kind")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "limit": self.limit,
            "unit": self.unit.value,
            "starts_at": self.starts_at.value,
            "kinds": sorted(k.value for k in self.kinds),
            "pausable": self.pausable,
            "soft": self.soft,
            "citation": self.citation,
            "extension": self.extension,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClockRule:
        try:
            return cls(
                kind=ClockKind(data["kind"]),
                limit=int(data["limit"]),
                unit=Unit(data["unit"]),
                starts_at=ClockStart(data["starts_at"]),
                kinds=frozenset(CaseKind(k) for k in data["kinds"]),
                pausable=bool(data.get("pausable", False)),
                soft=bool(data.get("soft", False)),
                citation=str(data.get("citation", "")),
                extension=int(data.get("extension", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid(f"invalid clock rule: {exc!r}") from exc


@dataclass(frozen=True)
class GroundRule:
    """A 不予受理 or 终止调解 ground as the rule set states it: the words a notice prints
    and its legal basis (《…》第X条第（Y）项; "" where no text states it, and then the
    notice cites nothing rather than guess)."""

    text: str
    basis: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "basis": self.basis}


@dataclass(frozen=True)
class RuleSet:
    """Limits for one track over a validity period [valid_from, valid_to) of receipt dates,
    and the grounds a case received then may be rejected or terminated on.

    ``confirmed=False`` means the values were not verified against the governing text;
    the UI must mark every deadline computed from it, and a notice citing it is issued
    only on an explicit confirmation.
    """

    code: str
    name: str
    track: Track
    valid_from: date
    valid_to: date | None
    confirmed: bool
    rules: tuple[ClockRule, ...]
    rejection_grounds: Mapping[str, GroundRule] = field(default_factory=dict)
    termination_grounds: Mapping[str, GroundRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        for name in ("rejection_grounds", "termination_grounds"):
            grounds = MappingProxyType(dict(getattr(self, name)))
            object.__setattr__(self, name, grounds)
            for code, ground in grounds.items():
                if not ground.text.strip():
                    raise _invalid(f"{self.code}: ground {code!r} has no text")
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise _invalid(f"{self.code}: valid_to must be after valid_from")
        seen: set[ClockKind] = set()
        for r in self.rules:
            if r.kind in seen:
                raise _invalid(f"{self.code}: duplicate rule {r.kind.value}")
            if r.kind in PLEDGE_KINDS:
                raise _invalid(f"{self.code}: pledges are office settings, not rules")
            seen.add(r.kind)

    def __reduce__(self):  # picklable for worker processes (a mappingproxy is not)
        return (RuleSet, (self.code, self.name, self.track, self.valid_from, self.valid_to,
                          self.confirmed, self.rules, dict(self.rejection_grounds),
                          dict(self.termination_grounds)))

    def applies_to(self, track: Track, received_on: date) -> bool:
        return (
            self.track is track
            and self.valid_from <= received_on
            and (self.valid_to is None or received_on < self.valid_to)
        )

    def rule(self, kind: ClockKind) -> ClockRule | None:
        return next((r for r in self.rules if r.kind is kind), None)

    def ground(self, ground: RejectionGround | TerminationGround) -> GroundRule | None:
        """The ground's wording in this rule set; None when the rules of this period do
        not have it (e.g. an Order 121 ground on a case received before 2026-04-15)."""
        grounds = self.rejection_grounds if isinstance(ground, RejectionGround) \
            else self.termination_grounds
        return grounds.get(ground.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "track": self.track.value,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "confirmed": self.confirmed,
            "rules": [r.to_dict() for r in self.rules],
            "rejection_grounds": {c: g.to_dict() for c, g in self.rejection_grounds.items()},
            "termination_grounds": {c: g.to_dict()
                                    for c, g in self.termination_grounds.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        try:
            valid_to = data.get("valid_to")
            return cls(
                code=str(data["code"]),
                name=str(data["name"]),
                track=Track(data["track"]),
                valid_from=date.fromisoformat(data["valid_from"]),
                valid_to=None if valid_to is None else date.fromisoformat(valid_to),
                confirmed=bool(data["confirmed"]),
                rules=tuple(ClockRule.from_dict(r) for r in data["rules"]),
                rejection_grounds=_grounds(data.get("rejection_grounds")),
                termination_grounds=_grounds(data.get("termination_grounds")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid(f"invalid rule set: {exc!r}") from exc


def _grounds(data: Mapping[str, Any] | None) -> dict[str, GroundRule]:
    return {str(code): GroundRule(str(g["text"]), str(g.get("basis", "")))
            for code, g in (data or {}).items()}


# -- rule sets as data files ---------------------------------------------------------
#
# The statutory rule sets ship as TOML files in app/core/rules/, one per rule set and
# named by its code: the top-level keys of RuleSet.to_dict() (dates as TOML dates,
# valid_to left out while in force) and one [[rules]] table per clock, with
# ClockRule.to_dict()'s keys (pausable, soft, extension and citation optional).
# Administrators edit copies in the store; these files are the baseline seeded from.

_RULE_SET_KEYS: dict[str, tuple[type, ...]] = {
    "code": (str,), "name": (str,), "track": (str,), "valid_from": (date,),
    "valid_to": (date,), "confirmed": (bool,), "rules": (list,),
    "rejection_grounds": (dict,), "termination_grounds": (dict,),
}
_CLOCK_RULE_KEYS: dict[str, tuple[type, ...]] = {
    "kind": (str,), "limit": (int,), "unit": (str,), "starts_at": (str,), "kinds": (list,),
    "pausable": (bool,), "soft": (bool,), "citation": (str,), "extension": (int,),
}
_TYPE_WORDS = {str: "a string", int: "a whole number", bool: "true or false",
               date: "a date (YYYY-MM-DD)", list: "a list", dict: "a table"}
_OPTIONAL = frozenset({"valid_to", "pausable", "soft", "citation", "extension",
                       "rejection_grounds", "termination_grounds"})
_ENUMS: dict[str, type[StrEnum]] = {
    "track": Track, "kind": ClockKind, "unit": Unit, "starts_at": ClockStart, "kinds": CaseKind,
}


_GROUND_KEYS: dict[str, tuple[type, ...]] = {"text": (str,), "basis": (str,)}


def _check_table(table: Mapping[str, Any], keys: Mapping[str, tuple[type, ...]],
                 where: str) -> None:
    for key in table:
        if key not in keys:
            raise _invalid(f"{where}: unknown key {key!r} (one of: {', '.join(keys)})")
    for key, types in keys.items():
        if key not in table:
            if key in _OPTIONAL:
                continue
            raise _invalid(f"{where}: {key!r} is missing")
        value = table[key]
        # bool is an int in Python, a datetime a date: neither passes for the other here.
        if (not isinstance(value, types) or (bool not in types and isinstance(value, bool))
                or (date in types and isinstance(value, datetime))):
            raise _invalid(f"{where}: {key!r} must be {_TYPE_WORDS[types[0]]}, not {value!r}")
        enum = _ENUMS.get(key)
        if enum is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or item not in {m.value for m in enum}:
                raise _invalid(f"{where}: {key!r} has {item!r}; expected one of: "
                               + ", ".join(m.value for m in enum))


def parse_rule_set(text: str, source: str) -> RuleSet:
    """A rule set from the text of a rule file; ``source`` names the file in errors.
    Raises RuleSetError(INVALID_DATA) saying what is wrong and where."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _invalid(f"rule file {source}: not valid TOML: {exc}") from exc
    _check_table(data, _RULE_SET_KEYS, f"rule file {source}")
    for i, rule in enumerate(data["rules"], start=1):
        if not isinstance(rule, dict):
            raise _invalid(f"rule file {source}: rules must be [[rules]] tables")
        _check_table(rule, _CLOCK_RULE_KEYS, f"rule file {source}, rule {i}")
    for section, enum in (("rejection_grounds", RejectionGround),
                          ("termination_grounds", TerminationGround)):
        for code, ground in data.get(section, {}).items():
            where = f"rule file {source}, {section}.{code}"
            if code not in {g.value for g in enum}:
                raise _invalid(f"{where}: not one of the {section.replace('_', ' ')}")
            if not isinstance(ground, dict):
                raise _invalid(f"{where}: must be a [{section}.{code}] table")
            _check_table(ground, _GROUND_KEYS, where)
    if data["code"] != source.removesuffix(".toml"):
        raise _invalid(f"rule file {source}: code {data['code']!r} must be the file's name")
    data["valid_from"] = data["valid_from"].isoformat()
    if "valid_to" in data:
        data["valid_to"] = data["valid_to"].isoformat()
    try:
        return RuleSet.from_dict(data)
    except RuleSetError as exc:  # the checks RuleSet itself makes (limits, duplicates)
        raise _invalid(f"rule file {source}: {exc}") from exc


def load_rule_sets(folder: Traversable | None = None) -> tuple[RuleSet, ...]:
    """Every ``*.toml`` rule set in ``folder`` (default: the ones shipped in
    app/core/rules), by track and then by start of validity."""
    folder = folder if folder is not None else resources.files("app.core.rules")
    found = [
        parse_rule_set(f.read_text(encoding="utf-8"), f.name)
        for f in folder.iterdir()
        if f.name.endswith(".toml")
    ]
    if not found:
        raise _invalid(f"no rule files in {folder}")
    return tuple(sorted(found, key=lambda rs: (rs.track.value, rs.valid_from)))


BASELINE_RULE_SETS: tuple[RuleSet, ...] = load_rule_sets()

JUDICIAL_CONFIRMATION_RULE: ClockRule = next(
    rule
    for rs in BASELINE_RULE_SETS
    if rs.track is Track.PEOPLES_MEDIATION
    for rule in rs.rules
    if rule.kind is ClockKind.JUDICIAL_CONFIRMATION
)


def rule_set_of(rule_sets: Iterable[RuleSet], code: str, track: Track | str,
                received_on: date | datetime) -> RuleSet:
    """The rule set a case was given at intake (by its code), else the one of its track
    for its receipt date. NoRuleSetError when there is neither."""
    rule_sets = tuple(rule_sets)
    found = next((r for r in rule_sets if r.code == code), None)
    return found if found is not None else select_rule_set(rule_sets, Track(track), received_on)


def select_rule_set(
    rule_sets: Iterable[RuleSet], track: Track, received_on: date | datetime
) -> RuleSet:
    """The rule set for a case on ``track`` received on ``received_on`` (a China date;
    an aware datetime is converted). If periods overlap (a configuration error that
    ``overlapping_rule_sets`` reports), the one that started most recently wins."""
    day = to_china_date(received_on)
    fitting = [rs for rs in rule_sets if rs.applies_to(track, day)]
    if not fitting:
        raise NoRuleSetError(f"no rule set for track {track.value} on {day.isoformat()}")
    return max(fitting, key=lambda rs: rs.valid_from)


def overlapping_rule_sets(rule_sets: Iterable[RuleSet]) -> list[tuple[RuleSet, RuleSet]]:
    """Pairs of rule sets of the same track whose validity periods overlap."""
    ordered = sorted(rule_sets, key=lambda rs: (rs.track, rs.valid_from))
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.track is b.track and (a.valid_to is None or b.valid_from < a.valid_to):
                pairs.append((a, b))
    return pairs


@dataclass(frozen=True)
class Pause:
    """A period during which pausable clocks stop (检定、检验、检测、鉴定, 回避).

    The days excluded are those in (started_on, ended_on]: like every period here, the
    day the pause starts still counts for the clock.
    """

    reason: PauseReason
    started_on: date
    ended_on: date | None = None
    expected_end: date | None = None

    def __post_init__(self) -> None:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise _invalid("a pause cannot end before it starts")

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class Pledge:
    """An office's own service commitment, e.g. dispatch within 2 hours of receipt."""

    kind: ClockKind
    hours: int
    starts_at: ClockStart

    def __post_init__(self) -> None:
        if self.kind not in PLEDGE_KINDS:
            raise _invalid(f"{self.kind.value} is not a pledge kind")
        if self.hours <= 0:
            raise _invalid("pledge hours must be positive")

    def as_rule(self) -> ClockRule:
        # Pledges are local targets, not statutory limits: soft.
        return ClockRule(
            self.kind,
            self.hours,
            Unit.HOURS,
            self.starts_at,
            frozenset(CaseKind),
            soft=True,
            citation="本单位承诺",
        )

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "hours": self.hours, "starts_at": self.starts_at.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pledge:
        try:
            return cls(ClockKind(data["kind"]), int(data["hours"]), ClockStart(data["starts_at"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid(f"invalid pledge: {exc!r}") from exc


@dataclass(frozen=True)
class Deadline:
    """A computed due date.

    ``due`` is the last day (China date); ``due_at`` is the exact instant for hour-based
    clocks, else None (the period then ends at 24:00 China time on ``due``).
    ``provisional``: depends on a year without an official calendar (暂定).
    ``paused``: an open pause; ``due`` is a projection.
    ``met``: None while outstanding; True/False once done on time / late.
    ``nominal_due``: for calendar-day periods rolled past a rest day, the unrolled day
    (the UI should show it: whether ordinary weekends roll was not verified).
    """

    kind: ClockKind
    due: date
    due_at: datetime | None
    provisional: bool
    paused: bool
    soft: bool
    confirmed: bool
    met: bool | None
    unit: Unit | None = None
    citation: str = ""
    done_on: date | None = None
    nominal_due: date | None = None

    @property
    def ends_at(self) -> datetime:
        """The instant the period runs out."""
        return self.due_at if self.due_at is not None else end_of_china_day(self.due)


def _add_months(d: date, months: int) -> date:
    # 民法典 第二百零二条: the corresponding day of the due month, else its last day.
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, _stdcalendar.monthrange(year, month)[1]))


def _pause_intervals(pauses: Sequence[Pause], today: date) -> list[tuple[date, date]]:
    intervals = []
    for p in pauses:
        if p.ended_on is not None:
            end = p.ended_on
        else:
            # Open pause: project the clock resuming at the expected end, never earlier
            # than today (a late result keeps the clock stopped).
            end = max(p.expected_end, today) if p.expected_end is not None else today
        intervals.append((p.started_on, end))
    return intervals


def _count_working_days(
    start: date, n: int, calendar: WorkCalendar, paused: list[tuple[date, date]]
) -> tuple[date, bool]:
    """The day the n-th counted working day falls on, skipping days in any (s, e]."""
    if not paused and n >= 0:  # the calendar's own count, kept for the next case
        found = calendar.add_working_days(start, n)
        return found.day, found.provisional
    d, remaining, provisional = start, n, False
    while remaining > 0:
        d += _ONE_DAY
        provisional = provisional or not calendar.covers(d.year)
        if any(s < d <= e for s, e in paused):
            continue
        if calendar.is_workday(d):
            remaining -= 1
    return d, provisional


def compute_deadline(
    rule: ClockRule,
    start: datetime | date,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
    now: datetime | None = None,
    *,
    done_at: datetime | date | None = None,
    extended: bool = False,
    confirmed: bool = True,
) -> Deadline:
    """Compute one clock started at ``start`` (an instant, or a China date).

    Pauses only affect pausable working-day rules; ``done_at`` (when the step was done)
    sets ``met``; ``extended`` adds the rule's approved extension; ``confirmed`` comes
    from the rule set.
    """
    limit = rule.limit + (rule.extension if extended else 0)
    start_day = to_china_date(start)
    today = china_today(now)
    due_at: datetime | None = None
    nominal: date | None = None
    provisional = False
    is_paused = False

    match rule.unit:
        case Unit.WORKING_DAYS:
            intervals = _pause_intervals(pauses, today) if rule.pausable else []
            is_paused = rule.pausable and done_at is None and any(p.is_open for p in pauses)
            due, provisional = _count_working_days(start_day, limit, calendar, intervals)
        case Unit.CALENDAR_DAYS:
            # 民法典 第二百零一条: the start day is not counted.
            raw = start_day + timedelta(days=limit)
            # 民法典 第二百零三条 / 民事诉讼法 第八十五条: a last day on a rest day moves to
            # the next working day. Rolling past ordinary weekends is court practice, not
            # verified in the texts: ``nominal_due`` keeps the unrolled day for the UI.
            rolled = calendar.next_workday_on_or_after(raw)
            due = rolled.day
            nominal = raw if rolled.day != raw else None
            provisional = rolled.provisional
        case Unit.MONTHS:
            due = _add_months(start_day, limit)
        case Unit.HOURS:
            due_at = to_china_datetime(start) + timedelta(hours=limit)
            due = china_date(due_at)

    met: bool | None = None
    done_on: date | None = None
    if done_at is not None:
        done_on = to_china_date(done_at)
        if due_at is not None:
            met = to_china_datetime(done_at) <= due_at
        else:
            met = done_on <= due
    return Deadline(
        kind=rule.kind,
        due=due,
        due_at=due_at,
        provisional=provisional,
        paused=is_paused,
        soft=rule.soft,
        confirmed=confirmed,
        met=met,
        unit=rule.unit,
        citation=rule.citation,
        done_on=done_on,
        nominal_due=nominal,
    )


def case_deadlines(
    rule_set: RuleSet,
    *,
    kind: CaseKind,
    received_at: datetime,
    accepted_at: datetime | None = None,
    terminated_at: datetime | None = None,
    decided_at: datetime | None = None,
    effective_on: date | None = None,
    pauses: Sequence[Pause] = (),
    pledges: Sequence[Pledge] = (),
    calendar: WorkCalendar,
    now: datetime | None = None,
    rejected_at: datetime | None = None,
    assigned_at: datetime | None = None,
    responded_at: datetime | None = None,
    closed_at: datetime | None = None,
    termination_notified_at: datetime | None = None,
    reporter_notified_at: datetime | None = None,
    reporter_real_name: bool = True,
    extended: Collection[ClockKind] = (),
    reopened_at: datetime | None = None,
) -> list[Deadline]:
    """Every clock that applies to a case of ``kind`` given the events so far, by due.

    A clock exists once its starting event has happened (the mediation clock after
    acceptance, the termination notice after termination, ...). The optional
    completion events (``*_at`` after ``now``) mark clocks met or late.

    Closing (``closed_at``, or ``rejected_at`` for 不予受理) settles every clock but the
    notices: the acceptance decision, the mediation and the report's verification are
    done then at the latest, and an office pledge not met before is settled by it. The
    termination notice and the reporter's notice stay owed until the parties have been
    told (``termination_notified_at`` / ``reporter_notified_at``: see app.core.delivery).

    ``reopened_at``: the case was reopened then. 暂行办法 has no reopening; it is taken as
    the mediation resuming, so the clocks of RESTART_ON_REOPEN that were not done before
    the reopening count again from it (a reopened complaint has its 45 working days of
    第二十一条第一款第（五）项 from the reopening, without its old overdue; a rejected
    complaint reopened to 待受理 its 7 working days of 第十四条 to decide again). Office
    pledges are about a new work order: the earlier close settled them and they do not run
    again.
    """
    starts: dict[ClockStart, datetime | date | None] = {
        ClockStart.RECEIVED: received_at,
        ClockStart.ACCEPTED: accepted_at,
        ClockStart.TERMINATED: terminated_at,
        ClockStart.VERIFIED: decided_at,
        ClockStart.EFFECTIVE: effective_on,
        ClockStart.ASSIGNED: assigned_at,
    }
    settled_at = closed_at or rejected_at  # the case's close settles what is not owed
    finished_mediation = closed_at or terminated_at
    done: dict[ClockKind, datetime | None] = {
        ClockKind.ACCEPT_DECISION: accepted_at or settled_at,
        ClockKind.MEDIATION: finished_mediation,
        ClockKind.MEDIATION_TARGET: finished_mediation,
        ClockKind.TERMINATION_NOTICE: termination_notified_at,
        ClockKind.REPORT_VERIFICATION: decided_at or settled_at,
        ClockKind.REPORT_NOTICE: reporter_notified_at,
        ClockKind.JUDICIAL_CONFIRMATION: None,  # the parties apply at court
        ClockKind.PLEDGE_DISPATCH: assigned_at or settled_at,
        ClockKind.PLEDGE_RESPONSE: responded_at or settled_at,
    }
    rules: list[tuple[ClockRule, bool]] = [(r, rule_set.confirmed) for r in rule_set.rules]
    rules += [(p.as_rule(), True) for p in pledges]

    result = []
    for rule, confirmed in rules:
        if kind not in rule.kinds:
            continue
        # 暂行办法 第三十一条第二款: only real-name reporters are owed the notice.
        if rule.kind is ClockKind.REPORT_NOTICE and not reporter_real_name:
            continue
        start = starts[rule.starts_at]
        if start is None:
            continue
        done_at = done[rule.kind]
        if reopened_at is not None and (done_at is None or done_at >= reopened_at):
            if rule.kind in PLEDGE_KINDS:
                continue
            if rule.kind in RESTART_ON_REOPEN and isinstance(start, datetime):
                start = max(start, reopened_at)
        result.append(
            compute_deadline(
                rule,
                start,
                calendar,
                pauses,
                now,
                done_at=done_at,
                extended=rule.kind in extended,
                confirmed=confirmed,
            )
        )
    result.sort(key=lambda d: d.ends_at)
    return result


def judicial_confirmation_deadline(effective_on: date, calendar: WorkCalendar) -> Deadline:
    """Last day to apply jointly for judicial confirmation (人民调解法 第三十三条):
    30 calendar days counted from the day after the agreement takes effect, rolled past
    a rest day (民法典 第二百零一条、第二百零三条)."""
    return compute_deadline(JUDICIAL_CONFIRMATION_RULE, effective_on, calendar)


def next_deadline(deadlines: Iterable[Deadline], now: datetime | None = None) -> Deadline | None:
    """The outstanding deadline that runs out first (overdue ones included, so they sort
    first); hard limits before soft targets on a tie. ``now`` is accepted for callers
    that have it; the order does not depend on it."""
    outstanding = [d for d in deadlines if d.met is None]
    if not outstanding:
        return None
    return min(outstanding, key=lambda d: (d.ends_at, d.soft))


def days_overdue(deadline: Deadline, today: date, calendar: WorkCalendar) -> int:
    """How late the step is (or was, if done): working days for working-day clocks,
    calendar days otherwise; 0 when not late."""
    ref = deadline.done_on if deadline.done_on is not None else today
    if ref <= deadline.due:
        return 0
    if deadline.unit is Unit.WORKING_DAYS:
        # A day-late step done on a holiday is still late.
        return max(1, calendar.working_days_between(deadline.due, ref).days)
    return (ref - deadline.due).days


def due_status(
    deadline: Deadline, today: date, calendar: WorkCalendar, soon_days: int = 3
) -> DueStatus:
    """Traffic-light status for the queue. DUE_SOON: due within ``soon_days`` working
    days (warn before a deadline, not after)."""
    if deadline.met is not None:
        return DueStatus.DONE if deadline.met else DueStatus.DONE_LATE
    if deadline.paused:
        return DueStatus.PAUSED
    if today > deadline.due:
        return DueStatus.OVERDUE
    if today == deadline.due:
        return DueStatus.DUE_TODAY
    if calendar.working_days_between(today, deadline.due).days <= soon_days:
        return DueStatus.DUE_SOON
    return DueStatus.ON_TRACK
