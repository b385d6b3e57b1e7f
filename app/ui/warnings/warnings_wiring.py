"""The window's side of early warnings (预警): 视图 → 预警 with the number needing
attention in its text and in the status bar, 设置 → 预警规则, and a recheck of the recent
cases when a sync brought cases other desks took in (their cases and ours may add up
to a warning neither desk saw alone)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from app.services import warnings
from app.services.context import Workstation
from app.ui.single_dialog import single_dialog
from app.ui.tasks import TaskRunner
from app.ui.warnings.warning_rules_dialog import WarningRulesDialog
from app.ui.warnings.warnings_dialog import WarningsDialog


class WarningsWiring(QObject):
    count_loaded = Signal(int)  # warnings needing attention

    def __init__(self, ws: Workstation, runner: TaskRunner, sync, parent: QWidget, *,
                 open_case: Callable[[object], None],
                 show_cases: Callable[[str, object], None] | None = None,
                 show_groups: Callable[..., object] | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.window = ws, runner, parent
        self.open_case = open_case
        self.show_cases = show_cases
        self.show_groups = show_groups
        self.count: int | None = None
        self.list_dialog: WarningsDialog | None = None
        self.rules_dialog: WarningRulesDialog | None = None
        self.list_action = QAction(self.tr("预警(&W)…"), parent)
        self.list_action.setObjectName("warningsAction")
        self.list_action.triggered.connect(lambda _=False: self.show_list())
        self.rules_action = QAction(self.tr("预警规则(&A)…"), parent)
        self.rules_action.setObjectName("warningRulesAction")
        self.rules_action.setMenuRole(QAction.MenuRole.NoRole)
        self.rules_action.triggered.connect(lambda _=False: self.show_rules())
        self.label = QLabel()
        self.label.setObjectName("warningsLabel")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(lambda _link: self.show_list())
        self.label.hide()
        runner.events.changed.connect(self._on_changed)
        if sync is not None:
            sync.synced.connect(self._on_synced)
        self.refresh_count()

    def refresh_count(self) -> None:
        ws = self.ws
        self.runner.query(self, lambda: warnings.open_count(ws)).success(self._show_count) \
            .run()

    def _show_count(self, count: int) -> None:
        self.count = count
        self.list_action.setText(self.tr("预警 ({n})(&W)…").format(n=count) if count
                                 else self.tr("预警(&W)…"))
        self.label.setText(self.tr('<a href="warnings">预警 {n} 条待处理</a>').format(n=count))
        self.label.setVisible(count > 0)
        self.count_loaded.emit(count)

    def _on_changed(self, changes) -> None:
        if getattr(changes, "warnings", False) or getattr(changes, "reference", False):
            self.refresh_count()

    def _on_synced(self, report) -> None:
        if "cases" in report.pulled_tables:
            ws = self.ws
            self.runner.op(self, lambda: _rechecked(ws), name="recheck_warnings").run()
        elif "warnings" in report.pulled_tables:
            self.refresh_count()
            dialog = single_dialog(self.list_dialog)
            if dialog is not None:
                dialog.load()

    def show_list(self) -> WarningsDialog:
        """视图 → 预警."""
        dialog = single_dialog(self.list_dialog)
        if dialog is None:
            dialog = WarningsDialog(self.ws, self.runner, self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open_case.connect(self.open_case)
            if self.show_cases is not None:
                dialog.show_cases.connect(self.show_cases)
            if self.show_groups is not None:
                dialog.group_made.connect(lambda group_id: self.show_groups(group_id))
            self.list_dialog = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def show_rules(self) -> WarningRulesDialog:
        """设置 → 预警规则."""
        dialog = single_dialog(self.rules_dialog)
        if dialog is None:
            dialog = WarningRulesDialog(self.ws, self.runner, self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.rules_dialog = dialog
        dialog.show()
        dialog.raise_()
        return dialog


def _rechecked(ws: Workstation):
    """A recheck's result as the write lane publishes it: the list and count reload
    (and the sync sends what changed)."""
    from app.services.dto import Changes

    return Changes(warnings=True) if warnings.recheck(ws).changed else Changes()
