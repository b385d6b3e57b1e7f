"""人民调解记录: time, place, cause, participants and parties at the head, then what was
said, the evidence, the proposals, the answers and the result; read back and signed."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.documents import wording
from app.documents.data import SessionRecordData, Signatory
from app.documents.fonts import FontSet
from app.documents.typography import Composer, party_line

TITLE = "人民调解记录"
READ_BACK = "以上记录已经当事人校阅或向当事人宣读，确认无误。"


def build_session_record(data: SessionRecordData, out: BinaryIO, *,
                         fonts: FontSet | None = None) -> None:
    """Writes the record PDF to ``out``; MissingGlyphs before writing anything."""
    c = Composer(data.header, fonts)
    title = wording.for_track(data.header.track).session_record_title
    story: list[Flowable] = [KeepTogether([c.title(title), c.number_line(), Spacer(1, 8)])]

    head = [
        ("时间", data.started), ("地点", data.place), ("方式", data.mode), ("事由", data.cause),
        ("群体调解", data.group),
        ("参加人", "、".join(data.participants)),
        ("当事人", "\n".join(party_line(p) for p in data.parties)),
        ("本人参加情况", data.attendance),
        ("记录人", data.recorder),
    ]
    story += c.field_table([(label, value) for label, value in head if value.strip()])
    story.append(Spacer(1, 10))

    if data.statements:
        story += c.heading("调解情况：")
        for who, said in data.statements:
            lines = [x.strip() for x in said.splitlines() if x.strip()] or [""]
            story.append(c.para(f"{who}：{lines[0]}"))
            story += [c.para(x) for x in lines[1:]]
    story += c.labelled("证据材料：", data.evidence)
    story += c.labelled("调解意见：", data.proposals)
    story += c.labelled("当事人意见：", data.responses)
    story += c.labelled("本人意见（与群体意见不同之处）：", data.position)
    story += c.labelled("调解结果：", data.result)
    for caption, text in data.addenda:
        story += c.heading(f"补充记录（{caption}）：")
        story += c.body(text)

    story += [Spacer(1, 6), c.para(READ_BACK)]
    signatories = list(data.signatories)
    if data.recorder and not any("记录人" in s.caption for s in signatories):
        signatories.append(Signatory("记录人（签名）", data.recorder))
    story += c.signatures(signatories)
    c.render(story, out, title=title)
