"""Reading the platforms' messy exports, cell by cell (issue 15, item 1: the pure part)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.core.work_order_import import (
    ImportField,
    ImportValueError,
    ValueProblem,
    clean_text,
    find_header_row,
    guess_mapping,
    id_number,
    parse_received,
    phone_text,
    ticket_text,
)

F = ImportField


def test_the_mapping_is_guessed_from_each_platforms_chinese_headers():
    headers = ["序号", " 工单编号 ", "来电时间*", "来电人", "联系电话", "被诉主体",
               "诉求内容", "问题分类", "所属街镇", "备注"]
    assert guess_mapping(headers) == {
        1: F.TICKET, 2: F.RECEIVED_AT, 3: F.COMPLAINANT, 4: F.PHONE, 5: F.RESPONDENT,
        6: F.CONTENT, 7: F.CATEGORY, 8: F.REGION}
    other = ["工单号（12315）", "受理时间", "投诉人", "被投诉单位", "投诉内容"]
    assert guess_mapping(other) == {0: F.TICKET, 1: F.RECEIVED_AT, 2: F.COMPLAINANT,
                                    3: F.RESPONDENT, 4: F.CONTENT}


def test_the_header_is_found_under_the_title_rows():
    rows = [["浦东新区12345工单导出"], ["导出时间：2026-03-05", None],
            [None, None, None],
            ["工单编号", "登记时间", "诉求人", "诉求内容"],
            ["1310115202603050001", 46086.38, "李秀英", "要求退费"]]
    assert find_header_row(rows) == 3
    assert find_header_row([["无关"], ["表头"]]) is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("2026/3/5 9:07", datetime(2026, 3, 5, 9, 7)),
    ("2026-03-05 09:07:00", datetime(2026, 3, 5, 9, 7)),
    ("2026年3月5日", datetime(2026, 3, 5)),
    ("２０２６年３月５日　９：０７", datetime(2026, 3, 5, 9, 7)),  # full-width digits
    ("2026.3.5", datetime(2026, 3, 5)),
    (46086.375, datetime(2026, 3, 5, 9, 0)),  # an Excel serial
    (date(2026, 3, 5), datetime(2026, 3, 5)),
    (datetime(2026, 3, 5, 9, 7), datetime(2026, 3, 5, 9, 7)),
])
def test_dates_in_every_form_the_exports_write(cell, expected):
    assert parse_received(cell) == expected


@pytest.mark.parametrize("cell", ["2026-02-30", "下午三点", "", 7, "2026/13/1"])
def test_a_date_no_export_writes_is_refused(cell):
    with pytest.raises(ImportValueError) as refused:
        parse_received(cell)
    assert refused.value.problem is ValueProblem.BAD_DATE


def test_an_id_kept_as_a_number_is_refused_never_rounded():
    assert id_number(" 31011519800506123x ") == "31011519800506123X"
    with pytest.raises(ImportValueError) as refused:
        id_number(3.10115198005061e17)  # what Excel made of 310115198005061234
    assert refused.value.problem is ValueProblem.ROUNDED
    assert ticket_text(" 1310115202603050001 ") == "1310115202603050001"
    assert ticket_text(20260305001.0) == "20260305001"  # short enough to be exact
    with pytest.raises(ImportValueError):
        ticket_text(1310115202603050001.0)  # 19 digits as a number: 1310115202603049984


def test_text_loses_html_full_width_digits_and_stray_spaces():
    assert clean_text("<p>退还&nbsp;预付款</p><br/>  ３２００元 ") == "退还 预付款 ３２００元".replace(
        "３２００", "3200")
    assert clean_text(None) == ""
    assert phone_text(13812345678.0) == "13812345678"
    assert phone_text("１３８ １２３４ ５６７８") == "138 1234 5678"


def test_rows_become_values_with_each_problem_named_by_row_and_column():
    from app.core.work_order_import import convert_rows

    rows = [["工单导出"],
            ["工单编号", "来电时间", "来电人", "身份证号", "诉求内容"],
            ["1310115202603050001", "2026/3/5 9:07", " 李秀英 ", 3.10115198005061e17, "退费"],
            [None, None, None, None, None],  # a blank row between blocks
            ["1310115202603050001", "2026-02-30", "王五", "310115198005061234", "<b>退卡</b>"],
            ["1310115202603050002", 46086.375, "赵六", None, "投诉"]]
    header = find_header_row(rows)
    converted = convert_rows(rows, header, guess_mapping(rows[header]))
    assert [c.row for c in converted] == [3, 5, 6]  # spreadsheet row numbers; blank skipped
    first, second, third = converted
    assert first.values[F.COMPLAINANT] == "李秀英" and F.ID_NUMBER not in first.values
    assert [(p.field, p.problem) for p in first.problems] == [(F.ID_NUMBER, ValueProblem.ROUNDED)]
    assert {(p.field, p.problem) for p in second.problems} == {
        (F.RECEIVED_AT, ValueProblem.BAD_DATE), (F.TICKET, ValueProblem.DUPLICATE)}
    assert second.values[F.CONTENT] == "退卡" and F.TICKET not in second.values
    assert third.problems == () and third.values[F.RECEIVED_AT] == datetime(2026, 3, 5, 9, 0)
