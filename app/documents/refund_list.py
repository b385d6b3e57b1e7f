"""退款清单 (issue 17): a group dispute's refunds, member by member, with the totals —
for the business that pays, the office and the file. Laid out here as a PDF and as a
workbook; the service counts (app/services/group_payments.py). Only what paying needs:
ticket, name and amounts, never a phone or an ID number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.platypus import Flowable, Spacer, Table

from app.documents.fonts import FontSet
from app.documents.spreadsheets import Column
from app.documents.spreadsheets import Table as SheetTable
from app.documents.typography import TEXT_W, Composer, paragraph_style

TITLE = "退款清单"
COLUMNS = (Column("序号", 6), Column("工单号", 22), Column("投诉人", 12),
           Column("应退金额（元）", 14, money=True), Column("已退金额（元）", 14, money=True),
           Column("未退金额（元）", 14, money=True), Column("履行期限", 12),
           Column("履行情况", 10))
# Shares of the text width; the ticket (up to 20 digits) on one line at 9 pt.
_SHARES = (0.05, 0.23, 0.11, 0.13, 0.13, 0.13, 0.13, 0.09)


@dataclass(frozen=True)
class RefundLine:
    number: int
    ticket: str
    name: str
    agreed_fen: int
    paid_fen: int
    left_fen: int
    due_on: date | None
    state: str  # 未到期 / 逾期 / 已履行


@dataclass(frozen=True)
class RefundList:
    organisation: str
    group_title: str
    respondent: str
    made_on: date
    lines: Sequence[RefundLine]
    settled: int
    overdue: int

    @property
    def agreed_fen(self) -> int:
        return sum(line.agreed_fen for line in self.lines)

    @property
    def paid_fen(self) -> int:
        return sum(min(line.paid_fen, line.agreed_fen) for line in self.lines)

    @property
    def left_fen(self) -> int:
        return sum(line.left_fen for line in self.lines)

    def heading(self) -> tuple[str, ...]:
        made = f"{self.made_on.year}年{self.made_on.month}月{self.made_on.day}日"
        return (f"{self.organisation}　{TITLE}",
                f"群体纠纷：{self.group_title}"
                + (f"　被投诉方：{self.respondent}" if self.respondent else ""),
                f"制表日期：{made}　{self.totals_text()}")

    def totals_text(self) -> str:
        return (f"共 {len(self.lines)} 人，应退合计 {_yuan(self.agreed_fen)} 元，"
                f"已退合计 {_yuan(self.paid_fen)} 元，未退合计 {_yuan(self.left_fen)} 元；"
                f"已履行 {self.settled} 人，逾期 {self.overdue} 人")


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


def refund_sheets(rl: RefundList) -> list[SheetTable]:
    """One sheet: the heading, a row per member, and the totals row."""
    rows = [(line.number, line.ticket, line.name, line.agreed_fen, line.paid_fen,
             line.left_fen, line.due_on, line.state) for line in rl.lines]
    rows.append(("合计", f"{len(rl.lines)} 人", "", rl.agreed_fen, rl.paid_fen, rl.left_fen,
                 None, ""))
    return [SheetTable(TITLE, COLUMNS, rows, heading=rl.heading())]


def build_refund_pdf(rl: RefundList, out: BinaryIO, *, fonts: FontSet | None = None) -> None:
    """Writes the list to ``out`` (A4); MissingGlyphs before writing anything."""
    c = Composer(None, fonts)
    font = c.fonts.main.name
    cell = paragraph_style("refund_cell", fontName=font, fontSize=9, leading=12,
                           alignment=TA_LEFT)
    heading = rl.heading()
    story: list[Flowable] = [c.title(TITLE), Spacer(1, 4)]
    story += [c.para(line, c.small_style) for line in (rl.organisation, *heading[1:])]
    story.append(Spacer(1, 6))
    data = [[c.para(col.title, cell) for col in COLUMNS]]
    # Figures, dates and states as plain cells (a Paragraph each made the list of 2,000
    # slow); the ticket and the name may need to wrap.
    for line in rl.lines:
        data.append([str(line.number), c.para(line.ticket, cell), c.para(line.name, cell),
                     _yuan(line.agreed_fen), _yuan(line.paid_fen), _yuan(line.left_fen),
                     _day(line.due_on), line.state])
    data.append([c.para(f"合计 {len(rl.lines)} 人", cell), "", "", _yuan(rl.agreed_fen),
                 _yuan(rl.paid_fen), _yuan(rl.left_fen), "", ""])
    table = Table(data, colWidths=[TEXT_W * s for s in _SHARES], repeatRows=1, hAlign="LEFT",
                  splitInRow=1)
    table.setStyle(c.table_style([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.4, 0.4, 0.4)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5F0")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
        ("SPAN", (0, -1), (1, -1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 1), (-1, -1), font, 9, 12),
        ("ALIGN", (3, 1), (5, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(table)
    c.render(story, out, title=TITLE)
