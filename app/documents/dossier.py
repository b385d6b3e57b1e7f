"""卷宗: the cover, the 卷内目录 with page numbers, then every item of the case file in
order (research §3.1): documents as issued, forms made from the case, the case's files
(PDF pages as they are, pictures one to a page), rows for what is missing (缺, and why),
and the 备考表 last. Every bound page is stamped at the top right with its 卷内页号
(numbered from the first page after the 目录, cover and 目录 unnumbered, as case files
are), which is what the 目录 points at."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from app.documents.data import MISSING_MARK, UNBOUND_MARK, DossierData, Header
from app.documents.dossier_pages import build_note, build_picture_page
from app.documents.errors import BadDossierEntry, MissingGlyphs
from app.documents.fonts import FontSet
from app.documents.typography import TEXT_W, Composer, chinese_date, paragraph_style
from app.documents.wording import ENCRYPTED, NO_PAGES, NOTE_TITLE, UNREADABLE

TITLE = "调解卷宗"
CONTENTS = "卷内目录"


def _page_range(first: int, count: int) -> str:
    return str(first) if count <= 1 else f"{first}-{first + count - 1}"


@dataclass
class _Part:
    """An entry as bound: its pages (None: no pages), and what the 目录 says of it."""

    title: str
    reader: PdfReader | None
    note: str
    mark: str = ""

    @property
    def count(self) -> int:
        return len(self.reader.pages) if self.reader is not None else 0


def _pdf_reader(pdf: bytes, *, attachment: bool) -> PdfReader:
    """The pages of ``pdf``; ValueError (with the reason in words) when there are none
    to bind."""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError(ENCRYPTED)
    if len(reader.pages) == 0:
        raise ValueError(NO_PAGES)
    if attachment:
        for page in reader.pages:  # a scan saved sideways: the 页号 goes top right as read
            if page.rotation:
                page.transfer_rotation_to_content()
    return reader


def _parts(data: DossierData, fonts: FontSet | None) -> list[_Part]:
    parts = []
    for index, entry in enumerate(data.entries):
        if entry.picture is None and not entry.pdf:
            parts.append(_Part(entry.title, None, entry.note, entry.mark or MISSING_MARK))
            continue
        try:
            if entry.picture is not None:
                page = io.BytesIO()
                build_picture_page(entry.title, entry.picture, page, fonts=fonts)
                reader = _pdf_reader(page.getvalue(), attachment=False)
            else:
                reader = _pdf_reader(entry.pdf, attachment=entry.attachment)
        except MissingGlyphs:
            raise
        except Exception as exc:  # pypdf and Pillow raise many kinds; all mean unreadable
            if not entry.attachment:
                raise BadDossierEntry(index, entry.title, str(exc)) from exc
            reason = str(exc) if str(exc) in (ENCRYPTED, NO_PAGES) else UNREADABLE
            parts.append(_Part(entry.title, None, reason, UNBOUND_MARK))
            continue
        parts.append(_Part(entry.title, reader, entry.note))
    return parts


def _cover(c: Composer, data: DossierData) -> list[Flowable]:
    main = c.fonts.main.name
    committee = paragraph_style("committee", fontName=main, fontSize=20, leading=30,
                                alignment=TA_CENTER)
    big = paragraph_style("big", fontName=main, fontSize=36, leading=48, alignment=TA_CENTER)
    dates = "" if data.mediation_from is None and data.mediation_to is None else \
        f"{chinese_date(data.mediation_from)}至{chinese_date(data.mediation_to)}"
    rows = [("卷名", data.volume_name), ("卷号", data.volume_number),
            (data.mediator_label, data.mediator), ("调解日期", dates), ("立卷人", data.filed_by),
            ("立卷日期", chinese_date(data.filed_on) if data.filed_on else ""),
            ("保管期限", data.retention), ("备注", _cover_remarks(c, data))]
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


COVER_REMARK_LINES = 3


def _cover_remarks(c: Composer, data: DossierData) -> str:
    """The remarks, or (too long for the cover's line) a pointer to the 备考表."""
    if not data.back_note:
        return data.remarks
    height = c.para(data.remarks, c.plain_style).wrap(TEXT_W - 36 * mm, 10_000)[1]
    return data.remarks if height <= COVER_REMARK_LINES * c.plain_style.leading \
        else "详见备考表"


def _spaced(c: Composer, text: str, style) -> Paragraph:
    return c.para("\u3000".join(text), style)


NOTE_CELL_LINES = 6


def _contents(c: Composer, parts: list[_Part], *, noted: bool) -> list[Flowable]:
    """The 卷内目录. A 备注 too long for its cell says 详见备考表 when there is one (the
    备考表 carries it in full)."""
    head = paragraph_style("th", parent=c.cell_style, alignment=TA_CENTER)
    centre = paragraph_style("tc", parent=c.cell_style, alignment=TA_CENTER)
    rows: list[list] = [[c.para(x, head) for x in ("序号", "文书名称", "页号", "备注")]]
    widths = [16 * mm, TEXT_W - 16 * mm - 22 * mm - 46 * mm, 22 * mm, 46 * mm]
    page = 1
    for number, part in enumerate(parts, start=1):
        where = _page_range(page, part.count) if part.count else part.mark
        note = c.para(part.note, c.cell_style)
        if noted and note.wrap(widths[3] - 12, 10_000)[1] > NOTE_CELL_LINES * 17:
            note = c.para("详见备考表", c.cell_style)
        rows.append([c.para(str(number), centre), c.para(part.title, c.cell_style),
                     c.para(where, centre), note])
        page += part.count
    # splitInRow: a row taller than a page (a very long name) continues on the next.
    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(c.table_style([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [c.title(CONTENTS), Spacer(1, 6), table]


def _note_lines(data: DossierData, parts: list[_Part], pages: int) -> list[str]:
    """本卷情况说明: what the file holds, what it lacks and why, what is not bound in."""
    bound = sum(1 for p in parts if p.count)
    lines = [f"本卷卷内材料共{bound}件，连同本备考表共{pages}页（封面、卷内目录不编页号）。"]
    for part in parts:
        if part.count:
            continue
        why = part.note.strip().rstrip("。，；：,.;: ")  # the sentence ends once, in 。
        if part.mark == MISSING_MARK:
            lines.append(f"缺{part.title}：{why}。" if why else f"缺{part.title}。")
        else:
            lines.append(f"{part.title}：{why}。")
    lines += [x.strip() for x in data.remarks.splitlines() if x.strip()]
    return lines


def _note(data: DossierData, parts: list[_Part], fonts: FontSet | None) -> _Part:
    """The 备考表, counting its own pages: laid out again until the count it states is
    the count it takes (one page in practice)."""
    header = Header(data.committee, draft=data.draft)
    rows = [("立卷人", data.filed_by),
            ("立卷日期", chinese_date(data.filed_on) if data.filed_on else ""),
            ("检查人", ""), ("检查日期", chinese_date(None))]
    before = sum(p.count for p in parts)
    own = 1
    for _ in range(4):
        out = io.BytesIO()
        build_note(header, _note_lines(data, parts, before + own), rows, out, fonts=fonts)
        reader = PdfReader(io.BytesIO(out.getvalue()))
        if len(reader.pages) == own:
            break
        own = len(reader.pages)
    return _Part(NOTE_TITLE, reader, "")


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
    """Writes the case file PDF to ``out``. Raises BadDossierEntry (a document of the desk
    that is not a readable PDF) or MissingGlyphs before writing anything; a file of the
    case that cannot be read is listed with the reason instead."""
    parts = _parts(data, fonts)
    if data.back_note:
        parts.append(_note(data, parts, fonts))
    c = Composer(None, fonts)
    story = [*_cover(c, data), PageBreak(), *_contents(c, parts, noted=data.back_note)]
    front = io.BytesIO()
    c.render(story, front, title=f"{TITLE} {data.volume_name}", footer=False)

    writer = PdfWriter()
    writer.append(PdfReader(front))
    readers = [p.reader for p in parts if p.reader is not None]
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
