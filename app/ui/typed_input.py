"""Dialogs that ask before throwing typed input away (issue 16, item 1).

Esc, 取消 and the window's × all reject a dialog. A dialog that holds text the user
typed since it opened asks first: 放弃 / 继续编辑, and 保存草稿 where the dialog can keep
a draft (新建工单). An untouched dialog closes at once, as before.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def typed_text(root: QWidget) -> tuple[str, ...]:
    """The text of every input under ``root`` a user can type into (date fields
    included: their text is a line edit), in a stable order."""
    out: list[str] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit) and not widget.isReadOnly():
            out.append(widget.text())
        elif isinstance(widget, QPlainTextEdit) and not widget.isReadOnly():
            out.append(widget.toPlainText())
        elif isinstance(widget, QTextEdit) and not widget.isReadOnly():
            out.append(widget.toPlainText())
    return tuple(out)


class GuardedDialog(QDialog):
    """A QDialog whose reject asks before typed input is lost. Subclasses call
    ``mark_untouched()`` once their fields hold what they open with; those that can
    keep a draft override ``can_keep_draft`` and ``keep_draft``; the first show marks
    the fields untouched where the subclass has not."""

    _untouched: tuple[str, ...] | None = None
    _closing_confirmed = False
    discard_question: QMessageBox | None = None

    def mark_untouched(self) -> None:
        """What the fields hold now is nothing to lose (their opening values, or a
        draft just put back, which is kept already)."""
        self._untouched = typed_text(self)

    def showEvent(self, event: QShowEvent) -> None:
        # Fields filled while the dialog was built are what it opens with.
        if self._untouched is None:
            self.mark_untouched()
        super().showEvent(event)

    def has_typed_input(self) -> bool:
        return self._untouched is not None and typed_text(self) != self._untouched

    def can_keep_draft(self) -> bool:
        return False

    def keep_draft(self) -> None:
        """Keep what was typed as a draft, then ``close_without_asking()``."""
        raise NotImplementedError

    def discard_typed_input(self) -> None:
        """The user chose 放弃: forget what was typed (and a kept draft), then close."""
        self.close_without_asking()

    def close_without_asking(self) -> None:
        self._closing_confirmed = True
        super().reject()

    def reject(self) -> None:
        if self._closing_confirmed or not self.has_typed_input():
            super().reject()
            return
        if self.discard_question is not None and self.discard_question.isVisible():
            return
        self.ask_before_discarding()

    def ask_before_discarding(self) -> None:
        draft = self.can_keep_draft()
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("尚未保存"), self.tr(
            "填写的内容还没有保存。") + (self.tr("保存为草稿，下次打开时可以继续填写。")
                                    if draft else self.tr("放弃后无法恢复。")),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmDiscardInput")
        save = box.addButton(self.tr("保存草稿"), QMessageBox.ButtonRole.AcceptRole) \
            if draft else None
        discard = box.addButton(self.tr("放弃"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save or keep)
        box.setEscapeButton(keep)

        def chosen(button: QAbstractButton) -> None:
            self.discard_question = None
            if button is discard:
                self.discard_typed_input()
            elif save is not None and button is save:
                self.keep_draft()

        box.buttonClicked.connect(chosen)
        self.discard_question = box
        box.open()
