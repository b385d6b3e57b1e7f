"""设置 → 节假日安排: the years of the holiday calendar, each shown as a year of months
with its days off and 调休 working days; an administrator loads next year's notice.

Saving a year recomputes every open case's clocks in the background, with progress;
the queue's counts follow through the app-wide changes.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.calendar import CalendarYear
from app.core.holiday_notice import Notice, NoticeError, notice_year
from app.core.users import UserRole
from app.services import calendar_admin, clocks
from app.services.calendar_admin import YearSummary
from app.services.context import Workstation
from app.ui import messages
from app.ui.case.sections import error_label
from app.ui.tasks import Lane, TaskRunner
from app.ui.typed_input import GuardedDialog

HOLIDAY = QColor("#fde2e1")
HOLIDAY_TEXT = QColor("#b42318")
WORKDAY = QColor("#dbeafe")
WORKDAY_TEXT = QColor("#1d4ed8")
WEEKEND_TEXT = QColor("#98a2b3")


def _tr(text: str) -> str:
    return QCoreApplication.translate("HolidayDialog", text)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """``width`` x ``height``, or 90 % of a smaller screen (a laptop, 150 % scaling)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry().size() * 0.9
        width, height = min(width, room.width()), min(height, room.height())
    widget.resize(width, height)


class YearView(QWidget):
    """Twelve months in a 4 x 3 grid: days off red, 调休 working days blue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holidayYearView")
        self.year: CalendarYear | None = None
        self.setMinimumSize(QSize(420, 240))  # fits a 1366×768 laptop at 150 %

    def show_year(self, year: CalendarYear | None) -> None:
        self.year = year
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.year is None:
            return
        painter = QPainter(self)
        cell_w = self.width() / (3 * 7 + 2)
        month_h = self.height() / 4
        cell_h = month_h / 8
        names = "一二三四五六日"
        for month in range(1, 13):
            left = ((month - 1) % 3) * (7 * cell_w + cell_w)
            top = ((month - 1) // 3) * month_h
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(int(left), int(top), int(7 * cell_w), int(cell_h),
                             Qt.AlignmentFlag.AlignCenter, _tr("{m}月").format(m=month))
            for col, name in enumerate(names):
                painter.setPen(WEEKEND_TEXT)
                painter.drawText(int(left + col * cell_w), int(top + cell_h), int(cell_w),
                                 int(cell_h), Qt.AlignmentFlag.AlignCenter, name)
            first, days = month_calendar.monthrange(self.year.year, month)
            for n in range(days):
                day = date(self.year.year, month, n + 1)
                slot = first + n
                x = left + (slot % 7) * cell_w
                y = top + (2 + slot // 7) * cell_h
                colour = WEEKEND_TEXT if day.weekday() >= 5 else Qt.GlobalColor.black
                if day in self.year.holidays:
                    painter.fillRect(int(x) + 1, int(y) + 1, int(cell_w) - 2, int(cell_h) - 2,
                                     HOLIDAY)
                    colour = HOLIDAY_TEXT
                elif day in self.year.adjusted_workdays:
                    painter.fillRect(int(x) + 1, int(y) + 1, int(cell_w) - 2, int(cell_h) - 2,
                                     WORKDAY)
                    colour = WORKDAY_TEXT
                painter.setPen(colour)
                painter.drawText(int(x), int(y), int(cell_w), int(cell_h),
                                 Qt.AlignmentFlag.AlignCenter, str(n + 1))
        painter.end()


class NoticeDialog(GuardedDialog):
    """Paste the State Council notice; see what it says before saving."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holidayNoticeDialog")
        self.setWindowTitle(_tr("导入节假日安排通知"))
        self.notice: Notice | None = None
        col = QVBoxLayout(self)
        hint = QLabel(_tr("请粘贴国务院办公厅《关于××××年部分节假日安排的通知》的全文"
                          "（含标题），每项如“一、元旦：1月1日（周五）至3日（周日）放假，共3天。”"))
        hint.setWordWrap(True)
        col.addWidget(hint)
        self.text = QPlainTextEdit()
        self.text.setObjectName("noticeText")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().height() * 4)
        self.text.textChanged.connect(self.read)
        col.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(_tr("年份：")))
        self.year = QSpinBox()
        self.year.setObjectName("noticeYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year + 1)
        self.year.valueChanged.connect(self.read)
        row.addWidget(self.year)
        row.addStretch(1)
        col.addLayout(row)
        self.result = QLabel()
        self.result.setObjectName("noticeResult")
        self.result.setWordWrap(True)
        col.addWidget(self.result)
        self.problem = error_label("noticeProblem")
        col.addWidget(self.problem)
        self.view = YearView()
        col.addWidget(self.view, 2)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveNotice")
        buttons.addButton(_tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        fit_to_screen(self, 760, 760)
        self.read()

    def read(self) -> None:
        text = self.text.toPlainText()
        self.notice = None
        problem = ""
        if text.strip():
            try:
                self.notice = calendar_admin.read_notice(text, self._year(text))
            except NoticeError as error:
                problem = messages.notice_error_text(error)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.save_button.setEnabled(self.notice is not None)
        self.view.show_year(self.notice.calendar if self.notice else None)
        if self.notice is None:
            self.result.setText("")
            return
        cal = self.notice.calendar
        self.year.blockSignals(True)
        self.year.setValue(cal.year)
        self.year.blockSignals(False)
        self.result.setText(_tr("{year}年：放假 {off} 天，调休上班 {work} 天。").format(
            year=cal.year, off=len(cal.holidays), work=len(cal.adjusted_workdays)))

    def _year(self, text: str) -> int:
        return notice_year(text) or self.year.value()


class HolidayDialog(QDialog):
    """The calendar's years and, for an administrator, loading a new notice."""

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.setObjectName("holidayDialog")
        self.setWindowTitle(_tr("节假日安排"))
        col = QVBoxLayout(self)
        body = QHBoxLayout()
        self.years = QListWidget()
        self.years.setObjectName("holidayYears")
        self.years.setMaximumWidth(220)
        self.years.currentItemChanged.connect(lambda *_: self._show_current())
        body.addWidget(self.years)
        right = QVBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("holidaySummary")
        right.addWidget(self.summary)
        self.view = YearView()
        right.addWidget(self.view, 1)
        legend = QLabel(_tr("<span style='background:#fde2e1;color:#b42318'>&nbsp;红色&nbsp;"
                            "</span> 放假　<span style='background:#dbeafe;color:#1d4ed8'>"
                            "&nbsp;蓝色&nbsp;</span> 调休上班"))
        right.addWidget(legend)
        body.addLayout(right, 1)
        col.addLayout(body, 1)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(_tr("导入通知…"),
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setObjectName("importNotice")
        self.import_button.clicked.connect(self.import_notice)
        admin = ws.actor.role == UserRole.ADMIN
        self.import_button.setEnabled(admin)
        if not admin:
            self.import_button.setToolTip(_tr("只有管理员可以修改节假日安排"))
        close = buttons.addButton(_tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        col.addWidget(buttons)
        fit_to_screen(self, 900, 620)
        self._held: dict[int, YearSummary] = {}
        self.reload()

    def reload(self, select: int | None = None) -> None:
        ws = self.ws
        self.runner.query(self, lambda: calendar_admin.years(ws)).success(
            lambda found: self._fill(found, select)).run()

    def _fill(self, found: list[YearSummary], select: int | None) -> None:
        self._held = {y.year: y for y in found}
        self.years.clear()
        for summary in found:
            item = QListWidgetItem(_tr("{year}年　{source}").format(
                year=summary.year, source=messages.calendar_source_text(summary.source)))
            item.setData(Qt.ItemDataRole.UserRole, summary.year)
            self.years.addItem(item)
        wanted = select or date.today().year
        for row in range(self.years.count()):
            if self.years.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                self.years.setCurrentRow(row)
                break
        else:
            self.years.setCurrentRow(self.years.count() - 1)

    def _show_current(self) -> None:
        item = self.years.currentItem()
        if item is None:
            return
        number = item.data(Qt.ItemDataRole.UserRole)
        summary = self._held.get(number)
        if summary is not None:
            self.summary.setText(_tr(
                "{year}年：工作日 {work} 天，放假 {off} 天，调休上班 {adjusted} 天；"
                "第 {rev} 版，{source}").format(
                year=number, work=summary.workdays, off=summary.holidays,
                adjusted=summary.adjusted_workdays, rev=summary.revision,
                source=messages.calendar_source_text(summary.source)))
        ws = self.ws
        self.runner.query(self, lambda: calendar_admin.year(ws, number)).success(
            self.view.show_year).run()

    def import_notice(self) -> None:
        dialog = NoticeDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.notice is None:
            return
        notice, ws = dialog.notice, self.ws
        self.runner.op(self, lambda: calendar_admin.save_year(
            ws, notice.calendar, other_years=notice.other_years)).success(
            lambda _changes: self._saved(notice.calendar.year)).run()

    def _saved(self, year: int) -> None:
        self.reload(select=year)
        self.recompute()

    def recompute(self) -> None:
        recompute_with_progress(self.ws, self.runner, self, _tr("节假日安排"),
                                _tr("正在按新的节假日安排重新计算在办案件的期限…"))


def recompute_with_progress(ws: Workstation, runner: TaskRunner, parent: QWidget,
                            title: str, label: str) -> None:
    """Every open case's clocks again, with progress; cancel keeps what is done."""
    progress = QProgressDialog(label, _tr("取消"), 0, 0, parent)
    progress.setObjectName("recomputeProgress")
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def work(state):
        return clocks.recompute_open_clocks(
            ws, progress=state.report_progress, cancelled=lambda: state.cancelled)

    def step(done: int, total: int) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)

    def finished(result) -> None:
        progress.reset()
        summary = result[0]
        text = _tr("已重新计算 {n} 件在办案件的期限，其中 {m} 件有变化。").format(
            n=summary.checked, m=summary.changed)
        if summary.cancelled:
            text = _tr("已取消：{n} 件已重新计算（其中 {m} 件有变化），其余案件在下次"
                       "修改时重新计算。").format(n=summary.checked, m=summary.changed)
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.NoButton, parent)
        box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    task = runner.task(parent, work, lane=Lane.WRITE).progress(step).success(finished).run()
    progress.canceled.connect(task.cancel)


def open_holiday_dialog(ws: Workstation, runner: TaskRunner, parent: QWidget) -> HolidayDialog:
    dialog = HolidayDialog(ws, runner, parent)
    dialog.show()
    return dialog

