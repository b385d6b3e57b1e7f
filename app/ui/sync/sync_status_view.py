"""The sync part of the status bar: 在线 / 离线 (the reason on hover), 上次同步 14:32,
待发送 N, 冲突 N and 需处理 N (both open the conflicts window), and a progress bar
while a long download runs."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from app.core.timeutil import CHINA_TZ
from app.services.sync import SyncStatus
from app.sync.client import Progress
from app.ui import messages
from app.ui.qtcompat import emit
from app.ui.sync.sync_controller import SyncController

ONLINE_COLOUR = "#067647"
OFFLINE_COLOUR = "#b54708"
ALERT_COLOUR = "#b42318"


def local_time(dt: datetime) -> datetime:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(CHINA_TZ)


def last_sync_text(last: datetime | None, now: datetime | None = None) -> str:
    """上次同步 14:32 today, 上次同步 3月1日 14:32 before, 尚未同步 never."""
    from PySide6.QtCore import QCoreApplication

    tr = QCoreApplication.translate
    if last is None:
        return tr("SyncStatus", "尚未同步")
    when = local_time(last)
    today = local_time(now or datetime.now(UTC)).date()
    if when.date() == today:
        return tr("SyncStatus", "上次同步 {time}").format(time=when.strftime("%H:%M"))
    return tr("SyncStatus", "上次同步 {month}月{day}日 {time}").format(
        month=when.month, day=when.day, time=when.strftime("%H:%M"))


class SyncStatusView(QWidget):
    conflicts_clicked = Signal()
    attention_clicked = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.controller = controller
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.online_label = QLabel()
        self.online_label.setObjectName("syncOnline")
        self.last_label = QLabel()
        self.last_label.setObjectName("syncLast")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("syncPending")
        self.conflicts_button = self._link_button("syncConflicts")
        self.conflicts_button.clicked.connect(lambda: emit(self.conflicts_clicked))
        self.attention_button = self._link_button("syncAttention")
        self.attention_button.clicked.connect(lambda: emit(self.attention_clicked))
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("syncProgress")
        self.progress_bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("汉") * 12)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        for widget in (self.progress_bar, self.online_label, self.last_label,
                       self.pending_label, self.conflicts_button, self.attention_button):
            layout.addWidget(widget)
        controller.state_changed.connect(self.update_state)
        controller.status_loaded.connect(self.show_status)
        controller.progress.connect(self.show_progress)
        controller.synced.connect(lambda _r: self.progress_bar.hide())
        self.update_state()
        self.show_status(controller.status)

    def _link_button(self, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.hide()
        return button

    def update_state(self) -> None:
        c = self.controller
        if c.busy:
            text, colour = self.tr("正在同步…"), ONLINE_COLOUR if c.online else ""
            tip = self.tr("正在与中心数据库同步")
        elif c.waiting_for_password:
            text, colour = self.tr("未登录中心数据库"), OFFLINE_COLOUR
            tip = self.tr("需要输入中心数据库密码才能同步（同步 → 立即同步，F9）")
        elif c.online is False:
            text, colour = self.tr("离线"), OFFLINE_COLOUR
            tip = self.tr("连不上中心数据库，修改先保存在本机，恢复连接后自动同步。")
            if c.offline_detail:
                tip += "\n" + self.tr("原因：{detail}").format(detail=c.offline_detail)
        elif c.last_error is not None:
            text, colour = self.tr("同步出错"), ALERT_COLOUR
            tip = messages.error_text(c.last_error.error)
        elif c.online:
            text, colour = self.tr("在线"), ONLINE_COLOUR
            tip = self.tr("已连接中心数据库：{server}").format(server=c.link.config.display())
        else:
            text, colour = self.tr("正在连接…"), ""
            tip = c.link.config.display()
        if c.retry_at is not None and not c.busy:
            tip += "\n" + self.tr("将于 {time} 自动重试").format(
                time=local_time(c.retry_at).strftime("%H:%M:%S"))
        self.online_label.setText(f"● {text}")
        self.online_label.setStyleSheet(f"color: {colour}" if colour else "")
        self.online_label.setToolTip(tip)
        if not c.busy:
            self.progress_bar.hide()

    def show_status(self, status: SyncStatus | None) -> None:
        if status is None:
            self.last_label.setText("")
            self.pending_label.setText("")
            return
        self.last_label.setText(last_sync_text(status.last_ok))
        if status.last_ok is not None:
            self.last_label.setToolTip(local_time(status.last_ok).strftime("%Y-%m-%d %H:%M:%S"))
        self.pending_label.setText(self.tr("待发送 {n}").format(n=status.pending))
        self.pending_label.setToolTip(self.tr("本机已保存、尚未发送到中心数据库的修改"))
        self.conflicts_button.setText(self.tr("冲突 {n}").format(n=status.open_conflicts))
        self.conflicts_button.setStyleSheet(f"color: {ALERT_COLOUR}; font-weight: bold")
        self.conflicts_button.setToolTip(self.tr("同一内容在两处被修改，需要您决定保留哪个值"))
        self.conflicts_button.setVisible(status.open_conflicts > 0)
        self.attention_button.setText(self.tr("需处理 {n}").format(n=status.attention))
        self.attention_button.setStyleSheet(f"color: {ALERT_COLOUR}; font-weight: bold")
        self.attention_button.setToolTip(self.tr("中心数据库没有接受的修改"))
        self.attention_button.setVisible(status.attention > 0)

    def show_progress(self, progress: Progress) -> None:
        if progress.phase == "push" and not progress.total:
            return
        if progress.total:
            self.progress_bar.setRange(0, max(1, progress.total))
            self.progress_bar.setValue(min(progress.done, progress.total))
        else:
            self.progress_bar.setRange(0, 0)  # busy: a pull's size is unknown
        label = {"push": self.tr("发送"), "pull": self.tr("接收"),
                 "snapshot": self.tr("下载")}.get(progress.phase, "")
        self.progress_bar.setFormat(f"{label} %p%" if progress.total else label)
        self.progress_bar.show()
