"""The import wizard's work, off the GUI thread: plain functions of their arguments (and
the TaskState for the import itself), never touching widgets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services import work_order_import as imports
from app.services.context import Workstation
from app.ui.tasks import TaskCancelled, TaskState


@dataclass(frozen=True)
class Opened:
    file: imports.WorkOrderFile
    layout: imports.SheetLayout | None
    error: BaseException | None  # the chosen sheet has no header (the file itself opened)


def open_export(ws: Workstation, path: Path, sheet: str | None = None) -> Opened:
    file = imports.open_file(path)
    return with_sheet(ws, file, sheet)


def with_sheet(ws: Workstation, file: imports.WorkOrderFile, sheet: str | None) -> Opened:
    try:
        return Opened(file, imports.layout(ws, file, sheet), None)
    except imports.WorkOrderImportError as exc:
        return Opened(file, None, exc)


def import_rows(ws: Workstation, file: imports.WorkOrderFile, layout: imports.SheetLayout,
                options: imports.ImportOptions, prepared: imports.Prepared | None,
                state: TaskState) -> imports.ImportSummary:
    try:
        return imports.run_import(ws, file, layout, options, prepared=prepared,
                                  progress=state.report_progress,
                                  cancelled=lambda: state.cancelled)
    except imports.WorkOrderImportError as exc:
        if exc.refusal is imports.ImportRefusal.CANCELLED:
            raise TaskCancelled() from exc
        raise
