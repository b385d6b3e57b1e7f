"""案件 → 建立群体纠纷… / 加入群体纠纷… (issue 17, item 1): the cases selected in the queue
made into a group, or added to one the office has. The new group's name and business
are prefilled from the respondent most of the selection complains of; a case another
group holds stays there, and the result names it with the group that holds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLineEdit,
    QMenu,
    QMessageBox,
    QRadioButton,
    QWidget,
)

from app.core.groups import GroupOrigin, GroupStatus
from app.services import groups
from app.services.context import Workstation
from app.services.groups import GroupInput, GroupSummary, Membership, Respondent
from app.ui import messages
from app.ui.case.sections import note_label, value_label
from app.ui.groups.group_dialogs import FormDialog
from app.ui.tasks import TaskFailure, TaskRunner

SHOWN_REFUSALS = 8  # cases named in the result; the rest are counted


class SelectionGroupDialog(FormDialog):
    """A new group of the selection (名称, 被投诉方, 统一社会信用代码), or one the office has
    (chosen from those not closed)."""

    def __init__(self, count: int, respondent: Respondent | None,
                 existing: list[GroupSummary], *, join: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__("selectionGroup", parent)
        self.new_choice = QRadioButton(self.tr("建立新的群体纠纷"), objectName="newGroupChoice")
        self.join_choice = QRadioButton(self.tr("加入已有的群体纠纷"), objectName="joinGroupChoice")
        choices = QButtonGroup(self)
        choices.addButton(self.new_choice)
        choices.addButton(self.join_choice)
        name = respondent.name if respondent is not None else ""
        self.title = QLineEdit(f"{name}{self.tr('群体纠纷')}" if name else "",
                               objectName="selectionTitle")
        self.title.setMaxLength(groups.TITLE_MAX)
        self.title.setPlaceholderText(self.tr("如：悦动健身预付卡退费"))
        self.respondent = QLineEdit(name, objectName="selectionRespondent")
        self.uscc = QLineEdit(respondent.uscc if respondent is not None else "",
                              objectName="selectionUscc")
        self.uscc.setMaxLength(18)
        self.existing = QComboBox(objectName="selectionExisting")
        for g in existing:
            self.existing.addItem(self.tr("{title}（{n} 件）").format(title=g.title, n=g.members),
                                  g.id)
        self.form.addRow(self.tr("选中的工单"), value_label(
            self.tr("{n} 件").format(n=count), name="selectionCount"))
        self.form.addRow(self.new_choice)
        self.form.addRow(self.tr("名称"), self.title)
        self.form.addRow(self.tr("被投诉方"), self.respondent)
        self.form.addRow(self.tr("统一社会信用代码"), self.uscc)
        if respondent is not None and respondent.cases < count:
            self.form.addRow("", note_label(self.tr(
                "其中 {n} 件投诉的是这个被投诉方，其余的另有被投诉方。").format(n=respondent.cases),
                name="selectionMixed"))
        self.form.addRow(self.join_choice)
        self.form.addRow(self.tr("群体纠纷"), self.existing)
        if not existing:
            self.join_choice.setEnabled(False)
            join = False
        (self.join_choice if join else self.new_choice).setChecked(True)
        self.new_choice.toggled.connect(self._follow)
        self._follow()
        self.finish_layout(self.tr("加入群体纠纷") if join else self.tr("建立群体纠纷"),
                           self.tr("确定"), 30)

    def _follow(self) -> None:
        new = self.new_choice.isChecked()
        for edit in (self.title, self.respondent, self.uscc):
            edit.setEnabled(new)
        self.existing.setEnabled(not new)

    def value(self) -> GroupInput | uuid.UUID:
        if self.join_choice.isChecked():
            if self.existing.currentData() is None:
                raise ValueError(self.tr("请选择要加入的群体纠纷。"))
            return self.existing.currentData()
        return GroupInput(self.title.text(), self.respondent.text(), self.uscc.text(),
                          origin=GroupOrigin.SELECTION)


class GroupFromSelection(QObject):
    """The two menu items (the 案件 menu and the queue's right-click menu) and what they
    do with the selection ``selection()`` gives: {case id: ticket}."""

    group_made = Signal(object)  # uuid.UUID of the group made or joined
    failed = Signal(object)  # TaskFailure

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 selection: Callable[[], dict[uuid.UUID, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.selection, self.window = ws, runner, selection, parent
        self.dialog: SelectionGroupDialog | None = None
        self.message: QMessageBox | None = None
        self.make_action = QAction(self.tr("建立群体纠纷(&G)…"), parent)
        self.make_action.setObjectName("makeGroupAction")
        self.make_action.setToolTip(self.tr("把列表中选中的工单（可按 Ctrl、Shift 多选）建成一个群体纠纷"))
        self.make_action.triggered.connect(lambda: self.start(join=False))
        self.join_action = QAction(self.tr("加入群体纠纷(&J)…"), parent)
        self.join_action.setObjectName("joinGroupAction")
        self.join_action.triggered.connect(lambda: self.start(join=True))

    def actions(self) -> list[QAction]:
        return [self.make_action, self.join_action]

    def show_menu(self, at: QPoint) -> QMenu:
        """The queue's right-click menu."""
        menu = QMenu(self.window)
        menu.setObjectName("queueMenu")
        count = len(self.selection())
        for action in self.actions():
            action.setEnabled(count > 0)
            menu.addAction(action)
        menu.popup(at)
        self.menu = menu
        return menu

    def start(self, *, join: bool) -> None:
        chosen = self.selection()
        if not chosen:
            self._tell(QMessageBox.Icon.Information, self.tr(
                "请先在列表中选中工单（按住 Ctrl 或 Shift 可多选）。"))
            return
        ws, ids = self.ws, list(chosen)

        def read() -> tuple[Respondent | None, list[GroupSummary]]:
            return groups.common_respondent(ws, ids), [
                g for g in groups.list_groups(ws) if g.status is not GroupStatus.CLOSED]

        self.runner.query(self, read) \
            .success(lambda found: self._ask(chosen, *found, join=join)) \
            .failure(lambda f: self.failed.emit(f)).run()

    def _ask(self, chosen: dict[uuid.UUID, str], respondent: Respondent | None,
             existing: list[GroupSummary], *, join: bool) -> None:
        dialog = SelectionGroupDialog(len(chosen), respondent, existing, join=join,
                                      parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ws, ids = self.ws, list(chosen)

        def work(value) -> tuple[uuid.UUID, Membership, bool]:
            if isinstance(value, GroupInput):
                gid, made = groups.create_group(ws, value, ids)
                return gid, made, True
            return value, groups.add_members(ws, value, ids), False

        def done(result) -> None:
            dialog.accept()
            self._report(chosen, *result)

        def refused(failure: TaskFailure) -> None:
            dialog.refuse(messages.error_text(failure.error))

        dialog.submitted.connect(lambda value: self.runner.op(self, lambda: work(value))
                                 .success(done).failure(refused).run())
        self.dialog = dialog
        dialog.open()

    def _report(self, chosen: dict[uuid.UUID, str], group_id: uuid.UUID,
                membership: Membership, made: bool) -> None:
        lines = [(self.tr("已建立群体纠纷，{n} 件工单加入。") if made
                  else self.tr("{n} 件工单已加入群体纠纷。")).format(n=len(membership.done))]
        if membership.unchanged:
            lines.append(self.tr("{n} 件本来就在这个群体中。").format(n=len(membership.unchanged)))
        if membership.refused:
            lines.append(self.tr("{n} 件没有加入：").format(n=len(membership.refused)))
            for case_id, (refusal, holder) in list(membership.refused.items())[:SHOWN_REFUSALS]:
                lines.append(f"{chosen.get(case_id, str(case_id))}："
                             f"{messages.member_refusal_text(refusal, holder)}")
            if len(membership.refused) > SHOWN_REFUSALS:
                lines.append(self.tr("……另有 {n} 件").format(
                    n=len(membership.refused) - SHOWN_REFUSALS))
        icon = QMessageBox.Icon.Warning if membership.refused else QMessageBox.Icon.Information
        self._tell(icon, "\n".join(lines))
        if membership.done or made:
            self.group_made.emit(group_id)

    def _tell(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(icon, self.tr("群体纠纷"), text, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("selectionGroupResult")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = box
        box.open()
