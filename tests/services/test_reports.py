"""日报, 周报 and 每月一题 written as .xlsx and PDF, read back as a supervisor would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from app.core.workflow import Outcome, Track
from app.services import cases, reports
from app.services.dto import PartyInput
from app.services.reports import ReportKind
from tests.conftest import complaint_form
from tests.documents.pdfcheck import pages


def _at(day: int, hour: int = 2, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def office(ws):
    """1 March: three 退费 complaints against the gym (one settled, 800 yuan back), one
    质量 complaint; 27 February: one 退费; 1 March: a neighbours' dispute."""
    ids = []
    for n, (day, month, issue, respondent) in enumerate((
            (1, 3, "退费", "上海悦动健身管理有限公司"), (1, 3, "退费", "上海悦动健身管理有限公司"),
            (1, 3, "退费", "上海乐学教育培训有限公司"), (1, 3, "质量", "上海某电器有限公司"),
            (27, 2, "退费", "上海悦动健身管理有限公司"))):
        case_id, _ = cases.intake_work_order(ws, complaint_form(
            source_ticket=f"13101152026030{n:05d}", received_at=_at(day, month=month),
            issue_type=issue, respondent=PartyInput(role="respondent", party_type="business",
                                                    name=respondent, address="浦东新区")))
        ids.append(case_id)
    cases.accept(ws, ids[0])
    cases.assign(ws, ids[0], ws.actor.mediator_id)
    cases.start_mediation(ws, ids[0])
    cases.close(ws, ids[0], Outcome.SETTLED, amount_recovered="800")
    cases.intake_work_order(ws, complaint_form(
        track=Track.PEOPLES_MEDIATION, source_ticket="PM-1", received_at=_at(1),
        category="邻里纠纷", issue_type="噪音", tags=(),
        respondent=PartyInput(role="respondent", party_type="person", name="王大伟",
                              address="浦东新区")))
    return ws


def _rows(path, sheet):
    return [[c for c in row] for row in load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_the_daily_report_lists_the_days_figures_and_cases(office, tmp_path):
    pdf = tmp_path / "日报.pdf"
    result = reports.write_report(office, ReportKind.DAILY, date(2026, 3, 1), pdf)
    assert result.period.start == result.period.end == date(2026, 3, 1)
    text = "".join(pages(pdf.read_bytes()))
    assert "消费纠纷调解工作日报" in text and "2026年3月1日" in text
    assert "新收工单5件" in text  # four complaints and the neighbours' dispute
    assert "1310115202603000000" in text and "上海悦动健身管理有限公司" in text
    assert "王大伟" not in text and "王**" in text  # a private person is not named
    assert "李秀英" not in text  # nor a complainant

    xlsx = tmp_path / "日报.xlsx"
    reports.write_report(office, ReportKind.DAILY, date(2026, 3, 1), xlsx)
    figures = {r[0]: r[1:] for r in _rows(xlsx, "指标")[4:]}
    assert figures["接诉量"][:3] == ["5", "0", "+5"]
    assert figures["办结量"][0] == "0"  # the settled one closed on 2 March
    listed = _rows(xlsx, "当日新收工单")
    assert len(listed) == 2 + 5  # its title, the header, five cases


def test_the_weekly_report_compares_with_the_week_before(office, tmp_path):
    xlsx = tmp_path / "周报.xlsx"
    result = reports.write_report(office, ReportKind.WEEKLY, date(2026, 3, 1), xlsx)
    assert (result.period.start, result.period.end) == (date(2026, 2, 23), date(2026, 3, 1))
    figures = {r[0]: r[1:] for r in _rows(xlsx, "指标")[4:]}
    assert figures["接诉量"][:2] == ["6", "0"]
    categories = {r[0]: r[1] for r in _rows(xlsx, "按类别")[2:]}
    assert categories["预付式消费"] == 5
    pdf = tmp_path / "周报.pdf"
    reports.write_report(office, ReportKind.WEEKLY, date(2026, 3, 1), pdf)
    text = "".join(pages(pdf.read_bytes()))
    assert "消费纠纷调解工作周报" in text and "每日收结案" in text
    assert "2026年2月23日至3月1日" in text


def test_the_monthly_topic_is_the_months_top_problem_with_its_cases(office, tmp_path):
    pdf = tmp_path / "每月一题.pdf"
    reports.write_report(office, ReportKind.TOPIC, date(2026, 3, 15), pdf)
    text = "".join(pages(pdf.read_bytes()))
    assert "每月一题（2026年3月）" in text
    assert "涉及“退费”的工单3件" in text and "较上月（1件）增加2件" in text
    assert "上海悦动健身管理有限公司（2件）" in text
    assert "已办结1件，挽回经济损失800.00元" in text
    for n in range(3):
        assert f"13101152026030{n:05d}" in text
    assert "13101152026030000003" not in text  # the 质量 complaint is not the topic
