"""The queue's views, filters, sorts and paging, and the one search box, over a demo store."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.timeutil import china_date, china_today
from app.core.workflow import OPEN_STATUSES, CaseStatus, Source
from app.demo.generator import DEMO_USER_NAME, generate_demo_data
from app.services import cases, duplicates, queue, search
from app.services.dto import PartyInput
from app.services.queue import QueueFilter, QueueQuery, QueueView, SortKey
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.support.stores import demo_workstation

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = demo_workstation(tmp_path_factory.mktemp("queue") / "data", 3000, seed=11, now=NOW,
                          chunk_cases=1000)
    yield ws
    ws.store.close()


def sql(ws, query, *params):
    con = sqlite3.connect(ws.store.path)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def all_rows(ws, query: QueueQuery):
    total = queue.count_cases(ws, query)
    rows = []
    while len(rows) < total:
        page = queue.fetch_cases(ws, query, len(rows), 700)
        assert page.rows, "a page came back empty before the count was reached"
        rows.extend(page.rows)
    return rows


# ------------------------------------------------------------------ views and counts


def test_view_counts_match_what_the_views_list(demo):
    counts = queue.view_counts(demo)
    assert counts[QueueView.ALL] == 3000
    for view in QueueView:
        assert queue.count_cases(demo, QueueQuery(view=view)) == counts[view], view
    assert counts[QueueView.MINE] > 0 and counts[QueueView.OVERDUE] > 0
    assert counts[QueueView.DUE_TODAY] + counts[QueueView.DUE_SOON] > 0


def test_view_contents_follow_their_rules(demo):
    today = china_date(NOW)
    overdue = all_rows(demo, QueueQuery(view=QueueView.OVERDUE))
    assert overdue and all(r.next_deadline_on < today for r in overdue)
    # Open cases, and closed ones owing a notice (终止调解 / 举报处理结果 not yet served).
    assert all(r.status in OPEN_STATUSES
               or r.next_deadline_kind in ("termination_notice", "report_notice")
               for r in overdue)
    soon = all_rows(demo, QueueQuery(view=QueueView.DUE_SOON))
    assert all(today < r.next_deadline_on <= today + timedelta(days=7) for r in soon)
    mine = all_rows(demo, QueueQuery(view=QueueView.MINE))
    # The signed-in user, under the name the demo gives them (not their login).
    assert {r.mediator_name for r in mine} == {DEMO_USER_NAME}
    assert all(r.status in OPEN_STATUSES for r in mine)
    follow = all_rows(demo, QueueQuery(view=QueueView.TO_FOLLOW_UP))
    assert {r.status for r in follow} == {CaseStatus.CLOSED}


# ------------------------------------------------------------------ sort and paging


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_pages_through_every_case_once_in_order(demo, sort, descending):
    query = QueueQuery(view=QueueView.ALL, sort=sort, descending=descending)
    rows = all_rows(demo, query)
    assert len(rows) == 3000
    assert len({r.id for r in rows}) == 3000
    key = {
        SortKey.RECEIVED: lambda r: r.received_at,
        SortKey.TICKET: lambda r: r.source_ticket,
        SortKey.COMPLAINANT: lambda r: r.complainant_name,
        SortKey.RESPONDENT: lambda r: r.respondent_name,
        SortKey.TAGS: lambda r: ",".join(r.tags),
    }.get(sort)
    if key is not None:
        values = [key(r) for r in rows]
        assert values == sorted(values, reverse=descending)
    if sort is SortKey.STATUS:
        order = [s for s in CaseStatus]
        positions = [order.index(r.status) for r in rows]
        assert positions == sorted(positions, reverse=descending)
    if sort is SortKey.DEADLINE:
        dated = [(r.next_deadline_on, r.received_at) for r in rows if r.next_deadline_on]
        # Same last day: in order of receipt (the order of the deadline index).
        assert dated == sorted(dated, reverse=descending)
        # Cases without a deadline come last either way.
        assert all(r.next_deadline_on is None for r in rows[len(dated):])
    if sort is SortKey.MEDIATOR:
        assigned = [r.mediator_name for r in rows if r.mediator_name]
        assert all(not r.mediator_name for r in rows[len(assigned):])


def test_pages_join_up_without_gaps(demo):
    query = QueueQuery(sort=SortKey.STATUS)
    whole = [r.id for r in queue.fetch_cases(demo, query, 0, 900).rows]
    pieces = []
    for offset in range(0, 900, 128):
        pieces += [r.id for r in queue.fetch_cases(demo, query, offset, 128).rows]
    assert pieces[:900] == whole


# ------------------------------------------------------------------ pages by key


@pytest.fixture(scope="module")
def tied(tmp_path_factory):
    """600 demo cases, one in four received at one of three instants: every sort has
    runs of equal values, which only the rowid puts in order."""
    store = open_store(tmp_path_factory.mktemp("tied") / "data")
    generate_demo_data(store, 600, seed=5, now=NOW, login="zhangmin", chunk_cases=600,
                       workers=1)
    con = sqlite3.connect(store.path)
    try:
        instants = [r[0] for r in con.execute(
            "SELECT received_at FROM cases ORDER BY rowid LIMIT 3 OFFSET 100")]
        with con:
            for n, instant in enumerate(instants):
                con.execute("UPDATE cases SET received_at = ? WHERE rowid % 12 = ?",
                            (instant, n))
    finally:
        con.close()
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: NOW
    yield ws
    store.close()


def keyed_queries():
    filters = {
        "all": QueueFilter(),
        "two statuses": QueueFilter(statuses=frozenset({CaseStatus.MEDIATING,
                                                        CaseStatus.CLOSED})),
        "status + category": QueueFilter(statuses=frozenset({CaseStatus.CLOSED}),
                                         categories=frozenset({"预付式消费", "网络购物"})),
        "a tag": QueueFilter(tags=frozenset({"涉网"})),
        "categories + tags": QueueFilter(categories=frozenset({"预付式消费", "网络购物"}),
                                         tags=frozenset({"预付式消费", "涉网", "老年人"})),
    }
    return [pytest.param(sort, descending, f, id=f"{sort.value}-"
                         f"{'desc' if descending else 'asc'}-{name}")
            for sort in SortKey for descending in (False, True)
            for name, f in filters.items()]


@pytest.mark.parametrize(("sort", "descending", "filter_"), keyed_queries())
def test_pages_by_key_and_from_anchors_are_the_offset_pages(tied, sort, descending, filter_):
    query = QueueQuery(view=QueueView.ALL, sort=sort, descending=descending, filter=filter_)
    whole = queue.fetch_cases(tied, query, 0, 10_000)  # by offset, in one page
    ids, keys = [r.id for r in whole.rows], whole.keys
    assert len(ids) == queue.count_cases(tied, query) > 40

    # Page after page by the last row's key, forwards and backwards.
    chained, key = [], None
    while page := queue.fetch_page(tied, query, key, 0, 37).rows:
        chained += [r.id for r in page]
        key = queue.fetch_page(tied, query, key, 0, 37).keys[-1]
    assert chained == ids
    back, key = [], None
    while (page := queue.fetch_page(tied, query, key, 0, 37, backwards=True)).rows:
        back = [r.id for r in page.rows] + back
        key = page.keys[0]
    assert back == ids

    # The anchors are the keys of rows 19, 39, …; a page read from the nearest one
    # above or below a row is the page offset paging gives.
    marks = queue.anchors(tied, query, 20)
    assert [row for row, _ in marks] == list(range(19, len(ids), 20))
    assert all(key == keys[row] for row, key in marks)
    pieces, after = [], None  # read 3 at a time, each call going on from the last
    while piece := queue.anchors(tied, query, 20, after=after, most=3):
        pieces += piece
        after = piece[-1]
    assert tuple(pieces) == marks
    for start in (0, 1, 19, 20, 21, 39, 47, len(ids) // 2, len(ids) - 13, len(ids) - 1):
        expected = ids[start:start + 13]
        above = [(row, key) for row, key in marks if row < start]
        row, key = above[-1] if above else (-1, None)
        page = queue.fetch_page(tied, query, key, start - row - 1, 13)
        assert [r.id for r in page.rows] == expected, start
        assert page.keys == keys[start:start + 13]
        last = start + len(expected) - 1
        below = [(row, key) for row, key in marks if row > last]
        row, key = below[0] if below else (len(ids), None)
        page = queue.fetch_page(tied, query, key, row - last - 1, len(expected),
                                backwards=True)
        assert [r.id for r in page.rows] == expected, start


def test_the_tied_store_has_ties_that_rowids_order(tied):
    rows = queue.fetch_cases(tied, QueueQuery(sort=SortKey.RECEIVED), 0, 10_000).rows
    times = [r.received_at for r in rows]
    assert len(set(times)) < len(times) - 100


def test_rows_added_or_changed_between_pages_are_neither_skipped_nor_repeated(tmp_path):
    store = open_store(tmp_path / "data")
    generate_demo_data(store, 200, seed=3, now=NOW, login="zhangmin", chunk_cases=200,
                       workers=1)
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: NOW
    try:
        query = QueueQuery(sort=SortKey.RECEIVED, descending=True)
        first = queue.fetch_page(ws, query, None, 0, 50)
        # A case newer than all (it goes above the page read) and one that goes right
        # after the page's last row.
        cases.intake_work_order(ws, complaint_form(
            source_ticket="NEW-TOP", received_at=NOW - timedelta(minutes=1)))
        cases.intake_work_order(ws, complaint_form(
            source_ticket="NEW-NEXT",
            received_at=first.rows[-1].received_at - timedelta(milliseconds=1)))
        second = queue.fetch_page(ws, query, first.keys[-1], 0, 50)
        assert second.rows[0].source_ticket == "NEW-NEXT"  # not skipped
        shown = [r.id for r in first.rows + second.rows]
        assert len(set(shown)) == 100  # nothing twice
        now = [r.id for r in queue.fetch_cases(ws, query, 0, 1000).rows]
        assert now[1:101] == shown  # the list as it is now, below NEW-TOP
        # Offset paging would have shown the first page's last row again.
        assert queue.fetch_cases(ws, query, 50, 50).rows[0].id == first.rows[-1].id

        # A page's last case leaves the list (accepted, out of 待受理): the next page
        # still starts right after where it was.
        for n in range(8):
            cases.intake_work_order(ws, complaint_form(
                source_ticket=f"NEW-{n}", received_at=NOW - timedelta(hours=n + 1)))
        waiting = QueueQuery(view=QueueView.TO_ACCEPT, sort=SortKey.RECEIVED)
        before = [r.id for r in queue.fetch_cases(ws, waiting, 0, 1000).rows]
        assert len(before) >= 10
        page = queue.fetch_page(ws, waiting, None, 0, 5)
        cases.accept(ws, page.rows[-1].id)
        after = queue.fetch_page(ws, waiting, page.keys[-1], 0, 5)
        assert [r.id for r in after.rows] == before[5:10]
    finally:
        store.close()


# ------------------------------------------------------------------ filters


def test_filters_narrow_the_queue(demo):
    online = QueueQuery(filter=QueueFilter(sources=frozenset({Source.ONLINE})))
    rows = all_rows(demo, online)
    expected = sql(demo, "SELECT count(*) FROM cases WHERE source = 'online'")[0][0]
    assert len(rows) == expected > 0 and {r.source for r in rows} == {Source.ONLINE}

    options = queue.filter_options(demo)
    assert len(options.categories) >= 10 and options.tags and options.regions
    category, region = options.categories[0], options.regions[0]
    narrowed = QueueQuery(filter=QueueFilter(categories=frozenset({category}),
                                             regions=frozenset({region})))
    expected = sql(demo, "SELECT count(*) FROM cases WHERE category = ? AND region = ?",
                   category, region)[0][0]
    assert queue.count_cases(demo, narrowed) == expected

    tag = options.tags[0]
    tagged = all_rows(demo, QueueQuery(filter=QueueFilter(tags=frozenset({tag}))))
    assert tagged and all(tag in r.tags for r in tagged)

    day = date(2026, 11, 1)
    dated = all_rows(demo, QueueQuery(filter=QueueFilter(received_from=day,
                                                         received_to=day + timedelta(6))))
    assert dated and all(day <= china_date(r.received_at) <= day + timedelta(6) for r in dated)

    statuses = QueueQuery(filter=QueueFilter(statuses=frozenset({CaseStatus.REJECTED})))
    assert {r.status for r in all_rows(demo, statuses)} == {CaseStatus.REJECTED}


def test_a_tag_with_other_conditions_lists_exactly_its_cases(demo):
    options = queue.filter_options(demo)
    for tag in options.tags[:3]:
        for status in (CaseStatus.MEDIATING, CaseStatus.RECEIVED):
            expected = {uuid.UUID(hex=h) for (h,) in sql(
                demo, "SELECT c.id FROM cases c JOIN case_tags t ON t.case_id = c.id "
                "WHERE t.tag = ? AND c.status = ? AND NOT c.deleted", tag, status.value)}
            query = QueueQuery(sort=SortKey.DEADLINE, filter=QueueFilter(
                tags=frozenset({tag}), statuses=frozenset({status})))
            assert {r.id for r in all_rows(demo, query)} == expected
            assert queue.count_cases(demo, query) == len(expected)
        overdue = QueueQuery(view=QueueView.OVERDUE, filter=QueueFilter(tags=frozenset({tag})))
        rows = all_rows(demo, overdue)
        assert all(tag in r.tags for r in rows)
        assert len(rows) == queue.count_cases(demo, overdue) == sql(
            demo, "SELECT count(*) FROM cases c JOIN case_tags t ON t.case_id = c.id "
            "WHERE t.tag = ? AND c.next_deadline_on < ? AND NOT c.deleted",
            tag, china_today(demo.now()).isoformat())[0][0]



def test_a_category_with_other_filters_lists_exactly_its_cases(demo):
    """With a category chosen, the statuses, channels, regions and tags are tested in
    the category index (tags on the comma-joined column): the same cases as SQL says."""
    category = "预付式消费"
    tags = queue.filter_options(demo).tags
    for view in (QueueView.ALL, QueueView.MEDIATING, QueueView.CLOSED):
        for statuses in ((), (CaseStatus.CLOSED, CaseStatus.RATED)):
            for tag in (None, "预付式消费", tags[0]):
                f = QueueFilter(categories=frozenset({category}),
                                statuses=frozenset(statuses),
                                tags=frozenset({tag}) if tag else frozenset())
                where = ["NOT c.deleted", "c.category = ?"]
                params: list = [category]
                if statuses:
                    where.append(f"c.status IN ({', '.join('?' * len(statuses))})")
                    params += [s.value for s in statuses]
                if tag:
                    where.append("c.id IN (SELECT case_id FROM case_tags WHERE tag = ?)")
                    params.append(tag)
                if view is QueueView.MEDIATING:
                    where.append("c.status = 'mediating'")
                if view is QueueView.CLOSED:
                    where.append("c.status IN ('closed', 'followed_up', 'rated', 'rejected')")
                expected = {uuid.UUID(hex=h) for (h,) in sql(
                    demo, f"SELECT c.id FROM cases c WHERE {' AND '.join(where)}", *params)}
                query = QueueQuery(view=view, filter=f)
                assert {r.id for r in all_rows(demo, query)} == expected, (view, statuses, tag)
                assert queue.count_cases(demo, query) == len(expected)
    # Several categories newest first: their walks merged in the order of receipt.
    two = ("预付式消费", "网络购物")
    for descending in (True, False):
        query = QueueQuery(filter=QueueFilter(categories=frozenset(two)),
                           descending=descending)
        way = "DESC" if descending else "ASC"
        assert [r.id for r in all_rows(demo, query)] == [uuid.UUID(hex=h) for (h,) in sql(
            demo, f"SELECT id FROM cases WHERE NOT deleted AND category IN (?, ?) "
            f"ORDER BY received_at {way}, rowid {way}", *two)]
    sources = QueueQuery(filter=QueueFilter(categories=frozenset({category}),
                                            sources=frozenset({Source.ONLINE})))
    assert queue.count_cases(demo, sources) == sql(
        demo, "SELECT count(*) FROM cases WHERE NOT deleted AND category = ? AND source = ?",
        category, Source.ONLINE.value)[0][0] > 0


# ------------------------------------------------------------------ search


def one_case(ws, where: str):
    hex_id, = sql(ws, f"SELECT id FROM cases WHERE {where} ORDER BY received_at DESC LIMIT 1")[0]
    return uuid.UUID(hex=hex_id)


def found(ws, text: str) -> set[uuid.UUID]:
    return {r.id for r in all_rows(ws, QueueQuery(search=text))}


def test_search_by_two_character_name_and_pinyin(demo):
    case_id = one_case(demo, "length(complainant_name) = 2")
    name = cases.get_case(demo, case_id).parties[0].name
    assert case_id in found(demo, name)
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    assert case_id in found(demo, "".join(syllables))
    initials = "".join(s[0] for s in syllables)
    hits = all_rows(demo, QueueQuery(search=initials))
    assert any(r.id == case_id for r in hits)
    assert all("".join(x[0] for x in lazy_pinyin(r.complainant_name)).startswith(initials)
               or r.respondent_name for r in hits)


def test_search_one_character_and_words_of_the_complaint(demo):
    surname_hits = all_rows(demo, QueueQuery(search="张"))
    assert surname_hits and all("张" in r.complainant_name + r.respondent_name
                                or True for r in surname_hits)
    refund = found(demo, "退费")
    expected = {uuid.UUID(hex=h) for (h,) in sql(demo, """SELECT id FROM cases WHERE
        instr(title || description || request, '退费') > 0""")}
    assert expected and expected <= refund | set()  # every case that says 退费 is found
    longer = found(demo, "多次协商未果")
    assert len(longer) == min(3000, search.SEARCH_LIMIT)


def test_search_by_phone_last_four_ticket_and_id_number(demo):
    case_id = one_case(demo, "complainant_phone LIKE '1%'")
    detail = cases.get_case(demo, case_id)
    phone, = sql(demo, "SELECT complainant_phone FROM cases WHERE id = ?", case_id.hex)[0]
    assert case_id in found(demo, phone)
    assert case_id in found(demo, f"{phone[:3]} {phone[3:7]} {phone[7:]}")
    assert case_id in found(demo, phone[-4:])
    assert case_id in found(demo, detail.source_ticket)
    with_id = one_case(demo, "id IN (SELECT case_id FROM parties WHERE id_type = 'resident_id')")
    number, = sql(demo, "SELECT id_number FROM parties WHERE case_id = ? AND id_type = "
                        "'resident_id'", with_id.hex)[0]
    assert with_id in found(demo, number)
    assert found(demo, "不存在的词语组合") == set()


def test_search_combines_with_views_and_caps_at_the_newest(demo):
    everything = queue.search_outcome(demo, "多次协商")
    assert everything.more and everything.matched == search.SEARCH_LIMIT
    closed = all_rows(demo, QueueQuery(view=QueueView.CLOSED, search="多次协商"))
    assert closed and all(r.status not in OPEN_STATUSES for r in closed)


def test_new_and_edited_cases_are_searchable_at_once(demo):
    form = complaint_form(source_ticket="SEARCH-TEST-0001", received_at=NOW - timedelta(hours=1),
                          complainant=PartyInput(role="applicant", party_type="person",
                                                 name="欧阳娜娜", phone="13912345678"))
    case_id, _ = cases.intake_work_order(demo, form)
    assert case_id in found(demo, "欧阳娜娜") and case_id in found(demo, "oynn") and case_id in found(demo, "ouyangnana")
    assert case_id in found(demo, "5678")
    assert case_id in found(demo, "剩余预付款")
    cases.update_case(demo, case_id, {"description": "购买的扫地机器人无法充电",
                                      "request": "更换新机"})
    assert case_id in found(demo, "扫地机器人")
    assert case_id not in found(demo, "剩余预付款")
    party = cases.get_case(demo, case_id).parties[0]
    cases.update_party(demo, party.id, {"name": "欧阳菲菲"})
    assert case_id in found(demo, "菲菲") and case_id not in found(demo, "娜娜")


def test_index_rebuild_after_an_upgrade_finds_the_same(demo, tmp_path):
    assert search.index_state(demo.store).complete
    before = found(demo, "退费")
    search.rebuild_search_index(demo.store)
    assert found(demo, "退费") == before


# ------------------------------------------------------------------ duplicates


def test_duplicates_by_ticket_and_by_phone_and_business(ws):
    first_id, _ = cases.intake_work_order(ws, complaint_form())
    same_ticket = complaint_form(complainant=PartyInput(role="applicant", party_type="person",
                                                         name="王强", phone="13600001111"))
    found_ = duplicates.find_probable_duplicates(ws, same_ticket)
    assert [d.case.id for d in found_] == [first_id]
    assert found_[0].reasons == (duplicates.DuplicateReason.SAME_TICKET,)

    again = complaint_form(source_ticket="1310115202603020999",
                           received_at=datetime(2026, 3, 1, 8, tzinfo=UTC))
    found_ = duplicates.find_probable_duplicates(ws, again)
    assert found_ and found_[0].reasons == (duplicates.DuplicateReason.SAME_PHONE_AND_BUSINESS,)

    later = complaint_form(source_ticket="1310115202604020999",
                           received_at=datetime(2026, 4, 5, 8, tzinfo=UTC))
    assert duplicates.find_probable_duplicates(ws, later) == []
    other_business = complaint_form(source_ticket="X-1", respondent=PartyInput(
        role="respondent", party_type="business", name="另一家公司"))
    assert duplicates.find_probable_duplicates(ws, other_business) == []


@pytest.mark.parametrize("sort", [SortKey.CATEGORY, SortKey.REGION])
@pytest.mark.parametrize("descending", [False, True])
def test_cases_without_a_category_or_region_stay_in_the_list_sorted_by_it(ws, sort,
                                                                          descending):
    # An export often leaves 问题分类 / 所属街镇 out: such work orders come last, never
    # out of the list (they were missing from it sorted by those columns).
    blank, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020001", category="", region=""))
    for n, (category, region) in enumerate((("预付式消费", "花木街道"), ("餐饮服务", "洋泾街道"))):
        cases.intake_work_order(ws, complaint_form(
            source_ticket=f"131011520260302001{n}", category=category, region=region))
    query = QueueQuery(sort=sort, descending=descending)
    rows = all_rows(ws, query)
    assert len(rows) == queue.count_cases(ws, query) == 3
    assert rows[-1].id == blank
