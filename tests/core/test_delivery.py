"""送达: a notice is served when every party owed it has been told of this decision."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.deadlines import ClockKind
from app.core.delivery import Delivery, owed_to, served_at, told
from app.core.parties import PartyRole
from app.core.timeutil import CHINA_TZ

TERMINATION = ClockKind.TERMINATION_NOTICE
APPLICANT, RESPONDENT = PartyRole.APPLICANT, PartyRole.RESPONDENT


def at(d: int, h: int = 10) -> datetime:
    return datetime(2026, 4, d, h, tzinfo=CHINA_TZ)


def test_a_market_termination_is_owed_to_both_sides_a_committee_s_to_the_applicant():
    assert owed_to(TERMINATION, both_parties=True) == (APPLICANT, RESPONDENT)
    assert owed_to(TERMINATION, both_parties=False) == (APPLICANT,)
    assert owed_to(ClockKind.REPORT_NOTICE, both_parties=True) == (PartyRole.REPORTER,)
    with pytest.raises(ValueError):
        owed_to(ClockKind.MEDIATION, both_parties=True)


def test_served_when_the_last_party_is_told_of_this_decision():
    owed = owed_to(TERMINATION, both_parties=True)
    decided = at(1)
    first = Delivery(TERMINATION, APPLICANT, at(2))
    assert served_at(TERMINATION, decided, owed, [first]) is None
    deliveries = [first, Delivery(TERMINATION, RESPONDENT, at(6)),
                  Delivery(TERMINATION, RESPONDENT, at(3))]  # told twice: the first counts
    assert served_at(TERMINATION, decided, owed, deliveries) == at(3)
    # An earlier decision's delivery (the case was reopened since) does not count.
    assert told(TERMINATION, at(4), deliveries) == {RESPONDENT: at(6)}
    assert served_at(TERMINATION, at(4), owed, deliveries) is None
    # Another notice's delivery neither.
    other = [Delivery(ClockKind.REPORT_NOTICE, APPLICANT, at(2)),
             Delivery(TERMINATION, RESPONDENT, at(2))]
    assert served_at(TERMINATION, decided, owed, other) is None
