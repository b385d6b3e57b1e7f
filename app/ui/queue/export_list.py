"""文件 → 导出案件清单…: the cases the queue lists, as .xlsx, in the background with
progress and cancel. Whether names and phones are masked is said before saving."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from app.core.timeutil import china_today
from app.services import case_export, queue
from app.services.context import Workstation
from app.services.queue import QueueQuery
from app.ui.queue.queue_views import view_title
from app.ui.tasks import Lane, TaskFailure, TaskRunner


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseListExport", text)


def describe(query: QueueQuery) -> str:
    """The list as the user saw it, for the audit trail."""
    parts = [view_title(query.view)]
    if query.search.strip():
        parts.append(_tr("搜索“{text}”").format(text=query.search.strip()))
    if query.filter != queue.QueueFilter():
        parts.append(_tr("已筛选"))
    return "·".join(parts)


def export_case_list(ws: Workstation, runner: TaskRunner, parent: QWidget,
                     query: QueueQuery) -> None:
    masked = not case_export.may_export_personal_data(ws)
    folder = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
    name = _tr("案件清单-{day}.xlsx").format(day=f"{china_today(ws.now()):%Y%m%d}")
    target, _ = QFileDialog.getSaveFileName(
        parent, _tr("导出案件清单"), str(Path(folder) / name), _tr("Excel 工作簿 (*.xlsx)"))
    if not target:
        return
    path = Path(target)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    progress = QProgressDialog(_tr("正在导出案件清单…"), _tr("取消"), 0, 0, parent)
    progress.setObjectName("exportProgress")
    progress.setWindowTitle(_tr("导出案件清单"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    description = describe(query)

    def work(state):
        total = queue.count_cases(ws, query)

        def step(done: int) -> None:
            state.raise_if_cancelled()
            state.report_progress(done, total)

        return case_export.export_case_list(ws, query, path, description=description,
                                            progress=step)

    def stepped(done: int, total: int) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)

    def finished(result: case_export.ExportResult) -> None:
        progress.reset()
        text = _tr("已导出 {n} 件案件到 {path}。").format(
            n=result.rows, path=QDir.toNativeSeparators(str(result.path)))
        if result.masked:
            text += "\n" + _tr("当事人姓名和电话已隐去部分（导出完整信息需负责人或管理员）。")
        _inform(parent, QMessageBox.Icon.Information, text)

    def failed(failure: TaskFailure) -> None:
        progress.reset()
        error = failure.error
        if isinstance(error, OSError):
            text = _tr("无法写入 {path}：{reason}").format(
                path=QDir.toNativeSeparators(str(path)), reason=error.strerror or error)
        else:
            text = _tr("导出没有完成：{error}").format(error=error)
        _inform(parent, QMessageBox.Icon.Warning, text)

    task = (runner.task(parent, work, lane=Lane.BACKGROUND).progress(stepped)
            .success(finished).failure(failed).run())
    progress.canceled.connect(task.cancel)
    if masked:
        progress.setLabelText(_tr("正在导出案件清单（姓名、电话隐去部分）…"))


def _inform(parent: QWidget, icon: QMessageBox.Icon, text: str) -> None:
    box = QMessageBox(icon, _tr("导出案件清单"), text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("exportDone")
    box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.open()
