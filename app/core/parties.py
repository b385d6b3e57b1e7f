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


class Sex(StrEnum):
    """As a party stores it. Earlier agreement drafts wrote male/female (and some imports
    男/女): ``parse`` reads them all, so paper never shows a stored spelling."""

    MALE = "M"
    FEMALE = "F"

    @classmethod
    def parse(cls, value: object) -> Sex | None:
        text = str(value or "").strip().lower()
        return _SEX_SPELLINGS.get(text)


_SEX_SPELLINGS = {
    "m": Sex.MALE, "male": Sex.MALE, "\u7537": Sex.MALE,  # 男
    "f": Sex.FEMALE, "female": Sex.FEMALE, "\u5973": Sex.FEMALE,  # 女
}
