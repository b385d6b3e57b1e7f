"""The timeline of one case as a list model: every entry the service read, shown through
a filter (the tab's 全部 / 调解 / 笔记与联系 / 证据 / 状态) and in either order.

The model holds the whole ``Timeline`` (frozen values, ten thousand on a busy case) and a
list of the entries shown, in display order; filtering and turning the order round
rebuild that list only. A row's words are made the first time ``data()`` asks for them
(the rows on screen) and kept, so ten thousand rows cost nothing until scrolled to.

Rows are painted by Qt's own delegate from the roles — two lines of text (when and who,
then what happened) beside the kind's coloured label, a pixmap made once per kind. No
Python paints: PySide6 6.12 on Python 3.11 drops a reference to None on every void call
from Python (``painter.drawText``…), and a painting delegate makes hundreds a repaint.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from functools import lru_cache
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPixmap

from app.services.timeline import EntryKind, Timeline, TimelineEntry
from app.ui import formatting
from app.ui.case.timeline_texts import Names, details_text, kind_label, summary_text
from app.ui.qtcompat import emit

KIND_ROLE = Qt.ItemDataRole.UserRole + 100  # EntryKind value (str)
REF_ROLE = Qt.ItemDataRole.UserRole + 101  # the row's id, 32 hex digits
WHEN_ROLE = Qt.ItemDataRole.UserRole + 102  # 2026-03-02 09:30 (China time)
WHO_ROLE = Qt.ItemDataRole.UserRole + 103  # the person's name
LABEL_ROLE = Qt.ItemDataRole.UserRole + 104  # 调解 / 补正 / 笔记 …
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 105  # 电话调解 45 分钟，结果：达成协议

Index = QModelIndex | QPersistentModelIndex

# The kind's label: (text, background).
KIND_COLOURS: dict[str, tuple[str, str]] = {
    EntryKind.SESSION: ("#1d4ed8", "#dbeafe"),
    EntryKind.ADDENDUM: ("#6d28d9", "#ede9fe"),
    EntryKind.NOTE: ("#374151", "#e5e7eb"),
    EntryKind.CONTACT: ("#0f766e", "#ccfbf1"),
    EntryKind.EVIDENCE: ("#a16207", "#fef3c7"),
    EntryKind.STATUS: ("#15803d", "#dcfce7"),
    EntryKind.FOLLOW_UP: ("#0369a1", "#e0f2fe"),
    EntryKind.PAUSE: ("#b91c1c", "#fee2e2"),
}
BADGE_PAD = 5


def badge_size(font: QFont) -> tuple[int, int]:
    """(width, height) of a kind's label: two characters and a margin."""
    fm = QFontMetrics(_badge_font(font))
    return fm.horizontalAdvance("笔记") + 2 * BADGE_PAD, fm.height() + 4


def _badge_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.9)
    small.setBold(True)
    return small


@lru_cache(maxsize=64)
def _badge(label: str, kind: str, font_key: str, ratio: float) -> QPixmap:
    font = QFont()
    font.fromString(font_key)
    width, height = badge_size(font)
    fg, bg = KIND_COLOURS.get(kind, ("#374151", "#e5e7eb"))
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(QRect(0, 0, width, height), 4, 4)
        painter.setFont(_badge_font(font))
        painter.setPen(QColor(fg))
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, label)
    finally:
        painter.end()
    return pixmap


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
        self._font_key = QGuiApplication.font().toString()
        self._ratio = 1.0

    def set_style(self, font: QFont, ratio: float) -> None:
        """The view's font and device pixel ratio, for the kinds' labels."""
        key = font.toString()
        if (key, ratio) != (self._font_key, self._ratio):
            self._font_key, self._ratio = key, ratio
            if self._shown:
                emit(self.dataChanged, self.index(0), self.index(len(self._shown) - 1),
                     [Qt.ItemDataRole.DecorationRole])

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
        if role == Qt.ItemDataRole.DisplayRole:
            t = self.row_text(row)
            return f"{t.when}　{t.who}\n{t.summary}"
        if role == Qt.ItemDataRole.DecorationRole:
            return _badge(self.row_text(row).label, self.entry(row).kind.value,
                          self._font_key, self._ratio)
        if role == Qt.ItemDataRole.AccessibleTextRole:
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
