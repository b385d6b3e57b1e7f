"""The sidebar's status views: which statuses each one lists (a registry, in order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.workflow import CaseStatus


@dataclass(frozen=True)
class StatusView:
    key: str
    label: str  # untranslated; use .title()
    statuses: frozenset[CaseStatus] | None  # None: every status

    def title(self) -> str:
        return QCoreApplication.translate("StatusView", self.label)

    def count(self, counts: Mapping[CaseStatus, int]) -> int:
        if self.statuses is None:
            return sum(counts.values())
        return sum(counts.get(s, 0) for s in self.statuses)

    def includes(self, status: CaseStatus) -> bool:
        return self.statuses is None or status in self.statuses


def _view(key: str, label: str, *statuses: CaseStatus) -> StatusView:
    return StatusView(key, label, frozenset(statuses) if statuses else None)


# Work lists in the order a case moves through them. 待回访 and 已办结 overlap on purpose:
# the first is the follow-up to-do list, the second every case that is finished.
STATUS_VIEWS: tuple[StatusView, ...] = (
    _view("all", QT_TRANSLATE_NOOP("StatusView", "全部")),
    _view("received", QT_TRANSLATE_NOOP("StatusView", "待受理"), CaseStatus.RECEIVED),
    _view("accepted", QT_TRANSLATE_NOOP("StatusView", "待派单"), CaseStatus.ACCEPTED),
    _view("assigned", QT_TRANSLATE_NOOP("StatusView", "已派单"), CaseStatus.ASSIGNED),
    _view("mediating", QT_TRANSLATE_NOOP("StatusView", "调解中"), CaseStatus.MEDIATING),
    _view("closed", QT_TRANSLATE_NOOP("StatusView", "待回访"), CaseStatus.CLOSED),
    _view("finished", QT_TRANSLATE_NOOP("StatusView", "已办结"),
          CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP, CaseStatus.RATED),
    _view("rejected", QT_TRANSLATE_NOOP("StatusView", "不予受理"), CaseStatus.REJECTED),
)


def view_by_key(key: str) -> StatusView:
    return next((v for v in STATUS_VIEWS if v.key == key), STATUS_VIEWS[0])
