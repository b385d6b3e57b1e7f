"""历史: the case's audit trail as a readable timeline, newest first: who did what when,
and each changed field from its old to its new value, in Chinese."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.services.dto import CaseDetail
from app.ui.case.case_texts import HistoryContext, HistoryLine, history_line
from app.ui.operations.cases import History


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[HistoryLine] = []
        self.browser = QTextBrowser()
        self.browser.setObjectName("historyTimeline")
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.show_loading()

    def show_loading(self) -> None:
        self.lines = []
        self.browser.setPlainText(self.tr("正在加载办理历史…"))

    def show_history(self, history: History, case: CaseDetail) -> None:
        ctx = HistoryContext(history.mediators, history.people, case.track)
        self.lines = [history_line(e, ctx) for e in reversed(history.entries)]
        if not self.lines:
            self.browser.setPlainText(self.tr("尚无办理记录。"))
            return
        parts = []
        for line in self.lines:
            head = (f'<p style="margin-top:10px; margin-bottom:2px">'
                    f'<span style="color:#5d6679">{html.escape(line.when)}</span>　'
                    f'{html.escape(line.who)}　<b>{html.escape(line.what)}</b></p>')
            body = "".join(f'<div style="margin-left:2em">{html.escape(d)}</div>'
                           for d in (*line.details, *([line.reason] if line.reason else [])))
            parts.append(head + body)
        self.browser.setHtml("".join(parts))

    def text(self) -> str:
        """The timeline as plain text, as a reader sees it."""
        return self.browser.toPlainText()
