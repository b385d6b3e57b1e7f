"""The one-at-a-time dialogs a window keeps (冲突与需处理, 中心数据库, 新建工单 …)."""

from __future__ import annotations

from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def single_dialog(dialog: W | None) -> W | None:
    """The dialog a window keeps while it is still there: ``None`` once it was never
    opened or Qt has deleted it (a dialog closed with ``WA_DeleteOnClose``), so the
    caller opens a new one instead of touching a dead object."""
    return dialog if dialog is not None and shiboken6.isValid(dialog) else None
