"""Walking a window with Tab as a keyboard user does, and judging the order against the
way the window reads (issue 16, accessibility)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QPushButton,
    QRadioButton,
    QWidget,
)

TOLERANCE = 6  # px: controls this close in height read as one row


def _tab_stop(widget: QWidget, root: QWidget) -> bool:
    return (bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            and widget.isVisibleTo(root) and widget.isEnabled()
            and widget.focusProxy() is None)


def owner(widget: QWidget | None, root: QWidget) -> QWidget | None:
    """The control a focused widget belongs to: an editable combo's or a spin box's
    own line edit stands for the combo or spin box."""
    parent = widget.parentWidget() if widget is not None else None
    return parent if isinstance(parent, (QComboBox, QAbstractSpinBox)) else widget


def controls(root: QWidget) -> list[QWidget]:
    """What Tab should reach: every visible, enabled widget that takes focus by Tab
    (of a group of exclusive radio buttons, only the checked one: arrows move in it)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not _tab_stop(widget, root):
            continue
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue
        if isinstance(widget, QRadioButton) and widget.autoExclusive() and \
                not widget.isChecked():
            continue
        found.append(widget)
    return found


def place(widget: QWidget, root: QWidget) -> QRect:
    """Where ``widget`` is in ``root`` as the window reads, scrolled back to the top:
    content in a scroll area counts from the area's top left, however far it is
    scrolled (focus scrolls it as Tab goes)."""
    x = y = 0
    current = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        area = parent.parentWidget() if parent is not None else None
        scrolled = isinstance(area, QAbstractScrollArea) and parent is area.viewport()
        if not scrolled:
            x, y = x + current.x(), y + current.y()
        current = parent
    return QRect(x, y, widget.width(), widget.height())


@dataclass
class Walk:
    reached: list[QWidget]  # in the order Tab reached them, from the first
    places: dict[QWidget, QRect]  # where each was when Tab reached it
    cycled: bool  # Tab came back to the first
    stuck: QWidget | None  # a control Tab did not leave
    unmarked: list[QWidget]  # reached, but drawn the same with the focus as without


def walk(qtbot, root: QWidget, first: QWidget, limit: int = 200) -> Walk:
    """Tab from ``first`` until focus comes back to it. Each control is pictured as Tab
    reaches it and again once Tab has left it: the two must differ (a focus frame, a
    caret, a highlighted edge), or the keyboard user cannot see where they are."""
    root.activateWindow()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: owner(QApplication.focusWidget(), root) is first, timeout=3000)
    # Qt draws focus frames only after a focus change by keyboard: Tab there and back.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    if owner(QApplication.focusWidget(), root) is not first:
        first.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()  # a list given the focus may have changed the form
    result = Walk([first], {first: place(first, root)}, False, None, [])
    focused_look = {first: look(first, root)}
    for _ in range(limit):
        focused = QApplication.focusWidget()
        before = owner(focused, root)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        QApplication.processEvents()  # layouts catch up with what focus changed
        now = owner(QApplication.focusWidget(), root)
        if now is before:
            result.stuck = now
            return result
        # Fusion draws a dialog's default button with the focus frame's outline (Enter
        # presses it), so a default button looks the same after Tab has left it.
        default = isinstance(before, QPushButton) and before.isDefault()
        if not default and look(before, root) == focused_look[before]:
            result.unmarked.append(before)
        if now is first:
            result.cycled = True
            return result
        if now not in focused_look:
            focused_look[now] = look(now, root)
        result.reached.append(now)
        result.places.setdefault(now, place(now, root))
    return result


def look(widget: QWidget, root: QWidget):
    """How ``widget`` and a few pixels round it look now (a focus ring is drawn just
    outside the widget it marks)."""
    at = QRect(widget.mapTo(root, QPoint(0, 0)), widget.size()).adjusted(-3, -3, 3, 3)
    return root.grab(at).toImage()


def same_row(a: QRect, b: QRect) -> bool:
    return b.top() < a.bottom() - TOLERANCE and a.top() < b.bottom() - TOLERANCE


def first_in_reading_order(widgets: list[QWidget], places: dict[QWidget, QRect]) -> QWidget:
    """The leftmost of those near the top (a column may start a caption lower)."""
    top = min(places[w].top() for w in widgets)
    band = [w for w in widgets if places[w].top() <= top + 2 * TOLERANCE + 20]
    return min(band, key=lambda w: (places[w].left(), places[w].top()))


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    name = widget.accessibleName() or widget.objectName()
    return f"{type(widget).__name__}({text or name!r})"


def out_of_order(reached: list[QWidget], places: dict[QWidget, QRect]) -> list[str]:
    """Steps of the round that go against reading order: within a row left to right,
    rows top to bottom; going back up is reading the next column, so only to the right
    of where the last one was. The step from the last back to the first is one such
    step: a round in reading order has exactly one, wherever Tab started."""
    found = []
    for a, b in zip(reached, [*reached[1:], reached[0]], strict=True):
        ra, rb = places[a], places[b]
        if same_row(ra, rb):
            ok = rb.left() >= ra.left() - TOLERANCE
        elif rb.top() >= ra.top():
            ok = True  # the next row
        else:
            ok = rb.left() >= ra.right() - TOLERANCE  # up: the top of the next column
        if not ok:
            found.append(f"{describe(a)} at {ra.getRect()} → {describe(b)} at {rb.getRect()}")
    return found
