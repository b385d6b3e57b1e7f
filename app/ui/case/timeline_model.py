"""The timeline of one case as a list model: every entry the service read, shown through
a filter (the tab's 全部 / 调解 / 笔记与联系 / 证据 / 状态) and in either order.

The model holds the whole ``Timeline`` (frozen values, ten thousand on a busy case) and a
list of the entries shown, in display order; filtering and turning the order round
rebuild that list only. A row's words are made the first time ``data()`` asks for them
(the rows on screen) and kept, so ten thousand rows cost nothing until scrolled to.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.timeline import EntryKind, Timeline, TimelineEntry
from app.ui import formatting
from app.ui.case.timeline_texts import Names, details_text, kind_label, summary_text

KIND_ROLE = Qt.ItemDataRole.UserRole + 100  # EntryKind value (str)
REF_ROLE = Qt.ItemDataRole.UserRole + 101  # the row's id, 32 hex digits
WHEN_ROLE = Qt.ItemDataRole.UserRole + 102  # 2026-03-02 09:30 (China time)
WHO_ROLE = Qt.ItemDataRole.UserRole + 103  # the person's name
LABEL_ROLE = Qt.ItemDataRole.UserRole + 104  # 调解 / 补正 / 笔记 …
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 105  # 电话调解 45 分钟，结果：达成协议

Index = QModelIndex | QPersistentModelIndex


class RowText(NamedTuple):
    when: str
    label: str
    who: str
    summary: str


class TimelineModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self._entries: tuple[TimelineEntry, ...] = ()
        self._names = Names({}, {})
        self._shown: list[int] = []  # indexes into _entries, in display order
        self._texts: dict[int, RowText] = {}
        self._kinds: frozenset[EntryKind] | None = None
        self._newest_first = True

    # ------------------------------------------------------------ what is shown

    def set_timeline(self, timeline: Timeline | None) -> None:
        self.beginResetModel()
        self.timeline = timeline
        self._entries = timeline.entries if timeline is not None else ()
        self._names = Names.of(timeline) if timeline is not None else Names({}, {})
        self._texts = {}
        self._shown = self._select()
        self.endResetModel()

    def set_kinds(self, kinds: Collection[EntryKind] | None) -> None:
        """Show only these kinds; None shows everything."""
        kinds = None if kinds is None else frozenset(kinds)
        if kinds == self._kinds:
            return
        self.beginResetModel()
        self._kinds = kinds
        self._shown = self._select()
        self.endResetModel()

    def set_newest_first(self, newest_first: bool) -> None:
        if newest_first == self._newest_first:
            return
        self.beginResetModel()
        self._newest_first = newest_first
        self._shown.reverse()
        self.endResetModel()

    @property
    def newest_first(self) -> bool:
        return self._newest_first

    @property
    def kinds(self) -> frozenset[EntryKind] | None:
        return self._kinds

    def _select(self) -> list[int]:
        entries = self._entries
        if self._kinds is None:
            shown = list(range(len(entries)))
        else:
            kinds = self._kinds
            shown = [n for n, e in enumerate(entries) if e.kind in kinds]
        if self._newest_first:
            shown.reverse()
        return shown

    def entry(self, row: int) -> TimelineEntry:
        return self._entries[self._shown[row]]

    def total(self) -> int:
        """Entries of the case, whatever the filter."""
        return len(self._entries)

    def row_text(self, row: int) -> RowText:
        n = self._shown[row]
        text = self._texts.get(n)
        if text is None:
            e = self._entries[n]
            text = RowText(formatting.china_datetime(e.at), kind_label(e),
                           self._names.person(e.actor), summary_text(e, self._names))
            self._texts[n] = text
        return text

    # ------------------------------------------------------------ QAbstractListModel

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._shown):
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            t = self.row_text(row)
            return f"{t.when}  {t.label}  {t.who}  {t.summary}"
        if role == SUMMARY_ROLE:
            return self.row_text(row).summary
        if role == WHEN_ROLE:
            return self.row_text(row).when
        if role == WHO_ROLE:
            return self.row_text(row).who
        if role == LABEL_ROLE:
            return self.row_text(row).label
        if role == KIND_ROLE:
            return self.entry(row).kind.value
        if role == REF_ROLE:
            return self.entry(row).ref
        if role == Qt.ItemDataRole.ToolTipRole:
            text = details_text(self.entry(row), self._names)
            return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, bytes]:
        names = super().roleNames()
        names.update({KIND_ROLE: b"kind", REF_ROLE: b"ref", WHEN_ROLE: b"when",
                      WHO_ROLE: b"who", LABEL_ROLE: b"label", SUMMARY_ROLE: b"summary"})
        return names
