"""Settling conflicts and refused changes, run as ops: what each one changed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.services import sync as sync_service
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.sync import AttentionView, Choice, ConflictView

# ------------------------------------------------------------------ conflicts


@dataclass(frozen=True)
class SyncLists:
    conflicts: list[ConflictView]
    attention: list[AttentionView]


def load_sync_lists(ws: Workstation) -> SyncLists:
    return SyncLists(sync_service.list_conflicts(ws), sync_service.list_attention(ws))


def _changed(case_id: uuid.UUID | None) -> Changes:
    return Changes(case_ids=frozenset({case_id}) if case_id else frozenset())


def resolve(ws: Workstation, conflict: ConflictView, choice: Choice) -> Changes:
    sync_service.resolve_conflict(ws, conflict.id, choice)
    ids = {i for i in (conflict.case_id, conflict.related_row_id if
                       conflict.kind == "duplicate_ticket" else None) if i}
    return Changes(case_ids=frozenset(ids), case_created=conflict.kind != "field")


def resend(ws: Workstation, item: AttentionView) -> Changes:
    sync_service.resend(ws, item.id)
    return _changed(item.case_id)


def dismiss(ws: Workstation, item: AttentionView, reason: str) -> Changes:
    sync_service.dismiss(ws, item.id, reason)
    return _changed(item.case_id)
