"""The case list exported as .xlsx: the queue's cases, masked for a mediator, audited."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.users import UserRole
from app.core.workflow import CaseKind, Source
from app.services import case_export, cases
from app.services.dto import PartyInput
from app.services.queue import QueueFilter, QueueQuery
from app.store.models import AuditEvent
from tests.conftest import complaint_form


def _sheet_rows(path):
    sheet = load_workbook(path)["案件清单"]
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def three_cases(ws):
    cases.intake_work_order(ws, complaint_form())
    cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020002", category="餐饮服务",
        received_at=datetime(2026, 3, 1, 3, 0, tzinfo=UTC),
        complainant=PartyInput(role="applicant", party_type="person", name="王小明",
                               phone="13912345678", address="上海市浦东新区东方路1号")))
    cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.REPORT, source=Source.PHONE, source_ticket="",
        received_at=datetime(2026, 2, 20, 3, 0, tzinfo=UTC),
        complainant=PartyInput(role="applicant", party_type="person", name="赵举报",
                               phone="13700001111", address="")))
    return ws


def test_an_administrator_exports_the_listed_cases_in_clear(three_cases, tmp_path):
    ws = three_cases
    out = tmp_path / "清单.xlsx"
    result = case_export.export_case_list(
        ws, QueueQuery(filter=QueueFilter(categories=frozenset({"预付式消费"}))), out,
        description="全部·预付式消费")
    assert result.rows == 2 and not result.masked
    sheet, rows = _sheet_rows(out)
    assert rows[0][:3] == ["工单编号", "登记时间", "渠道"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q3"
    by_ticket = {r[0]: r for r in rows[1:]}
    first = by_ticket["1310115202603020001"]
    assert first[7:9] == ["李秀英", "13800135678"]
    assert first[1] == datetime(2026, 3, 1, 9, 30)  # China time, as the office reads it
    assert first[11] == "待受理" and first[2] == "12315"
    assert Decimal(str(first[15])) == Decimal("3200")
    # The reporter of a 举报 is confidential whoever exports.
    report = next(r for r in rows[1:] if r[3] == "举报")
    assert report[7:9] == ["（保密）", "（保密）"]


def test_a_mediator_gets_names_and_phones_masked_and_the_export_is_audited(three_cases, tmp_path):
    ws = dataclasses.replace(three_cases, actor=dataclasses.replace(
        three_cases.actor, role=UserRole.MEDIATOR))
    out = tmp_path / "list.xlsx"
    result = case_export.export_case_list(ws, QueueQuery(), out, description="全部")
    assert result.masked and result.rows == 3
    _, rows = _sheet_rows(out)
    complainants = {r[7] for r in rows[1:]}
    assert "李秀英" not in complainants and "李**" in complainants
    assert {r[8] for r in rows[1:]} >= {"138****5678", "139****5678"}
    assert not any("13800135678" in str(v) for r in rows for v in r)
    with ws.store.unit_of_work() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert event.actor == ws.actor.login and event.entity == "case_list"
        assert event.changes["rows"] == [None, 3]
        assert event.changes["masked"] == [None, True]
        assert event.changes["list"] == [None, "全部"]


def test_a_cancelled_export_leaves_no_file_and_no_audit(three_cases, tmp_path):
    ws = three_cases
    out = tmp_path / "list.xlsx"

    def cancel(_written):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        case_export.export_case_list(ws, QueueQuery(), out, progress=cancel, every=1)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    with ws.store.unit_of_work() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).first() is None
