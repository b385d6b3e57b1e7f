"""The open session editors: one window per draft, reopened after a restart.

Editors are top-level windows without a parent, so closing the main window cannot
destroy one without its last save: the owner calls ``close_all_for_quit`` first.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal

from app.services import sessions
from app.services.context import Workstation
from app.services.sessions import DraftView
from app.ui.qtcompat import emit
from app.ui.session.session_editor import SessionEditor
from app.ui.tasks import TaskFailure, TaskRunner


class SessionEditors(QObject):
    opened = Signal(object)  # SessionEditor
    failed = Signal(object)  # TaskFailure of a start / load

    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.editors: dict[uuid.UUID, SessionEditor] = {}

    def start(self, case_id: uuid.UUID, mode: str) -> None:
        """A new record on the case, in its own window."""
        ws = self.ws
        self.runner.op(self, lambda: sessions.start_draft(ws, case_id, mode)) \
            .success(lambda result: self.open(result[0])).failure(self._failed).run()

    def open_id(self, draft_id: uuid.UUID) -> None:
        editor = self.editors.get(draft_id)
        if editor is not None:
            self._raise(editor)
            return
        ws = self.ws
        self.runner.query(self, lambda: sessions.load_draft(ws, draft_id)) \
            .success(self.open).failure(self._failed).run()

    def reopen(self) -> None:
        """The drafts that were open when the app last stopped, crashed or not."""
        ws = self.ws
        self.runner.query(self, lambda: sessions.open_drafts(ws)) \
            .success(lambda drafts: [self.open(d) for d in drafts]).failure(self._failed).run()

    def open(self, draft: DraftView) -> SessionEditor:
        editor = self.editors.get(draft.id)
        if editor is None:
            editor = SessionEditor(self.ws, self.runner, draft)
            self.editors[draft.id] = editor
            editor.closed.connect(self._closed)
            editor.show()
            emit(self.opened, editor)
        self._raise(editor)
        return editor

    def _raise(self, editor: SessionEditor) -> None:
        editor.show()
        editor.raise_()
        editor.activateWindow()

    def _closed(self, draft_id: uuid.UUID) -> None:
        self.editors.pop(draft_id, None)

    def _failed(self, failure: TaskFailure) -> None:
        emit(self.failed, failure)

    def save_all(self) -> None:
        for editor in list(self.editors.values()):
            editor.save_now()

    def close_all_for_quit(self) -> None:
        """Each editor saved on the spot and marked to reopen at the next start."""
        for editor in list(self.editors.values()):
            editor.close_for_quit()
        self.editors.clear()
