"""The one-page notices and records: 终止调解告知书, 不予受理告知书, 人民调解口头协议登记表,
人民调解回访记录. The service words the title and the text; this lays them out."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.documents.data import NoticeData
from app.documents.fonts import FontSet
from app.documents.typography import Composer


def build_notice(data: NoticeData, out: BinaryIO, *, fonts: FontSet | None = None) -> None:
    """Writes the notice PDF to ``out``; MissingGlyphs before writing anything."""
    c = Composer(data.header, fonts)
    story: list[Flowable] = [KeepTogether([c.title(data.title), c.number_line(),
                                           Spacer(1, 8)])]
    if data.addressee.strip():
        story.append(c.para(data.addressee.strip(), c.plain_style))
    if data.rows:  # a register: the table first, then what it says about it (如上)
        story += [Spacer(1, 8), *c.field_table(data.rows), Spacer(1, 6)]
    for paragraph in data.paragraphs:
        story += c.body(paragraph)
    # Signatures and the seal stay together: a seal and date alone on a page are no use.
    story.append(c.signed_and_sealed(data.signatories, data.header.committee, data.dated))
    c.render(story, out, title=data.title)
