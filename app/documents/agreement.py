"""人民调解协议书 (人民调解法 Art 28-29; the reconstructed model form, research §3.2), or a
market-regulation bureau's 调解书 (暂行办法 第二十二条): the same parts, the track's words,
signers and seal."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.core.workflow import Track
from app.documents import wording
from app.documents.data import AgreementData, PartyBlock, Signatory
from app.documents.fonts import FontSet, shared_seed
from app.documents.typography import Composer, amount_text, chinese_numeral, party_line

TITLE = "人民调解协议书"


def party_signatories(parties: Sequence[PartyBlock], track: Track | None
                      ) -> list[Signatory]:
    """Each party as the track's paper has them sign: a person by their own hand, a
    business by its seal and its representative's signature."""
    words = wording.for_track(track)
    given: list[Signatory] = []
    for p in parties:
        if p.is_business:
            given.append(Signatory(f"{p.role}{words.business_sign}", p.name))
            given.append(Signatory(words.representative, p.representative))
        else:
            given.append(Signatory(f"{p.role}{words.person_sign}", p.name))
    return given


def default_signatories(data: AgreementData) -> tuple[Signatory, ...]:
    """Every party, the mediator and the recorder — whichever of these
    ``data.signatories`` does not already name."""
    words = wording.for_track(data.header.track)
    given = list(data.signatories) or party_signatories(data.parties, data.header.track)
    if not any(s.caption == words.mediator for s in given):
        given.append(Signatory(words.mediator, data.mediator))
    if not any(s.caption == words.recorder for s in given):
        given.append(Signatory(words.recorder, data.recorder))
    return tuple(given)


def build_agreement(data: AgreementData, out: BinaryIO, *, fonts: FontSet | None = None
                    ) -> None:
    """Writes the agreement PDF to ``out``. Raises MissingGlyphs (a character no font has)
    or BadAmount (a negative or too large amount) before writing anything."""
    c, story, title = _compose(data, fonts)
    c.render(story, out, title=title)


def build_agreements(batch: Sequence[AgreementData], *, fonts: FontSet | None = None
                     ) -> list[bytes]:
    """Each agreement's PDF, as ``build_agreement`` writes it alone, but made together:
    a group's agreements print mostly the same characters (the form, the business, the
    undertaking, the committee), so those are seeded first into every document's font
    subsets (fonts.shared_seed) and the subsets they fill are made and compressed once
    for the batch, not once per document. Each PDF stays whole on its own: every glyph
    it prints is embedded in it, and none that only another prints. Raises as
    ``build_agreement`` does, for the first agreement that cannot be made."""
    composed = [_compose(data, fonts) for data in batch]
    for c, _story, _title in composed:
        c.check()
    seed = shared_seed((c.printed for c, _story, _title in composed), fonts)
    pdfs = []
    for c, story, title in composed:
        out = io.BytesIO()
        c.render(story, out, title=title, seed=seed)
        pdfs.append(out.getvalue())
    return pdfs


def _compose(data: AgreementData, fonts: FontSet | None
             ) -> tuple[Composer, list[Flowable], str]:
    c = Composer(data.header, fonts)
    words = wording.for_track(data.header.track)
    story: list[Flowable] = [KeepTogether([c.title(words.agreement_title), c.number_line(),
                                           Spacer(1, 8)])]

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
        story += c.heading(f"{words.agreement_noun}所涉金额：")
        story += [c.para(amount_text(a)) for a in data.amounts]
    story += c.labelled("履行方式、时限：", data.performance)
    if data.confirmable:
        story += c.body(wording.JUDICIAL_CONFIRMATION_NOTE)

    market = data.header.track is Track.MARKET_COMPLAINT
    name = data.header.committee.name
    holder = "人民调解委员会" if not market and "调解委员会" in name else name
    story.append(Spacer(1, 4))
    story.append(c.copies_line(data.copies, len(data.parties), holder,
                               noun=words.agreement_noun, archive=market))
    story += c.signatures(default_signatories(data))
    story.append(c.seal(data.header.committee, data.signed_on))
    return c, story, words.agreement_title


def render_agreements(_context: object, batch: Sequence[AgreementData]) -> list[bytes]:
    """Each agreement's PDF (a worker's task for app/core/parallel.ordered_map: a group's
    agreements are laid out a batch at a time in worker processes)."""
    return build_agreements(batch)
