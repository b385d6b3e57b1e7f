"""The words of the 卷宗 screens: the items of a case file, their states, the places a
file of the case can go, and 归档 refused."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.dossier import EXCLUDED, PLACEABLE, DossierItem, ItemState, Need
from app.services.dossier import DossierIncomplete
from app.ui import messages
from app.ui.messages import tr

_ITEMS = {
    DossierItem.INTAKE: QT_TRANSLATE_NOOP("DossierItem", "申请书或登记表"),
    DossierItem.RIGHTS_NOTICE: QT_TRANSLATE_NOOP("DossierItem", "权利义务告知书"),
    DossierItem.IDENTITY: QT_TRANSLATE_NOOP("DossierItem", "当事人身份证明"),
    DossierItem.POWER_OF_ATTORNEY: QT_TRANSLATE_NOOP("DossierItem", "授权委托书"),
    DossierItem.INVESTIGATION: QT_TRANSLATE_NOOP("DossierItem", "调查记录"),
    DossierItem.EVIDENCE: QT_TRANSLATE_NOOP("DossierItem", "证据材料"),
    DossierItem.SESSION_RECORD: QT_TRANSLATE_NOOP("DossierItem", "调解记录"),
    DossierItem.AGREEMENT: QT_TRANSLATE_NOOP("DossierItem", "调解协议书"),
    DossierItem.TERMINATION: QT_TRANSLATE_NOOP("DossierItem", "终止调解告知书"),
    DossierItem.RECEIPTS: QT_TRANSLATE_NOOP("DossierItem", "履行凭证"),
    DossierItem.FOLLOW_UP: QT_TRANSLATE_NOOP("DossierItem", "回访记录"),
    DossierItem.JUDICIAL: QT_TRANSLATE_NOOP("DossierItem", "司法确认材料"),
    DossierItem.NOTE: QT_TRANSLATE_NOOP("DossierItem", "备考表"),
}
# The generated items say how they come about.
_MADE = {
    DossierItem.INTAKE: QT_TRANSLATE_NOOP("DossierItem", "由案件登记信息生成"),
    DossierItem.RIGHTS_NOTICE: QT_TRANSLATE_NOOP("DossierItem", "按案件类型生成"),
    DossierItem.NOTE: QT_TRANSLATE_NOOP("DossierItem", "归档时生成，统计页数"),
}
_STATES = {
    ItemState.PRESENT: QT_TRANSLATE_NOOP("DossierState", "有"),
    ItemState.EXCUSED: QT_TRANSLATE_NOOP("DossierState", "缺"),
    ItemState.MISSING: QT_TRANSLATE_NOOP("DossierState", "缺"),
    ItemState.ABSENT: QT_TRANSLATE_NOOP("DossierState", "无"),
}
_NEEDS = {
    Need.REQUIRED: QT_TRANSLATE_NOOP("DossierNeed", "必须"),
    Need.AS_NEEDED: QT_TRANSLATE_NOOP("DossierNeed", "按需"),
    Need.NOT_USED: QT_TRANSLATE_NOOP("DossierNeed", "不适用"),
}
# How the 权利义务告知书 is usually given (the mediator may type another way).
DELIVERY_METHODS = (
    QT_TRANSLATE_NOOP("DossierDelivery", "当面告知"),
    QT_TRANSLATE_NOOP("DossierDelivery", "书面送达"),
    QT_TRANSLATE_NOOP("DossierDelivery", "电话告知"),
    QT_TRANSLATE_NOOP("DossierDelivery", "短信告知"),
    QT_TRANSLATE_NOOP("DossierDelivery", "微信告知"),
)
# The places a file of the case can go, in filing order, then "not in the file".
PLACES: tuple[str, ...] = (*(i.value for i in DossierItem if i in PLACEABLE), EXCLUDED)


def item_text(item: DossierItem) -> str:
    return tr("DossierItem", _ITEMS[item])


def made_text(item: DossierItem) -> str:
    return tr("DossierItem", _MADE[item]) if item in _MADE else ""


def state_text(state: ItemState) -> str:
    return tr("DossierState", _STATES[state])


def need_text(need: Need) -> str:
    return tr("DossierNeed", _NEEDS[need])


def place_text(place: str) -> str:
    if place == EXCLUDED:
        return tr("DossierItem", "不归入卷宗")
    return item_text(DossierItem(place))


def delivery_methods() -> list[str]:
    return [tr("DossierDelivery", m) for m in DELIVERY_METHODS]


def items_text(items) -> str:
    return "、".join(item_text(i) for i in items)


def incomplete_text(error: DossierIncomplete) -> str:
    return tr("Dossier", "还不能归档：以下材料缺少，且没有写明缺少的原因：{items}。"
              "请补齐材料，或在卷宗的“编辑”中写明缺少的原因。").format(
        items=items_text(error.items))


messages.register_explainer(DossierIncomplete, incomplete_text)
