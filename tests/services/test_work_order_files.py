"""Opening real-looking exports (issue 15): a title merged above the header, a hidden
sheet, an ID Excel kept as a number, a GB18030 .csv, and files that are not exports."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook

from app.core.work_order_import import (
    ImportField,
    ImportValueError,
    find_header_row,
    guess_mapping,
    id_number,
    parse_received,
)
from app.services.work_order_files import FileProblem, WorkOrderFileError, read_sheets

HEADER = ["工单编号", "来电时间", "来电人", "联系电话", "身份证号", "被诉主体", "诉求内容"]


def _export(path):
    book = Workbook()
    ws = book.active
    ws.title = "工单"
    ws.append(["浦东新区12345市民服务热线工单导出"])
    ws.merge_cells("A1:G1")
    ws.append(["导出时间：2026-03-06"])
    ws.append(HEADER)
    ws.append(["1310115202603050001", datetime(2026, 3, 5, 9, 7), "李秀英", "13812345678",
               310115198005061234, "上海悦动健身管理有限公司", "<p>门店关门，要求退费</p>"])
    ws.append(["1310115202603050002", "2026年3月5日", "王五", 13912345678.0, "310115198005061234",
               "某某健身", "退卡"])
    codes = book.create_sheet("代码表")
    codes.append(["分类代码", "名称"])
    codes.sheet_state = "hidden"
    book.save(path)


def test_an_xlsx_export_reads_with_its_title_merged_and_its_codes_sheet_hidden(tmp_path):
    path = tmp_path / "工单.xlsx"
    _export(path)
    sheets = read_sheets(path)
    assert [(s.name, s.hidden) for s in sheets] == [("工单", False), ("代码表", True)]
    rows = sheets[0].rows
    assert rows[0][:7] == ["浦东新区12345市民服务热线工单导出"] * 7  # the merged title
    header = find_header_row(rows)
    assert header == 2
    mapping = guess_mapping(rows[header])
    assert mapping[1] is ImportField.RECEIVED_AT and mapping[4] is ImportField.ID_NUMBER
    first, second = rows[3], rows[4]
    assert parse_received(first[1]) == datetime(2026, 3, 5, 9, 7)
    assert parse_received(second[1]) == datetime(2026, 3, 5)
    with pytest.raises(ImportValueError):
        id_number(first[4])  # kept as a number by Excel: never stored rounded
    assert id_number(second[4]) == "310115198005061234"


def test_a_gb18030_csv_reads_as_well_as_a_utf8_one(tmp_path):
    text = "工单编号,受理时间,投诉人,投诉内容\n1310115202603050001,2026/3/5 9:07,李秀英,要求退费\n"
    for encoding in ("gb18030", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        (sheet,) = read_sheets(path)
        assert sheet.rows[1] == ["1310115202603050001", "2026/3/5 9:07", "李秀英", "要求退费"]


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("坏.xlsx", b"PK\x03\x04 not really a workbook", FileProblem.UNREADABLE),
    ("照片.jpg", b"\xff\xd8\xff", FileProblem.NOT_A_TABLE),
    ("空.csv", b"\n\n", FileProblem.EMPTY),
    ("乱码.csv", bytes(range(128, 256)) * 4, FileProblem.ENCODING),
])
def test_a_file_that_is_not_an_export_is_refused_by_name(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WorkOrderFileError) as refused:
        read_sheets(path)
    assert refused.value.problem is problem
    with pytest.raises(WorkOrderFileError) as missing:
        read_sheets(tmp_path / "不存在.xlsx")
    assert missing.value.problem is FileProblem.MISSING
