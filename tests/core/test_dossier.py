"""What a 卷宗 must hold, per track and outcome, and when it may be made final."""

from __future__ import annotations

import pytest

from app.core.dossier import (
    GENERATED,
    ITEM_ORDER,
    DossierItem,
    ItemState,
    Need,
    check_dossier,
    default_item,
    need,
    needs_dossier,
)
from app.core.workflow import CaseKind, CaseStatus, Outcome, Track

PM, MC = Track.PEOPLES_MEDIATION, Track.MARKET_COMPLAINT


def test_items_are_in_the_model_files_order():
    assert ITEM_ORDER[0] is DossierItem.INTAKE and ITEM_ORDER[-1] is DossierItem.NOTE
    order = [DossierItem.INTAKE, DossierItem.RIGHTS_NOTICE, DossierItem.IDENTITY,
             DossierItem.POWER_OF_ATTORNEY, DossierItem.INVESTIGATION, DossierItem.EVIDENCE,
             DossierItem.SESSION_RECORD, DossierItem.AGREEMENT, DossierItem.TERMINATION,
             DossierItem.RECEIPTS, DossierItem.FOLLOW_UP, DossierItem.JUDICIAL,
             DossierItem.NOTE]
    assert list(ITEM_ORDER) == order


@pytest.mark.parametrize("track", list(Track))
def test_a_settled_case_needs_its_record_agreement_and_follow_up(track):
    required = {i for i in ITEM_ORDER
                if need(i, track, Outcome.SETTLED, mediated=True) is Need.REQUIRED}
    assert {DossierItem.SESSION_RECORD, DossierItem.AGREEMENT,
            DossierItem.FOLLOW_UP} <= required
    assert DossierItem.TERMINATION not in required
    assert GENERATED <= required


def test_identity_proof_is_required_in_peoples_mediation_only():
    assert need(DossierItem.IDENTITY, PM, Outcome.SETTLED, mediated=True) is Need.REQUIRED
    # A hotline complaint needs no ID (暂行办法 第九条).
    assert need(DossierItem.IDENTITY, MC, Outcome.SETTLED, mediated=True) is Need.AS_NEEDED


def test_judicial_confirmation_is_not_part_of_a_complaints_file():
    assert need(DossierItem.JUDICIAL, MC, Outcome.SETTLED, mediated=True) is Need.NOT_USED
    check = check_dossier(MC, Outcome.SETTLED, set(), {}, mediated=True)
    assert DossierItem.JUDICIAL not in [i.item for i in check.items]


def test_a_terminated_case_needs_the_termination_notice_not_an_agreement():
    assert need(DossierItem.TERMINATION, PM, Outcome.TERMINATED,
                mediated=True) is Need.REQUIRED
    assert need(DossierItem.AGREEMENT, PM, Outcome.TERMINATED,
                mediated=True) is Need.AS_NEEDED
    assert need(DossierItem.FOLLOW_UP, PM, Outcome.TERMINATED,
                mediated=True) is Need.AS_NEEDED
    # Terminated before any session: no record is owed.
    assert need(DossierItem.SESSION_RECORD, MC, Outcome.TERMINATED,
                mediated=False) is Need.AS_NEEDED


def test_a_missing_item_blocks_until_its_reason_is_given():
    present = {DossierItem.IDENTITY, DossierItem.SESSION_RECORD, DossierItem.AGREEMENT}
    check = check_dossier(PM, Outcome.SETTLED, present, {}, mediated=True)
    assert check.blocking == (DossierItem.FOLLOW_UP,) and not check.complete
    assert check.state(DossierItem.INTAKE) is ItemState.PRESENT  # made from the case
    assert check.state(DossierItem.RECEIPTS) is ItemState.ABSENT
    blank = check_dossier(PM, Outcome.SETTLED, present, {"follow_up": "  "}, mediated=True)
    assert blank.blocking == (DossierItem.FOLLOW_UP,)
    given = check_dossier(PM, Outcome.SETTLED, present, {"follow_up": "当事人已搬离，联系不上"},
                          mediated=True)
    assert given.complete and given.state(DossierItem.FOLLOW_UP) is ItemState.EXCUSED
    follow_up = next(i for i in given.items if i.item is DossierItem.FOLLOW_UP)
    assert follow_up.reason == "当事人已搬离，联系不上"


def test_blocking_items_are_listed_in_filing_order():
    check = check_dossier(PM, Outcome.SETTLED, set(), {}, mediated=True)
    assert check.blocking == (DossierItem.IDENTITY, DossierItem.SESSION_RECORD,
                              DossierItem.AGREEMENT, DossierItem.FOLLOW_UP)


@pytest.mark.parametrize(("name", "item"), [
    ("身份证正反面.jpg", DossierItem.IDENTITY),
    ("营业执照.pdf", DossierItem.IDENTITY),
    ("授权委托书.pdf", DossierItem.POWER_OF_ATTORNEY),
    ("退款转账截图.png", DossierItem.RECEIPTS),
    ("司法确认裁定书.pdf", DossierItem.JUDICIAL),
    ("购卡收据.jpg", DossierItem.EVIDENCE),  # a purchase's receipt is evidence
    ("IMG_2034.jpg", DossierItem.EVIDENCE),
])
def test_a_file_goes_where_its_words_say(name, item):
    assert default_item(name, "") is item


def test_only_closed_complaints_are_filed():
    assert needs_dossier(CaseKind.COMPLAINT, CaseStatus.CLOSED)
    assert needs_dossier(CaseKind.COMPLAINT, CaseStatus.RATED)
    assert not needs_dossier(CaseKind.COMPLAINT, CaseStatus.MEDIATING)
    assert not needs_dossier(CaseKind.COMPLAINT, CaseStatus.REJECTED)
    assert not needs_dossier(CaseKind.INQUIRY, CaseStatus.CLOSED)
    assert not needs_dossier(CaseKind.REPORT, CaseStatus.CLOSED)
