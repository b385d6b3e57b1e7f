"""The window's side of syncing with a central database: the status bar's clicks, the
同步 and 设置 → 中心数据库 dialogs (one of each at a time), the password asked when the
keyring has none, and what a finished sync means for what the window shows.

Works for a standalone store too (``sync`` None): 中心数据库 then links the store, and
the window gives way to the linked workstation (``linked``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from app.services import clocks, credentials
from app.services.context import Workstation
from app.ui import messages
from app.ui.qtcompat import emit
from app.ui.single_dialog import single_dialog
from app.ui.sync.conflicts_view import ConflictsDialog
from app.ui.sync.connect_dialog import PasswordDialog
from app.ui.sync.connection_dialog import ConnectionDialog
from app.ui.sync.sync_controller import SyncController
from app.ui.sync.sync_status_view import SyncStatusView
from app.ui.tasks import Lane, TaskFailure, TaskRunner


class SyncWiring(QObject):
    data_arrived = Signal()  # a sync brought changes: the window reads the queue again
    linked = Signal(object, object)  # (Workstation, CentralLink) of a store just linked
    warning = Signal(str, str)  # (title, text) for the window to show
    note = Signal(str, int)  # a passing word for the status bar, and for how many ms

    def __init__(self, ws: Workstation, runner: TaskRunner, sync: SyncController | None,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.sync = ws, runner, sync
        self.window = parent  # the dialogs' parent
        self.conflicts_dialog: ConflictsDialog | None = None
        self.connection_dialog: ConnectionDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        # For the status bar: online or not, 冲突 N / 需处理 N.
        self.status = SyncStatusView(sync) if sync is not None else None
        if sync is None:
            return
        sync.synced.connect(self._on_synced)
        sync.error_reported.connect(self._on_sync_error)
        sync.password_needed.connect(self._ask_password)
        # Every write made here (its Changes published by the runner) is sent soon.
        runner.events.changed.connect(lambda _changes: sync.local_change())
        assert self.status is not None
        self.status.conflicts_clicked.connect(
            lambda: self.show_conflicts(ConflictsDialog.CONFLICTS))
        self.status.attention_clicked.connect(
            lambda: self.show_conflicts(ConflictsDialog.ATTENTION))

    def start(self) -> None:
        if self.sync is not None:
            self.sync.start()

    def stop(self) -> None:
        if self.sync is not None:
            self.sync.stop()

    def sync_now(self) -> None:
        """同步 → 立即同步 (F9)."""
        if self.sync is not None:
            self.sync.sync_now(asked=True)

    def recompute_clocks(self) -> None:
        """The calendar, a rule set or the office's pledges arrived changed: every open
        case's clocks again, in the background (the queue reloads when it is done)."""
        ws = self.ws

        def work(state):
            return clocks.recompute_open_clocks(
                ws, progress=state.report_progress, cancelled=lambda: state.cancelled)

        def done(result) -> None:
            if result[0].changed:
                emit(self.note, self.tr("节假日安排或办理时限已更新：{n} 件在办案件的期限已重新计算"
                                        ).format(n=result[0].changed), 10000)
            else:  # the central database sent the cases' new deadlines with the change
                emit(self.note, self.tr("中心数据库更新了节假日安排或办理时限，在办案件的期限已随之更新"),
                     10000)

        self.runner.task(self, work, lane=Lane.WRITE, name="recompute_clocks") \
            .success(done).run()

    def _on_synced(self, report) -> None:
        if report.audit_differences:
            emit(self.note, self.tr(
                "同步后核对：{n} 条操作记录在中心数据库中与本机写入的不一致，详见“需处理”").format(
                    n=report.audit_differences), 15000)
        if report.pulled or report.conflicts or report.resync:
            emit(self.data_arrived)
        if report.pulled_tables & clocks.CLOCK_TABLES:
            self.recompute_clocks()
        elif "notes" in report.pulled_tables:  # a 送达 recorded elsewhere may serve a notice
            ws = self.ws
            self.runner.op(self, lambda: clocks.recompute_owed_notices(ws),
                           name="recompute_owed_notices").run()
        dialog = single_dialog(self.conflicts_dialog)
        if dialog is not None and dialog.isVisible():
            dialog.reload()

    def _on_sync_error(self, failure: TaskFailure) -> None:
        emit(self.warning, self.tr("同步未完成"), self.tr(
            "与中心数据库同步时出错，本机的修改都已保存，稍后会自动重试。\n\n{error}").format(
                error=messages.error_text(failure.error)))

    def _ask_password(self, wrong: bool) -> None:
        if self.sync is None or single_dialog(self.password_dialog) is not None:
            return
        config = self.sync.link.config
        dialog = PasswordDialog(config.display(), self.ws.actor.login, wrong=wrong,
                                keyring_ok=credentials.keyring_available(), parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._password_given(
            dialog.password.text(), dialog.remember_password))
        self.password_dialog = dialog
        dialog.open()

    def _password_given(self, password: str, remember: bool) -> None:
        assert self.sync is not None
        # Kept in the keyring only after a connection with it succeeded.
        self.sync.set_password(password, remember=remember)

    def show_conflicts(self, tab: int = ConflictsDialog.CONFLICTS) -> ConflictsDialog:
        """同步 → 冲突与需处理, or a click on 冲突 N / 需处理 N in the status bar."""
        dialog = single_dialog(self.conflicts_dialog)
        if dialog is None:
            dialog = ConflictsDialog(self.ws, self.runner, self.window)
            self.conflicts_dialog = dialog
        dialog.show_tab(tab)
        dialog.reload()
        dialog.show()
        dialog.raise_()
        return dialog

    def show_connection(self) -> ConnectionDialog:
        """设置 → 中心数据库."""
        dialog = single_dialog(self.connection_dialog)
        if dialog is not None:
            dialog.raise_()
            return dialog
        link = self.sync.link if self.sync is not None else None
        dialog = ConnectionDialog(self.ws.store, self.runner, link, self.window,
                                  login=self.ws.actor.login)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._connection_saved)
        dialog.linked.connect(lambda ws, link: emit(self.linked, ws, link))
        self.connection_dialog = dialog
        dialog.open()
        return dialog

    def _connection_saved(self, config, password: str | None) -> None:
        if self.sync is None:
            return
        self.sync.link.set_config(config)
        if password:
            self.sync.link.set_password(password)
        self.sync.reconfigure()
