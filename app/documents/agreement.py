"""人民调解协议书 (人民调解法 Art 28-29; the reconstructed model form, research §3.2)."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.documents.data import AgreementData, Signatory
from app.documents.fonts import FontSet
from app.documents.typography import Composer, amount_text, chinese_numeral, party_line

TITLE = "人民调解协议书"


def default_signatories(data: AgreementData) -> tuple[Signatory, ...]:
    """Every party (a business through its representative, with its seal), the mediator and
    the recorder — whichever of these ``data.signatories`` does not already name."""
    given = list(data.signatories)
    if not given:
        for p in data.parties:
            if p.is_business:
                given.append(Signatory(f"{p.role}（盖章）", p.name))
                given.append(Signatory("法定代表人或委托代理人（签名）", p.representative))
            else:
                given.append(Signatory(f"{p.role}（签名盖章或按指印）", p.name))
    if not any("调解员" in s.caption for s in given):
        given.append(Signatory("人民调解员（签名）", data.mediator))
    if not any("记录人" in s.caption for s in given):
        given.append(Signatory("记录人（签名）", data.recorder))
    return tuple(given)


def build_agreement(data: AgreementData, out: BinaryIO, *, fonts: FontSet | None = None
                    ) -> None:
    """Writes the agreement PDF to ``out``. Raises MissingGlyphs (a character no font has)
    or BadAmount (a negative or too large amount) before writing anything."""
    c = Composer(data.header, fonts)
    story: list[Flowable] = [KeepTogether([c.title(TITLE), c.number_line(), Spacer(1, 8)])]

    for party in data.parties:
        story.append(c.para(party_line(party)))

    story += c.labelled("纠纷主要事实：", data.facts)
    story += c.labelled("争议事项：", data.disputes)
    story += c.labelled("各方当事人的责任：", data.responsibility)

    if data.clauses:
        story += c.heading("经调解，自愿达成如下协议：")
        for number, clause in enumerate(data.clauses, start=1):
            lines = [line.strip() for line in clause.splitlines() if line.strip()] or [""]
            story.append(c.para(f"{chinese_numeral(number)}、{lines[0]}"))
            story += [c.para(line) for line in lines[1:]]
    if data.amounts:
        story += c.heading("本协议所涉金额：")
        story += [c.para(amount_text(a)) for a in data.amounts]
    story += c.labelled("履行方式、时限：", data.performance)

    holder = "人民调解委员会" if "调解委员会" in data.header.committee.name \
        else data.header.committee.name
    story.append(Spacer(1, 4))
    story.append(c.copies_line(data.copies, len(data.parties), holder))
    story += c.signatures(default_signatories(data))
    story.append(c.seal(data.header.committee, data.signed_on))
    c.render(story, out, title=TITLE)
