"""The shared look of every document: A4 page, margins, title, number line, body text,
signature and seal blocks, 第 N 页 共 M 页 footers, draft watermark, verification QR.

A builder makes a ``Composer`` for its header, asks it for flowables (every piece of the
mediator's text goes through ``Composer.markup``: escaped, split by font, missing glyphs
collected), then calls ``Composer.render``: it refuses the document (MissingGlyphs) before
a byte is written, so no character ever prints as an empty box.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _rl_paragraph

from app.core.errors import AmountError
from app.core.money import format_amount, to_capitals
from app.documents import qr, wording
from app.documents.data import Committee, Header, PartyBlock, Signatory
from app.documents.errors import BadAmount, MissingGlyphs
from app.documents.fonts import FontSet, default_fonts, seed_subsets

__all__ = [
    "Composer",
    "amount_text",
    "chinese_date",
    "chinese_numeral",
    "party_line",
    "verification_payload",
]

PAGE_W, PAGE_H = A4
# GB/T 9704-2012 (党政机关公文格式): 版心 156 × 225 mm, top margin 37 mm, left 28 mm, so
# right 26 mm and bottom 35 mm. Binding is on the left, hence the wider left margin; the
# bottom margin holds the page number and, on a final, the verification code.
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
TEXT_W = PAGE_W - LEFT - RIGHT

BODY_SIZE = 14  # 四号: 版心 holds ~11 characters fewer per line than 三号 and fits forms
BODY_LEADING = 26  # about 1.5 lines (Word's "1.5 倍" of 四号 is 25.2 pt)
TITLE_SIZE = 22  # 二号, the title size of GB/T 9704
SMALL_SIZE = 12  # 小四: number line, signature captions
FOOT_SIZE = 10.5  # 五号: page numbers
GREY = colors.Color(0.35, 0.35, 0.35)
LONG_CELL = 8 * 17  # a form cell taller than eight lines prints as text instead

_DIGITS = "〇一二三四五六七八九"

# reportlab's CJK line breaking hangs a character that may not start a line in the margin,
# but its list (made for Japanese) lacks the Chinese full-width ，：；！？ and closing quotes.
_NO_LINE_START = "，：；！？》〉”’…·"
if _NO_LINE_START[0] not in _rl_paragraph.ALL_CANNOT_START:
    _rl_paragraph.ALL_CANNOT_START += _NO_LINE_START


def chinese_numeral(n: int) -> str:
    """0-99999 in counting numerals: 十, 十一, 二十二, 一百零一, 一千零一十."""
    if not 0 <= n < 100_000:
        raise ValueError(f"{n} is out of range")
    if n == 0:
        return "零"
    units = ("", "十", "百", "千", "万")
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero = False
    for pos, d in enumerate(digits):
        place = len(digits) - pos - 1
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append("零一二三四五六七八九"[d] + units[place])
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text  # 十一, not 一十一


def chinese_date(day: date | None) -> str:
    """二〇二六年十一月二十二日; a blank to fill by hand when there is no date."""
    if day is None:
        return "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    year = "".join(_DIGITS[int(d)] for d in f"{day.year:04d}")
    return f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"


def amount_text(amount: Decimal | int) -> str:
    """人民币3,200.00元（大写：人民币叁仟贰佰元整）; BadAmount for what must not print."""
    try:
        capitals = to_capitals(Decimal(amount))
    except AmountError as exc:
        raise BadAmount(amount, exc.code, exc.message) from exc
    return f"人民币{format_amount(amount)}元（大写：{capitals}）"


HAND_BLANK = "＿＿＿＿"  # a particular left empty: written in by hand, never dropped


def party_line(party: PartyBlock) -> str:
    """申请人：李秀英，女，汉族，45岁，… — every particular the form asks for, an empty one
    as a blank to fill by hand. A business: name, 统一社会信用代码, 法定代表人（负责人）,
    住所, 联系方式. An ID number is printed only where one was recorded (PIPL)."""
    def given(value: str, label: str = "") -> str:
        if value:
            return f"{label}：{value}" if label else value
        return f"{label}：{HAND_BLANK}" if label else HAND_BLANK

    if party.is_business:
        parts = [party.name,
                 given(party.id_number, party.id_label or "统一社会信用代码"),
                 given(party.representative, "法定代表人（负责人）"),
                 given(party.address, "住所"), given(party.contact, "联系方式")]
    else:
        parts = [party.name,
                 party.sex or f"性别{HAND_BLANK}", party.ethnicity or f"民族{HAND_BLANK}",
                 f"{party.age}岁" if party.age is not None else f"年龄{HAND_BLANK}",
                 given(party.occupation, "职业或职务")]
        if party.id_number:
            parts.append(f"{party.id_label or '身份证件号码'}：{party.id_number}")
        parts += [given(party.contact, "联系方式"), given(party.address, "单位或住址")]
    return f"{party.role}：" + "，".join(parts) + "。"


def verification_payload(number: str, content_sha256: str) -> str:
    """What the QR code carries: a versioned, |-separated line a checker can parse."""
    return f"MDV1|{number}|{content_sha256}"


def paragraph_style(name: str, **kw) -> ParagraphStyle:
    """CJK line breaking, justified, no widow or orphan line, unless ``kw`` says otherwise."""
    base = dict(fontSize=BODY_SIZE, leading=BODY_LEADING, wordWrap="CJK",
                alignment=TA_JUSTIFY, allowOrphans=0, allowWidows=0)
    base.update(kw)
    return ParagraphStyle(name, **base)


class Composer:
    """Flowables in the house style, for one document."""

    def __init__(self, header: Header | None, fonts: FontSet | None = None) -> None:
        self.header = header
        self.fonts = fonts or default_fonts()
        self.missing: set[str] = set()
        # Every character the document prints (give or take a page number): a batch seeds
        # the subsets of its documents with the characters all of them print.
        self.printed: set[str] = set()
        main = self.fonts.main.name
        style = paragraph_style
        self.body_style = style("body", fontName=main, firstLineIndent=2 * BODY_SIZE)
        self.plain_style = style("plain", fontName=main)
        self.heading_style = style("heading", fontName=main, spaceBefore=4)
        self.small_style = style("small", fontName=main, fontSize=SMALL_SIZE, leading=18,
                                 alignment=TA_LEFT)
        self.small_right = style("small_r", parent=self.small_style, alignment=TA_RIGHT)
        self.name_style = style("name", fontName=main, fontSize=10.5, leading=14,
                                alignment=TA_CENTER, textColor=GREY)
        self.cell_style = style("cell", fontName=main, fontSize=SMALL_SIZE, leading=17,
                                alignment=TA_LEFT)
        if header is not None:
            # Footer texts are drawn on the canvas: check their glyphs now, with the rest.
            self.markup(header.committee.name)
            self.markup(header.number)
        self.printed.update("第页共")
        if header is not None and not header.draft and header.verification is not None:
            self.printed.update(f"编号：{header.verification.number or header.number}"
                                f"校验码：{header.verification.content_sha256[:16]}"
                                "扫码核验文书是否与存档一致")

    # ------------------------------------------------------------------ text

    def markup(self, text: str) -> str:
        self.printed.update(text)
        return self.fonts.markup(text, self.missing)

    def para(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(self.markup(text), style or self.body_style)

    def body(self, text: str) -> list[Paragraph]:
        """One indented paragraph per line the mediator wrote; blank lines dropped."""
        return [self.para(line.strip()) for line in text.splitlines() if line.strip()]

    def heading(self, text: str) -> list[Flowable]:
        """A section label that never stays alone at a page foot: a new page unless the
        label and two lines fit (keepWithNext would drag a long paragraph along whole)."""
        return [CondPageBreak(3 * BODY_LEADING), self.para(text, self.heading_style)]

    def labelled(self, label: str, text: str) -> list[Flowable]:
        """'label：' then the text's paragraphs; '无' is not invented for an empty field."""
        paragraphs = self.body(text)
        if not paragraphs:
            return []
        return [*self.heading(label), *paragraphs]

    def title(self, text: str) -> Flowable:
        self.printed.update(text)
        return _Title(self.fonts.segments(text), self.missing)

    def number_line(self) -> Paragraph:
        header = self.header
        number = "草稿" if header is None or header.draft or not header.number else header.number
        return self.para(f"编号：{number}", self.small_right)

    def copies_line(self, copies: int, parties: int, holder: str, *, noun: str = "本协议",
                    archive: bool = False) -> Paragraph:
        """本协议一式三份，当事人各执一份，人民调解委员会留存一份。 A bureau's 调解书: …，
        某某市场监督管理所留存一份归档。"""
        kept = copies - parties
        line = f"{noun}一式{chinese_numeral(copies)}份"
        if kept >= 0:
            line += "，当事人各执一份"
        if kept > 0:
            line += f"，{holder}留存{chinese_numeral(kept)}份" + ("归档" if archive else "")
        line += "。"
        style = paragraph_style("copies", parent=self.body_style, keepWithNext=1)
        return self.para(line, style)

    # ------------------------------------------------------------------ blocks

    def table_style(self, commands: list) -> TableStyle:
        """Our font for every cell: a table draws even an empty cell with its cell font, and
        reportlab's default (Helvetica) would be named in the PDF but not embedded."""
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), self.fonts.main.name), *commands])

    def signature_block(self, signatory: Signatory, width: float) -> Table:
        """Caption, room to sign, the line, the printed name, 年 月 日."""
        rows = [
            [self.para(signatory.caption, self.small_style)],
            [""],
            [self.para(signatory.name, self.name_style) if signatory.name else ""],
            [self.para("\u3000\u3000年\u3000\u3000月\u3000\u3000日", self.small_right)],
        ]
        table = Table(rows, colWidths=[width - 8 * mm], rowHeights=[None, 30, None, None])
        table.setStyle(self.table_style([
            ("LINEBELOW", (0, 1), (0, 1), 0.6, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]))
        return table

    def signatures(self, signatories: Sequence[Signatory], per_row: int = 2,
                   last: Flowable | None = None) -> list[Flowable]:
        """``per_row`` blocks a row; ``last`` (the seal) in the last row's free place. A
        table row never splits, so no block is cut by a page end."""
        if not signatories:
            return []
        half = TEXT_W / per_row
        cells: list = [self.signature_block(s, half) for s in signatories]
        while len(cells) % per_row:
            cells.append("")
        if last is not None:
            cells[-1] = last
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        table = Table(rows, colWidths=[half] * per_row, hAlign="LEFT")
        table.setStyle(self.table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
        ]))
        table.spaceBefore = 6  # not a Spacer: the copies line keeps with the table itself
        return [table]

    def seal(self, committee: Committee, day: date | None) -> Flowable:
        """The issuing body's name, where its seal goes (the office's own words, else the
        track's: a committee's seal or the bureau's), and the date, at the right."""
        return KeepTogether([self.seal_table(committee, day)])

    def seal_table(self, committee: Committee, day: date | None) -> Table:
        track = self.header.track if self.header is not None else None
        mark = committee.seal_text or wording.for_track(track).default_seal
        lines = [committee.name, mark, chinese_date(day)]
        width = min(TEXT_W, max(stringWidth(x, self.fonts.main.name, BODY_SIZE)
                                for x in lines) + 4 * mm)
        table = Table([[self.para(x, paragraph_style("seal", parent=self.plain_style,
                                            alignment=TA_CENTER))] for x in lines],
                      colWidths=[width], hAlign="RIGHT")
        table.setStyle(self.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, 0), 18)]))
        return table

    def signed_and_sealed(self, signatories: Sequence[Signatory], committee: Committee,
                          day: date | None) -> Flowable:
        """A form's signatures and the seal kept together, on the page of the form: three
        blocks a row, the seal in the last row's free place where it fits there."""
        per_row = 3 if len(signatories) > 4 else 2
        seal = self.seal_table(committee, day)
        cell = TEXT_W / per_row
        if len(signatories) % per_row and seal.wrap(cell, PAGE_H)[0] <= cell:
            return KeepTogether(self.signatures(signatories, per_row, last=seal))
        return KeepTogether([*self.signatures(signatories, per_row), seal])

    def field_table(self, rows: Iterable[tuple[str, str]], label_width: float | None = None
                    ) -> list[Flowable]:
        """A ruled two-column form (label | value), as the model forms print fields. A value
        too long for a box (a page of 回访情况) leaves the table and follows as a labelled
        text, in its place: a table row split over pages reads badly. The label column is
        as wide as the longest label, so that no label wraps (调解协议编/号)."""
        rows = list(rows)
        if label_width is None:
            widest = max((stringWidth(label, self.fonts.main.name, SMALL_SIZE)
                          for label, _ in rows), default=0)
            label_width = max(28 * mm, min(widest + 12, TEXT_W / 3))
        value_width = TEXT_W - label_width - 10
        out: list[Flowable] = []
        pending: list[list[Paragraph]] = []
        for label, value in rows:
            cell = self.para(value, self.cell_style)
            if cell.wrap(value_width, PAGE_H)[1] > LONG_CELL:
                out += self._form(pending, label_width)
                pending = []
                out += self.labelled(f"{label}：", value)
            else:
                pending.append([self.para(label, self.cell_style), cell])
        return out + self._form(pending, label_width)

    def _form(self, data: list[list[Paragraph]], label_width: float) -> list[Flowable]:
        if not data:
            return []
        # splitInRow: a row taller than what is left of the page may still continue.
        table = Table(data, colWidths=[label_width, TEXT_W - label_width], hAlign="LEFT",
                      splitInRow=1)
        table.setStyle(self.table_style([
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ]))
        return [table]

    # ------------------------------------------------------------------ the file

    def check(self) -> None:
        if self.missing:
            raise MissingGlyphs(self.missing)

    def render(self, story: list[Flowable], out: BinaryIO, *, title: str,
               footer: bool = True, seed: str = "") -> None:
        """Lays out ``story`` on A4 and writes the PDF to ``out``, or raises before writing.
        ``seed``: characters of the main font to take its first codes, in this order
        (fonts.seed_subsets; "" as reportlab assigns them, in order of use)."""
        self.check()
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
            bottomMargin=BOTTOM, title=title,
            author=self.header.committee.name if self.header else "",
            creator="Mediation Desk", invariant=1,
        )
        frame = Frame(LEFT, BOTTOM, TEXT_W, PAGE_H - TOP - BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        draft = self.header is None or self.header.draft
        on_page = self._watermark if draft and self.header is not None else None
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page or _nothing)])
        decorate = self._footer if footer else None
        doc.build(story, canvasmaker=_paged_canvas(decorate, self.fonts.main.name, seed))
        out.write(buffer.getvalue())

    def _watermark(self, canvas: Canvas, _doc) -> None:
        """A light diagonal 草稿 under the text of every page of a draft."""
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.6, 0.6, 0.6))
        canvas.setFillAlpha(0.18)
        canvas.translate(PAGE_W / 2, PAGE_H / 2)
        canvas.rotate(35)
        canvas.setFont(self.fonts.main.name, 150)
        canvas.drawCentredString(0, -50, "草稿")
        canvas.restoreState()

    def _footer(self, canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(self.fonts.main.name, FOOT_SIZE)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(PAGE_W / 2, BOTTOM - 10 * mm, f"第 {page} 页 共 {pages} 页")
        header = self.header
        if header is not None and not header.draft and header.verification is not None:
            self._verification(canvas, header.verification.number or header.number,
                               header.verification.content_sha256)
        canvas.restoreState()

    def _verification(self, canvas: Canvas, number: str, sha: str) -> None:
        """QR code at the bottom right, number and short hash printed beside it. The code is
        drawn once per document as a form and placed on every page (encoding it costs
        ~20 ms; the graphics widget would redo it on each page)."""
        size = 20 * mm
        x, y = PAGE_W - RIGHT - size, 7 * mm
        form = "verification-qr"
        if not canvas.hasForm(form):
            canvas.beginForm(form)
            _draw_qr(canvas, verification_payload(number, sha), size)
            canvas.endForm()
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(form)
        canvas.restoreState()
        right = x - 1 * mm
        _draw_runs(canvas, self.fonts, right, y + 11 * mm, f"编号：{number}", 7.5)
        _draw_runs(canvas, self.fonts, right, y + 6.5 * mm, f"校验码：{sha[:16]}", 7.5)
        _draw_runs(canvas, self.fonts, right, y + 2 * mm, "扫码核验文书是否与存档一致", 7.5)


def _draw_qr(canvas: Canvas, value: str, size: float) -> None:
    """The QR code filling ``size`` with its quiet zone, at (0, 0): one path, a rectangle
    per run of dark modules in a row, in module units (whole numbers: nothing to format
    but integers, which the ~500 rect calls of each code spent most of their time on)."""
    rows = qr.modules(value)
    count = len(rows)
    ops = []
    for row, bits in enumerate(rows):
        col, top = 0, count + 3 - row  # 4 modules of quiet zone each side
        while bits:
            skip = (bits & -bits).bit_length() - 1  # the next dark module
            bits >>= skip
            col += skip
            run = (~bits & (bits + 1)).bit_length() - 1  # dark modules from there
            ops.append(f"{col + 4} {top} {run} 1 re f")
            bits >>= run
            col += run
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.scale(size / (count + 8), size / (count + 8))
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()


def _nothing(_canvas, _doc) -> None:
    pass


def _draw_runs(canvas: Canvas, fonts: FontSet, right: float, y: float, text: str,
               size: float) -> None:
    """Right-aligned text on the canvas, font switched per run (missing glyphs were
    refused before layout)."""
    runs = [(f.name, t) for f, t in fonts.segments(text) if f is not None]
    width = sum(stringWidth(t, name, size) for name, t in runs)
    obj = canvas.beginText(right - width, y)
    for name, t in runs:
        obj.setFont(name, size)
        obj.textOut(t)
    canvas.setFillColor(GREY)
    canvas.drawText(obj)


def _paged_canvas(decorate, font_name: str, seed: str = ""):
    """A canvas that holds its pages back until the end, so each footer knows the count.
    Its initial font is ours: reportlab's default (Helvetica) would be a font the PDF names
    but does not embed."""

    class PagedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font_name
            super().__init__(*args, **kwargs)
            seed_subsets(self._doc, font_name, seed)
            self._held: list[dict] = []

        def showPage(self):  # reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                if decorate is not None:
                    decorate(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return PagedCanvas


class _Title(Flowable):
    """The document's title: centred, 二号, letter-spaced, drawn stroked-and-filled as a
    light bold (the Song fonts have no bold face)."""

    def __init__(self, runs: list, missing: set[str]) -> None:
        super().__init__()
        self.runs = []
        for font, text in runs:
            if font is None:
                missing.update(c for c in text if not c.isspace())
            else:
                self.runs.append((font.name, text.strip("\n")))
        self.size = TITLE_SIZE
        chars = sum(len(t) for _, t in self.runs)
        self.space = 6 if chars <= 8 else 2 if chars <= 14 else 0
        self.spaceAfter = 10

    def _width(self) -> float:
        return sum(stringWidth(t, n, self.size) + self.space * len(t) for n, t in self.runs)

    def wrap(self, avail_width, avail_height):
        # Shrink a long title to one line rather than break it (they are short in practice).
        while self._width() > avail_width and self.size > 12:
            self.size -= 1
            self.space = 0
        self.width = avail_width
        self.height = self.size * 1.6
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        width = self._width() - self.space  # no spacing after the last character
        obj = canvas.beginText((self.width - width) / 2, self.size * 0.45)
        obj.setTextRenderMode(2)
        canvas.setLineWidth(0.45)
        obj.setCharSpace(self.space)
        for name, text in self.runs:
            obj.setFont(name, self.size)
            obj.textOut(text)
        canvas.drawText(obj)


# A paragraph in one font takes reportlab's other CJK path (textsplit.wordSplit), which
# reads textsplit's own copy of the list: without it that path may start a line with "，".
from reportlab.lib import textsplit as _rl_textsplit  # noqa: E402

if _NO_LINE_START[0] not in _rl_textsplit.ALL_CANNOT_START:
    _rl_textsplit.ALL_CANNOT_START += _NO_LINE_START

# Each character's width, by font and size, once: CJK line breaking asks for every
# character of every paragraph in turn (~1,200 stringWidth calls an agreement).
_char_widths: dict[tuple[str, float], dict[str, float]] = {}


def _known_char_widths(word: str, font_name: str, font_size: float) -> list[float]:
    known = _char_widths.setdefault((font_name, font_size), {})
    for ch in word:
        if ch not in known:
            known[ch] = stringWidth(ch, font_name, font_size)
    return [known[ch] for ch in word]


_rl_textsplit.getCharWidths = _known_char_widths
