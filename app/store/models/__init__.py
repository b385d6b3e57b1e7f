"""All store models; import from here."""

from app.store.models.attachment import Attachment
from app.store.models.audit import AuditEvent
from app.store.models.case import LIVE, TO_ARCHIVE, Case, CaseSearchKey, CaseTag
from app.store.models.clock import CalendarYearRow, ClockPause, DeadlineRuleSet
from app.store.models.dispute_group import DisputeGroup, GroupMember, GroupPayment
from app.store.models.document import Document
from app.store.models.early_warning import EarlyWarning
from app.store.models.follow_up import FollowUp
from app.store.models.group_session import GroupSession
from app.store.models.hot_words import CaseWord, CaseWordDoc
from app.store.models.imported_values import ImportedValues
from app.store.models.local_meta import LocalMeta
from app.store.models.mediation_session import MediationSession
from app.store.models.note import Note
from app.store.models.office import Mediator, Office, OfficeSetting
from app.store.models.party import Party
from app.store.models.phrase import Phrase
from app.store.models.session_draft import SessionDraft
from app.store.models.stats_summary import (
    StatsDaily,
    StatsDailyBy,
    StatsDirty,
    StatsMonthlyBy,
    StatsRepeatCase,
)
from app.store.models.sync import (
    Blob,
    BlobOffice,
    CentralMeta,
    NumberBlock,
    NumberCounter,
    SyncAttention,
    SyncChange,
    SyncConflict,
    SyncMutation,
    SyncNumberBlock,
    SyncOutbox,
)

__all__ = [
    "StatsDaily",
    "StatsDailyBy",
    "StatsDirty",
    "StatsMonthlyBy",
    "StatsRepeatCase",
    "Blob",
    "BlobOffice",
    "CentralMeta",
    "NumberBlock",
    "NumberCounter",
    "SyncAttention",
    "SyncChange",
    "SyncConflict",
    "SyncMutation",
    "SyncNumberBlock",
    "SyncOutbox",
    "Attachment",
    "AuditEvent",
    "CalendarYearRow",
    "Case",
    "CaseSearchKey",
    "CaseTag",
    "CaseWord",
    "CaseWordDoc",
    "ImportedValues",
    "LIVE",
    "TO_ARCHIVE",
    "ClockPause",
    "DeadlineRuleSet",
    "DisputeGroup",
    "Document",
    "EarlyWarning",
    "FollowUp",
    "GroupMember",
    "GroupPayment",
    "GroupSession",
    "LocalMeta",
    "MediationSession",
    "Mediator",
    "Note",
    "Office",
    "OfficeSetting",
    "Party",
    "Phrase",
    "SessionDraft",
]
