"""`mediation-desk stats`: figures printed, written as a workbook, bad input refused."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from app.cli.command import main
from app.services.cases import intake_work_order
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.support.stores import copy_migrated_store


def _desk(tmp_path):
    folder = copy_migrated_store(tmp_path / "data")
    store = open_store(folder)
    try:
        intake_work_order(open_workstation(store), complaint_form())
    finally:
        store.close()
    return folder


def test_json_table_and_xlsx(tmp_path, capsys):
    folder = _desk(tmp_path)
    args = ["stats", "--from", "2026-03-01", "--to", "2026-03-31", "--data-dir", str(folder)]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kpis"]["received"] == 1
    assert data["kpis"]["on_time"] == {"numerator": 0, "denominator": 0, "value": None}
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "接诉量" in table and "按时办结率" in table and "—" in table
    out = tmp_path / "figures.xlsx"
    assert main([*args, "--format", "xlsx", "--out", str(out)]) == 0
    book = load_workbook(out)
    sheet = book["指标"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]][:2] == ["接诉量", "1"]
    assert book["渠道"]["A2"].value == "12315"


def test_bad_input_is_refused_with_a_reason(tmp_path, capsys):
    folder = _desk(tmp_path)
    base = ["stats", "--data-dir", str(folder)]
    for extra, words in (
            (["--from", "2026-02-30", "--to", "2026-03-01"], "is not a date"),
            (["--from", "2026-03-02", "--to", "2026-03-01"], "before the start"),
            (["--from", "2026-03-01", "--to", "2026-03-31", "--scope", "team"], "unknown scope"),
            (["--from", "2026-03-01", "--to", "2026-03-31", "--scope", "offices:PD02"],
             "needs the central database"),
            (["--from", "2026-03-01", "--to", "2026-03-31", "--format", "xlsx"], "--out")):
        assert main([*base, *extra]) != 0
        assert words in capsys.readouterr().err


def test_report_written_as_pdf_and_xlsx_and_bad_input_refused(tmp_path, capsys):
    from tests.documents.pdfcheck import pages

    folder = _desk(tmp_path)
    base = ["report", "--data-dir", str(folder)]
    pdf = tmp_path / "周报.pdf"
    assert main([*base, "weekly", "--date", "2026-03-01", "--out", str(pdf)]) == 0
    assert "2026-02-23～2026-03-01" in capsys.readouterr().out
    assert "消费纠纷调解工作周报" in "".join(pages(pdf.read_bytes()))
    xlsx = tmp_path / "topic.xlsx"
    assert main([*base, "topic", "--date", "2026-03-01", "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx)["指标"]["A1"].value.startswith("每月一题")
    for extra, words in ((["daily", "--out", str(tmp_path / "x.doc")], ".pdf or .xlsx"),
                         (["daily", "--date", "3/1", "--out", str(pdf)], "is not a date"),
                         (["daily", "--scope", "all", "--out", str(pdf)],
                          "needs the central database")):
        assert main([*base, *extra]) != 0
        assert words in capsys.readouterr().err
