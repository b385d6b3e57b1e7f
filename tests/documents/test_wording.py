"""The documents' own wording: legal grounds quoted from the rules, and a word on paper
for every value a document prints."""

from __future__ import annotations

import pytest

from app.core.documents import DocumentKind
from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.parties import IdType, PartyRole
from app.core.sessions import SessionResult
from app.core.workflow import RejectionGround, TerminationGround, Track
from app.documents import wording

MC = Track.MARKET_COMPLAINT


def test_market_grounds_quote_the_interim_measures() -> None:
    ground = wording.ground_wording(RejectionGround.MC_NOT_CONSUMER_DISPUTE)
    assert "生活消费" in ground.text
    assert "第十五条第（三）项" in ground.citation
    assert len([g for g in TerminationGround.for_track(MC)
                if "第二十一条" in wording.ground_wording(g).citation]) == 7
    assert wording.ground_wording(TerminationGround.PM_FAILED).citation == "《人民调解法》第二十六条"
    # A rejection and a termination ground sharing a value keep their own words.
    assert "不予受理" in wording.ground_wording(RejectionGround.MC_OTHER).text
    assert "终止调解" in wording.ground_wording(TerminationGround.MC_OTHER).text


def test_no_ground_wording_hedges() -> None:
    for table in (wording.REJECTION_GROUNDS, wording.TERMINATION_GROUNDS):
        for g, w in table.items():
            assert not any(h in w.text + w.citation for h in ("未核实", "据报道")), g


# Every enum whose values a document prints, and the table that words them.
PRINTED = [
    (RejectionGround, {g: w.text for g, w in wording.REJECTION_GROUNDS.items()}),
    (TerminationGround, {g: w.text for g, w in wording.TERMINATION_GROUNDS.items()}),
    (DocumentKind, wording.TITLES),
    (PartyRole, wording.ROLES),
    (IdType, wording.ID_LABELS),
    (SessionResult, wording.SESSION_RESULTS),
    (FollowUpMethod, wording.FOLLOW_UP_METHODS),
    (Performance, wording.PERFORMANCE),
    (Satisfaction, wording.SATISFACTION),
]


@pytest.mark.parametrize(("enum", "table"), PRINTED, ids=[e.__name__ for e, _ in PRINTED])
def test_every_printed_member_has_document_wording(enum, table) -> None:
    missing = [m for m in enum if not table.get(m)]
    assert missing == []
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in table[m]) for m in enum)


def test_a_legacy_or_unknown_value_is_printed_sensibly() -> None:
    assert wording.printed(wording.SATISFACTION, "neutral") == "一般"  # old demo stores
    assert wording.printed(wording.SATISFACTION, "delighted") == "delighted"  # a newer version
    assert wording.printed(wording.SATISFACTION, None) == ""
