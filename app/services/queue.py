"""Reading the case queue: views with their counts, filters, sorts and pages, in SQL.

Every read here is answered from the partial indexes of migration 0002 (see below).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from app.core.timeutil import china_today
from app.core.users import Permission, may
from app.core.workflow import CLOSED_STATUSES, OPEN_STATUSES, CaseKind, CaseStatus, Source
from app.services import hot_words, search
from app.services.case_facts import CaseFact, in_days, stats_conditions
from app.services.context import Workstation
from app.services.dto import CaseSummary
from app.services.groups import group_member_cases, group_titles, refund_overdue_cases
from app.services.notes import callback_conditions
from app.services.reference import calendar, rule_sets
from app.store.models import LIVE, TO_ARCHIVE, Case, CaseTag, Mediator


@dataclass(frozen=True)
class QueueSummary(CaseSummary):
    """A queue row: the case summary and the callback its newest contact promised."""

    callback_due_at: datetime | None = None
    group_title: str = ""  # the group dispute (群体性纠纷) it belongs to, if any


def _unverified(ws: Workstation, session) -> frozenset[str]:
    """Codes of the rule sets nobody has verified: their cases' deadlines say so."""
    return frozenset(rs.code for rs in rule_sets(ws, session) if not rs.confirmed)


def _summary(case: Case, mediator_name: str, unverified: frozenset[str] = frozenset(),
             group_title: str = "") -> QueueSummary:
    return QueueSummary(
        id=case.id,
        source_ticket=case.source_ticket,
        received_at=case.received_at,
        complainant_name=case.complainant_name,
        respondent_name=case.respondent_name,
        category=case.category,
        source=Source(case.source),
        status=CaseStatus(case.status),
        next_deadline_on=case.next_deadline_on,
        next_deadline_kind=case.next_deadline_kind,
        deadline_provisional=case.deadline_provisional,
        rules_confirmed=case.rule_set_code not in unverified,
        paused=case.paused,
        tags=tuple(t for t in case.tags.split(",") if t),
        mediator_name=mediator_name,
        callback_due_at=case.callback_due_at,
        group_title=group_title,
    )


def case_summary(ws: Workstation, case_id: uuid.UUID) -> CaseSummary | None:
    with ws.store.unit_of_work() as session:
        row = session.execute(
            select(Case, Mediator.name)
            .outerjoin(Mediator, Mediator.id == Case.mediator_id)
            .where(Case.id == case_id)
        ).first()
        if row is None:
            return None
        return _summary(row[0], row[1] or "", _unverified(ws, session),
                        group_titles(session, [case_id]).get(case_id, ""))


# ====================================================================== the full queue
#
# Views (the sidebar), filters, sort on any column and paging, all in SQL over the
# partial indexes of migration 0002 (condition LIVE, "deleted = false"). A sort is a
# list of segments, each an index-ordered query; paging walks them. That is how NULLs
# stay last, and how status, channel, category, region and mediator sort in their
# display order (workflow order, pinyin) while each segment still reads an index.


class QueueView(StrEnum):
    MINE = "mine"  # 我的待办: open cases assigned to the signed-in user
    CALLBACKS = "callbacks"  # 待回电: a promised callback is due (a mediator's own cases)
    DUE_TODAY = "due_today"  # 今日到期
    DUE_SOON = "due_soon"  # 即将到期: within the next 3 working days
    OVERDUE = "overdue"  # 已超期
    TO_ACCEPT = "to_accept"  # 待受理
    MEDIATING = "mediating"  # 调解中
    # 待回访: closed, not yet followed up — and a group member followed up already whose
    # agreed refund is overdue (they need another call: FOLLOW_UP_AGAIN).
    TO_FOLLOW_UP = "to_follow_up"
    CONFIRMATION = "confirmation"  # 司法确认: a signed agreement's window ends within a week
    TO_ARCHIVE = "to_archive"  # 待归档: closed complaints whose 卷宗 is not final yet
    CLOSED = "closed"  # 已办结 (closed, followed up, rated, rejected)
    IN_GROUPS = "in_groups"  # 群体纠纷: members of the office's group disputes
    # 退款逾期: group members whose agreed refund is not all paid and whose due date has
    # passed (app/services/groups.refund_overdue_cases)
    REFUND_OVERDUE = "refund_overdue"
    ALL = "all"  # 全部


class SortKey(StrEnum):
    TICKET = "ticket"
    RECEIVED = "received"
    COMPLAINANT = "complainant"
    RESPONDENT = "respondent"
    CATEGORY = "category"
    SOURCE = "source"
    STATUS = "status"
    DEADLINE = "deadline"
    TAGS = "tags"
    MEDIATOR = "mediator"
    REGION = "region"


DUE_SOON_WORKING_DAYS = 3
# Followed up (or rated) already, yet back in 待回访 while their group refund is overdue.
FOLLOW_UP_AGAIN = (CaseStatus.FOLLOWED_UP.value, CaseStatus.RATED.value)
CONFIRMATION_NOTICE_DAYS = 7  # 司法确认: listed from a week before the last day


_ANY_DAY = (date(2000, 1, 1), date(2099, 12, 31))  # a hot word without a received range


@dataclass(frozen=True)
class QueueFilter:
    """Empty sets mean "any". Dates are China dates, both ends included."""

    statuses: frozenset[CaseStatus] = frozenset()
    categories: frozenset[str] = frozenset()
    sources: frozenset[Source] = frozenset()
    tags: frozenset[str] = frozenset()  # a case with any of them
    regions: frozenset[str] = frozenset()
    received_from: date | None = None
    received_to: date | None = None
    # Issue 15: what the supervisor's figures drill down to (app/services/stats.py).
    kinds: frozenset[CaseKind] = frozenset()
    issue_types: frozenset[str] = frozenset()
    # Mediator ids; None in the set means "not assigned to anyone".
    mediators: frozenset[uuid.UUID | None] = frozenset()
    offices: frozenset[uuid.UUID] = frozenset()
    # A business: its credit code (统一社会信用代码) when it has one, else its name, exactly.
    respondent: str = ""
    accepted_from: date | None = None
    accepted_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    facts: frozenset[CaseFact] = frozenset()  # each must hold (core/stats.py)
    # The instant "not answered yet, and 24 hours have passed" is judged at.
    as_of: datetime | None = None
    # A hot word (热词): cases received in the filter's received range whose text has it.
    hot_word: str = ""
    # Exactly these cases (an early warning's).
    case_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class QueueQuery:
    view: QueueView = QueueView.ALL
    filter: QueueFilter = QueueFilter()
    sort: SortKey = SortKey.RECEIVED
    descending: bool = True
    search: str = ""


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[CaseSummary, ...]
    offset: int
    keys: tuple[RowKey, ...] = ()  # each row's place in the order (fetch_page)


@dataclass(frozen=True)
class FilterOptions:
    categories: tuple[str, ...]
    regions: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SearchOutcome:
    """The search part of a query: how many matched, and whether more than shown."""

    matched: int
    more: bool


def _pinyin_key(value: str) -> str:
    from pypinyin import lazy_pinyin  # ~0.3 s to load; not needed to open the window

    return "".join(lazy_pinyin(value)) + value


def _view_conditions(ws: Workstation, view: QueueView, *,
                     by_category: bool = False) -> list[ColumnElement[bool]]:
    """``by_category``: a category is chosen too, and the status of 待受理, 调解中 and
    已办结 is tested in ix_cases_q_category rather than looked up (``_filter_conditions``)."""
    today = china_today(ws.now())
    status = _tested(Case.status) if by_category else Case.status
    open_values = [s.value for s in OPEN_STATUSES]
    match view:
        case QueueView.MINE:
            return [Case.mediator_id == ws.actor.mediator_id, Case.status.in_(open_values)]
        case QueueView.CALLBACKS:
            # A mediator's own promises; a supervisor or admin sees the office's.
            # Few cases have one: they are looked up in ix_cases_callback_due and by id,
            # rather than found by walking the sort's index over every case.
            mine = None if may(ws.actor.role, Permission.OFFICE_CASES) else ws.actor.mediator_id
            return callback_conditions(ws.now(), mine, rare=True)
        case QueueView.CONFIRMATION:
            # Few cases: read in ix_cases_confirmation_due (see callback_conditions).
            until = today + timedelta(days=CONFIRMATION_NOTICE_DAYS)
            window = func.likelihood(Case.confirmation_due_on.between(today, until),
                                     literal_column("0.001"))
            conditions = [Case.confirmation_due_on.is_not(None), window]
            if not may(ws.actor.role, Permission.OFFICE_CASES):
                conditions.append(literal_column("+cases.mediator_id", Case.mediator_id.type)
                                  == ws.actor.mediator_id)
            return conditions
        case QueueView.DUE_TODAY:
            return [Case.next_deadline_on == today]
        case QueueView.DUE_SOON:
            with ws.store.unit_of_work() as session:
                cal = calendar(ws, session)
            until = cal.add_working_days(today, DUE_SOON_WORKING_DAYS).day
            return [Case.next_deadline_on > today, Case.next_deadline_on <= until]
        case QueueView.OVERDUE:
            return [Case.next_deadline_on < today]
        case QueueView.TO_ACCEPT:
            return [status == CaseStatus.RECEIVED.value]
        case QueueView.MEDIATING:
            return [status == CaseStatus.MEDIATING.value]
        case QueueView.TO_FOLLOW_UP:
            return [or_(*(and_(*part) for part in _view_parts(ws, view)))]
        case QueueView.CLOSED:
            return [status.in_([s.value for s in CLOSED_STATUSES])]
        case QueueView.TO_ARCHIVE:
            # In these words, so that ix_cases_to_archive (partial) answers it alone.
            return [TO_ARCHIVE]
        case QueueView.IN_GROUPS:
            # Few cases of a big store: read from the members (ix_group_members_case).
            return [_by_rowid(group_member_cases(ws.actor.office_id))]
        case QueueView.REFUND_OVERDUE:
            # Fewer still: the overdue members' cases (refund_overdue_cases).
            return [_by_rowid(refund_overdue_cases(ws.actor.office_id, today))]
    return []


def _by_rowid(case_ids) -> ColumnElement[bool]:
    """The cases of a subquery of ids, tested by rowid. Where SQLite walks an index
    anyway (the cases without a deadline, sorted by deadline), each entry is tested by
    the rowid it holds, reading no case row (70 ms on a million cases; tested by id it
    read every row walked: 0.5–1.1 s)."""
    member = aliased(Case, name="member_case")
    return _ROWID.in_(select(literal_column("member_case.rowid")).select_from(member)
                      .where(member.id.in_(case_ids)))


def _view_parts(ws: Workstation, view: QueueView, *,
                by_category: bool = False) -> list[list[ColumnElement[bool]]]:
    """A view as disjoint parts, each read from its own index. SQLite counts an OR of
    them by reading every case (0.4 s on a million), so a count adds the parts' counts
    (a page still walks the sort's index testing the OR, which finds a page quickly)."""
    if view is QueueView.TO_FOLLOW_UP:
        overdue = refund_overdue_cases(ws.actor.office_id, china_today(ws.now()))
        return [[Case.status == CaseStatus.CLOSED.value],  # the status index
                [Case.id.in_(overdue), Case.status.in_(FOLLOW_UP_AGAIN)]]  # by id
    return [_view_conditions(ws, view, by_category=by_category)]


def _tested(column: Any) -> ColumnElement[Any]:
    """``column`` in words that SQLite tests on each row but never looks up in an index
    (SQLite only: the queue's own reads)."""
    return literal_column(f"+cases.{column.key}", column.type)


def _filter_conditions(f: QueueFilter, *, tags_drive: bool = False,
                       by_category: bool = False) -> list[ColumnElement[bool]]:
    """``by_category`` (the queue's own reads, with a category chosen): the statuses,
    channels, regions and tags are tested in ix_cases_q_category, which holds them
    all, while SQLite walks it by category. Looked up in their own indexes instead,
    each entry cost a case row read to test the category (已办结 and one category:
    0.5 s on a million cases, 7 ms in ix_cases_q_category), and a common tag's set of
    90,000 rowids was made for every count and page (50 ms each)."""
    conditions: list[ColumnElement[bool]] = []
    tested = _tested if by_category and f.categories else (lambda column: column)
    if f.statuses:
        conditions.append(tested(Case.status).in_(sorted(s.value for s in f.statuses)))
    if f.categories:
        conditions.append(Case.category.in_(sorted(f.categories)))
    if f.sources:
        conditions.append(tested(Case.source).in_(sorted(s.value for s in f.sources)))
    if f.regions:
        conditions.append(tested(Case.region).in_(sorted(f.regions)))
    if f.tags and by_category and f.categories:
        conditions.append(_listed(f.tags))
    elif f.tags:
        conditions.append(_tagged(f.tags, drive=tags_drive))
    conditions.extend(in_days(Case.received_at, f.received_from, f.received_to))
    conditions.extend(stats_conditions(f))
    if f.case_ids:
        conditions.append(Case.id.in_(sorted(f.case_ids)))
    if f.hot_word:
        conditions.append(Case.id.in_(hot_words.cases_with_word_query(
            f.hot_word, f.received_from or _ANY_DAY[0], f.received_to or _ANY_DAY[1])))
    return conditions


def filter_conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter (the figures count with the queue's own words)."""
    return _filter_conditions(f)


def _listed(tags: frozenset[str]) -> ColumnElement[bool]:
    """Cases whose comma-joined ``tags`` name one of ``tags``: a test of the column
    (ix_cases_q_category holds it), a substring first, the whole name between commas
    only where it is found."""
    return or_(*(and_(func.instr(Case.tags, t) > 0,
                      func.instr("," + Case.tags + ",", f",{t},") > 0) for t in sorted(tags)))


def _tagged(tags: frozenset[str], *, drive: bool) -> ColumnElement[bool]:
    """Cases carrying one of ``tags``.

    ``drive``: look the tagged cases up by id and sort them (few tagged cases and no
    other condition). Otherwise the other conditions' index (or the sort's) is walked
    and each entry is tested by rowid against the tagged set: every index entry holds
    its rowid, so the test reads no table page. Testing ``cases.id`` instead read the
    case row of every entry walked, which on an encrypted store means decrypting it
    (0.5 s for a rare tag among a million cases, against 60 ms now)."""
    names = sorted(tags)
    if drive:
        return Case.id.in_(select(CaseTag.case_id).where(CaseTag.tag.in_(names)))
    tagged_case = aliased(Case, name="tagged_case")
    tagged_rows = (select(literal_column("tagged_case.rowid"))
                   .select_from(CaseTag)
                   .join(tagged_case, tagged_case.id == CaseTag.case_id)
                   .where(CaseTag.tag.in_(names)))
    # "+": never drive the query from this list, only test against it.
    return literal_column("+cases.rowid").in_(tagged_rows)


@dataclass(frozen=True)
class _Segment:
    """One index-ordered part of a sort: ``where`` picks its rows, which are in the order
    of ``columns`` then rowid, all one way. ``label`` names it whatever other segments
    appear meanwhile (a category, a mediator id, the dated or undated deadlines)."""

    where: tuple[ColumnElement[bool], ...]
    columns: tuple[Any, ...]
    descending: bool
    label: Any = None

    def order(self, backwards: bool = False) -> tuple[Any, ...]:
        return _ordered_by(self.descending != backwards, *self.columns)

    def keys(self) -> tuple[Any, ...]:
        """The sort values as stored (read and bound back without conversion, so a
        value compares equal to itself), rowid last."""
        return (*(literal_column(f"cases.{c.key}") for c in self.columns), _ROWID)

    def beyond(self, values: tuple[Any, ...], backwards: bool) -> ColumnElement[bool]:
        """Rows strictly after ``values`` in this order (before, ``backwards``). A row
        value compared with the index's own columns: SQLite starts the walk there."""
        left = tuple_(*self.keys())
        right = tuple_(*(v if isinstance(v, BindParameter) else literal(v) for v in values))
        return left < right if self.descending != backwards else left > right


@dataclass(frozen=True)
class RowKey:
    """Where a row sits in its query's order: its segment's label and its sort values as
    stored, rowid last. A page starts after (or ends before) a key rather than at an
    offset: it costs what the first page costs however deep it is, and rows inserted
    or changed meanwhile cannot shift it. A key stays a valid place in the order after
    its own row has changed or gone."""

    segment: Any
    values: tuple[Any, ...]


_ROWID = literal_column("cases.rowid")


def _ordered_by(descending: bool, *columns: Any) -> tuple[Any, ...]:
    """``columns`` then rowid, all one way: the order of an index on ``columns``, so
    SQLite walks the index instead of sorting."""
    if descending:
        return (*(c.desc() for c in columns), _ROWID.desc())
    return (*(c.asc() for c in columns), _ROWID.asc())


def _grouped(column: Any, values: list[Any], descending: bool,
             nulls_last: bool = False, within: tuple[Any, ...] = (Case.received_at,),
             blank_last: bool = False) -> list[_Segment]:
    """One segment per value in display order, newest first within each (``within``:
    the columns after ``column`` in its index); NULL last, or the blank text last
    (``blank_last``: the values are those in use, which leave the blank out)."""
    ordered = list(reversed(values)) if descending else list(values)
    segments = [_Segment((column == v,), within, True, v) for v in ordered]
    if nulls_last:
        segments.append(_Segment((column.is_(None),), within, True, None))
    if blank_last:
        segments.append(_Segment((column == "",), within, True, ""))
    return segments


def _segments(ws: Workstation, sort: SortKey, descending: bool) -> list[_Segment]:
    simple = {
        SortKey.RECEIVED: Case.received_at,
        SortKey.TICKET: Case.source_ticket,
        SortKey.COMPLAINANT: Case.complainant_name,
        SortKey.RESPONDENT: Case.respondent_name,
        SortKey.TAGS: Case.tags,
    }
    if sort in simple:
        return [_Segment((), (simple[sort],), descending)]
    if sort is SortKey.DEADLINE:
        return [
            # Ties by receipt, as ix_cases_q_deadline holds them: ordering ties by rowid
            # instead made SQLite sort every case (1.5 s on a million encrypted ones).
            # Said to be rare, so that counting it reads the index (0.5 s read as a
            # table scan on a million cases, 2 ms from the index).
            _Segment((func.likelihood(Case.next_deadline_on.is_not(None),
                                      literal_column("0.05")),),
                     (Case.next_deadline_on, Case.received_at), descending, "dated"),
            _Segment((Case.next_deadline_on.is_(None),), (Case.received_at,), True,
                     "undated"),
        ]
    if sort is SortKey.STATUS:
        return _grouped(Case.status, [s.value for s in CaseStatus], descending)
    if sort is SortKey.SOURCE:
        return _grouped(Case.source, [s.value for s in Source], descending)
    if sort is SortKey.MEDIATOR:
        with ws.store.unit_of_work() as session:
            everyone = session.execute(select(Mediator.id, Mediator.name)).all()
        people = sorted(everyone, key=lambda p: _pinyin_key(p[1]))
        # Ties by status, as ix_cases_q_mediator_received holds them: by rowid alone,
        # SQLite sorted each run of equal times (a third of the walk's time).
        return _grouped(Case.mediator_id, [pid for pid, _ in people], descending,
                        nulls_last=True, within=(Case.received_at, Case.status))
    options = filter_options(ws)
    if sort is SortKey.CATEGORY:
        # Ties in the order of ix_cases_q_category (see the mediator's).
        # A work order without a category or a region (an export that left them out)
        # comes after those with one, never out of the list.
        return _grouped(Case.category, list(options.categories), descending,
                        within=(Case.received_at, Case.status, Case.source, Case.region,
                                Case.tags), blank_last=True)
    return _grouped(Case.region, list(options.regions), descending, blank_last=True)


def _base_conditions(ws: Workstation, query: QueueQuery,
                     search_ids: tuple[uuid.UUID, ...] | None,
                     tags_drive: bool = False) -> list[ColumnElement[bool]]:
    by_category = bool(query.filter.categories)
    conditions = [LIVE, *_view_conditions(ws, query.view, by_category=by_category),
                  *_filter_conditions(query.filter, tags_drive=tags_drive,
                                      by_category=by_category)]
    if search_ids is not None:
        conditions.append(Case.id.in_(search_ids))
    return conditions


def _counted_parts(ws: Workstation, query: QueueQuery,
                   search_ids: tuple[uuid.UUID, ...] | None) -> list[list[ColumnElement[bool]]]:
    """``_base_conditions`` as the disjoint parts of its view (``_view_parts``), each
    with the filters and the search: a count is the sum of theirs."""
    by_category = bool(query.filter.categories)
    rest = _filter_conditions(query.filter, by_category=by_category)
    if search_ids is not None:
        rest.append(Case.id.in_(search_ids))
    return [[LIVE, *part, *rest]
            for part in _view_parts(ws, query.view, by_category=by_category)]


def _count_parts(session, parts: list[list[ColumnElement[bool]]],
                 extra: tuple[ColumnElement[bool], ...] = ()) -> int:
    return sum(_count(session, [*part, *extra]) for part in parts)


def _search(ws: Workstation, text: str) -> tuple[tuple[uuid.UUID, ...], SearchOutcome] | None:
    if not text.strip():
        return None
    with ws.store.unit_of_work() as session:
        hits = search.find_cases(session, text)
    return hits.case_ids, SearchOutcome(len(hits.case_ids), hits.more)


def _tags_only(query: QueueQuery) -> bool:
    """A query whose only condition is a tag filter, counted from the tag index alone."""
    return (bool(query.filter.tags) and not query.search and query.view is QueueView.ALL
            and query.filter == QueueFilter(tags=query.filter.tags))


def count_cases(ws: Workstation, query: QueueQuery) -> int:
    """How many cases the query lists (the search part capped at its limit)."""
    if _tags_only(query):
        # Tags alone: count the tag index (case_tags holds live cases only) instead of
        # probing a million cases.
        with ws.store.unit_of_work() as session:
            return session.scalar(
                select(func.count(func.distinct(CaseTag.case_id)))
                .where(CaseTag.tag.in_(sorted(query.filter.tags)))) or 0
    found = _search(ws, query.search)
    parts = _counted_parts(ws, query, found[0] if found else None)
    with ws.store.unit_of_work() as session:
        return _count_parts(session, parts)


def _count(session, conditions: list[ColumnElement[bool]]) -> int:
    """count(*) of the live cases matching ``conditions``. With no condition but LIVE,
    SQLite scans the whole table (0.4 s on a million cases) although every partial index
    holds exactly those rows; a condition that is always true for a case (every case
    has a status) lets it count the entries of the status index instead (50 ms)."""
    if len(conditions) == 1:
        conditions = [*conditions, Case.status > ""]
    return session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0


def query_conditions(ws: Workstation, query: QueueQuery) -> list[ColumnElement[bool]]:
    """The WHERE of ``query`` over ``cases`` (its view, filters and search), for reading
    every case it lists (an export) rather than a page of them."""
    found = _search(ws, query.search)
    return _base_conditions(ws, query, found[0] if found else None)


def search_outcome(ws: Workstation, text: str) -> SearchOutcome | None:
    found = _search(ws, text)
    return found[1] if found else None


def fetch_cases(ws: Workstation, query: QueueQuery, offset: int, limit: int) -> QueuePage:
    """Rows ``offset`` .. ``offset + limit`` of the query in its sort order."""
    found = _search(ws, query.search)
    return _fetch(ws, query, found[0] if found else None, None, offset, limit)


def fetch_page(ws: Workstation, query: QueueQuery, start: RowKey | None, skip: int,
               limit: int, *, backwards: bool = False) -> QueuePage:
    """``limit`` rows of the query in its order after the row whose key is ``start``
    (from the first row when None), ``skip`` rows on. ``backwards``: the rows before
    ``start`` (from the last row when None), walking back ``skip`` rows first; the page
    still comes in the query's order. ``offset`` of the page is -1: it is known only to
    whoever holds the key."""
    found = _search(ws, query.search)
    return _fetch(ws, query, found[0] if found else None, start, skip, limit,
                  backwards=backwards)


Anchor = tuple[int, RowKey]  # a row and its key


def anchors(ws: Workstation, query: QueueQuery, every: int, state: Any = None, *,
            after: Anchor | None = None, most: int | None = None) -> tuple[Anchor, ...]:
    """The key of every ``every``-th row (rows ``every - 1``, ``2 * every - 1`` …): the
    places a jump deep into the list starts from (``fetch_page(key, skip)`` with a skip
    below ``every``). A walk over the query's index entries in steps of ``every`` rows,
    reading no case row where the sort's index answers the query (0.1–0.3 s a million
    rows): ``most`` anchors at a time, going on ``after`` the last one a call returned;
    ``state.raise_if_cancelled`` between steps."""
    found = _search(ws, query.search)
    plan = _plan(ws, query, found[0] if found else None)
    out: list[Anchor] = []
    base = -1 if after is None else after[0]
    segments = plan.segments
    resume: tuple[Any, ...] | None = None
    if after is not None:
        labels = [segment.label for segment in segments]
        if after[1].segment not in labels:  # its segment is gone: no more anchors
            return ()
        segments = segments[labels.index(after[1].segment):]
        resume = after[1].values
    with ws.store.unit_of_work() as session:
        connection = session.connection()
        need = every  # the next anchor is this many rows on
        for segment in segments:
            first, then = _nth_key_statement(plan, segment, False), None
            # The last anchor's values in this segment.
            values, resume = resume, None
            while most is None or len(out) < most:
                if state is not None:
                    state.raise_if_cancelled()
                take = min(need, _MIN_ROWS)
                params = {"skip": need - take, "take": take}
                if values is None:
                    row = connection.execute(first, params).first()
                else:
                    then = then if then is not None else _nth_key_statement(plan, segment, True)
                    params.update((f"v{i}", v) for i, v in enumerate(values))
                    row = connection.execute(then, params).first()
                if row is None:  # the segment ends first: count what it had left
                    extra = list(segment.where)
                    if values is not None:
                        extra.append(segment.beyond(values, False))
                    need -= _count_parts(session, plan.parts, tuple(extra))
                    break
                values = tuple(row)
                out.append((base + (len(out) + 1) * every, RowKey(segment.label, values)))
                need = every
    return tuple(out)


# SQLite sorts the whole table rather than walk the sort's index when a query over the
# queue's partial indexes asks for few rows (below ~50 of a million: 0.6–1.7 s instead
# of a millisecond); pages and steps ask for at least this many.
_MIN_ROWS = 200


def _nth_key_statement(plan: _Plan, segment: _Segment, keyed: bool) -> Select:
    """The sort values of the row ``skip + take`` of ``segment`` (after the values
    ``v0``, ``v1`` … when ``keyed``): the last of the ``take`` rows up to it, picked in
    SQL. Made once a segment and run with new values at each step."""
    where = list(segment.where)
    if keyed:
        n = len(segment.keys())
        where.append(segment.beyond(tuple(bindparam(f"v{i}") for i in range(n)), False))
    walked = (_ordered_keys(plan, segment, where, False)
              .offset(bindparam("skip")).limit(bindparam("take")).subquery())
    return select(*walked.c).offset(bindparam("take") - 1).limit(1)


def _ordered_keys(plan: _Plan, segment: _Segment, where: list[ColumnElement[bool]],
                  backwards: bool) -> Select | CompoundSelect:
    """The keys (``k0``, ``k1`` …, rowid last) of ``segment``'s rows within ``where``,
    in its order (reversed, ``backwards``), from its index alone where it can.

    With several categories chosen, a segment in order of receipt is read as one
    ordered walk of ix_cases_q_category per category, merged (UNION ALL): asked for
    them all at once, SQLite walked each category's entries oldest first and sorted,
    reading the case row of nearly every one (0.9 s for two large categories newest
    first, 3 ms merged)."""
    keys = [k.label(f"k{i}") for i, k in enumerate(segment.keys())]
    select_keys = select(*keys).select_from(Case).where(*plan.conditions, *where)
    if not _merged(plan, segment):
        return select_keys.order_by(*segment.order(backwards))
    descending = segment.descending != backwards
    by_label = [literal_column(k.name) for k in keys]
    return union_all(*(select_keys.where(arm) for arm in plan.arms)).order_by(
        *(k.desc() if descending else k.asc() for k in by_label))


def _merged(plan: _Plan, segment: _Segment) -> bool:
    return len(plan.arms) > 1 and segment.columns[0] is Case.received_at


@dataclass(frozen=True)
class _Plan:
    conditions: list[ColumnElement[bool]]
    parts: list[list[ColumnElement[bool]]]  # the conditions as disjoint parts, to count
    segments: list[_Segment]
    arms: tuple[ColumnElement[bool], ...] = ()  # one per category chosen (_ordered_keys)


def _plan(ws: Workstation, query: QueueQuery,
          search_ids: tuple[uuid.UUID, ...] | None) -> _Plan:
    drive = (_tags_only(query) and search_ids is None
             and _few_tagged(ws, query.filter.tags))
    return _Plan(_base_conditions(ws, query, search_ids, tags_drive=drive),
                 _counted_parts(ws, query, search_ids),
                 _segments(ws, query.sort, query.descending),
                 tuple(Case.category == c for c in sorted(query.filter.categories)))


# A skip longer than this counts the rows of each segment it may pass first (a count
# reads the index faster than OFFSET walks it); a shorter one tries OFFSET first.
_COUNT_FIRST = 20_000


def _walk(session, plan: _Plan, start: RowKey | None, skip: int, limit: int, *,
          backwards: bool) -> list[tuple[Case, RowKey]]:
    """Up to ``limit`` (case, key) pairs in walking order (reversed when ``backwards``)
    after ``start``, past ``skip`` rows."""
    order = list(reversed(plan.segments)) if backwards else plan.segments
    at = 0
    if start is not None:
        labels = [seg.label for seg in order]
        # A segment gone meanwhile (its last case changed): from the beginning.
        at = labels.index(start.segment) if start.segment in labels else 0
    found: list[tuple[Case, RowKey]] = []
    for i, segment in enumerate(order[at:]):
        if len(found) >= limit:
            break
        extra = list(segment.where)
        if start is not None and i == 0 and start.segment == segment.label:
            extra.append(segment.beyond(start.values, backwards))
        if skip > _COUNT_FIRST and segment is not order[-1]:
            size = _count_parts(session, plan.parts, tuple(extra))
            if skip >= size:
                skip -= size
                continue
        wanted = limit - len(found)
        result = _rows(session, plan, segment, extra, skip, wanted, backwards)
        if not result and skip:
            # All of this segment lay within the skip: how many it had.
            skip -= _count_parts(session, plan.parts, tuple(extra))
            continue
        skip = 0
        found.extend((case, RowKey(segment.label, key)) for case, key in result)
    return found


def _rows(session, plan: _Plan, segment: _Segment, extra: list[ColumnElement[bool]],
          skip: int, wanted: int, backwards: bool) -> list[tuple[Case, tuple[Any, ...]]]:
    """Up to ``wanted`` (case, key) pairs of ``segment`` within ``extra``, ``skip`` on."""
    if not _merged(plan, segment):  # one walk, reading only the rows it returns
        keys = segment.keys()
        with session.execute(select(Case, *keys).where(*plan.conditions, *extra)
                             .order_by(*segment.order(backwards)).offset(skip)
                             .limit(max(wanted, _MIN_ROWS))) as rows:
            return [(r[0], tuple(r[1:])) for r in rows.fetchmany(wanted)]
    # Merged: the keys first (skipped rows read from the indexes alone), then the cases.
    ordered = _ordered_keys(plan, segment, extra, backwards)
    with session.execute(ordered.offset(skip).limit(max(wanted, _MIN_ROWS))) as rows:
        keyed = [tuple(r) for r in rows.fetchmany(wanted)]
    by_rowid = dict(session.execute(  # the same transaction: every one is there
        select(_ROWID, Case).where(_ROWID.in_([k[-1] for k in keyed]))).all())
    return [(by_rowid[k[-1]], k) for k in keyed]


def _fetch(ws: Workstation, query: QueueQuery, search_ids: tuple[uuid.UUID, ...] | None,
           start: RowKey | None, skip: int, limit: int, *,
           backwards: bool = False) -> QueuePage:
    plan = _plan(ws, query, search_ids)
    with ws.store.unit_of_work() as session:
        walked = _walk(session, plan, start, skip, limit, backwards=backwards)
        if backwards:
            walked.reverse()
        names = dict(session.execute(select(Mediator.id, Mediator.name)).all())
        unverified = _unverified(ws, session)
        groups = group_titles(session, [c.id for c, _ in walked])
        rows = tuple(_summary(c, names.get(c.mediator_id, ""), unverified,
                              groups.get(c.id, "")) for c, _ in walked)
    offset = skip if start is None and not backwards else -1
    return QueuePage(rows, offset, tuple(k for _, k in walked))


@dataclass(frozen=True)
class QueueOpening:
    """What the queue shows first for a query: its count, its first page and, for a
    search, how many matched."""

    count: int
    page: QueuePage
    search: SearchOutcome | None


def open_query(ws: Workstation, query: QueueQuery, limit: int,
               count: int | None = None) -> QueueOpening:
    """``count_cases``, ``fetch_cases(0, limit)`` and ``search_outcome`` in one call,
    running the search once instead of three times. ``count``: the count, known already
    (the same cases in another order)."""
    found = _search(ws, query.search)
    ids = found[0] if found else None
    if count is not None:
        pass
    elif _tags_only(query):
        count = count_cases(ws, query)  # the tag index alone
    else:
        parts = _counted_parts(ws, query, ids)
        with ws.store.unit_of_work() as session:
            count = _count_parts(session, parts)
    page = _fetch(ws, query, ids, None, 0, limit) if count else QueuePage((), 0)
    return QueueOpening(count, page, found[1] if found else None)


# Below this many tagged cases, and with no other condition, fetching looks them up by
# id and sorts them; above, it walks the sort's index testing each entry's rowid, which
# finds a page of rows within 100 / (share tagged) index entries.
FEW_TAGGED = 1_000


def _few_tagged(ws: Workstation, tags: frozenset[str]) -> bool:
    with ws.store.unit_of_work() as session:
        found = session.scalar(select(func.count()).select_from(
            select(CaseTag.case_id).where(CaseTag.tag.in_(sorted(tags)))
            .limit(FEW_TAGGED).subquery()))
    return (found or 0) < FEW_TAGGED


def view_counts(ws: Workstation) -> dict[QueueView, int]:
    """The sidebar's numbers, one query per view, each answered from an index."""
    counts: dict[QueueView, int] = {}
    with ws.store.unit_of_work() as session:
        by_status = dict(session.execute(
            select(Case.status, func.count()).where(LIVE).group_by(Case.status)).all())
        # 待回访: the closed cases, and the followed-up members whose refund is overdue.
        again = session.scalar(
            select(func.count()).select_from(Case).where(
                LIVE, Case.id.in_(refund_overdue_cases(ws.actor.office_id,
                                                       china_today(ws.now()))),
                Case.status.in_(FOLLOW_UP_AGAIN))) or 0
        for view in QueueView:
            if view in (QueueView.TO_ACCEPT, QueueView.MEDIATING, QueueView.TO_FOLLOW_UP,
                        QueueView.CLOSED, QueueView.ALL):
                continue
            counts[view] = session.scalar(
                select(func.count()).select_from(Case)
                .where(LIVE, *_view_conditions(ws, view))) or 0
    counts[QueueView.TO_ACCEPT] = by_status.get(CaseStatus.RECEIVED.value, 0)
    counts[QueueView.MEDIATING] = by_status.get(CaseStatus.MEDIATING.value, 0)
    counts[QueueView.TO_FOLLOW_UP] = by_status.get(CaseStatus.CLOSED.value, 0) + again
    counts[QueueView.CLOSED] = sum(by_status.get(s.value, 0) for s in CLOSED_STATUSES)
    counts[QueueView.ALL] = sum(by_status.values())
    return {view: counts[view] for view in QueueView}


def filter_options(ws: Workstation) -> FilterOptions:
    """The categories, regions and tags in use, in pinyin order (for the filter bar)."""
    with ws.store.unit_of_work() as session:
        categories = _distinct(session, Case.category)
        regions = _distinct(session, Case.region)
        tags = [t for (t,) in session.execute(select(CaseTag.tag).distinct())]
    return FilterOptions(
        tuple(sorted((c for c in categories if c), key=_pinyin_key)),
        tuple(sorted((r for r in regions if r), key=_pinyin_key)),
        tuple(sorted(tags, key=_pinyin_key)),
    )


def _distinct(session, column) -> list[str]:
    """Distinct values of an indexed column, by skipping through its index (a handful of
    lookups instead of reading a million entries)."""
    values: list[str] = []
    current = session.scalar(select(func.min(column)).where(LIVE))
    while current is not None:
        values.append(current)
        current = session.scalar(select(func.min(column)).where(LIVE, column > current))
    return values
