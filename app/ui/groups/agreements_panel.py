"""The group page's 协议书 tab (issue 17, item 4): the group agreement's specimen, every
member's own agreement drawn up in the background with progress and a stop, the list of
those issued, and one print job of them all with each member's copies (to a printer, or
to one PDF file for a print shop)."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths, Signal
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import group_agreements
from app.services.context import Workstation
from app.services.group_agreements import AgreementRun, IssuedAgreement
from app.ui import messages
from app.ui.case.sections import error_label, value_label
from app.ui.documents import printing
from app.ui.documents.page_view import PageView
from app.ui.formatting import yuan
from app.ui.groups import agreement_texts
from app.ui.operations import documents as document_ops
from app.ui.reference.holiday_dialog import fit_to_screen
from app.ui.row_tables import row_item, row_table
from app.ui.tasks import Lane, TaskFailure, TaskRunner

SHOWN_SKIPS = 8  # members without an agreement named in the result; the rest counted
SPECIMEN_DPI = 96.0




class GroupAgreementsPanel(QWidget):
    loaded = Signal()  # the list of issued agreements is fresh
    drawn = Signal(object)  # AgreementRun
    printed = Signal(int)  # sheets sent to the printer
    saved = Signal(object)  # Path of the print-job PDF
    specimen_shown = Signal(object)  # the specimen's dialog

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.group_id: uuid.UUID | None = None
        self.issued: list[IssuedAgreement] = []
        self.task = None
        self.question: QMessageBox | None = None
        self.specimen_dialog: QDialog | None = None
        self.setObjectName("groupAgreements")
        em = self.fontMetrics().horizontalAdvance("汉")

        self.summary = value_label("", name="agreementsSummary")
        self.table = row_table("agreementsTable", (
            self.tr("协议书编号"), self.tr("投诉人"), self.tr("应退金额"), self.tr("份数")), 1)
        for column, width in ((0, 18), (2, 9), (3, 4)):
            self.table.setColumnWidth(column, em * width)

        self.specimen_button = QPushButton(self.tr("预览样张"))
        self.specimen_button.setObjectName("agreementSpecimen")
        self.specimen_button.setToolTip(self.tr("按群体协议和第一位成员的情况生成一份草稿，先核对再统一生成"))
        self.specimen_button.clicked.connect(self.show_specimen)
        self.draw_button = QPushButton(self.tr("生成协议书…"))
        self.draw_button.setObjectName("drawUpAgreements")
        self.draw_button.setToolTip(self.tr(
            "为每位已受理、已算出应退金额的成员各生成一份协议书，连续编号，存入各自案件"))
        self.draw_button.clicked.connect(self.ask_draw_up)
        self.print_button = QPushButton(self.tr("全部打印…"))
        self.print_button.setObjectName("printAgreements")
        self.print_button.setToolTip(self.tr("一次打印全部协议书，每位成员按协议所载份数连续打印"))
        self.print_button.clicked.connect(self.choose_printer)
        self.save_button = QPushButton(self.tr("保存打印文件…"))
        self.save_button.setObjectName("saveAgreementsPdf")
        self.save_button.setToolTip(self.tr("把全部协议书（含份数）合成一个 PDF 文件，交文印室打印"))
        self.save_button.clicked.connect(lambda: self.save_print_job())
        self.stop_button = QPushButton(self.tr("停止"))
        self.stop_button.setObjectName("agreementsStop")
        self.stop_button.clicked.connect(self.cancel)
        self.stop_button.hide()
        self.bar = QProgressBar()
        self.bar.setObjectName("agreementsProgress")
        self.bar.hide()
        self.result = value_label("", name="agreementsResult")
        self.error = error_label("agreementsError")

        buttons = QHBoxLayout()
        for button in (self.specimen_button, self.draw_button, self.print_button,
                       self.save_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addWidget(self.bar, 2)
        buttons.addStretch(1)  # the buttons keep their size while the bar is hidden
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        runner.events.changed.connect(self._on_changed)
        self._enable()

    # ------------------------------------------------------------ reading

    def set_group(self, group_id: uuid.UUID | None) -> None:
        self.group_id = group_id
        self.result.setText("")
        self.error.hide()
        self._enable()
        self.load()

    def load(self) -> None:
        if self.group_id is None:
            self._show([])
            return
        ws, gid = self.ws, self.group_id
        self.runner.query(self, lambda: group_agreements.issued_agreements(ws, gid)) \
            .success(self._show).failure(self._failed).run()

    def _on_changed(self, changes) -> None:
        if self.task is None and (getattr(changes, "history", False)
                                  or getattr(changes, "queue", False)):
            self.load()

    def _show(self, issued: list[IssuedAgreement]) -> None:
        self.issued = issued
        self.table.setRowCount(len(issued))
        for row, a in enumerate(issued):
            for column, text in enumerate((a.number, a.complainant, yuan(a.amount_fen),
                                           str(a.copies))):
                self.table.setItem(row, column, row_item(text, a.case_id if column == 0
                                                         else None))
        if issued:
            self.summary.setText(self.tr("已生成协议书 {n} 份，合计应退 {total}，共需打印 {copies} 份。")
                                 .format(n=len(issued),
                                         total=yuan(sum(a.amount_fen for a in issued)),
                                         copies=sum(a.copies for a in issued)))
        else:
            self.summary.setText(self.tr("尚未生成协议书。先设置退费方案和各成员的课时或余额，"
                                         "预览样张无误后再统一生成。"))
        self._enable()
        self.loaded.emit()

    def _enable(self) -> None:
        busy = self.task is not None
        has_group = self.group_id is not None
        self.specimen_button.setEnabled(has_group and not busy)
        self.draw_button.setEnabled(has_group and not busy)
        self.print_button.setEnabled(bool(self.issued) and not busy)
        self.save_button.setEnabled(bool(self.issued) and not busy)
        self.stop_button.setVisible(busy)

    # ------------------------------------------------------------ specimen

    def show_specimen(self) -> None:
        if self.group_id is None:
            return
        ws, gid = self.ws, self.group_id
        self.error.hide()
        self.runner.query(self, lambda: document_ops.rasterise(
            group_agreements.specimen(ws, gid), SPECIMEN_DPI)[0]) \
            .success(self._show_specimen).failure(self._failed).run()

    def _show_specimen(self, images) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("agreementSpecimenDialog")
        dialog.setWindowTitle(self.tr("群体协议书样张（草稿）"))
        view = PageView(dialog)
        close = QDialogButtonBox()
        close.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view, 1)
        layout.addWidget(close)
        em = self.fontMetrics().horizontalAdvance("汉")
        fit_to_screen(dialog, em * 50, em * 44)
        self.specimen_dialog = dialog
        dialog.open()
        # Given only now: pages laid into a view not shown yet overlapped when it was.
        view.show_pages(images)
        self.specimen_shown.emit(dialog)

    # ------------------------------------------------------------ drawing up

    def ask_draw_up(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("生成协议书"), self.tr(
            "将为每位符合条件的成员各生成一份协议书并定稿编号（定稿后不能修改，只能作废重出）。"
            "单独处理、尚无应退金额或已有协议书的成员不生成。\n\n是否继续？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("drawUpQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("生成"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.accepted.connect(self.draw_up)
        self.question = box
        box.open()

    def draw_up(self) -> None:
        if self.group_id is None:
            return
        ws, gid = self.ws, self.group_id
        self.result.setText("")
        self.error.hide()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.task = self.runner.task(
            self, lambda state: group_agreements.draw_up(
                ws, gid, progress=state.report_progress, cancelled=lambda: state.cancelled),
            lane=Lane.WRITE, name="group_agreements") \
            .progress(self._progress).success(self._drawn).failure(self._failed).run()
        self._enable()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _drawn(self, run: AgreementRun) -> None:
        self.task = None
        self.bar.hide()
        self.result.setText(self.run_text(run))
        self._enable()
        self.load()
        self.drawn.emit(run)

    def run_text(self, run: AgreementRun) -> str:
        if run.issued:
            lines = [self.tr("已生成协议书 {n} 份（{first} 至 {last}）；{left} 人未生成。").format(
                n=len(run.issued), first=run.issued[0].number, last=run.issued[-1].number,
                left=len(run.skipped))]
        else:
            lines = [self.tr("没有生成协议书；{left} 人未生成。").format(left=len(run.skipped))]
        lines += [f"{run.labels.get(case_id) or case_id}：{agreement_texts.skip_text(why)}"
                  for case_id, why in list(run.skipped.items())[:SHOWN_SKIPS]]
        if len(run.skipped) > SHOWN_SKIPS:
            lines.append(self.tr("……另有 {n} 人").format(n=len(run.skipped) - SHOWN_SKIPS))
        return "\n".join(lines)

    # ------------------------------------------------------------ printing

    def choose_printer(self) -> None:
        printer = printing.new_printer()
        printing.prepare(printer, title=self.tr("群体纠纷协议书"))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("agreementsPrintDialog")
        dialog.setWindowTitle(self.tr("打印 {n} 份协议书（共 {copies} 份）").format(
            n=len(self.issued), copies=sum(a.copies for a in self.issued)))
        dialog.setOptions(dialog.options()
                          & ~QAbstractPrintDialog.PrintDialogOption.PrintPageRange)
        dialog.accepted.connect(lambda: self.print_to(printer))
        self.question = dialog
        QDialog.open(dialog)

    def print_to(self, printer: QPrinter) -> None:
        """The one print job: every issued agreement × its copies, collated per member."""
        if self.group_id is None:
            return
        ws, gid, total = self.ws, self.group_id, len(self.issued)
        self.error.hide()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self.bar.show()

        def paint(state) -> int:
            items = group_agreements.print_items(ws, gid, cancelled=lambda: state.cancelled)
            return printing.paint_copies(printer, ((i.pdf, i.copies) for i in items), total,
                                         state=state)

        self.task = self.runner.task(self, paint, name="print_group_agreements") \
            .progress(self._progress).success(self._printed).failure(self._failed).run()
        self._enable()

    def _printed(self, sheets: int) -> None:
        self.task = None
        self.bar.hide()
        self.result.setText(self.tr("已送出打印：{n} 页。").format(n=sheets))
        self._enable()
        self.printed.emit(sheets)

    def save_print_job(self, path: Path | None = None) -> None:
        if self.group_id is None:
            return
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存打印文件"), str(Path(folder) / self.tr("群体协议书打印.pdf")),
                self.tr("PDF 文件 (*.pdf)"))
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        ws, gid = self.ws, self.group_id
        self.error.hide()
        self.bar.setRange(0, max(len(self.issued), 1))
        self.bar.show()
        self.task = self.runner.task(self, lambda state: (group_agreements.write_print_job(
            ws, gid, path, progress=state.report_progress,
            cancelled=lambda: state.cancelled), path)[1], name="save_group_agreements") \
            .progress(self._progress).success(self._saved).failure(self._failed).run()
        self._enable()

    def _saved(self, path: Path) -> None:
        self.task = None
        self.bar.hide()
        self.result.setText(self.tr("打印文件已保存到 {path}。").format(
            path=QDir.toNativeSeparators(str(path))))
        self._enable()
        self.saved.emit(path)

    def _failed(self, failure: TaskFailure) -> None:
        self.task = None
        self.bar.hide()
        if isinstance(failure.error, printing.PrintFailed):
            self.error.setText(self.tr("无法打印：打印机无法打开（{what}）。").format(
                what=str(failure.error)))
        else:
            self.error.setText(messages.error_text(failure.error))
        self.error.show()
        self._enable()
