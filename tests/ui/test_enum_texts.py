"""Every member of every core enum a person reads has words on screen (app/ui/messages.py
or its feature's texts module), and core enums carry no words of their own. Where a value
is printed, tests/documents/test_wording.py holds the documents' wording to the same."""

from __future__ import annotations

import importlib
import pkgutil
from enum import Enum

import pytest

import app.core
from app.core.workflow import Track
from app.ui import messages
from app.ui.case import evidence_texts
from app.ui.documents import clause_texts, document_texts, dossier_texts
from app.ui.groups import group_session_texts
from app.ui.reference import users_texts
from app.ui.session import session_texts
from app.ui.stats import stats_texts

# Enums whose words live with their feature's screens (one table each, no copy).
FEATURE_TEXTS = {
    "SessionMode": session_texts.mode_text,
    "SessionResult": session_texts.result_text,
    "DocumentKind": document_texts.kind_text,
    "DocumentState": document_texts.state_text,
    "EvidenceKind": evidence_texts.kind_text,
    "Permission": users_texts.permission_text,
    "ClauseBlank": clause_texts.blank_text,
    "DossierItem": dossier_texts.item_text,
    "ItemState": dossier_texts.state_text,
    "Need": dossier_texts.need_text,
    "Kpi": stats_texts.kpi_text,
    "Dimension": stats_texts.dimension_text,
    "Industry": stats_texts.industry_text,
    "RatePart": stats_texts.rate_part_text,
    "ScopeKind": stats_texts.scope_text,
    "StatsErrorCode": stats_texts.stats_error_code_text,
    "Attendance": group_session_texts.attendance_text,
    "GroupRole": session_texts.role_text,
}
# Enums that never reach a person as such: units and anchors of the rule data, codes
# the UI words through the error that carries them (or a check's message), formats.
NOT_SHOWN = {
    "ZipKind", "PhraseKind", "TextField",
    "SessionProblem", "IdError", "IdWarning", "UsccError", "PhoneKind", "Refusal",
    "DomainErrorCode", "CalendarErrorCode", "RuleSetErrorCode", "AmountErrorCode",
    "CaseFact", "Granularity",  # the figures' SQL conditions; the trend's buckets
}


def _core_enums() -> list[type[Enum]]:
    found: dict[str, type[Enum]] = {}
    for info in pkgutil.iter_modules(app.core.__path__):
        module = importlib.import_module(f"app.core.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Enum)
                    and value.__module__ == module.__name__ and not value.__name__.startswith("_")
                    and len(value)):
                found[value.__name__] = value
    return sorted(found.values(), key=lambda e: e.__name__)


ENUMS = _core_enums()


def _text_of(enum: type[Enum]):
    return messages.ENUM_TEXTS.get(enum) or FEATURE_TEXTS.get(enum.__name__)


def test_every_core_enum_is_worded_or_declared_internal():
    unknown = [e.__name__ for e in ENUMS if _text_of(e) is None and e.__name__ not in NOT_SHOWN]
    assert unknown == []
    assert {e.__name__ for e in ENUMS} >= NOT_SHOWN | set(FEATURE_TEXTS)  # no stale names


@pytest.mark.parametrize("enum", [e for e in ENUMS if _text_of(e) is not None],
                         ids=lambda e: e.__name__)
def test_every_member_has_ui_text(qapp, enum):
    text = _text_of(enum)
    for member in enum:
        words = text(member)
        assert words and any("\u4e00" <= ch <= "\u9fff" for ch in words) or words.isdigit(), \
            f"{enum.__name__}.{member.name} shows {words!r}"
        assert not hasattr(member, "label")  # words live in the UI and the documents only


def test_party_roles_follow_the_track(qapp):
    assert messages.party_role_text("applicant", Track.MARKET_COMPLAINT) == "投诉人"
    assert messages.party_role_text("applicant", Track.PEOPLES_MEDIATION) == "申请人"


def test_the_neutral_of_old_demo_stores_reads_as_average(qapp):
    assert messages.satisfaction_text("neutral") == messages.satisfaction_text("average") == "一般"
    assert messages.satisfaction_text("delighted") == "delighted"  # from a newer version


def test_a_bad_holiday_notice_is_explained_with_its_line():
    from app.core.holiday_notice import NoticeError, parse_notice

    with pytest.raises(NoticeError) as caught:
        parse_notice("一、元旦：1月1日至3日放假。\n二、春节：2月15日（周一）至23日放假。", 2026)
    assert messages.notice_error_text(caught.value) == (
        "第2行：“2月15日（周一）”括号中的星期与日历不符，请核对原文。")
