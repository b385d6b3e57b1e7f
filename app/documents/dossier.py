"""卷宗: the cover, the 卷内目录 with page numbers, then every document of the case as
issued, in order (research §3.1). The documents keep their own pages; each is stamped at
the top right with its 卷内页号 (numbered from the first document page, cover and
目录 unnumbered, as case files are), which is what the 目录 points at."""

from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from app.documents.data import DossierData
from app.documents.errors import BadDossierEntry
from app.documents.fonts import FontSet
from app.documents.typography import TEXT_W, Composer, chinese_date, paragraph_style

TITLE = "调解卷宗"
CONTENTS = "卷内目录"


def _page_range(first: int, count: int) -> str:
    return str(first) if count <= 1 else f"{first}-{first + count - 1}"


def _readers(data: DossierData) -> list[PdfReader]:
    readers = []
    for index, entry in enumerate(data.entries):
        try:
            reader = PdfReader(io.BytesIO(entry.pdf))
            if len(reader.pages) == 0:
                raise ValueError("no pages")
        except Exception as exc:  # pypdf raises many kinds; all mean unreadable
            raise BadDossierEntry(index, entry.title, str(exc)) from exc
        readers.append(reader)
    return readers


def _cover(c: Composer, data: DossierData) -> list[Flowable]:
    main = c.fonts.main.name
    committee = paragraph_style("committee", fontName=main, fontSize=20, leading=30,
                                alignment=TA_CENTER)
    big = paragraph_style("big", fontName=main, fontSize=36, leading=48, alignment=TA_CENTER)
    dates = "" if data.mediation_from is None and data.mediation_to is None else \
        f"{chinese_date(data.mediation_from)}至{chinese_date(data.mediation_to)}"
    rows = [("卷名", data.volume_name), ("卷号", data.volume_number),
            ("人民调解员", data.mediator), ("调解日期", dates), ("立卷人", data.filed_by),
            ("立卷日期", chinese_date(data.filed_on) if data.filed_on else ""),
            ("保管期限", data.retention), ("备注", data.remarks)]
    label_w = 36 * mm
    table = Table([[c.para(f"{label}：", c.plain_style), c.para(value, c.plain_style)]
                   for label, value in rows], colWidths=[label_w, TEXT_W - label_w])
    table.setStyle(c.table_style([
        ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [c.para(data.committee.name, committee), Spacer(1, 14 * mm),
            _spaced(c, TITLE, big), Spacer(1, 20 * mm), table]


def _spaced(c: Composer, text: str, style) -> Paragraph:
    return c.para("\u3000".join(text), style)


def _contents(c: Composer, data: DossierData, counts: list[int]) -> list[Flowable]:
    head = paragraph_style("th", parent=c.cell_style, alignment=TA_CENTER)
    centre = paragraph_style("tc", parent=c.cell_style, alignment=TA_CENTER)
    rows: list[list] = [[c.para(x, head) for x in ("序号", "文书名称", "页号", "备注")]]
    page = 1
    for number, (entry, count) in enumerate(zip(data.entries, counts, strict=True), start=1):
        rows.append([c.para(str(number), centre), c.para(entry.title, c.cell_style),
                     c.para(_page_range(page, count), centre), c.para(entry.note, c.cell_style)])
        page += count
    widths = [16 * mm, TEXT_W - 16 * mm - 26 * mm - 36 * mm, 26 * mm, 36 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(c.table_style([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [c.title(CONTENTS), Spacer(1, 6), table]


def _stamps(font_name: str, sizes: list[tuple[float, float]]) -> PdfReader:
    """One page per document page, carrying only its 卷内页号 at the top right."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=font_name)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.setFont(font_name, 12)
        canvas.drawRightString(width - 14 * mm, height - 14 * mm, str(number))
        canvas.showPage()
    canvas.save()
    return PdfReader(buffer)


def build_dossier(data: DossierData, out: BinaryIO, *, fonts: FontSet | None = None) -> None:
    """Writes the case file PDF to ``out``. Raises BadDossierEntry (an entry that is not a
    readable PDF) or MissingGlyphs before writing anything."""
    readers = _readers(data)
    counts = [len(r.pages) for r in readers]
    c = Composer(None, fonts)
    story = [*_cover(c, data), PageBreak(), *_contents(c, data, counts)]
    front = io.BytesIO()
    c.render(story, front, title=f"{TITLE} {data.volume_name}", footer=False)

    writer = PdfWriter()
    writer.append(PdfReader(front))
    pages = [p for r in readers for p in r.pages]
    stamps = _stamps(c.fonts.main.name,
                     [(float(p.mediabox.width), float(p.mediabox.height)) for p in pages])
    for reader in readers:
        writer.append(reader)
    first = len(writer.pages) - len(pages)
    for index in range(len(pages)):
        writer.pages[first + index].merge_page(stamps.pages[index])
    writer.add_metadata({"/Title": f"{TITLE} {data.volume_name}", "/Creator": "Mediation Desk"})
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write(buffer.getvalue())
