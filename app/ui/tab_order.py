"""Tab order for what a window adds after it is built (issue 16, accessibility).

Qt's Tab order is the order widgets joined their window. A row filled in once its data
has arrived (a party's particulars, a clause, a statement box, a table's cell editors)
joins at the end, after the window's buttons; ``chain`` puts it where it reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWidget


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or \
        widget.focusProxy() is not None


def stops(widget: QWidget) -> list[QWidget]:
    """Where Tab stops in ``widget``: itself, or the controls inside it in the order they
    were put there (a combo box's or spin box's own line edit goes with it)."""
    if _takes_tab(widget):
        return [widget]
    found: list[QWidget] = []
    for child in widget.findChildren(QWidget):  # depth first, in the order added
        if _takes_tab(child) and not any(f.isAncestorOf(child) for f in found):
            found.append(child)
    return found


def button_box(box: QDialogButtonBox) -> None:
    """Tab through a button box's buttons in the order they stand: the box places them
    by their roles (and the platform), not in the order they were added."""
    layout = box.layout()
    items = (layout.itemAt(i) for i in range(layout.count()))
    chain([w for item in items if isinstance(w := item.widget(), QAbstractButton)])


def chain(widgets: Iterable[QWidget]) -> None:
    """Tab goes from each of ``widgets`` to the next (a container: through the controls
    inside it). The first stays where it is; the rest follow it."""
    order = [s for w in widgets for s in stops(w)]
    for first, second in zip(order, order[1:], strict=False):
        QWidget.setTabOrder(first, second)
