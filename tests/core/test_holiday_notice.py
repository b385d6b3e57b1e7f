"""The State Council's holiday notice read into a calendar year (issue 13, item 3)."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.calendar import WorkCalendar, seed_years_from_chinesecalendar
from app.core.holiday_notice import NoticeError, NoticeProblem, notice_year, parse_notice

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), as published.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。
"""


def test_the_2026_notice_gives_exactly_the_chinesecalendar_year():
    assert notice_year(NOTICE_2026) == 2026
    parsed = parse_notice(NOTICE_2026).calendar
    [reference] = seed_years_from_chinesecalendar([2026])
    assert parsed.holidays == reference.holidays
    assert parsed.adjusted_workdays == reference.adjusted_workdays
    assert dict(parsed.names) == dict(reference.names)
    assert parse_notice(NOTICE_2026).other_years == ()
    # Copied from a web page as one run of text, it reads the same.
    assert parse_notice(NOTICE_2026.replace("\n", "")).calendar == parsed
    year = WorkCalendar([parsed])
    working = sum(year.is_workday(date.fromordinal(n)) for n in range(
        date(2026, 1, 1).toordinal(), date(2027, 1, 1).toordinal()))
    assert working == 248


def test_older_wordings_are_read():
    text = """一、元旦：1月1日放假，1月2日（星期一）补休。
四、劳动节：5月1日放假，与周末连休。
六、中秋节、国庆节：10月1日至8日放假调休，共8天。9月30日（星期六）上班。"""
    parsed = parse_notice(text, 2023).calendar
    assert {date(2023, 1, 1), date(2023, 1, 2), date(2023, 5, 1)} <= parsed.holidays
    assert date(2023, 10, 8) in parsed.holidays and len(parsed.holidays) == 11
    assert parsed.adjusted_workdays == {date(2023, 9, 30)}
    assert parsed.names[date(2023, 10, 1)] == "国庆节"


def test_days_in_the_year_before_are_kept_apart_for_that_year():
    text = ("一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。"
            "2018年12月29日（星期六）上班。")
    notice = parse_notice(text, 2019)
    assert notice.calendar.holidays == {date(2019, 1, 1)}
    assert notice.other_years == ((date(2018, 12, 29), False, "元旦"),
                                  (date(2018, 12, 30), True, "元旦"),
                                  (date(2018, 12, 31), True, "元旦"))


@pytest.mark.parametrize(("text", "problem", "line"), [
    ("一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。", NoticeProblem.WEEKDAY, 1),
    ("一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。", NoticeProblem.DAY_COUNT, 1),
    ("一、元旦：1月1日至3日放假。\n二、春节：2月30日至3月2日放假。", NoticeProblem.BAD_DATE, 2),
    ("一、元旦：1月1日至3日放假。1月5日（周一）上班。", NoticeProblem.WORKDAY_ON_WEEKDAY, 1),
    ("一、元旦：请各地妥善安排。", NoticeProblem.NO_DAYS, 1),
    ("经国务院批准，现将放假安排通知如下。", NoticeProblem.NO_ITEMS, None),
    ("一、元旦：1月1日至3日放假。二、春节：1月3日（周六）上班。", NoticeProblem.NO_DAYS, 1),
])
def test_a_notice_copied_wrongly_is_refused_naming_its_line(text, problem, line):
    with pytest.raises(NoticeError) as caught:
        parse_notice(text, 2026)
    assert caught.value.problem is problem
    assert caught.value.line == line


def test_without_a_title_the_year_must_be_given():
    with pytest.raises(NoticeError) as caught:
        parse_notice("一、元旦：1月1日至3日放假。")
    assert caught.value.problem is NoticeProblem.NO_YEAR
