"""Who a party (当事人) is: their role in the case, person or business, and the ID they
show. Stored by value; the words are the UI's (app/ui/messages.py) and the documents'
(app/documents/wording.py)."""

from __future__ import annotations

from enum import StrEnum


class PartyRole(StrEnum):
    APPLICANT = "applicant"  # 投诉人 on a complaint, 申请人 in people's mediation
    RESPONDENT = "respondent"
    AGENT = "agent"
    REPORTER = "reporter"  # the person behind a report (举报)


class PartyType(StrEnum):
    PERSON = "person"
    BUSINESS = "business"


class IdType(StrEnum):
    """An empty id_type means no ID was recorded (PIPL: collected only when needed)."""

    RESIDENT_ID = "resident_id"
    USCC = "uscc"  # 统一社会信用代码 of a business
    PASSPORT = "passport"
    OTHER = "other"
