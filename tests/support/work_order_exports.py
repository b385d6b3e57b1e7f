"""Messy platform exports made in the tests (issue 15): a title merged above the header,
a date-range line, a hidden sheet of codes, IDs kept as numbers, Excel date serials and
text dates, full-width digits, HTML fragments, a repeated ticket and blank rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HEADER = ["工单编号", "来电时间", "来电人", "联系电话", "身份证号", "联系地址", "被诉主体",
          "诉求内容", "问题分类", "所属街镇", "来源渠道"]
GOOD_ID = "11010519491231002X"


def messy_rows() -> list[list[object]]:
    """Seven data rows and a blank one: five that import (one with a rounded ID dropped), one repeated
    ticket, one without the respondent a complaint needs."""
    return [
        ["T0001", datetime(2026, 2, 20, 9, 7), "李秀英", "13812345678", GOOD_ID, "浦东新区世纪大道1号",
         "上海悦动健身管理有限公司", "<p>门店关门，要求退费&amp;赔偿</p>", "预付式消费", "陆家嘴街道", "12315"],
        ["T0002", 46073.5, "王五", 13912345678.0, 310115198005061234, "", "某某健身",
         "退卡不成", "预付式消费", "花木街道", ""],
        ["Ｔ０００３", "2026/2/21 10:30", "赵六", "１３７００００１１１１", "", "", "某某餐饮",
         "菜里有异物", "食品安全", "陆家嘴街道", ""],
        [None, None, None, None, None, None, None, None, None, None, None],  # a blank row
        ["T0004", "2026年2月22日", "钱七", "021-58881234", "", "", "某某电器", "空调不制冷",
         "家用电器", "洋泾街道", "12345市民热线"],
        ["T0002", "2026-02-23 08:00:00", "王五", "13912345678", "", "", "某某健身",
         "again", "预付式消费", "花木街道", ""],  # repeated ticket
        ["T0005", "2026-02-24 08:00:00", "孙八", "13600001111", "", "", "",
         "没有被投诉方", "其他", "花木街道", ""],  # no respondent
        ["T0006", "2026-02-25 16:45", " 周 九 ", "13500002222", "", "", "某某培训学校",
         "机构跑路，预付学费无法退还", "教育培训", "塘桥街道", "微信"],
    ]


def write_export(path: Path, rows: list[list[object]] | None = None, *,
                 header: list[str] = HEADER, title: bool = True) -> Path:
    book = Workbook()
    codes = book.active
    codes.title = "代码表"  # a hidden sheet before the data, as some exports have
    codes.append(["分类代码", "名称"])
    codes.sheet_state = "hidden"
    sheet = book.create_sheet("工单明细")
    book.active = 1
    if title:
        sheet.append(["浦东新区市场监管局投诉工单导出"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append(["统计时间：2026-02-01 至 2026-02-28"])
    sheet.append(header)
    for row in messy_rows() if rows is None else rows:
        sheet.append(row)
    book.save(path)
    return path


def plain_rows(n: int, *, start: int = 0, prefix: str = "B") -> list[list[object]]:
    """n valid rows, each its own ticket and complainant."""
    return [[f"{prefix}{i:07d}", datetime(2026, 1, 1 + i % 28, 9, i % 60),
             f"投诉人{i}", f"13{i % 10}{i:08d}"[:11], "", f"地址{i}", f"商户{i % 997}",
             f"诉求内容第{i}条：商品质量问题，要求退货", "商品质量", "花木街道", ""]
            for i in range(start, start + n)]
