"""Realistic synthetic cases for demos, screenshots and benchmarks.

A million cases must load in minutes, so rows are built as plain tuples and written with
``executemany`` on the raw SQLite connection inside one transaction (a killed fill
leaves the store as it was). Secondary indexes are dropped for the load and rebuilt
after it, which is several times faster than maintaining them row by row.

Every case follows the real workflow: its events (受理, 派单, 调解, 办结, 回访, 评价, now and
then a 重新办理) are laid out in time and cut at ``now``, so the status, the audit trail
and the clocks agree. The next deadline of an open case — and of a closed one whose
notice is still owed — is computed by the same core rules the services use. Most notices
a decision owes (终止调解, 举报处理结果) were served (送达) within days and are on record; a
few are left owed on purpose.

Deterministic: the same seed and reference time give the same store, row for row.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
import uuid
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from app.core.calendar import CalendarYear, WorkCalendar
from app.core.clauses import AMOUNT_MARK, AgreedClause, stored_clause
from app.core.deadlines import (
    ClockKind,
    ClockStart,
    Deadline,
    Pause,
    Pledge,
    RuleSet,
    case_deadlines,
    judicial_confirmation_deadline,
    next_deadline,
    select_rule_set,
)
from app.core.delivery import NOTICE_KINDS, Delivery, DeliveryMethod, owed_to, served_at
from app.core.documents import (
    BLANK,
    NUMBERED_KINDS,
    DocumentKind,
    DocumentState,
)
from app.core.follow_ups import Performance, Satisfaction
from app.core.parallel import ordered_map
from app.core.parties import IdType, PartyRole, PartyType
from app.core.sessions import SessionResult
from app.core.timeutil import utcnow
from app.core.users import UserRole
from app.core.workflow import (
    CaseKind,
    CaseStatus,
    Outcome,
    PauseReason,
    RejectionGround,
    Source,
    TerminationGround,
    Track,
)
from app.demo import corpus
from app.documents import wording
from app.services.clocks import COMPLETION_CLOCKS
from app.services.reference import (
    CURRENT_LOGIN_KEY,
    PLEDGES_KEY,
    ensure_office_and_user,
    load_calendar,
    load_rule_sets,
    os_login,
    seed_calendar,
    seed_rule_sets,
)
from app.services.search import search_document
from app.services.store_keys import mark_demo
from app.services.sync import is_linked
from app.store import audit_chain
from app.store.database import Store
from app.store.models import Case, LocalMeta, Mediator, Office, OfficeSetting
from app.sync.numbers import STANDALONE_LAST, standalone_block_id

Progress = Callable[[int, int], None]

CHUNK_CASES = 10_000
# Up to this many cases the load fills the search index too; a bigger store gets it from
# the workstation, in the background, the first time it is opened (search.rebuild_...),
# which keeps a million-case load within its three minutes.
SEARCH_INDEX_INLINE_LIMIT = 200_000
SPAN_DAYS = 730  # two years of work orders, ending at the reference time
DEMO_ACTOR = "demo"

# Tables filled in bulk, whose secondary indexes are rebuilt after the load.
BULK_TABLES = (
    "cases", "case_tags", "parties", "mediation_sessions", "notes", "follow_ups",
    "clock_pauses", "audit_events", "documents",
)

# The market-regulation office and the consumer-dispute people's mediation committee
# beside it, as they sign their papers; the committee issues the agreements and notices.
DEMO_OFFICE = dict(
    code="PD-ZJ",
    name="上海市浦东新区市场监督管理局张江市场监督管理所",
    committee_name="浦东新区张江消费纠纷人民调解委员会",
    number_prefix="浦消调",
    region="上海市浦东新区",
    address="上海市浦东新区科苑路88号",  # for notices (a made-up address)
    phone="021-58880000",
)
DEMO_MEDIATORS = (
    ("王建华", "wangjianhua", UserRole.SUPERVISOR), ("李秀英", "lixiuying", UserRole.MEDIATOR),
    ("张伟", "zhangwei", UserRole.MEDIATOR), ("刘芳", "liufang", UserRole.MEDIATOR),
    ("陈静", "chenjing", UserRole.MEDIATOR), ("杨磊", "yanglei", UserRole.MEDIATOR),
    ("赵敏", "zhaomin", UserRole.MEDIATOR), ("周海涛", "zhouhaitao", UserRole.MEDIATOR),
    ("吴丽娟", "wulijuan", UserRole.MEDIATOR), ("孙志强", "sunzhiqiang", UserRole.MEDIATOR),
    ("徐婷", "xuting", UserRole.MEDIATOR),
)
# The workstation's own user in a demo store: a person, not the operating-system login
# (documents print the mediator's name).
DEMO_USER_NAME = "张敏"
DEMO_PLEDGES = (
    Pledge(ClockKind.PLEDGE_DISPATCH, 2, ClockStart.RECEIVED),
    Pledge(ClockKind.PLEDGE_RESPONSE, 24, ClockStart.ASSIGNED),
)

HOUR = 3600
DAY = 86400
# Settled complaints the complainant came back on (重新办理), and notices left owed on
# purpose: nobody told (NONE_TOLD), or the second side not yet (ONE_TOLD).
REOPENED_SHARE = 0.02
NONE_TOLD, ONE_TOLD = 0.012, 0.025
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "157", "158", "159", "166", "177", "180", "181", "182", "185", "186", "187",
    "188", "189", "191", "198", "199",
)


class StoreNotEmpty(ValueError):
    """Demo data only goes into a store without cases, never on top of real work."""


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    parties: int
    sessions: int
    notes: int
    follow_ups: int
    pauses: int
    audit_events: int
    by_status: Mapping[CaseStatus, int] = field(default_factory=dict)
    documents: int = 0
    seconds: float = 0.0
    # Where the time went: building rows in Python, writing them, rebuilding indexes.
    phase_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return (self.cases + self.parties + self.sessions + self.notes + self.follow_ups
                + self.pauses + self.audit_events + self.documents)


# ------------------------------------------------------------------ column layouts

_SYNC_COLS = ("id", "version", "modified_at", "modified_by", "deleted")
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": _SYNC_COLS + (
        "office_id", "track", "kind", "source", "source_ticket", "status", "outcome",
        "urgency", "category", "issue_type", "region", "tags", "title", "description",
        "request", "amount_claimed_fen", "amount_recovered_fen", "received_at",
        "accepted_at", "assigned_at", "mediation_started_at", "closed_at",
        "followed_up_at", "first_contact_at", "reopened_at", "mediator_id",
        "complainant_name",
        "complainant_phone", "complainant_phone_tail", "respondent_name",
        "respondent_uscc", "rule_set_code", "next_deadline_on", "next_deadline_kind",
        "deadline_provisional", "paused", "rejection_ground", "termination_ground",
        "status_reason", "satisfaction", "linked_case_id", "reporter_confidential",
        "confirmation_due_on", "completion_due_at",
    ),
    "case_tags": ("case_id", "tag"),
    "parties": _SYNC_COLS + (
        "case_id", "role", "party_type", "name", "sex", "ethnicity", "birth_date",
        "occupation", "id_type", "id_number", "phone", "address", "employer",
        "representative", "sort_order",
    ),
    "mediation_sessions": _SYNC_COLS + (
        "case_id", "mode", "started_at", "ended_at", "place", "participants", "statements",
        "evidence", "proposals", "responses", "result", "next_step", "next_step_on",
        "author", "finalized_at", "addendum_to", "addendum_text", "duration_seconds",
    ),
    "notes": _SYNC_COLS + (
        "case_id", "kind", "created_at", "author", "text", "contact_result", "callback_at",
        "channel", "contact_with", "clock",
    ),
    "follow_ups": _SYNC_COLS + (
        "case_id", "followed_at", "by", "method", "performance", "satisfaction", "note",
    ),
    "clock_pauses": _SYNC_COLS + (
        "case_id", "reason", "started_on", "expected_end", "ended_on", "note",
    ),
    "audit_events": _SYNC_COLS + (
        "at", "actor", "office_id", "case_id", "entity", "entity_id", "action", "changes",
        "reason",
    ),
    # Written as drafts; the numbers, content hashes and final states are given after the
    # load (_finish_documents), when every document of the year is known.
    "documents": _SYNC_COLS + (
        "case_id", "office_id", "kind", "number", "number_year", "number_seq", "fields",
        "state", "pdf_sha256", "version_no", "supersedes_id", "finalized_at", "signed_on",
        "content_sha256", "scan_attachment_id", "void_reason",
    ),
}


def _check_layouts(conn: sqlite3.Connection) -> None:
    """Fail loudly if the schema gained a NOT NULL column this generator does not fill."""
    for table, cols in COLUMNS.items():
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        missing = [r[1] for r in info if r[1] not in cols and r[3] and r[4] is None]
        unknown = set(cols) - {r[1] for r in info}
        if missing or unknown:
            raise RuntimeError(f"demo layout of {table} is stale: {missing or unknown}")


# ------------------------------------------------------------------ fast formatting


class _Clock:
    """Epoch seconds to the strings SQLAlchemy stores on SQLite, without datetime objects."""

    def __init__(self, first_day: date, days: int) -> None:
        self.epoch_day0 = (first_day - date(1970, 1, 1)).days
        self.day_strings = [(first_day + timedelta(d)).isoformat() for d in range(days)]
        self.times = [f" {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}.000000"
                      for s in range(DAY)]

    def stamp(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        day, sec = divmod(ts, DAY)
        return self.day_strings[day - self.epoch_day0] + self.times[sec]

    def iso(self, ts: int) -> str:
        """The audit trail's form: ISO 8601 with offset, as services.audit writes it."""
        day, sec = divmod(ts, DAY)
        return self.day_strings[day - self.epoch_day0] + "T" + self.times[sec][1:9] + "+00:00"

    def china_day(self, ts: int) -> str:
        return self.day_strings[(ts + 8 * HOUR) // DAY - self.epoch_day0]


def _aware(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


# ------------------------------------------------------------------ the generator


@dataclass
class _Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    by_status: Counter = field(default_factory=Counter)
    # (names, body) search tokens of each case, in the order of rows["cases"]
    search_docs: list[tuple[str, str]] = field(default_factory=list)
    # The earlier close of each reopened case, for its audit trail (temp.demo_reopens).
    reopens: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class _Business:
    name: str
    uscc: str
    representative: str
    phone: str
    address: str
    category: int


class _Context:
    """What every chunk shares: the office, its people, the rules and the business pool."""

    def __init__(self, seed: int, now_ts: int, office_id: str, mediators: list[tuple[str, str]],
                 rule_sets: list[dict], calendar_years: list[dict], total: int,
                 search_docs: bool = True, names: Mapping[str, str] | None = None) -> None:
        self.seed = seed
        self.now_ts = now_ts
        self.now = _aware(now_ts)
        self.office_id = office_id
        self.total = total
        self.search_docs = search_docs
        self.id_base_ms = (now_ts - SPAN_DAYS * DAY) * 1000
        self.mediators = mediators  # (id hex, login)
        self.names = dict(names or {})  # login -> the name documents print
        self.rule_sets = tuple(RuleSet.from_dict(r) for r in rule_sets)
        self.calendar = WorkCalendar(CalendarYear.from_dict(y) for y in calendar_years)
        today = (now_ts + 8 * HOUR) // DAY
        first = date(1970, 1, 1) + timedelta(today - SPAN_DAYS - 5)
        self.clock = _Clock(first, SPAN_DAYS + 400)
        self.first_china_midnight = (today - SPAN_DAYS) * DAY - 8 * HOUR
        self._rule_set_cache: dict[tuple[str, str], RuleSet] = {}
        rng = random.Random(f"{seed}:context")
        # Work orders arrive 08:00-21:00 China time, most around midday.
        self.office_seconds = sorted(int((8 + rng.betavariate(2, 2.4) * 13) * HOUR)
                                     for _ in range(4096))
        self.surnames = [s for s, _ in corpus.SURNAMES]
        self.surname_cum = list(accumulate(w for _, w in corpus.SURNAMES))
        self.category_cum = list(accumulate(c[5] for c in corpus.CATEGORIES))
        self.tag_cum = list(accumulate(w for _, w in corpus.TAGS))
        self.mode_cum = list(accumulate(w for _, w in corpus.SESSION_MODES))
        self.businesses = _business_pool(seed, total)

    def rule_set(self, track: Track, day: str) -> RuleSet:
        key = (track.value, day)
        found = self._rule_set_cache.get(key)
        if found is None:
            found = select_rule_set(self.rule_sets, track, date.fromisoformat(day))
            self._rule_set_cache[key] = found
        return found

    def person_name(self, rng: random.Random) -> tuple[str, str]:
        r = rng.random
        surname = self.surnames[bisect(self.surname_cum, r() * self.surname_cum[-1])]
        given = corpus.GIVEN_MALE if r() < 0.5 else corpus.GIVEN_FEMALE
        return surname + given[int(r() * len(given))], "M" if given is corpus.GIVEN_MALE else "F"

def _grounds_of(rule_set: RuleSet, enum: type[RejectionGround] | type[TerminationGround]
                ) -> tuple:
    """The grounds a demo case may be closed on: those of the rules of its receipt date
    (an Order 121 ground never on a case received before 2026-04-15)."""
    return tuple(g for g in enum.for_track(rule_set.track) if rule_set.ground(g) is not None)


def _business_pool(seed: int, total: int) -> list[list[_Business]]:
    """Businesses per category; earlier ones in each list draw more complaints."""
    rng = random.Random(f"{seed}:businesses")
    size = max(200, min(60_000, total // 15))
    category_cum = list(accumulate(c[5] for c in corpus.CATEGORIES))
    surnames = [s for s, _ in corpus.SURNAMES]
    surname_cum = list(accumulate(w for _, w in corpus.SURNAMES))
    pool: list[list[_Business]] = [[] for _ in corpus.CATEGORIES]
    seen: set[str] = set()
    codes: set[str] = set()
    for i in range(size):
        cat = bisect(category_cum, rng.random() * category_cum[-1])
        kinds = corpus.CATEGORIES[cat][1]
        kind = rng.choice(kinds)
        if not kind:  # 邻里纠纷: the other party is a neighbour, not a business
            continue
        region, roads = rng.choice(corpus.REGIONS)
        place = region.removesuffix("街道").removesuffix("新镇").removesuffix("镇")
        name = f"上海{rng.choice(corpus.BRAND_WORDS)}{kind}"
        if name in seen:
            name = f"上海{rng.choice(corpus.BRAND_WORDS)}{place}{kind}"
        if name in seen:
            name = f"上海{rng.choice(corpus.BRAND_WORDS)}{i}号{kind}"
        seen.add(name)
        code = ""
        while not code or code in codes:
            body = "91310115" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                                        for _ in range(9))
            code = body + uscc.calc_check_digit(body)
        codes.add(code)
        rep = (surnames[bisect(surname_cum, rng.random() * surname_cum[-1])]
               + rng.choice(corpus.GIVEN_MALE + corpus.GIVEN_FEMALE))
        phone = (f"021-{rng.randrange(50000000, 69999999)}" if rng.random() < 0.8
                 else f"400-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}")
        address = f"上海市浦东新区{rng.choice(roads)}{rng.randrange(1, 2000)}号"
        pool[cat].append(_Business(name, code, rep, phone, address, cat))
    return pool


class _Ids:
    """Time-ordered (version 7 layout) UUIDs from the seeded generator, in SQLAlchemy's
    CHAR(32) form. Ordered keys append to the primary-key B-trees instead of splitting
    pages all over them, which is most of the load's speed."""

    def __init__(self, rng: random.Random, base_ms: int, chunk: int) -> None:
        self.rng = rng
        self.next_ms = base_ms + chunk * (1 << 21)

    def __call__(self) -> str:
        self.next_ms += 1
        tail = self.rng.getrandbits(74)
        return "%012x7%03x%016x" % (  # noqa: UP031 - the fastest formatter here
            self.next_ms, tail >> 62,
                                    (tail & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)


def _resident_id(rng: random.Random, birth: date, sex: str) -> str:
    area = rng.choice(("310115", "310104", "320102", "330106", "340104", "420106", "510107"))
    seq = rng.randrange(0, 99) * 10 + (rng.randrange(1, 10, 2) if sex == "M" else rng.randrange(0, 10, 2))
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder digit


def _mobile(rng: random.Random) -> str:
    r = rng.random
    return MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"


def _pick(rng: random.Random, cum: list[int]) -> int:
    return bisect(cum, rng.random() * cum[-1])


_APPLICANT, _RESPONDENT = PartyRole.APPLICANT.value, PartyRole.RESPONDENT.value
# How each side is told of a decision, the likelier ways repeated.
_DELIVERY_METHODS = {
    PartyRole.APPLICANT: (DeliveryMethod.SMS, DeliveryMethod.SMS, DeliveryMethod.PHONE,
                          DeliveryMethod.PLATFORM, DeliveryMethod.PLATFORM),
    PartyRole.RESPONDENT: (DeliveryMethod.PLATFORM, DeliveryMethod.MAIL,
                           DeliveryMethod.IN_PERSON),
    PartyRole.REPORTER: (DeliveryMethod.PLATFORM, DeliveryMethod.SMS, DeliveryMethod.PHONE),
}


@dataclass(slots=True)
class _People:
    name: str
    sex: str
    phone: str  # digits only
    region: str
    address: str
    business: _Business | None  # None: the other side is a neighbour
    respondent: tuple[str, str, str, str, str, str]  # type, name, id type, id, phone, address
    has_respondent: bool


@dataclass(slots=True)
class _Complaint:
    amount: float
    amount_text: str
    item: str
    problem: str
    request: str
    description: str
    tags: list[str]


@dataclass(slots=True)
class _Timeline:
    """A case's life as epoch seconds (None: has not happened)."""

    mediator_id: str | None
    mediator_login: str
    accepted: int | None = None
    assigned: int | None = None
    started: int | None = None
    closed: int | None = None
    first_contact: int | None = None
    followed: int | None = None
    rated: int | None = None
    outcome: Outcome | None = None
    rejection: RejectionGround | None = None
    termination: TerminationGround | None = None
    status_reason: str = ""
    pause: tuple[int, int, PauseReason] | None = None
    status: CaseStatus = CaseStatus.RECEIVED
    paused_now: bool = False
    # A reopened case: its earlier close, and when and why it was reopened.
    first_closed: int | None = None
    first_outcome: Outcome | None = None
    reopened: int | None = None
    reopen_reason: str = ""

    def cut_at(self, now: int) -> None:
        """Keep only what has happened by ``now``, and say where that leaves the case."""
        def seen(ts: int | None) -> int | None:
            return ts if ts is not None and ts <= now else None

        if self.reopened is not None and self.reopened > now:  # not reopened (yet)
            self.closed, self.outcome = self.first_closed, self.first_outcome
            self.termination, self.status_reason = None, ""
            self.reopened = self.first_closed = self.first_outcome = None

        self.accepted, self.assigned = seen(self.accepted), seen(self.assigned)
        self.started, self.first_contact = seen(self.started), seen(self.first_contact)
        self.closed, self.followed, self.rated = seen(self.closed), seen(self.followed), \
            seen(self.rated)
        if self.pause is not None and self.pause[0] > now:
            self.pause = None
        if self.closed is None:  # the decision is still to come
            self.outcome = self.termination = self.rejection = None
            self.status_reason = ""
        if self.accepted is None and self.closed is None:
            self.assigned = self.started = self.first_contact = None
        self.status = self._status()
        self.paused_now = (self.pause is not None and self.status is CaseStatus.MEDIATING
                           and self.pause[1] > now)
        if self.assigned is None:
            self.mediator_id = None
        if self.reopened is not None and self.closed is None:
            self.status_reason = self.reopen_reason

    def _status(self) -> CaseStatus:
        if self.rejection is not None and self.closed is not None:
            return CaseStatus.REJECTED
        for ts, status in ((self.rated, CaseStatus.RATED),
                           (self.followed, CaseStatus.FOLLOWED_UP),
                           (self.closed, CaseStatus.CLOSED),
                           (self.started, CaseStatus.MEDIATING),
                           (self.assigned, CaseStatus.ASSIGNED),
                           (self.accepted, CaseStatus.ACCEPTED)):
            if ts is not None:
                return status
        return CaseStatus.RECEIVED


@dataclass(slots=True)
class _DocPlan:
    """Which documents a case has and when they happened (epoch seconds; 0: none)."""

    agreement: DocumentState | None = None  # the current written agreement (调解协议书)
    agreement_at: int = 0  # finalised (a draft: written)
    signed_at: int = 0  # its signing recorded
    voided: tuple[int, int] | None = None  # an earlier version: finalised, voided
    complete: bool = True  # a draft with every required field filled
    oral_at: int = 0  # 口头协议 registered
    notice_at: int = 0  # 终止调解 / 不予受理 notice finalised
    follow_up_at: int = 0  # 回访记录 finalised
    confirmation_due: str | None = None  # 司法确认 window of a signed agreement


# A document is drafted this long before it is finalised (the audit trail's 起草 event
# is derived from the finalisation time in SQL).
DRAFTING_SECONDS = 2400


class _CaseWriter:
    """Builds one chunk of cases with everything that hangs off them."""

    def __init__(self, ctx: _Context, chunk: int) -> None:
        self.ctx = ctx
        self.rng = random.Random(f"{ctx.seed}:chunk:{chunk}")
        # Documents draw from their own generator: the cases stay what they were; so do
        # reopenings and the 送达 of notices.
        self.doc_rng = random.Random(f"{ctx.seed}:documents:{chunk}")
        self.clock_rng = random.Random(f"{ctx.seed}:clocks:{chunk}")
        self.chunk = chunk
        self.batch = _Batch()
        self.uid = _Ids(self.rng, ctx.id_base_ms, chunk)

    # -- small helpers

    def later(self, ts: int, min_hours: float, max_hours: float) -> int:
        return ts + int(self.rng.uniform(min_hours, max_hours) * HOUR)

    # -- one case, in the order its random draws are made (the data depend on it)

    def one(self, seq):  # rng.choice, without its rejection sampling: several times faster
        return seq[int(self.rng.random() * len(seq))]

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def case(self, index: int) -> None:
        ctx = self.ctx
        received = self._received(index)
        received_day = ctx.clock.china_day(received)
        cat_index = _pick(self.rng, ctx.category_cum)
        category = corpus.CATEGORIES[cat_index]
        track, kind, source = self._classify(category)
        case_id = self.uid()
        who = self._people(cat_index, kind)
        what = self._complaint(category, who, received_day)
        life = self._timeline(kind, track, received)
        satisfaction = (self.one((Satisfaction.VERY_SATISFIED.value, Satisfaction.SATISFIED.value,
                                  Satisfaction.SATISFIED.value, Satisfaction.AVERAGE.value,
                                  Satisfaction.DISSATISFIED.value))
                        if life.rated is not None else None)
        recovered = None
        if life.outcome is Outcome.SETTLED:
            recovered = int(what.amount * 100 * self.one((1, 1, 0.8, 0.6, 0.5)))
        plan = self._plan_documents(track, life)
        deliveries = self._deliveries(track, kind, life, plan, received_day)
        self._case_row(case_id, index, received, received_day, track, kind, source, category[0],
                       who, what, life, satisfaction, recovered, plan, deliveries)
        self._delivery_rows(case_id, life, deliveries)
        birth = self._party_rows(case_id, received, who)
        self._pause_row(case_id, life)
        if life.started is not None:
            self._sessions(case_id, who, what, life)
        if plan is not None:
            self._document_rows(case_id, plan, track, category[0], who, what, life, recovered,
                                birth)

    def _received(self, index: int) -> int:
        """When: any day of the two years, office hours in China, more on weekdays.
        Cases arrive in index order (so ids and search keys run with time). A growing
        caseload: the last fortnight is about three times as busy as the average, which
        also gives small demo stores a queue of open work."""
        ctx = self.ctx
        position = (index + self.rng.random()) / ctx.total
        if position < 0.94:
            day = int(position / 0.94 * (SPAN_DAYS - 14))
        else:
            day = SPAN_DAYS - 14 + int((position - 0.94) / 0.06 * 15)
        received = ctx.first_china_midnight + day * DAY + self.one(ctx.office_seconds)
        if received > ctx.now_ts:
            received = ctx.now_ts - (60 + self.below(6 * HOUR - 60))
        return received

    def _classify(self, category: tuple) -> tuple[Track, CaseKind, Source]:
        random_ = self.rng.random
        peoples = category[6]
        track = Track.PEOPLES_MEDIATION if peoples or random_() < 0.08 else Track.MARKET_COMPLAINT
        roll = random_()
        if track is Track.MARKET_COMPLAINT:
            kind = (CaseKind.COMPLAINT if roll < 0.82 else
                    CaseKind.REPORT if roll < 0.91 else CaseKind.INQUIRY)
        else:
            kind = CaseKind.COMPLAINT if roll < 0.9 else CaseKind.INQUIRY
        roll = random_()
        if track is Track.PEOPLES_MEDIATION:
            source = (Source.HOTLINE_12345 if roll < 0.35 else Source.WALK_IN if roll < 0.7
                      else Source.PHONE if roll < 0.85 else Source.TRANSFER)
        else:
            source = (Source.HOTLINE_12315 if roll < 0.55 else Source.HOTLINE_12345 if roll < 0.75
                      else Source.ONLINE if roll < 0.87 else Source.WALK_IN if roll < 0.94
                      else Source.PHONE)
        return track, kind, source

    def _ticket(self, source: Source, received_day: str, index: int) -> str:
        if source is Source.HOTLINE_12315:
            return f"1{received_day.replace('-', '')}{self.chunk:04d}{index % 100000:05d}"
        if source is Source.HOTLINE_12345:
            return f"2{received_day[2:].replace('-', '')}{self.chunk:04d}{index % 100000:05d}"
        return f"{source.value.upper()}-{received_day.replace('-', '')}-{index:07d}"

    def _people(self, cat_index: int, kind: CaseKind) -> _People:
        """Who: the complainant and the business (or the neighbour)."""
        rng, ctx, one, below = self.rng, self.ctx, self.one, self.below
        name, sex = ctx.person_name(rng)
        phone = _mobile(rng) if rng.random() < 0.93 else f"021-{50000000 + below(19999999)}"
        region, roads = one(corpus.REGIONS)
        address = (f"上海市浦东新区{one(roads)}{1 + below(2999)}弄"
                   f"{1 + below(79)}号{101 + below(2201)}室")
        businesses = ctx.businesses[cat_index]
        business = businesses[min(int(rng.paretovariate(1.2)) - 1, len(businesses) - 1)] if businesses else None
        if business is None:
            neighbour, _ = ctx.person_name(rng)
            respondent = (PartyType.PERSON.value, neighbour, "", "", _mobile(rng),
                          address.replace("室", "室楼上"))
        else:
            respondent = (PartyType.BUSINESS.value, business.name, IdType.USCC.value,
                          business.uscc, business.phone, business.address)
        has_respondent = kind is not CaseKind.INQUIRY or rng.random() < 0.5
        return _People(name, sex, phone.replace("-", ""), region, address, business, respondent,
                       has_respondent)

    def _complaint(self, category: tuple, who: _People, received_day: str) -> _Complaint:
        """What: the amount, the goods, the problem and the request, and the tags."""
        rng, ctx, one = self.rng, self.ctx, self.one
        random_ = rng.random
        name, _, goods, problems, requests, _, _ = category
        amount = one((199, 299, 399, 580, 980, 1280, 1999, 2680, 3200, 4999, 6800,
                      8800, 12000, 15800, 23000, 46000)) + one((0, 0, 0, 0.5))
        amount_text = f"{amount:g}"
        item = one(goods)
        problem = one(problems)
        request = one(requests).format(amount=amount_text)
        bname = who.respondent[1] if who.has_respondent else "某商家"
        when = f"{received_day[:4]}年{int(received_day[5:7])}月"
        if who.business is None:  # a dispute between neighbours, not a purchase
            description = (f"{when}，申请人反映与{who.respondent[1]}之间发生纠纷：{problem}，"
                           f"造成损失约{amount_text}元，多次协商未果。")
        else:
            description = (f"{when}，投诉人在{bname}消费{item}{amount_text}元。"
                           f"{problem}，多次协商未果。")
        tags = []
        if random_() < 0.35:
            tags.append(corpus.TAGS[_pick(rng, ctx.tag_cum)][0])
            if random_() < 0.2:
                other = corpus.TAGS[_pick(rng, ctx.tag_cum)][0]
                if other not in tags:
                    tags.append(other)
        if name == "预付式消费" and "预付式消费" not in tags and random_() < 0.5:
            tags.insert(0, "预付式消费")
        return _Complaint(amount, amount_text, item, problem, request, description, tags)

    def _timeline(self, kind: CaseKind, track: Track, received: int) -> _Timeline:
        """What happened to the case, drawn whole, then cut at now."""
        rng, ctx, one, later = self.rng, self.ctx, self.one, self.later
        random_ = rng.random
        t = _Timeline(*one(ctx.mediators))
        slow = random_() < 0.04  # some cases drag on and run overdue
        if kind is CaseKind.INQUIRY:
            t.closed = later(received, 0.2, 40)
            t.outcome = Outcome.ANSWERED
        else:
            decide = later(received, 0.5, 30 if not slow else 200)
            rules = ctx.rule_set(track, ctx.clock.china_day(received))
            if random_() < (0.06 if kind is CaseKind.COMPLAINT else 0.12):
                t.rejection = one(_grounds_of(rules, RejectionGround))
                t.closed = decide
                t.status_reason = one(corpus.REJECTION_REASONS)
            else:
                t.accepted = decide
                t.assigned = (later(decide, 0.1, 4) if random_() < 0.6
                              else later(decide, 4, 96))
                t.first_contact = later(t.assigned, 0.3, 40)
                if kind is CaseKind.COMPLAINT:
                    self._mediation(t, rules, slow)
                    self._reopening(t, rules)
                else:
                    t.closed = later(t.assigned, 5 * 24, 25 * 24)
                    t.outcome = Outcome.REFERRED if random_() < 0.3 else Outcome.NO_CASE
            if t.rejection is None and random_() < 0.7:
                t.followed = later(t.closed, 30, 240)
                if random_() < 0.6:
                    t.rated = later(t.followed, 1, 120)
        t.cut_at(ctx.now_ts)
        return t

    def _mediation(self, t: _Timeline, rules: RuleSet, slow: bool) -> None:
        """A complaint's mediation: how long, an occasional pause, and how it ends."""
        rng, one = self.rng, self.one
        random_ = rng.random
        t.started = self.later(t.assigned, 1, 70)
        length = rng.uniform(2, 30) * DAY if not slow else rng.uniform(50, 120) * DAY
        if random_() < 0.04:
            pause_start = t.started + int(rng.uniform(1, 10) * DAY)
            pause_days = 7 + self.below(28)
            t.pause = (pause_start, pause_start + pause_days * DAY,
                       one((PauseReason.APPRAISAL, PauseReason.INSPECTION)))
            length += pause_days * DAY
        t.closed = t.started + int(length)
        roll = random_()
        if rules.track is Track.PEOPLES_MEDIATION and roll >= 0.92:
            roll = 0.62  # a committee files no cases (转立案 is a bureau's outcome)
        if roll < 0.62:
            t.outcome = Outcome.SETTLED
        elif roll < 0.92:
            t.outcome = Outcome.TERMINATED
            # "未能在期限内达成" only once the 45 working days have run (≥ 75 days is past
            # them whatever holidays fall inside).
            timed_out = length >= 75 * DAY
            t.termination = one(tuple(
                g for g in _grounds_of(rules, TerminationGround)
                if timed_out or g is not TerminationGround.MC_TIME_LIMIT_EXPIRED))
            t.status_reason = one(corpus.TERMINATION_REASONS)
        else:
            t.outcome = Outcome.REFERRED

    def _reopening(self, t: _Timeline, rules: RuleSet) -> None:
        """Now and then a settled complaint comes back (the business did not pay): it is
        reopened days later, mediated again and closed again (drawn from clock_rng)."""
        r = self.clock_rng.random
        # More of the recent ones, so that a demo shows some reopened cases still open.
        recent = t.closed is not None and t.closed > self.ctx.now_ts - 40 * DAY
        if t.outcome is not Outcome.SETTLED or r() >= REOPENED_SHARE * (25 if recent else 1):
            return
        assert t.closed is not None
        t.first_closed, t.first_outcome = t.closed, t.outcome
        t.reopened = t.closed + int((2 + 38 * r()) * DAY)
        t.reopen_reason = corpus.REOPEN_REASONS[int(r() * len(corpus.REOPEN_REASONS))]
        t.closed = t.reopened + int((3 + 27 * r()) * DAY)
        if r() < 0.6:
            t.status_reason = ""
        else:  # terminated this time (not on "期限内未能达成": 45 working days have not run)
            t.outcome = Outcome.TERMINATED
            grounds = [g for g in _grounds_of(rules, TerminationGround)
                       if g is not TerminationGround.MC_TIME_LIMIT_EXPIRED]
            t.termination = grounds[int(r() * len(grounds))]
            t.status_reason = corpus.TERMINATION_REASONS[
                int(r() * len(corpus.TERMINATION_REASONS))]

    def _deliveries(self, track: Track, kind: CaseKind, t: _Timeline,
                    plan: _DocPlan | None, received_day: str) -> list[Delivery]:
        """送达 of the notice the case's decision owes (终止调解 on the market-regulation
        track, a report's 立案 decision): each side told within days of the decision (of
        the notice, when one was drafted), as the services record it; a decision of the
        last days may not be told yet, and a few are left owed on purpose."""
        if t.closed is None or t.status is CaseStatus.REJECTED:
            return []
        rules = self.ctx.rule_set(track, received_day)
        if kind is CaseKind.REPORT:
            notice = ClockKind.REPORT_NOTICE
        elif t.outcome is Outcome.TERMINATED:
            notice = ClockKind.TERMINATION_NOTICE
        else:
            return []
        if rules.rule(notice) is None:  # people's mediation: no notice clock
            return []
        r = self.clock_rng.random
        owed = owed_to(notice, both_parties=wording.for_track(track).notify_both)
        roll = r()
        if roll < NONE_TOLD:
            return []
        if roll < ONE_TOLD:
            owed = owed[:1]
        base = max(t.closed, plan.notice_at if plan is not None else 0)
        told = []
        for role in owed:
            at = base + int((0.3 + 72 * r() * r()) * HOUR)
            if at <= self.ctx.now_ts:
                told.append(Delivery(notice, role, _aware(at)))
        return told

    def _delivery_rows(self, case_id: str, t: _Timeline, deliveries: list[Delivery]) -> None:
        """The 送达 notes (ids: the case's id ending b005, b006); their audit events are
        derived in SQL (_AUDIT_SQL)."""
        r, clock = self.clock_rng.random, self.ctx.clock
        for n, delivery in enumerate(deliveries):
            methods = _DELIVERY_METHODS[delivery.to]
            method = methods[int(r() * len(methods))]
            note = corpus.DELIVERY_NOTES[int(r() * len(corpus.DELIVERY_NOTES))]
            if method is not DeliveryMethod.PLATFORM and "平台" in note:
                note = ""
            at = clock.stamp(int(delivery.at.timestamp()))
            self.batch.rows["notes"].append((
                f"{case_id[:28]}b00{5 + n}", 1, at, t.mediator_login, 0, case_id,
                "delivery", at, t.mediator_login, note, "", None, method.value,
                delivery.to.value, delivery.notice.value))

    def _next_deadline(self, t: _Timeline, track: Track, kind: CaseKind, received: int,
                       received_day: str, deliveries: list[Delivery]
                       ) -> tuple[RuleSet, str | None, str, int, str | None]:
        """Clocks: the next deadline from the core rules, of an open case, or of a closed
        one whose notice is still owed (the rest closing settled); and when the clock
        completing the case answers runs out (the figures' "closed on time")."""
        ctx, clock = self.ctx, self.ctx.clock
        rule_set = ctx.rule_set(track, received_day)
        decided = (t.closed is not None and t.status is not CaseStatus.REJECTED
                   and (kind is CaseKind.REPORT or t.outcome is Outcome.TERMINATED))
        is_open = t.status in (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED,
                               CaseStatus.MEDIATING)
        closed_at = _aware(t.closed) if t.closed is not None else None
        pauses = []
        if t.pause is not None:
            end_day = date.fromisoformat(clock.china_day(t.pause[1]))
            pauses.append(Pause(t.pause[2], date.fromisoformat(clock.china_day(t.pause[0])),
                                None if t.paused_now else end_day, end_day))
        deadlines: list[Deadline] = case_deadlines(
            rule_set, kind=kind, received_at=_aware(received),
            accepted_at=_aware(t.accepted) if t.accepted else None,
            assigned_at=_aware(t.assigned) if t.assigned else None,
            responded_at=_aware(t.first_contact) if t.first_contact else None,
            closed_at=closed_at,
            terminated_at=closed_at if t.outcome is Outcome.TERMINATED else None,
            decided_at=closed_at if kind is CaseKind.REPORT else None,
            reopened_at=_aware(t.reopened) if t.reopened else None,
            pauses=pauses, pledges=DEMO_PLEDGES, calendar=ctx.calendar, now=ctx.now,
        )
        completion = next((d for k in COMPLETION_CLOCKS for d in deadlines if d.kind is k),
                          None)
        # Set on closing, as the clocks set it (an open case's limit still moves).
        completion_due = (clock.stamp(int(completion.ends_at.timestamp()))
                          if completion is not None and not is_open else None)
        if not is_open and not decided:
            return rule_set, None, "", 0, completion_due
        if decided:
            assert closed_at is not None
            notice = ClockKind.REPORT_NOTICE if kind is CaseKind.REPORT \
                else ClockKind.TERMINATION_NOTICE
            owed = owed_to(notice, both_parties=wording.for_track(track).notify_both)
            if (served_at(notice, closed_at, owed, deliveries) is not None
                    or rule_set.rule(notice) is None):
                return rule_set, None, "", 0, completion_due  # served (or owed no clock)
        if not is_open:
            deadlines = [d for d in deadlines if d.kind in NOTICE_KINDS]
        nxt = next_deadline(deadlines)
        if nxt is None:
            return rule_set, None, "", 0, completion_due
        return (rule_set, nxt.due.isoformat(), nxt.kind.value, int(nxt.provisional),
                completion_due)

    def _case_row(self, case_id: str, index: int, received: int, received_day: str,
                  track: Track, kind: CaseKind, source: Source, category: str, who: _People,
                  what: _Complaint, t: _Timeline, satisfaction: str | None,
                  recovered: int | None, plan: _DocPlan | None,
                  deliveries: list[Delivery]) -> None:
        ctx, clock = self.ctx, self.ctx.clock
        rule_set, next_on, next_kind, provisional, completion_due = self._next_deadline(
            t, track, kind, received, received_day, deliveries)
        # The last 送达 that served the notice cleared the case's next deadline.
        served = (int(max(d.at for d in deliveries).timestamp())
                  if deliveries and next_on is None and t.closed is not None else None)
        modified = max(x for x in (received, t.accepted, t.assigned, t.started, t.closed,
                                   t.followed, t.rated, t.pause[0] if t.pause else None,
                                   t.first_contact, t.reopened, served)
                       if x is not None)
        version = 1 + sum(x is not None for x in (t.accepted, t.assigned, t.started, t.closed,
                                                  t.followed, t.rated, served))
        if t.reopened is not None:
            version += 2  # the earlier close and the reopening
            self.batch.reopens.append((case_id, clock.stamp(t.first_closed),
                                       clock.stamp(t.reopened), t.first_outcome.value,
                                       t.reopen_reason, t.mediator_login))
        if t.pause is not None:
            version += 1 if t.paused_now else 2
        confirmation_due = plan.confirmation_due if plan is not None else None
        version += confirmation_due is not None  # signing the agreement set it
        tags = what.tags
        respondent = who.respondent
        summary = f"{category}：{what.problem}"[:60]
        self.batch.rows["cases"].append((
            case_id, version, clock.stamp(modified),
            t.mediator_login if t.assigned else ctx.mediators[0][1], 0,
            ctx.office_id, track.value, kind.value, source.value,
            self._ticket(source, received_day, index), t.status.value,
            t.outcome.value if t.outcome else None, 1 if "群体性" in tags else 0, category,
            what.item, who.region, ",".join(tags), summary, what.description, what.request,
            int(what.amount * 100), recovered, clock.stamp(received), clock.stamp(t.accepted),
            clock.stamp(t.assigned), clock.stamp(t.started), clock.stamp(t.closed),
            clock.stamp(t.followed), clock.stamp(t.first_contact), clock.stamp(t.reopened),
            t.mediator_id, who.name,
            who.phone, who.phone[-4:], respondent[1] if who.has_respondent else "",
            respondent[3] if who.has_respondent and respondent[2] == IdType.USCC else "",
            rule_set.code, next_on, next_kind, provisional, int(t.paused_now),
            t.rejection.value if t.rejection else None,
            t.termination.value if t.termination else None, t.status_reason, satisfaction,
            None, int(kind is CaseKind.REPORT), confirmation_due, completion_due,
        ))
        self.batch.by_status[t.status] += 1
        if ctx.search_docs:
            self.batch.search_docs.append(search_document(
                who.name, respondent[1] if who.has_respondent else "", summary,
                what.description, what.request))
        for tag in tags:
            self.batch.rows["case_tags"].append((case_id, tag))

    def _party_rows(self, case_id: str, received: int, who: _People) -> date | None:
        """The complainant (and a neighbour respondent); returns the complainant's birth
        date, when known."""
        rows = self.batch.rows["parties"]
        stamp_received = self.ctx.clock.stamp(received)
        intake_actor = self.ctx.mediators[0][1]
        id_number = ""
        birth = None
        if self.rng.random() < 0.35:
            birth = date(1950 + self.below(54), 1 + self.below(12), 1 + self.below(28))
            id_number = _resident_id(self.rng, birth, who.sex)
        rows.append((
            self.uid(), 1, stamp_received, intake_actor, 0, case_id, PartyRole.APPLICANT.value,
            PartyType.PERSON.value, who.name, who.sex, "汉族" if birth else "",
            birth.isoformat() if birth else None, "",
            IdType.RESIDENT_ID.value if id_number else "", id_number, who.phone, who.address,
            "", "", 0,
        ))
        if who.has_respondent and who.business is None:  # a neighbour; businesses: in SQL
            ptype, rname, id_type, rid, rphone, raddress = who.respondent
            rows.append((
                self.uid(), 1, stamp_received, intake_actor, 0, case_id,
                PartyRole.RESPONDENT.value, ptype, rname, "", "", None, "", id_type, rid,
                rphone.replace("-", ""), raddress, "", "", 1,
            ))
        return birth

    def _pause_row(self, case_id: str, t: _Timeline) -> None:
        if t.pause is None:
            return
        clock = self.ctx.clock
        start, end, reason = t.pause
        self.batch.rows["clock_pauses"].append((
            self.uid(), 1 if t.paused_now else 2,
            clock.stamp(start if t.paused_now else end), t.mediator_login, 0, case_id,
            reason.value, clock.china_day(start), clock.china_day(end),
            None if t.paused_now else clock.china_day(end),
            f"送{corpus.SENT_FOR[reason]}，等待结果",
        ))

    def _sessions(self, case_id: str, who: _People, what: _Complaint, t: _Timeline) -> None:
        """The mediation sessions on record. Follow-ups, the contact log and business
        respondents are derived in SQL after each chunk is written (see _DERIVED_SQL)."""
        rng, ctx, one, below, clock = self.rng, self.ctx, self.one, self.below, self.ctx.clock
        random_ = rng.random
        now = ctx.now_ts
        name, rname = who.name, who.respondent[1]
        end = t.closed if t.closed is not None else now
        count = 1 + (random_() < 0.45) + (random_() < 0.15)
        for n in range(count):
            at = t.started + int((end - t.started) * n / count) + below(2 * HOUR)
            if at > now:
                break
            mode = corpus.SESSION_MODES[_pick(rng, ctx.mode_cum)][0]
            last = n == count - 1
            minutes = 10 + below(80)
            if t.closed is None and at + minutes * 60 > now:
                break  # still talking: nothing is on record yet
            result = (SessionResult.AGREED if last and t.outcome is Outcome.SETTLED else
                      SessionResult.NONE if last and t.outcome is Outcome.TERMINATED
                      else SessionResult.NEXT_STEP).value
            # JSON by hand (corpus text holds no quotes or backslashes): json.dumps
            # was a tenth of the generator's time.
            said = one(corpus.STATEMENTS_APPLICANT).format(goods=what.item,
                                                           amount=what.amount_text)
            if who.has_respondent:
                participants = (f'[{{"name": "{name}", "role": "{_APPLICANT}"}}, '
                                f'{{"name": "{rname}", "role": "{_RESPONDENT}"}}]')
                statements = (f'[{{"name": "{name}", "text": "{said}"}}, '
                              f'{{"name": "{rname}", '
                              f'"text": "{one(corpus.STATEMENTS_RESPONDENT)}"}}]')
            else:
                participants = f'[{{"name": "{name}", "role": "{_APPLICANT}"}}]'
                statements = f'[{{"name": "{name}", "text": "{said}"}}]'
            offer = f"{what.amount * one((1, 0.8, 0.5)):g}"
            ended = clock.stamp(at + minutes * 60)
            self.batch.rows["mediation_sessions"].append((
                self.uid(), 1, ended, t.mediator_login, 0, case_id,
                mode, clock.stamp(at), ended,
                "张江市场监管所调解室" if mode == "现场" else "",
                participants, statements, one(corpus.EVIDENCE_PAIRS),
                one(corpus.PROPOSALS).format(amount=offer),
                one(corpus.RESPONSES), result,
                "约定下次调解时间" if result == SessionResult.NEXT_STEP else "", None,
                t.mediator_login, ended, None, "", minutes * 60,
            ))

    # -- documents (文书)

    def _plan_documents(self, track: Track, t: _Timeline) -> _DocPlan | None:
        """Which documents the case has, as an office would have them: a written agreement
        for most people's-mediation settlements (else an oral one registered) and for the
        market complaints whose parties came in to sign; notices for terminations and
        rejections; a follow-up record for some agreements; a draft agreement on some cases
        still in mediation. Now and then an issued agreement was voided and reissued."""
        ctx = self.ctx
        r = self.doc_rng.random
        now, closed = ctx.now_ts, t.closed
        plan = _DocPlan()
        if t.outcome is Outcome.SETTLED and closed is not None:
            peoples = track is Track.PEOPLES_MEDIATION
            roll = r()
            if roll < (0.8 if peoples else 0.3):
                plan.agreement_at = closed - int((0.3 + 1.2 * r()) * HOUR)
                if r() < 0.04:
                    first = closed - int((26 + 14 * r()) * HOUR)
                    plan.voided = (first, first + int((2 + 8 * r()) * HOUR))
                if closed > now - DAY or r() < 0.08:  # the signed paper is not back yet
                    plan.agreement = DocumentState.FINAL
                else:
                    plan.agreement = DocumentState.SIGNED
                    plan.signed_at = closed - int(0.25 * HOUR * r())
                    signed_on = date.fromisoformat(ctx.clock.china_day(plan.signed_at))
                    if peoples:  # 司法确认 is people's mediation's (人民调解法 第三十三条)
                        plan.confirmation_due = judicial_confirmation_deadline(
                            signed_on, ctx.calendar).due.isoformat()
                if t.followed is not None and r() < 0.6:
                    at = t.followed + int((0.1 + 0.9 * r()) * HOUR)
                    plan.follow_up_at = at if at <= now else 0
            elif peoples and roll < 0.95:
                plan.oral_at = closed - int((0.1 + 0.4 * r()) * HOUR)
        elif closed is not None and (t.outcome is Outcome.TERMINATED
                                     or t.status is CaseStatus.REJECTED):
            at = closed + int((0.2 + 30 * r()) * HOUR)  # notified within days
            plan.notice_at = at if r() < 0.7 and at <= now else 0
        elif (t.status is CaseStatus.MEDIATING and not t.paused_now and t.started is not None
              and t.started < now - DAY and r() < 0.15):
            plan.agreement = DocumentState.DRAFT
            plan.agreement_at = max(t.started + DAY, now - int((1 + 71 * r()) * HOUR))
            plan.complete = r() < 0.5
        if plan.agreement is None and not plan.oral_at and not plan.notice_at:
            return None
        return plan

    def _agreement_fields(self, track: Track, who: _People, what: _Complaint, t: _Timeline,
                          recovered: int | None, birth: date | None, *, days: int,
                          complete: bool = True) -> dict:
        """What the mediator filled in: the case's parties and facts (as default_fields
        takes them), the clauses from the office's library with their blanks filled."""
        ctx, one = self.ctx, lambda seq: seq[int(self.doc_rng.random() * len(seq))]
        applicant = {
            "role": _APPLICANT, "name": who.name, "business": False, "sex": who.sex,
            "ethnicity": "汉族" if birth else "",
            "birth_date": birth.isoformat() if birth else None, "occupation": "",
            "phone": who.phone, "address": who.address, "id_type": "", "id_number": "",
            "representative": ""}
        rtype, rname, rid_type, rid, rphone, raddress = who.respondent
        business = who.business is not None
        respondent = {
            "role": _RESPONDENT, "name": rname, "business": business, "sex": "",
            "ethnicity": "", "birth_date": None, "occupation": "",
            "phone": rphone.replace("-", ""), "address": raddress,
            "id_type": rid_type if business else "", "id_number": rid if business else "",
            "representative": who.business.representative if business else ""}
        fen = recovered or int(what.amount * 100)
        amount = Decimal(fen) / 100
        closed_day = date.fromisoformat(ctx.clock.china_day(t.closed or t.started or ctx.now_ts))
        due = closed_day + timedelta(days=days)
        deadline = f"{due.year}年{due.month}月{due.day}日" if complete else BLANK
        method = one(corpus.PAYMENT_METHODS)
        payer, payee = rname, who.name
        # The amount is the clause's value (printed with its capitals from it).
        first = next(c for c in wording.CLAUSES
                     if c.key == ("refund" if business else "compensation"))
        clauses: list = [stored_clause(AgreedClause(wording.fill_clause(
            first, payer=payer, payee=payee, amount=AMOUNT_MARK, deadline=deadline), amount))]
        if method != "现金":
            clauses.append(wording.clause("method", method=method, payee=payee))
        if track is Track.MARKET_COMPLAINT:
            clauses.append(wording.clause("withdraw", applicant=payee, respondent=payer))
        else:
            clauses.append(wording.clause("default", payer=payer, payee=payee))
        clauses.append(wording.clause("settled"))
        paid = "以现金方式当面一次性支付" if method == "现金" else f"以{method}方式一次性支付"
        recorder = self.ctx.names.get(one(ctx.mediators)[1], "")
        if recorder == ctx.names.get(t.mediator_login):
            recorder = ctx.names.get(ctx.mediators[0][1], "")
        pm = track is Track.PEOPLES_MEDIATION
        asks, answers = ("申请人", "被申请人") if pm else ("投诉人", "被投诉人")
        return {
            # Each track's paper names the parties its own way (申请人 / 投诉人).
            "parties": [applicant, respondent],
            "facts": what.description.replace("投诉人", "申请人") if pm else what.description,
            "disputes": f"{asks}要求{what.request}，{answers}对此有异议。",
            "responsibility": one(corpus.RESPONSIBILITY),
            "clauses": clauses,
            "performance": f"{payer}于{deadline}前{paid}给{payee}。" if complete else "",
            "mediator": ctx.names.get(t.mediator_login, t.mediator_login),
            "recorder": recorder, "copies": 3}

    def _document_rows(self, case_id: str, plan: _DocPlan, track: Track, category: str,
                       who: _People, what: _Complaint, t: _Timeline, recovered: int | None,
                       birth: date | None) -> None:
        """The rows, as drafts: numbers, content hashes and final states are given after
        the load (_finish_documents). Ids: the case's id ending d001…d006, one per slot."""
        ctx, clock = self.ctx, self.ctx.clock
        rows = self.batch.rows["documents"]
        base = case_id[:28]
        actor = t.mediator_login

        def add(slot: int, kind: DocumentKind, fields: dict, *, final_at: int = 0,
                modified: int = 0, signed_at: int = 0, void_reason: str = "",
                version_no: int = 1, supersedes: str | None = None,
                by: str = actor) -> None:
            # The canonical form content_hash() serialises: the hash is then taken in SQL.
            text = json.dumps(fields, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            version = 1 + (final_at > 0) + bool(signed_at or void_reason)
            rows.append((
                f"{base}d00{slot}", version, clock.stamp(modified or final_at), by, 0,
                case_id, ctx.office_id, kind.value, "", None, None, text,
                DocumentState.DRAFT.value, "", version_no, supersedes,
                clock.stamp(final_at) if final_at else None,
                clock.china_day(signed_at) if signed_at else None, "", None, void_reason))

        if plan.agreement is not None:
            days = 3 + int(self.doc_rng.random() * 12)
            fields = self._agreement_fields(track, who, what, t, recovered, birth, days=days,
                                            complete=plan.complete)
            if plan.agreement is DocumentState.DRAFT:
                add(1, DocumentKind.AGREEMENT, fields, modified=plan.agreement_at)
            else:
                slot, supersedes, version_no = 1, None, 1
                if plan.voided is not None:
                    first, voided = plan.voided
                    earlier = self._agreement_fields(track, who, what, t, recovered, birth,
                                                     days=days - 2)
                    add(1, DocumentKind.AGREEMENT, earlier, final_at=first, modified=voided,
                        void_reason=corpus.VOID_REASONS[int(self.doc_rng.random() * 2)])
                    slot, supersedes, version_no = 2, f"{base}d001", 2
                add(slot, DocumentKind.AGREEMENT, fields, final_at=plan.agreement_at,
                    modified=plan.signed_at, signed_at=plan.signed_at, version_no=version_no,
                    supersedes=supersedes)
            if plan.follow_up_at:
                add(6, DocumentKind.FOLLOW_UP, {"follow_up_id": f"{base}b004"},
                    final_at=plan.follow_up_at)
        if plan.oral_at:
            days = 1 + int(self.doc_rng.random() * 7)
            add(3, DocumentKind.ORAL_AGREEMENT, self._agreement_fields(
                track, who, what, t, recovered, birth, days=days), final_at=plan.oral_at)
        if plan.notice_at:
            rejected = t.status is CaseStatus.REJECTED
            # A work order is refused by whoever registers it: the supervisor here.
            by = ctx.mediators[0][1] if rejected else actor
            fields = {"addressee": who.name,
                      "other": who.respondent[1] if who.has_respondent else "",
                      "ground": (t.rejection if rejected else t.termination).value,
                      "reason": t.status_reason if track is Track.MARKET_COMPLAINT
                      else t.status_reason.replace("投诉人", "申请人"),
                      "mediator": ctx.names.get(by, by), "dispute": category}
            add(5 if rejected else 4,
                DocumentKind.REJECTION if rejected else DocumentKind.TERMINATION, fields,
                final_at=plan.notice_at, by=by)


# ------------------------------------------------------------------ orchestration


@dataclass(frozen=True)
class _Reference:
    office_id: str  # hex
    mediators: list[tuple[str, str]]  # (id hex, login), the supervisor first
    names: dict[str, str]  # login -> name
    number_prefix: str


def _prepare_reference(store: Store, login: str | None, seed: int,
                       now: datetime) -> _Reference:
    """The office, its mediators and pledges; the signed-in user is one of the mediators.
    Their ids come from the seed too, so a fresh store is the same row for row."""
    rng = random.Random(f"{seed}:people")

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    stamp = dict(modified_by=DEMO_ACTOR, modified_at=now)
    with store.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(Case)):
            raise StoreNotEmpty(
                "the store already holds cases; demo data only goes into an empty store"
            )
        seed_calendar(session)
        seed_rule_sets(session)
        office = session.scalars(select(Office).order_by(Office.code)).first()
        if office is None:
            office = Office(id=new_id(), **DEMO_OFFICE, **stamp)
            session.add(office)
            session.flush()
        elif office.code == "LOCAL":  # the placeholder a fresh store gets: give it a name
            for key, value in DEMO_OFFICE.items():
                if key != "code":
                    setattr(office, key, value)
        meta = session.get(LocalMeta, CURRENT_LOGIN_KEY)
        login = login or (meta.value if meta else None) or os_login()
        existing = {m.login for m in session.scalars(select(Mediator))}
        for user in session.scalars(select(Mediator).where(Mediator.login == login)):
            if user.name in ("", login):  # a fresh store's user has no name yet
                user.name = DEMO_USER_NAME
        for name, mlogin, role in (*DEMO_MEDIATORS, (DEMO_USER_NAME, login, UserRole.MEDIATOR)):
            if mlogin not in existing:
                existing.add(mlogin)
                session.add(Mediator(id=new_id(), office_id=office.id, name=name, login=mlogin,
                                     role=role, phone="", **stamp))
        session.flush()
        actor = ensure_office_and_user(session, login)
        if session.scalars(select(OfficeSetting).where(OfficeSetting.office_id == office.id,
                                                       OfficeSetting.key == PLEDGES_KEY)).first() is None:
            session.add(OfficeSetting(id=new_id(), office_id=office.id, key=PLEDGES_KEY,
                                      value=[p.to_dict() for p in DEMO_PLEDGES], **stamp))
        people = session.execute(
            select(Mediator.id, Mediator.login).where(Mediator.office_id == office.id,
                                                      Mediator.active.is_(True))
            .order_by(Mediator.login)
        ).all()
        names = {login_: name for login_, name in session.execute(
            select(Mediator.login, Mediator.name))}
        # The supervisor dispatches and registers work orders; put them first.
        people.sort(key=lambda p: (p[1] != DEMO_MEDIATORS[0][1], p[1]))
        mediators = [(pid.hex, plogin) for pid, plogin in people]
        if actor.mediator_id not in {pid for pid, _ in people}:
            mediators.append((actor.mediator_id.hex, actor.login))
        return _Reference(office.id.hex, mediators, names, office.number_prefix or "调")


def _iso(column: str) -> str:
    """SQL for the audit trail's ISO 8601 form of a stored UTC timestamp."""
    return f"substr({column}, 1, 10) || 'T' || substr({column}, 12, 8) || '+00:00'"


def _dashed(column: str) -> str:
    return (f"substr({column},1,8)||'-'||substr({column},9,4)||'-'||substr({column},13,4)"
            f"||'-'||substr({column},17,4)||'-'||substr({column},21,12)")


# The audit trail of every demo case, derived in SQL from the rows just written: the
# same events, actors and {field: [old, new]} changes the services record, without
# pushing five million rows through Python. Event ids are the case's (or pause's, or
# follow-up's) id with its last four hex digits replaced, so they stay unique.
_AUDIT_COLUMNS = ", ".join(COLUMNS["audit_events"])
_AUDIT_SQL = (
    # 接诉 (create)
    f"""SELECT substr(c.id, 1, 28) || 'a001', 1, c.received_at, :intake, 0, c.received_at,
        :intake, c.office_id, c.id, 'cases', c.id, 'create', json_object(
          'source', json_array(NULL, c.source), 'source_ticket', json_array(NULL, c.source_ticket),
          'kind', json_array(NULL, c.kind), 'track', json_array(NULL, c.track),
          'status', json_array(NULL, 'received'),
          'complainant_name', json_array(NULL, c.complainant_name),
          'respondent_name', json_array(NULL, c.respondent_name),
          'category', json_array(NULL, c.category), 'tags', json_array(NULL, c.tags),
          'amount_claimed_fen', json_array(NULL, c.amount_claimed_fen),
          'received_at', json_array(NULL, {_iso('c.received_at')})), ''
    FROM cases c WHERE c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 不予受理
    f"""SELECT substr(c.id, 1, 28) || 'a002', 1, c.closed_at, :intake, 0, c.closed_at, :intake,
        c.office_id, c.id, 'cases', c.id, 'transition:reject', json_object(
          'status', json_array('received', 'rejected'),
          'rejection_ground', json_array(NULL, c.rejection_ground),
          'closed_at', json_array(NULL, {_iso('c.closed_at')})), c.status_reason
    FROM cases c WHERE c.status = 'rejected' AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 受理
    f"""SELECT substr(c.id, 1, 28) || 'a003', 1, c.accepted_at, :intake, 0, c.accepted_at,
        :intake, c.office_id, c.id, 'cases', c.id, 'transition:accept', json_object(
          'status', json_array('received', 'accepted'),
          'accepted_at', json_array(NULL, {_iso('c.accepted_at')})), ''
    FROM cases c WHERE c.accepted_at IS NOT NULL AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 派单, by the supervisor
    f"""SELECT substr(c.id, 1, 28) || 'a004', 1, c.assigned_at, :intake, 0, c.assigned_at,
        :intake, c.office_id, c.id, 'cases', c.id, 'transition:assign', json_object(
          'status', json_array('accepted', 'assigned'),
          'mediator_id', json_array(NULL, {_dashed('c.mediator_id')}),
          'assigned_at', json_array(NULL, {_iso('c.assigned_at')})), ''
    FROM cases c WHERE c.assigned_at IS NOT NULL AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 开始调解
    f"""SELECT substr(c.id, 1, 28) || 'a005', 1, c.mediation_started_at, m.login, 0,
        c.mediation_started_at, m.login, c.office_id, c.id, 'cases', c.id,
        'transition:start_mediation', json_object(
          'status', json_array('assigned', 'mediating'),
          'mediation_started_at', json_array(NULL, {_iso('c.mediation_started_at')})), ''
    FROM cases c JOIN mediators m ON m.id = c.mediator_id
    WHERE c.mediation_started_at IS NOT NULL AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 中止计时 and 恢复计时 (09:00 China time on the day)
    """SELECT substr(p.id, 1, 28) || 'a006', 1, p.started_on || ' 01:00:00.000000', m.login, 0,
        p.started_on || ' 01:00:00.000000', m.login, c.office_id, c.id, 'clock_pauses', p.id,
        'pause', json_object('paused', json_array(json('false'), json('true')),
          'reason', json_array(NULL, p.reason),
          'expected_end', json_array(NULL, p.expected_end)), p.note
    FROM clock_pauses p JOIN cases c ON c.id = p.case_id JOIN mediators m ON m.id = c.mediator_id
    WHERE p.rowid BETWEEN :clock_pauses_lo AND :clock_pauses_hi""",
    """SELECT substr(p.id, 1, 28) || 'a007', 1, p.ended_on || ' 01:00:00.000000', m.login, 0,
        p.ended_on || ' 01:00:00.000000', m.login, c.office_id, c.id, 'clock_pauses', p.id,
        'resume', json_object('paused', json_array(json('true'), json('false')),
          'ended_on', json_array(NULL, p.ended_on)), ''
    FROM clock_pauses p JOIN cases c ON c.id = p.case_id JOIN mediators m ON m.id = c.mediator_id
    WHERE p.ended_on IS NOT NULL AND p.rowid BETWEEN :clock_pauses_lo AND :clock_pauses_hi""",
    # 办结
    f"""SELECT substr(c.id, 1, 28) || 'a008', 1, c.closed_at, coalesce(m.login, :intake), 0,
        c.closed_at, coalesce(m.login, :intake), c.office_id, c.id, 'cases', c.id,
        'transition:close', json_set(json_object(
          'status', json_array(CASE
              WHEN c.mediation_started_at IS NOT NULL THEN 'mediating'
              WHEN c.assigned_at IS NOT NULL THEN 'assigned'
              WHEN c.accepted_at IS NOT NULL THEN 'accepted' ELSE 'received' END, 'closed'),
          'outcome', json_array(NULL, c.outcome),
          'closed_at', json_array(NULL, {_iso('c.closed_at')})),
          -- only a termination names its ground (json_set ignores a NULL path)
          CASE WHEN c.termination_ground IS NOT NULL THEN '$.termination_ground' END,
          json_array(NULL, c.termination_ground)), c.status_reason
    FROM cases c LEFT JOIN mediators m ON m.id = c.mediator_id
    WHERE c.closed_at IS NOT NULL AND c.status != 'rejected' AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 办结 before a reopening, and the reopening (temp.demo_reopens)
    f"""SELECT substr(c.id, 1, 28) || 'a011', 1, r.closed_at, r.login, 0, r.closed_at,
        r.login, c.office_id, c.id, 'cases', c.id, 'transition:close', json_object(
          'status', json_array('mediating', 'closed'),
          'outcome', json_array(NULL, r.outcome),
          'closed_at', json_array(NULL, {_iso('r.closed_at')})), ''
    FROM temp.demo_reopens r JOIN cases c ON c.id = r.case_id
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi""",
    f"""SELECT substr(c.id, 1, 28) || 'a012', 1, r.reopened_at, r.login, 0, r.reopened_at,
        r.login, c.office_id, c.id, 'cases', c.id, 'transition:reopen', json_object(
          'status', json_array('closed', 'mediating'),
          'outcome', json_array(r.outcome, NULL),
          'closed_at', json_array({_iso('r.closed_at')}, NULL),
          'reopened_at', json_array(NULL, {_iso('r.reopened_at')}),
          'status_reason', json_array(NULL, r.reason)), r.reason
    FROM temp.demo_reopens r JOIN cases c ON c.id = r.case_id
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi""",
    # 登记送达 (cases.record_delivery's event; ids end c005, c006 as the notes' b005, b006)
    f"""SELECT substr(n.id, 1, 28) || 'c' || substr(n.id, 30, 3), 1, n.created_at, n.author,
        0, n.created_at, n.author, c.office_id, c.id, 'notes', n.id, 'create:delivery',
        json_set(json_object(
          'notice', json_array(NULL, n.clock), 'to', json_array(NULL, n.contact_with),
          'method', json_array(NULL, n.channel),
          'delivered_at', json_array(NULL, {_iso('n.created_at')})),
          CASE WHEN n.text != '' THEN '$.note' END, json_array(NULL, n.text)), ''
    FROM notes n JOIN cases c ON c.id = n.case_id
    WHERE n.kind = 'delivery' AND n.rowid BETWEEN :notes_lo AND :notes_hi""",
    # 回访
    f"""SELECT substr(f.id, 1, 28) || 'a009', 1, f.followed_at, f.by, 0, f.followed_at, f.by,
        c.office_id, c.id, 'cases', c.id, 'transition:follow_up', json_object(
          'status', json_array('closed', 'followed_up'),
          'followed_up_at', json_array(NULL, {_iso('f.followed_at')})), ''
    FROM follow_ups f JOIN cases c ON c.id = f.case_id
    WHERE f.rowid BETWEEN :follow_ups_lo AND :follow_ups_hi""",
    # 评价: the last thing that happened to a rated case
    """SELECT substr(c.id, 1, 28) || 'a010', 1, c.modified_at, c.modified_by, 0, c.modified_at,
        c.modified_by, c.office_id, c.id, 'cases', c.id, 'transition:rate', json_object(
          'status', json_array('followed_up', 'rated'),
          'satisfaction', json_array(NULL, c.satisfaction)), ''
    FROM cases c WHERE c.status = 'rated' AND c.rowid BETWEEN :cases_lo AND :cases_hi""",
)


def _hashed(salt: int) -> str:
    """A deterministic pseudo-random number from the case's rowid (SQLite has no seeded
    random()); rowids are themselves deterministic for a seed."""
    return f"((c.rowid * 1103515245 + {salt * 12345 + 1}) % 2147483648 / 65536)"


def _pick_sql(salt: int, choices: tuple[str, ...]) -> str:
    arms = " ".join(f"WHEN {i} THEN '{text.replace(chr(39), chr(39) * 2)}'"
                    for i, text in enumerate(choices))
    return f"CASE {_hashed(salt)} % {len(choices)} {arms} END"


def _shift_sql(column: str, seconds: str) -> str:
    return f"datetime(strftime('%s', {column}) + ({seconds}), 'unixepoch') || '.000000'"


# The audit trail of the demo documents, derived like the cases' (ids: the case's id
# ending e<slot><event>0). They are drafted DRAFTING_SECONDS before they are finalised; a
# draft's last change is its drafting; signing or voiding was a final document's last.
_DOC_DRAFTED = (f"CASE WHEN d.finalized_at IS NULL THEN d.modified_at "
                f"ELSE {_shift_sql('d.finalized_at', str(-DRAFTING_SECONDS))} END")
_DOCUMENT_AUDIT_SQL = (
    # 起草 (create), or 新版本 (new_version) of a voided agreement
    f"""SELECT substr(d.case_id, 1, 28) || 'e' || substr(d.id, 32, 1) || '10', 1,
        {_DOC_DRAFTED}, d.modified_by, 0, {_DOC_DRAFTED}, d.modified_by, d.office_id,
        d.case_id, 'documents', d.id,
        CASE WHEN d.supersedes_id IS NULL THEN 'create' ELSE 'new_version' END,
        CASE WHEN d.supersedes_id IS NULL THEN json_object('kind', json_array(NULL, d.kind))
             ELSE json_object('version_no', json_array(NULL, d.version_no)) END, ''
    FROM documents d WHERE d.rowid BETWEEN :documents_lo AND :documents_hi""",
    # 定稿: numbered (a follow-up record under its agreement's number)
    """SELECT substr(d.case_id, 1, 28) || 'e' || substr(d.id, 32, 1) || '20', 1,
        d.finalized_at, d.modified_by, 0, d.finalized_at, d.modified_by, d.office_id,
        d.case_id, 'documents', d.id, 'finalize',
        json_object('number', json_array(NULL, d.number)), ''
    FROM documents d WHERE d.finalized_at IS NOT NULL
      AND d.rowid BETWEEN :documents_lo AND :documents_hi""",
    # 登记签署
    """SELECT substr(d.case_id, 1, 28) || 'e' || substr(d.id, 32, 1) || '30', 1,
        d.modified_at, d.modified_by, 0, d.modified_at, d.modified_by, d.office_id,
        d.case_id, 'documents', d.id, 'sign',
        json_object('signed_on', json_array(NULL, d.signed_on)), ''
    FROM documents d WHERE d.state = 'signed'
      AND d.rowid BETWEEN :documents_lo AND :documents_hi""",
    # 作废
    """SELECT substr(d.case_id, 1, 28) || 'e' || substr(d.id, 32, 1) || '40', 1,
        d.modified_at, d.modified_by, 0, d.modified_at, d.modified_by, d.office_id,
        d.case_id, 'documents', d.id, 'void',
        json_object('state', json_array('final', 'void')), d.void_reason
    FROM documents d WHERE d.state = 'void'
      AND d.rowid BETWEEN :documents_lo AND :documents_hi""",
)
_NUMBERED_KINDS_SQL = ", ".join(f"'{k.value}'" for k in sorted(NUMBERED_KINDS))


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _finish_documents(conn: sqlite3.Connection, office_id: str, prefix: str,
                      intake_actor: str, rowid_before: int) -> int:
    """Finalise the demo documents as finalize() would have: numbered per year in the
    order they were finalised (they came in case order), with the content hash of
    app.core.documents.content_hash, then their audit trail. The store's own number
    block then starts after the last demo number of each year, so a real finalisation
    never repeats one (app/sync/numbers.take_number). Returns the audit events written.

    No PDF is stored: pdf_sha256 stays empty, and the PDF is rendered from the frozen
    fields when the document is opened, after its content hash is checked against them
    (services.documents.render)."""
    conn.create_function("md_sha256", 1, _sha256_text, deterministic=True)
    params = {"lo": rowid_before + 1, "prefix": prefix}
    conn.execute("CREATE TEMP TABLE demo_numbers (id TEXT PRIMARY KEY, year INTEGER, "
                 "seq INTEGER, number TEXT)")
    try:
        # The year is China's (finalised_at is UTC), as finalize() numbers.
        conn.execute(f"""INSERT INTO temp.demo_numbers
            SELECT id, year, seq, '（' || year || '）' || :prefix || '字第'
                || printf('%04d', seq) || '号'
            FROM (SELECT id, CAST(strftime('%Y', finalized_at, '+8 hours') AS INTEGER) AS year,
                    row_number() OVER (PARTITION BY strftime('%Y', finalized_at, '+8 hours')
                                       ORDER BY finalized_at, id) AS seq
                  FROM documents WHERE rowid >= :lo AND finalized_at IS NOT NULL
                    AND kind IN ({_NUMBERED_KINDS_SQL}))""", params)
        # A follow-up record carries its (standing) agreement's number.
        conn.execute("""INSERT INTO temp.demo_numbers
            SELECT f.id, NULL, NULL, n.number FROM documents f
            JOIN documents a ON a.case_id = f.case_id AND a.kind = 'agreement'
                AND a.void_reason = '' AND a.finalized_at IS NOT NULL
            JOIN temp.demo_numbers n ON n.id = a.id
            WHERE f.rowid >= :lo AND f.kind = 'follow-up' AND f.finalized_at IS NOT NULL""",
                     params)
        # Still drafts to the immutability trigger, so one statement makes them final.
        conn.execute("""UPDATE documents SET number = n.number, number_year = n.year,
                number_seq = n.seq,
                content_sha256 = md_sha256('{"fields":' || documents.fields || ',"kind":"'
                    || documents.kind || '","number":"' || n.number || '"}'),
                state = CASE WHEN documents.void_reason != '' THEN 'void'
                             WHEN documents.signed_on IS NOT NULL THEN 'signed'
                             ELSE 'final' END
            FROM temp.demo_numbers n WHERE n.id = documents.id""")
        for year, last in conn.execute("SELECT year, max(seq) FROM temp.demo_numbers "
                                       "WHERE year IS NOT NULL GROUP BY year").fetchall():
            conn.execute(
                "INSERT INTO sync_number_blocks (id, office_id, year, first_seq, last_seq, "
                "next_seq) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET next_seq = max(next_seq, excluded.next_seq)",
                (standalone_block_id(uuid.UUID(office_id), year).hex, office_id, year,
                 STANDALONE_LAST, last + 1))
    finally:
        conn.execute("DROP TABLE temp.demo_numbers")
    last = conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0]
    return _chain_events(conn, _DOCUMENT_AUDIT_SQL, {
        "intake": intake_actor, "documents_lo": rowid_before + 1, "documents_hi": last})


# Rows derived in SQL from each chunk of cases, as the services would have written them:
# the respondent business (from the pool in the temporary demo_businesses table), the
# contact log of the first contact (one in five after an unanswered call; a promised
# callback on some open cases) and the follow-up visit. Ids: the case's id with its last
# four hex digits replaced.
_PARTY_COLUMNS = ", ".join(COLUMNS["parties"])
_NOTE_COLUMNS = ", ".join(COLUMNS["notes"])
_FOLLOW_UP_COLUMNS = ", ".join(COLUMNS["follow_ups"])
_DERIVED_SQL = (
    f"""INSERT INTO parties ({_PARTY_COLUMNS})
    SELECT substr(c.id, 1, 28) || 'b001', 1, c.received_at, :intake, 0, c.id, 'respondent',
        'business', b.name, '', '', NULL, '', 'uscc', b.uscc, b.phone, b.address, '',
        b.representative, 1
    FROM cases c JOIN temp.demo_businesses b ON b.uscc = c.respondent_uscc
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi AND c.respondent_uscc != ''""",
    f"""INSERT INTO notes ({_NOTE_COLUMNS})
    SELECT substr(c.id, 1, 28) || 'b002', 1, {_shift_sql('c.first_contact_at', '-3600')},
        m.login, 0, c.id, 'contact', {_shift_sql('c.first_contact_at', '-3600')}, m.login,
        '电话联系投诉人，未接通。', 'no_answer', c.first_contact_at, 'phone',
        c.complainant_name, ''
    FROM cases c JOIN mediators m ON m.id = c.mediator_id
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi AND c.first_contact_at IS NOT NULL
      AND {_hashed(1)} % 5 = 0""",
    f"""INSERT INTO notes ({_NOTE_COLUMNS})
    SELECT substr(c.id, 1, 28) || 'b003', 1, c.first_contact_at, m.login, 0, c.id, 'contact',
        c.first_contact_at, m.login, {_pick_sql(2, corpus.CONTACT_TEXTS)}, 'reached',
        CASE WHEN c.status = 'mediating' AND {_hashed(3)} % 10 < 3
             THEN datetime(:now_ts + {_hashed(4)} % 345600 - 86400, 'unixepoch') || '.000000'
        END, 'phone', c.complainant_name, ''
    FROM cases c JOIN mediators m ON m.id = c.mediator_id
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi AND c.first_contact_at IS NOT NULL""",
    # 待回电: the callback the newest contact (the one above) promised.
    """UPDATE cases SET callback_due_at = (
        SELECT n.callback_at FROM notes n WHERE n.id = substr(cases.id, 1, 28) || 'b003')
    WHERE rowid BETWEEN :cases_lo AND :cases_hi AND first_contact_at IS NOT NULL
      AND status = 'mediating'""",
    f"""INSERT INTO follow_ups ({_FOLLOW_UP_COLUMNS})
    SELECT substr(c.id, 1, 28) || 'b004', 1, c.followed_up_at, m.login, 0, c.id,
        c.followed_up_at, m.login, 'phone',
        {_pick_sql(5, (Performance.PERFORMED, Performance.PERFORMED, Performance.PARTIAL,
                       Performance.NOT_PERFORMED))},
        {_pick_sql(6, (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED,
                       Satisfaction.SATISFIED, Satisfaction.AVERAGE))},
        {_pick_sql(7, corpus.FOLLOW_UP_NOTES)}
    FROM cases c JOIN mediators m ON m.id = c.mediator_id
    WHERE c.rowid BETWEEN :cases_lo AND :cases_hi AND c.followed_up_at IS NOT NULL""",
)


def _create_business_table(conn: sqlite3.Connection, pool: list[list[_Business]]) -> None:
    conn.execute("""CREATE TEMP TABLE demo_businesses (uscc TEXT PRIMARY KEY, name TEXT,
        phone TEXT, address TEXT, representative TEXT)""")
    conn.executemany("INSERT INTO temp.demo_businesses VALUES (?, ?, ?, ?, ?)",
                     [(b.uscc, b.name, b.phone.replace("-", ""), b.address, b.representative)
                      for businesses in pool for b in businesses])


def _create_reopens_table(conn: sqlite3.Connection) -> None:
    """The earlier close of each reopened case of a chunk, which its row no longer holds,
    for the audit trail (filled per chunk)."""
    conn.execute("""CREATE TEMP TABLE demo_reopens (case_id TEXT PRIMARY KEY,
        closed_at TEXT, reopened_at TEXT, outcome TEXT, reason TEXT, login TEXT)""")


def _derive_rows(conn: sqlite3.Connection, params: dict[str, object]) -> Counter:
    written: Counter = Counter()
    for sql in _DERIVED_SQL:
        if sql.startswith("UPDATE"):  # a derived column, not new rows
            conn.execute(sql, params)
            continue
        table = sql.split()[2]
        written[table] += conn.execute(sql, params).rowcount
    return written


_AUDIT_SOURCES = ("cases", "clock_pauses", "follow_ups", "notes")


def _index_chunk(conn: sqlite3.Connection, cases_before: int,
                 docs: list[tuple[str, str]]) -> None:
    """Search keys and tokens for the cases just written (rowids after ``cases_before``),
    in the order they were written."""
    first_key = conn.execute(
        "SELECT coalesce(max(search_key), 0) + 1 FROM case_search_keys").fetchone()[0]
    conn.execute("INSERT INTO case_search_keys (case_id) SELECT id FROM cases "
                 "WHERE rowid > ? ORDER BY rowid", (cases_before,))
    conn.executemany("INSERT INTO case_search (rowid, names, body) VALUES (?, ?, ?)",
                     [(first_key + i, names, body) for i, (names, body) in enumerate(docs)])


def _last_rowids(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0]
            for t in _AUDIT_SOURCES}


def _rowid_ranges(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    ranges = {}
    for table in _AUDIT_SOURCES:
        ranges[f"{table}_lo"] = before[table] + 1
        ranges[f"{table}_hi"] = after[table]
    return ranges


# Each event linked into the store's audit chain as it is written (app/store/audit_chain).
_CHAIN_BODY = audit_chain.body_sql(*(f"s.{c}" for c in (
    "id", "office_id", "case_id", "entity", "entity_id", "action", "changes", "reason",
    "deleted", "actor", "actor", "at")))
_CHAINED_INSERT = (
    f"WITH s ({_AUDIT_COLUMNS}) AS ({{select}}) "
    f"INSERT INTO audit_events ({_AUDIT_COLUMNS}, chain_seq, chain_hash) "
    f"SELECT s.*, md_chain_seq(CAST(({_CHAIN_BODY}) AS BLOB)), md_chain_hash() FROM s")


def _derive_audit_trail(conn: sqlite3.Connection, intake_actor: str,
                        before: dict[str, int], after: dict[str, int]) -> int:
    """The audit events of the rows written between two ``_last_rowids`` readings."""
    return _chain_events(conn, _AUDIT_SQL,
                         {"intake": intake_actor, **_rowid_ranges(before, after)})


def _chain_events(conn: sqlite3.Connection, selects: tuple[str, ...],
                  params: Mapping[str, object]) -> int:
    """Write the events the ``selects`` derive, each linked into the audit chain."""
    written = 0
    linker = audit_chain.Linker(conn)
    try:
        for select_sql in selects:
            conn.execute(_CHAINED_INSERT.format(select=select_sql), params)
            # (rowcount is -1 for a statement that starts with WITH)
            written += conn.execute("SELECT changes()").fetchone()[0]
    finally:
        linker.close()
    return written


def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The indexes to drop for the load and rebuild after it: those whose keys arrive in
    random order. Indexes led by ``case_id`` stay: case ids are time-ordered, so those
    keys arrive in order and appending to them is cheaper than rebuilding them."""
    names = ",".join(f"'{t}'" for t in BULK_TABLES)
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY name"
    ).fetchall()
    # The audit chain's position arrives in order too, and chaining reads its head.
    return [(name, sql) for name, sql in found
            if conn.execute(f'PRAGMA index_info("{name}")').fetchone()[2]
            not in ("case_id", "chain_seq")]


def _chunks(total: int, size: int) -> list[tuple[int, int, int]]:
    return [(chunk, start, min(total, start + size))
            for chunk, start in enumerate(range(0, total, size))]


def _build_chunk(ctx: _Context, chunk: int, start: int, stop: int) -> _Batch:
    writer = _CaseWriter(ctx, chunk)
    for i in range(start, stop):
        writer.case(i)
    return writer.batch


def _build_spec(ctx: _Context, spec: tuple[int, int, int]) -> _Batch:
    return _build_chunk(ctx, *spec)


def _batches(context_args: tuple, specs: list[tuple[int, int, int]],
             workers: int) -> Iterator[_Batch]:
    """Chunks in order. Building rows is pure Python, so other cores build the next
    chunks (app.core.parallel) while this one writes; each chunk has its own seeded
    generator, so the result does not depend on who built it."""
    return ordered_map(_build_spec, _Context, context_args, specs, workers=workers)


def generate_demo_data(
    store: Store,
    cases: int,
    *,
    seed: int = 1,
    progress: Progress | None = None,
    now: datetime | None = None,
    login: str | None = None,
    workers: int | None = None,
    chunk_cases: int = CHUNK_CASES,
    search_index: bool | None = None,
) -> DemoSummary:
    """Fill an empty store with ``cases`` realistic cases received over the two years
    before ``now``. ``login``: the workstation user, who gets a share of the cases."""
    if cases <= 0:
        raise ValueError("the number of demo cases must be positive")
    if search_index is None:
        search_index = cases <= SEARCH_INDEX_INLINE_LIMIT
    started = time.perf_counter()
    now = now or utcnow()
    now_ts = int(now.timestamp())
    if is_linked(store):
        # Its numbers come from the central counter's blocks: demo numbers taken here
        # would be issued again elsewhere.
        raise StoreNotEmpty("a store linked to a central database takes no demo data")
    ref = _prepare_reference(store, login, seed, now)
    office_id, mediators = ref.office_id, ref.mediators
    with store.unit_of_work() as session:
        calendar = load_calendar(session)
        rule_sets = load_rule_sets(session)
    # Plain values only: this goes to the worker processes.
    context_args = (seed, now_ts, office_id, mediators, [r.to_dict() for r in rule_sets],
                    [y.to_dict() for y in calendar.years.values()], cases, search_index,
                    ref.names)
    if workers is None:
        # This process writes while the builders work; a builder per core keeps the
        # writer fed on two cores (measured: bench/demo_data.py --workers).
        workers = max(1, min(4, os.cpu_count() or 1))

    counts: Counter = Counter()
    phases: Counter = Counter()
    by_status: Counter = Counter()
    # Without other connections, load under a rollback journal: the new pages are
    # written once instead of to the WAL and again at the checkpoint, and a killed
    # load still rolls back. Back to WAL afterwards.
    store.engine.dispose()
    conn = store.connect_raw(isolation_level=None)
    try:
        journal = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-1048576")  # up to 1 GiB while loading
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA busy_timeout=5000")
        _check_layouts(conn)
        inserts = {t: f"INSERT INTO {t} ({','.join(c)}) VALUES ({','.join('?' * len(c))})"
                   for t, c in COLUMNS.items()}
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT count(*) FROM cases").fetchone()[0]:
                raise StoreNotEmpty("the store already holds cases")
            indexes = _secondary_indexes(conn)
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            specs = _chunks(cases, chunk_cases)
            _create_business_table(conn, _business_pool(seed, cases))
            _create_reopens_table(conn)
            if search_index:
                conn.execute("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)")
            before = _last_rowids(conn)
            documents_before = conn.execute(
                "SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0]
            t0 = time.perf_counter()
            for (_, _, stop), batch in zip(specs, _batches(context_args, specs, workers), strict=True):
                t1 = time.perf_counter()
                phases["generate (waiting for rows)"] += t1 - t0
                for table, rows in batch.rows.items():
                    if rows:
                        conn.executemany(inserts[table], rows)
                        counts[table] += len(rows)
                by_status.update(batch.by_status)
                conn.executemany("INSERT INTO temp.demo_reopens VALUES (?, ?, ?, ?, ?, ?)",
                                 batch.reopens)
                if search_index:
                    _index_chunk(conn, before["cases"], batch.search_docs)
                t2 = time.perf_counter()
                cases_hi = conn.execute("SELECT max(rowid) FROM cases").fetchone()[0]
                counts.update(_derive_rows(conn, {
                    "intake": mediators[0][1], "now_ts": now_ts,
                    "cases_lo": before["cases"] + 1, "cases_hi": cases_hi}))
                after = _last_rowids(conn)
                counts["audit_events"] += _derive_audit_trail(conn, mediators[0][1], before, after)
                before = after
                t0 = time.perf_counter()
                phases["insert"] += t2 - t1
                phases["audit"] += t0 - t2
                if progress:
                    progress(stop, cases)
            t0 = time.perf_counter()
            counts["audit_events"] += _finish_documents(
                conn, office_id, ref.number_prefix, mediators[0][1], documents_before)
            phases["documents"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            for _, sql in indexes:
                conn.execute(sql)
            # Merge the search index's segments once, not all along the load.
            if search_index:
                conn.execute("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 4)")
                conn.execute("INSERT INTO case_search (case_search, rank) VALUES ('merge', 500)")
            conn.execute("PRAGMA analysis_limit = 2000")  # sampled statistics: seconds
            conn.execute("ANALYZE")
            conn.execute("COMMIT")
            phases["index"] = time.perf_counter() - t0
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if journal != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        else:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    mark_demo(store)  # the window title says so
    return DemoSummary(
        cases=counts["cases"], parties=counts["parties"], sessions=counts["mediation_sessions"],
        notes=counts["notes"], follow_ups=counts["follow_ups"], pauses=counts["clock_pauses"],
        audit_events=counts["audit_events"], by_status=dict(by_status),
        documents=counts["documents"],
        seconds=time.perf_counter() - started, phase_seconds=dict(phases),
    )
