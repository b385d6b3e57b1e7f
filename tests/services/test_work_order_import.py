"""Importing a platform's export (issue 15, item 1): rows become cases exactly as intake
makes them; problems reported by row and column; a re-import updates only what nobody
edited; a second channel's order is linked; cancel leaves the store as it was."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.work_order_import import ImportField, ValueProblem
from app.core.workflow import Source
from app.services import cases, queue
from app.services.work_order_import import (
    ImportMode,
    ImportOptions,
    ImportRefusal,
    WorkOrderImportError,
    layout,
    open_file,
    prepare,
    preview,
    run_import,
    save_mapping,
    saved_mappings,
    with_mapping,
)
from app.services.work_order_report import write_report
from app.store.models import AuditEvent, Case, ImportedValues, Party
from tests.support.work_order_exports import HEADER, messy_rows, plain_rows, write_export

VALID = ImportOptions(mode=ImportMode.VALID_ROWS)


def _count(ws, model=Case) -> int:
    with ws.store.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model))


def _case(ws, ticket):
    with ws.store.unit_of_work() as session:
        case = session.scalars(select(Case).where(Case.source_ticket == ticket)).one()
        session.expunge(case)
        return case


def _import(ws, path, options=VALID, **kw):
    file = open_file(path)
    return run_import(ws, file, layout(ws, file), options, **kw)


def test_messy_export_reads_under_its_title_past_the_hidden_sheet(ws, tmp_path):
    file = open_file(write_export(tmp_path / "export.xlsx"))
    found = layout(ws, file)
    assert found.sheet == "工单明细" and found.header_row == 2
    assert found.mapping[0] is ImportField.TICKET and found.mapping[10] is ImportField.CHANNEL
    rows = preview(ws, file, found, ImportOptions(), n=3)
    first = rows[0].values
    assert first[ImportField.CONTENT] == "门店关门，要求退费&赔偿"  # no HTML
    assert first[ImportField.RECEIVED_AT] == "2026-02-20 09:07"
    assert first[ImportField.ID_NUMBER] == "110105********002X"  # kept, shown masked
    assert rows[2].values[ImportField.TICKET] == "T0003"  # full-width digits
    assert rows[2].values[ImportField.PHONE] == "13700001111"


def test_report_names_row_column_and_problem(ws, tmp_path):
    file = open_file(write_export(tmp_path / "export.xlsx"))
    report = prepare(ws, file, layout(ws, file), ImportOptions()).report
    found = {(r.row, r.column, r.problem, r.blocking) for r in report}
    # spreadsheet rows: title 1, range 2, header 3, data from 4 (row 7 blank)
    assert (5, "身份证号", ValueProblem.ROUNDED, False) in found
    assert (9, "工单编号", ValueProblem.DUPLICATE, True) in found
    assert (10, "被诉主体", ValueProblem.MISSING, True) in found
    assert len({r.row for r in report if r.blocking}) == 2


def test_whole_file_imports_nothing_when_a_row_is_bad(ws, tmp_path):
    path = write_export(tmp_path / "export.xlsx")
    with pytest.raises(WorkOrderImportError) as caught:
        _import(ws, path, ImportOptions(mode=ImportMode.WHOLE_FILE))
    assert caught.value.refusal is ImportRefusal.INVALID_ROWS and caught.value.report
    assert _count(ws) == 0


def test_valid_rows_import_like_intake(ws, tmp_path):
    summary = _import(ws, write_export(tmp_path / "export.xlsx"))
    assert (summary.created, summary.updated, summary.not_imported) == (5, 0, 2)
    assert _count(ws) == 5
    case = _case(ws, "T0001")
    assert case.rule_set_code and case.next_deadline_on is not None  # clocks as intake
    assert case.source == Source.HOTLINE_12315 and case.complainant_phone == "13812345678"
    assert _case(ws, "T0004").source == Source.HOTLINE_12345  # 来源渠道 overrides
    assert _case(ws, "T0006").source == Source.ONLINE
    assert _case(ws, "T0006").complainant_name == "周 九"
    # the rounded ID was dropped, the row imported without it
    with ws.store.unit_of_work() as session:
        parties = session.scalars(select(Party).where(
            Party.case_id == _case(ws, "T0002").id)).all()
        assert [p.id_number for p in parties] == ["", ""]
        audit_rows = session.scalars(select(AuditEvent).where(
            AuditEvent.entity == "work_order_imports")).all()
    assert len(audit_rows) == 1 and audit_rows[0].changes["created"] == [None, 5]
    assert audit_rows[0].changes["file"] == [None, "export.xlsx"]
    # searchable at once, like a case taken in by hand
    assert queue.search_outcome(ws, "悦动").matched == 1
    assert queue.search_outcome(ws, "退卡不成").matched == 1
    assert len(cases.case_history(ws, case.id)) >= 3  # case and parties, as intake audits


def test_reimport_updates_only_untouched_fields(ws, tmp_path):
    path = write_export(tmp_path / "export.xlsx")
    _import(ws, path)
    again = _import(ws, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    case = _case(ws, "T0003")
    cases.update_case(ws, case.id, {"category": "餐饮服务"})  # the mediator's own word
    rows = messy_rows()
    rows[2][7] = "菜里有异物，已就医"  # the platform's text grew
    rows[2][8] = "食品"  # and its category changed
    summary = _import(ws, write_export(tmp_path / "export2.xlsx", rows))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    after = _case(ws, "T0003")
    assert after.description == "菜里有异物，已就医"
    assert after.category == "餐饮服务"  # touched by the mediator: kept
    assert _count(ws) == 5


def test_other_channel_same_dispute_is_linked(ws, tmp_path):
    _import(ws, write_export(tmp_path / "export.xlsx"))
    first = _case(ws, "T0001")
    row = ["H9001", "2026-02-26 10:00", "李秀英", "138 1234 5678", "", "", "上海悦动健身管理有限公司",
           "健身房关门", "预付式消费", "陆家嘴街道", "12345"]
    summary = _import(ws, write_export(tmp_path / "h.xlsx", [row]))
    assert (summary.created, summary.linked) == (1, 1)
    assert _case(ws, "H9001").linked_case_id == first.id


def test_cancel_mid_import_leaves_the_store_as_it_was(ws, tmp_path, monkeypatch):
    from app.services import work_order_import

    monkeypatch.setattr(work_order_import, "BUILD_CHUNK", 10)
    _import(ws, write_export(tmp_path / "export.xlsx"))
    before = (_count(ws), _count(ws, Party), _count(ws, AuditEvent), _count(ws, ImportedValues))
    path = write_export(tmp_path / "big.xlsx", plain_rows(50))
    seen = []

    def cancelled():
        return len(seen) >= 2

    with pytest.raises(WorkOrderImportError) as caught:
        _import(ws, path, progress=lambda d, t: seen.append(d), cancelled=cancelled)
    assert caught.value.refusal is ImportRefusal.CANCELLED
    assert seen[:2] == [0, 10]
    assert (_count(ws), _count(ws, Party), _count(ws, AuditEvent),
            _count(ws, ImportedValues)) == before


def test_the_bar_reaches_its_end_only_when_the_import_is_done(ws, tmp_path, monkeypatch):
    """After the last row come the indexes, the warnings check and the commit: the
    wizard's bar must not stand at 100 % through them."""
    from app.services import work_order_import

    monkeypatch.setattr(work_order_import, "BUILD_CHUNK", 10)
    seen: list[tuple[int, int, int]] = []

    def progress(done, total):
        # the last call comes once the cases are committed: another connection sees them
        seen.append((done, total, _count(ws)))

    summary = _import(ws, write_export(tmp_path / "big.xlsx", plain_rows(50)),
                      progress=progress)
    assert summary.created == 50
    *working, (last_done, last_total, stored) = seen
    assert last_done == last_total and stored == 50
    assert all(done < total for done, total, _ in working)
    assert [done for done, _, _ in working] == sorted(done for done, _, _ in working)
    assert any(done >= 50 for done, _, _ in working)  # every row written, the rest to come


def test_every_row_bad_refuses(ws, tmp_path):
    rows = [["X1", "not a date", "甲", "123", "", "", "", "", "", "", ""]]
    with pytest.raises(WorkOrderImportError) as caught:
        _import(ws, write_export(tmp_path / "bad.xlsx", rows))
    assert caught.value.refusal is ImportRefusal.NOTHING_VALID
    problems = {(r.column, r.problem) for r in caught.value.report}
    assert ("来电时间", ValueProblem.BAD_DATE) in problems
    assert ("联系电话", ValueProblem.BAD_PHONE) in problems
    assert ("被诉主体", ValueProblem.MISSING) in problems


def test_not_an_export_has_no_header(ws, tmp_path):
    path = write_export(tmp_path / "x.xlsx", [["a", "b"]], header=["甲", "乙"], title=False)
    with pytest.raises(WorkOrderImportError) as caught:
        layout(ws, open_file(path))
    assert caught.value.refusal is ImportRefusal.NO_HEADER


def test_gb18030_csv_imports(ws, tmp_path):
    path = tmp_path / "12345导出.csv"
    with path.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerow(["C1", "2026-02-20 09:00", "吴一", "13811112222", "", "", "某超市",
                         "过期食品", "食品安全", "花木街道", ""])
    summary = _import(ws, path, ImportOptions(source=Source.HOTLINE_12345))
    assert summary.created == 1 and _case(ws, "C1").source == Source.HOTLINE_12345


def test_saved_mapping_is_offered_for_the_same_headers(ws, tmp_path):
    header = ["单号", "时间", "姓名", "电话", "商家", "内容"]
    path = write_export(tmp_path / "odd.xlsx", [["Z1", "2026-02-20", "甲", "13811112222",
                                                 "某店", "退货"]], header=header, title=False)
    file = open_file(path)
    guessed = layout(ws, file)
    assert ImportField.TICKET not in guessed.mapping.values()
    corrected = with_mapping(guessed, {0: ImportField.TICKET, 1: ImportField.RECEIVED_AT,
                                       2: ImportField.COMPLAINANT, 3: ImportField.PHONE,
                                       4: ImportField.RESPONDENT, 5: ImportField.CONTENT})
    save_mapping(ws, "区12345", corrected)
    assert "区12345" in saved_mappings(ws)
    again = layout(ws, file)
    assert again.mapping_name == "区12345" and again.mapping == corrected.mapping
    assert layout(ws, file, mapping_name="区12345").mapping == corrected.mapping
    assert run_import(ws, file, again, VALID).created == 1


def test_report_written_and_read_back(ws, tmp_path):
    file = open_file(write_export(tmp_path / "export.xlsx"))
    report = prepare(ws, file, layout(ws, file), ImportOptions()).report
    out = tmp_path / "report.xlsx"
    assert write_report(report, out) == len(report)
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "字段", "问题")
    assert sheet.freeze_panes == "A2"
    assert (9, "工单编号", "工单编号", "同一文件中前面已有这个工单编号") in rows
    assert any(r[0] == 5 and "末几位已经丢失" in r[3] and "仍已导入" in r[3] for r in rows)


def test_received_in_the_future_is_refused(ws, tmp_path):
    row = ["F1", datetime(2027, 1, 1), "甲", "13811112222", "", "", "某店", "退货", "", "", ""]
    with pytest.raises(WorkOrderImportError) as caught:
        _import(ws, write_export(tmp_path / "f.xlsx", [row]))
    assert caught.value.report[0].problem is ValueProblem.IN_FUTURE


def test_a_crowd_against_one_business_in_an_import_raises_a_warning(ws, tmp_path):
    """Five complaints against the gym within a week (the default rule) arrive in one
    export: the import raises the group-dispute warning in its own transaction."""
    from app.core.warnings import WarningRule
    from app.services import warnings as early_warnings

    rows = [[f"G{i:04d}", datetime(2026, 2, 20 + i, 9, 0), f"会员{i}", f"1380000{i:04d}", "",
             "", "上海悦动健身管理有限公司", "健身房关门，预付卡无法退费", "预付式消费",
             "陆家嘴街道", "12315"] for i in range(5)]
    summary = _import(ws, write_export(tmp_path / "crowd.xlsx", rows))
    assert summary.created == 5 and summary.warnings_raised >= 1
    assert summary.changes.warnings
    group = [w for w in early_warnings.list_warnings(ws)
             if w.rule is WarningRule.BUSINESS_VOLUME and "悦动" in w.subject]
    assert len(group) == 1 and group[0].count == 5
