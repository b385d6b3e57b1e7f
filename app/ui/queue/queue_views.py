"""The sidebar's views of the queue, in order (a registry): what each is called and the
shortcut that opens it. Which cases each lists is the services' business (QueueView)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.services.queue import QueueView


@dataclass(frozen=True)
class SidebarView:
    view: QueueView
    label: str  # untranslated; use .title()
    urgent: bool = False  # a non-zero count is shown in the alarm colour

    def title(self) -> str:
        return QCoreApplication.translate("QueueView", self.label)


# To-do lists first, then the deadline lists, the workflow stages, and everything.
SIDEBAR_VIEWS: tuple[SidebarView, ...] = (
    SidebarView(QueueView.MINE, QT_TRANSLATE_NOOP("QueueView", "我的待办")),
    SidebarView(QueueView.CALLBACKS, QT_TRANSLATE_NOOP("QueueView", "待回电"), urgent=True),
    SidebarView(QueueView.DUE_TODAY, QT_TRANSLATE_NOOP("QueueView", "今日到期"), urgent=True),
    SidebarView(QueueView.DUE_SOON, QT_TRANSLATE_NOOP("QueueView", "即将到期")),
    SidebarView(QueueView.OVERDUE, QT_TRANSLATE_NOOP("QueueView", "已超期"), urgent=True),
    SidebarView(QueueView.TO_ACCEPT, QT_TRANSLATE_NOOP("QueueView", "待受理")),
    SidebarView(QueueView.MEDIATING, QT_TRANSLATE_NOOP("QueueView", "调解中")),
    SidebarView(QueueView.TO_FOLLOW_UP, QT_TRANSLATE_NOOP("QueueView", "待回访")),
    SidebarView(QueueView.CONFIRMATION, QT_TRANSLATE_NOOP("QueueView", "司法确认"),
                urgent=True),
    SidebarView(QueueView.TO_ARCHIVE, QT_TRANSLATE_NOOP("QueueView", "待归档")),
    SidebarView(QueueView.CLOSED, QT_TRANSLATE_NOOP("QueueView", "已办结")),
    SidebarView(QueueView.IN_GROUPS, QT_TRANSLATE_NOOP("QueueView", "群体纠纷")),
    SidebarView(QueueView.REFUND_OVERDUE, QT_TRANSLATE_NOOP("QueueView", "退款逾期"),
                urgent=True),
    SidebarView(QueueView.ALL, QT_TRANSLATE_NOOP("QueueView", "全部")),
)

_TOOLTIPS = {
    QueueView.MINE: QT_TRANSLATE_NOOP("QueueView", "分派给我、尚未办结的案件"),
    QueueView.CALLBACKS: QT_TRANSLATE_NOOP(
        "QueueView", "约定的回电时间已到或 15 分钟内将到的案件（调解员只列自己的案件）"),
    QueueView.DUE_TODAY: QT_TRANSLATE_NOOP("QueueView", "下一期限为今天的案件"),
    QueueView.DUE_SOON: QT_TRANSLATE_NOOP("QueueView", "下一期限在今后 3 个工作日内的案件"),
    QueueView.OVERDUE: QT_TRANSLATE_NOOP("QueueView", "下一期限已过的案件"),
    QueueView.TO_ACCEPT: QT_TRANSLATE_NOOP("QueueView", "已收到、等待受理决定的工单"),
    QueueView.MEDIATING: QT_TRANSLATE_NOOP("QueueView", "正在调解的案件"),
    QueueView.TO_FOLLOW_UP: QT_TRANSLATE_NOOP(
        "QueueView", "已办结、尚未回访的案件；群体纠纷成员退款逾期的，已回访过也列在这里，需再次回访"),
    QueueView.CLOSED: QT_TRANSLATE_NOOP("QueueView", "已办结、已回访、已评价或不予受理的案件"),
    QueueView.CONFIRMATION: QT_TRANSLATE_NOOP(
        "QueueView", "调解协议书已签署、申请司法确认的期限 7 日内届满的案件（调解员只列自己的案件）"),
    QueueView.TO_ARCHIVE: QT_TRANSLATE_NOOP(
        "QueueView", "已办结的投诉案件中，调解卷宗尚未定稿归档的案件"),
    QueueView.IN_GROUPS: QT_TRANSLATE_NOOP(
        "QueueView", "属于群体性纠纷的工单（同一经营者的集中投诉，合并处理、逐件办结）"),
    QueueView.REFUND_OVERDUE: QT_TRANSLATE_NOOP(
        "QueueView", "群体纠纷成员中，约定的退款未付清、履行期限（成员自己的，否则群体的）已过的案件"
        "（到期当日付清的不算逾期）"),
    QueueView.ALL: QT_TRANSLATE_NOOP("QueueView", "全部案件"),
}


def sidebar_view(view: QueueView) -> SidebarView:
    return next(v for v in SIDEBAR_VIEWS if v.view is view)


def view_title(view: QueueView) -> str:
    return sidebar_view(view).title()


def view_tooltip(view: QueueView) -> str:
    return QCoreApplication.translate("QueueView", _TOOLTIPS[view])


def view_from_key(key: str | None) -> QueueView | None:
    """The view a stored key names, or None for an unknown or empty one."""
    try:
        return QueueView(key) if key else None
    except ValueError:
        return None
