"""Words of the contact log (联系登记): channels and results (context "NotesTab")."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.services.notes import ContactChannel, ContactResult

CHANNELS = {
    ContactChannel.PHONE: QT_TRANSLATE_NOOP("NotesTab", "电话"),
    ContactChannel.WECHAT: QT_TRANSLATE_NOOP("NotesTab", "微信"),
    ContactChannel.SMS: QT_TRANSLATE_NOOP("NotesTab", "短信"),
    ContactChannel.VISIT: QT_TRANSLATE_NOOP("NotesTab", "上门"),
    ContactChannel.VIDEO: QT_TRANSLATE_NOOP("NotesTab", "视频"),
}
RESULTS = {
    ContactResult.REACHED: QT_TRANSLATE_NOOP("NotesTab", "已接通"),
    ContactResult.NO_ANSWER: QT_TRANSLATE_NOOP("NotesTab", "无人接听"),
    ContactResult.BUSY: QT_TRANSLATE_NOOP("NotesTab", "占线"),
    ContactResult.REFUSED: QT_TRANSLATE_NOOP("NotesTab", "拒接"),
    ContactResult.WRONG_NUMBER: QT_TRANSLATE_NOOP("NotesTab", "号码有误"),
    ContactResult.LEFT_MESSAGE: QT_TRANSLATE_NOOP("NotesTab", "已留言"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("NotesTab", text)


def channel_text(value: str) -> str:
    try:
        return tr(CHANNELS[ContactChannel(value)])
    except ValueError:
        return value


def result_text(value: str) -> str:
    try:
        return tr(RESULTS[ContactResult(value)])
    except ValueError:
        return value
