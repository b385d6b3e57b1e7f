"""文件 → 导入工单…: choose the export and its sheet → check the column mapping against a
preview of the rows as they will be stored (and save it by name) → the report of the
rows' problems, saved as .xlsx if wanted, and the choice whole file / valid rows →
the import with progress and 取消 → what it did. Every file and store step runs on the
app's runner; the window never waits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core.work_order_import import ImportField
from app.core.workflow import Source, Track
from app.services import work_order_import as imports
from app.services.context import Workstation
from app.services.groups import GROUP_THRESHOLD
from app.services.work_order_report import write_report
from app.ui import messages
from app.ui.forms import form_layout
from app.ui.operations import work_orders as ops
from app.ui.tasks import Lane, TaskCancelled, TaskFailure, TaskRunner

PREVIEW_ROWS = 20
SHOWN_PROBLEMS = 500  # the table shows the first ones; the .xlsx holds them all
_SOURCES = (Source.HOTLINE_12315, Source.HOTLINE_12345, Source.PHONE, Source.ONLINE,
            Source.WALK_IN, Source.TRANSFER)


def _item(text: object) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ImportWizard(QWizard):
    """The wizard keeps what the pages share: the file, its layout, the options."""

    imported = Signal(object)  # ImportSummary

    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("导入工单"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("关闭"))
        self.file: imports.WorkOrderFile | None = None
        self.layout_: imports.SheetLayout | None = None
        self.prepared: imports.Prepared | None = None
        self.summary: imports.ImportSummary | None = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.report_page = ReportPage(self)
        self.run_page = RunPage(self)
        for page in (self.file_page, self.mapping_page, self.report_page, self.run_page):
            self.addPage(page)
        self.resize(1100, 680)

    def options(self, mode: imports.ImportMode = imports.ImportMode.WHOLE_FILE
                ) -> imports.ImportOptions:
        # A combo hands its data back as plain text: the enums again.
        source = Source(self.file_page.source_combo.currentData())
        track = Track(self.file_page.track_combo.currentData())
        page = self.file_page
        threshold = page.group_count.value() if page.group_check.isChecked() else 0
        return imports.ImportOptions(source=source, track=track, mode=mode,
                                     group_threshold=threshold)

    def show_failure(self, label: QLabel, failure: TaskFailure) -> None:
        label.setText(messages.error_text(failure.error))
        label.setVisible(True)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("选择文件"))
        self.setSubTitle(self.tr("选择12315或12345平台导出的工单文件（.xlsx、.xls 或 .csv）。"))
        self.path_edit = QLineEdit(objectName="importPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setAccessibleName(self.tr("所选文件"))
        browse = QPushButton(self.tr("浏览(&B)…"), objectName="importBrowse")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.sheet_combo = QComboBox(objectName="importSheet")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.source_combo = QComboBox(objectName="importSource")
        for source in _SOURCES:
            self.source_combo.addItem(messages.source_text(source), source)
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.track_combo = QComboBox(objectName="importTrack")
        for track in Track:
            self.track_combo.addItem(messages.track_text(track), track)
        # Issue 17: a business's many complaints made one group dispute as they arrive.
        self.group_check = QCheckBox(self.tr("同一被诉主体的新工单达到"), objectName="importGroup")
        self.group_count = QSpinBox(objectName="importGroupCount")
        self.group_count.setRange(2, 10_000)
        self.group_count.setValue(GROUP_THRESHOLD)
        self.group_count.setSuffix(self.tr(" 件"))
        self.group_count.setAccessibleName(self.tr("合并为群体纠纷的件数"))
        self.group_count.setEnabled(False)
        self.group_check.toggled.connect(self.group_count.setEnabled)
        group_row = QHBoxLayout()
        group_row.addWidget(self.group_check)
        group_row.addWidget(self.group_count)
        group_row.addWidget(QLabel(self.tr("时，合并为群体纠纷（各工单仍逐件办结）")), 1)
        self.status = QLabel(objectName="importFileStatus")
        self.status.setWordWrap(True)
        form = form_layout(self)
        form.addRow(self.tr("文件："), row)
        form.addRow(self.tr("工作表："), self.sheet_combo)
        form.addRow(self.tr("来源渠道："), self.source_combo)
        form.addRow(self.tr("办理类型："), self.track_combo)
        form.addRow(self.tr("群体纠纷："), group_row)
        form.addRow(self.status)
        self._source_changed()

    def _source_changed(self) -> None:
        # 12315 work orders are market-regulation complaints; another channel's the user
        # chooses (市民热线 12345 carries both kinds).
        is_12315 = self.source_combo.currentData() == Source.HOTLINE_12315
        if is_12315:
            self.track_combo.setCurrentIndex(self.track_combo.findData(Track.MARKET_COMPLAINT))
        self.track_combo.setEnabled(not is_12315)

    def browse(self) -> None:
        # Where exports are saved: the downloads folder, else the documents folder.
        folder = (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
                  or QStandardPaths.writableLocation(
                      QStandardPaths.StandardLocation.DocumentsLocation))
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择工单文件"), folder, self.tr("工单文件 (*.xlsx *.xls *.csv)"))
        if name:
            self.open(Path(name))

    def open(self, path: Path, sheet: str | None = None) -> None:
        self.path_edit.setText(str(path))
        self.status.setText(self.tr("正在读取…"))
        self.w.file = self.w.layout_ = None
        self.completeChanged.emit()
        ws = self.w.ws
        self.w.runner.query(self, lambda: ops.open_export(ws, path, sheet)) \
            .success(self._opened).failure(lambda f: self.w.show_failure(self.status, f)).run()

    def _sheet_chosen(self) -> None:
        if self.w.file is None:
            return
        file, ws, sheet = self.w.file, self.w.ws, self.sheet_combo.currentData()
        self.w.runner.query(self, lambda: ops.with_sheet(ws, file, sheet)) \
            .success(self._opened).failure(lambda f: self.w.show_failure(self.status, f)).run()

    def _opened(self, opened: ops.Opened) -> None:
        self.w.file, self.w.layout_ = opened.file, opened.layout
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for sheet in opened.file.sheets:
            label = sheet.name + (self.tr("（隐藏）") if sheet.hidden else "")
            self.sheet_combo.addItem(label, sheet.name)
        chosen = opened.layout.sheet if opened.layout else None
        if chosen is not None:
            self.sheet_combo.setCurrentIndex(self.sheet_combo.findData(chosen))
        self.sheet_combo.blockSignals(False)
        if opened.error is not None:
            self.status.setText(messages.error_text(opened.error))
        else:
            layout = opened.layout
            rows = len(opened.file.sheet(layout.sheet).rows) - layout.header_row - 1
            text = self.tr("表头在第 {row} 行，其下约 {n} 行。").format(
                row=layout.header_row + 1, n=rows)
            if layout.mapping_name:
                text += self.tr("已套用保存的列对应“{name}”。").format(name=layout.mapping_name)
            self.status.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.layout_ is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("列对应"))
        self.setSubTitle(self.tr("检查每一列对应的内容；下方是前几行导入后的样子。"))
        self.columns = QTableWidget(0, 2, objectName="importColumns")
        self.columns.setHorizontalHeaderLabels([self.tr("文件中的列"), self.tr("导入为")])
        self.columns.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.columns.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.columns.verticalHeader().setVisible(False)
        self.preview = QTableWidget(0, 0, objectName="importPreview")
        self.preview.verticalHeader().setVisible(False)
        self.name_edit = QLineEdit(objectName="importMappingName")
        self.name_edit.setPlaceholderText(self.tr("方案名称，如 浦东12345"))
        save = QPushButton(self.tr("保存列对应(&S)"), objectName="importSaveMapping")
        save.clicked.connect(self.save_mapping)
        self.saved_label = QLabel()
        save_row = QHBoxLayout()
        save_row.addWidget(QLabel(self.tr("保存为：")))
        save_row.addWidget(self.name_edit, 1)
        save_row.addWidget(save)
        save_row.addWidget(self.saved_label, 1)
        top = QHBoxLayout()
        top.addWidget(self.columns, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("预览（导入后的样子）：")))
        right.addWidget(self.preview, 1)
        top.addLayout(right, 3)
        box = QVBoxLayout(self)
        box.addLayout(top, 1)
        box.addLayout(save_row)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        layout = self.w.layout_
        self.columns.setRowCount(len(layout.headers))
        self.combos = []
        for column, header in enumerate(layout.headers):
            self.columns.setItem(column, 0, _item(header or self.tr("（第{n}列）").format(
                n=column + 1)))
            combo = QComboBox()
            combo.addItem(self.tr("不导入"), None)
            for each in ImportField:
                combo.addItem(messages.import_field_text(each), each.value)
            field = layout.mapping.get(column)
            combo.setCurrentIndex(combo.findData(field.value) if field else 0)
            combo.activated.connect(lambda _i, c=column: self._changed(c))
            self.columns.setCellWidget(column, 1, combo)
            self.combos.append(combo)
        self.name_edit.setText(layout.mapping_name)
        self.saved_label.clear()
        self._refresh_preview()

    def _changed(self, column: int) -> None:
        chosen = self._field(self.combos[column])
        if chosen is not None:  # a field is in one column: the other one lets it go
            for other, combo in enumerate(self.combos):
                if other != column and self._field(combo) is chosen:
                    combo.setCurrentIndex(0)
        mapping = {c: self._field(combo) for c, combo in enumerate(self.combos)
                   if self._field(combo) is not None}
        self.w.layout_ = imports.with_mapping(self.w.layout_, mapping)
        self.w.prepared = None
        self._refresh_preview()

    @staticmethod
    def _field(combo: QComboBox) -> ImportField | None:
        data = combo.currentData()
        return ImportField(data) if data else None

    def _refresh_preview(self) -> None:
        ws, file, layout, options = self.w.ws, self.w.file, self.w.layout_, self.w.options()
        self.w.runner.query(self, lambda: imports.preview(ws, file, layout, options,
                                                          PREVIEW_ROWS)) \
            .success(self._show_preview).run()

    def _show_preview(self, rows: list[imports.PreviewRow]) -> None:
        fields = [f for f in ImportField if f in set(self.w.layout_.mapping.values())]
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 2)
        # 问题 beside the row number: a row that will not import is seen at once.
        self.preview.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("问题")] + [messages.import_field_text(f) for f in fields])
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            self.preview.setItem(r, 0, _item(row.row))
            for c, field in enumerate(fields, start=2):
                value = row.values.get(field, "")
                if field is ImportField.CHANNEL and value:
                    value = messages.source_text(Source(value))
                self.preview.setItem(r, c, _item(value))
            words = "；".join(messages.import_problem_text(p.problem) for p in row.problems)
            problem = _item(words)
            if not row.ok:
                problem.setForeground(Qt.GlobalColor.darkRed)
            self.preview.setItem(r, 1, problem)
        self.preview.resizeColumnsToContents()
        for c in range(self.preview.columnCount()):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), 220))

    def save_mapping(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.saved_label.setText(self.tr("请先填写方案名称。"))
            return
        ws, layout = self.w.ws, self.w.layout_
        self.w.runner.op(self, lambda: imports.save_mapping(ws, name, layout)) \
            .success(lambda _c: self.saved_label.setText(
                self.tr("已保存，下次导入相同表头的文件时自动套用。"))) \
            .failure(lambda f: self.w.show_failure(self.saved_label, f)).run()


class ReportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("检查结果"))
        self.setSubTitle(self.tr("每一行都按登记工单的要求检查过；有问题的行列在下面。"))
        self.counts = QLabel(objectName="importCounts")
        self.counts.setWordWrap(True)
        self.table = QTableWidget(0, 4, objectName="importReport")
        self.table.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("列"), self.tr("字段"), self.tr("问题")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.save_button = QPushButton(self.tr("问题报告另存为 .xlsx(&R)…"),
                                       objectName="importSaveReport")
        self.save_button.clicked.connect(self.save_report)
        self.saved = QLabel()
        self.whole = QRadioButton(self.tr("整个文件：有任何一行不能导入时，一行也不导入"),
                                  objectName="importWholeFile")
        self.valid = QRadioButton(self.tr("只导入有效行，其余的留在问题报告中"),
                                  objectName="importValidRows")
        self.whole.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.whole)
        group.addButton(self.valid)
        group.buttonToggled.connect(lambda *_: self.completeChanged.emit())
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.counts)
        box.addWidget(self.table, 1)
        box.addLayout(save_row)
        box.addWidget(self.whole)
        box.addWidget(self.valid)

    def initializePage(self) -> None:
        self.w.prepared = None
        self.counts.setText(self.tr("正在检查…"))
        self.table.setRowCount(0)
        self.saved.clear()
        self.completeChanged.emit()
        ws, file, layout, options = self.w.ws, self.w.file, self.w.layout_, self.w.options()
        self.w.runner.query(self, lambda: imports.prepare(ws, file, layout, options)) \
            .success(self._checked).failure(lambda f: self.w.show_failure(self.counts, f)).run()

    def _checked(self, prepared: imports.Prepared) -> None:
        self.w.prepared = prepared
        report = prepared.report
        self.counts.setText(self.tr("共 {total} 行：可以导入 {valid} 行，不能导入 {invalid} 行；"
                                    "问题 {problems} 条。").format(
            total=len(prepared.rows), valid=prepared.valid, invalid=prepared.invalid,
            problems=len(report)))
        shown = report[:SHOWN_PROBLEMS]
        self.table.setRowCount(len(shown))
        for r, item in enumerate(shown):
            words = messages.import_problem_text(item.problem)
            if not item.blocking:
                words += self.tr("（该行仍导入）")
            for c, value in enumerate((item.row, item.column,
                                       messages.import_field_text(item.field)
                                       if item.field else "", words)):
                self.table.setItem(r, c, _item(value))
        self.table.resizeColumnsToContents()
        self.save_button.setEnabled(bool(report))
        self.completeChanged.emit()

    def mode(self) -> imports.ImportMode:
        return (imports.ImportMode.VALID_ROWS if self.valid.isChecked()
                else imports.ImportMode.WHOLE_FILE)

    def isComplete(self) -> bool:
        prepared = self.w.prepared
        if prepared is None or prepared.valid == 0:
            return False
        return prepared.invalid == 0 or self.valid.isChecked()

    def save_report(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, self.tr("保存问题报告"),
                                                  self.tr("导入问题.xlsx"),
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
            if not name:
                return
            path = Path(name)
        report = self.w.prepared.report
        self.w.runner.query(self, lambda: write_report(
            report, path, field_words=messages.import_field_text,
            problem_words=messages.import_problem_text)) \
            .success(lambda n: self.saved.setText(self.tr("已保存 {n} 条到 {path}").format(
                n=n, path=path))) \
            .failure(lambda f: self.w.show_failure(self.saved, f)).run()


class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("导入"))
        self.bar = QProgressBar(objectName="importProgress")
        self.cancel_button = QPushButton(self.tr("取消"), objectName="importCancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.result = QLabel(objectName="importResult")
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addWidget(self.result)
        box.addStretch(1)
        self.task = None
        self.finished = False

    def initializePage(self) -> None:
        self.finished = False
        self.result.setText(self.tr("正在导入…"))
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        ws, file, layout = self.w.ws, self.w.file, self.w.layout_
        options, prepared = self.w.options(self.w.report_page.mode()), self.w.prepared
        self.task = self.w.runner.task(
            self, lambda state: ops.import_rows(ws, file, layout, options, prepared, state),
            lane=Lane.WRITE).progress(self._progress).success(self._done) \
            .failure(self._failed).run()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.result.setText(self.tr("正在取消…"))

    def _done(self, summary: imports.ImportSummary) -> None:
        self.w.summary = summary
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        text = self.tr("新建 {created}，更新 {updated}，未变 {unchanged}，多头关联 {linked}，"
                       "有问题 {problems}。").format(
            created=summary.created, updated=summary.updated, unchanged=summary.unchanged,
            linked=summary.linked, problems=summary.problem_rows)
        if summary.not_imported:
            text += self.tr("\n未导入 {n} 行（见问题报告）。").format(n=summary.not_imported)
        if summary.warnings_raised or summary.warnings_grown:
            text += self.tr("\n预警：新触发 {raised} 条，增加案件 {grown} 条，见 视图 → 预警。").format(
                raised=summary.warnings_raised, grown=summary.warnings_grown)
        if summary.groups:
            text += self.tr("\n群体纠纷：{n} 个（新建或并入），见 视图 → 群体纠纷管理。").format(
                n=summary.groups)
        self._finish(text)
        self.w.imported.emit(summary)

    def _failed(self, failure: TaskFailure) -> None:
        if isinstance(failure.error, TaskCancelled):
            self._finish(self.tr("导入已取消，数据未作任何改动。"))
        else:
            self._finish(messages.error_text(failure.error))

    def _finish(self, text: str) -> None:
        self.task = None
        self.finished = True
        self.cancel_button.setEnabled(False)
        self.result.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.finished
