"""冲突 and 需处理: what a sync could not settle by itself, for a person to decide.

冲突: the same thing changed in two places. The list shows the case, the field and who
raised it when; the selected conflict shows the central value and the submitted one
side by side, with the value both started from, and the two choices. Wording and
buttons follow the kind (a field, an edit of a deleted case, a deletion of an edited
case, one work order entered twice).

需处理: changes the central database refused, with the reason; 重新提交 makes the change
again, 放弃 gives it up with a reason that goes into the history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.context import Workstation
from app.services.dto import Changes
from app.services.sync import AttentionView, Choice, ConflictGone, ConflictView
from app.ui import messages, text_size
from app.ui.documents import document_texts
from app.ui.formatting import china_datetime
from app.ui.operations import sync as sync_ops
from app.ui.qtcompat import emit
from app.ui.sync.sync_status_view import local_time
from app.ui.tasks import TaskFailure, TaskRunner

ID_ROLE = Qt.ItemDataRole.UserRole + 100


def document_difference(final: Any, late: Any) -> tuple[str, str]:
    """What a late edit of a final document would have changed, field by field of the
    document (the rest is the same on both sides and left out)."""
    final, late = dict(final or {}), dict(late or {})
    pairs: list[tuple[str, Any, Any]] = []
    for key in dict.fromkeys([*final, *late]):
        mine, theirs = final.get(key), late.get(key)
        if key == "fields" and isinstance(mine, dict) and isinstance(theirs, dict):
            pairs += [(k, mine.get(k), theirs.get(k)) for k in dict.fromkeys([*mine, *theirs])
                      if mine.get(k) != theirs.get(k)]
        elif mine != theirs:
            pairs.append((key, mine, theirs))

    def lines(side: int) -> str:
        return "\n".join(f"{document_texts.field_text(k)}：{value_text(p[side])}"
                         for k, *p in pairs) or QCoreApplication.translate("Sync", "（空）")

    return lines(0), lines(1)


def value_text(value: Any, field: str = "") -> str:
    """A value as the user reads it; a dict (a whole row) as one line per field."""
    if value is None or value == "":
        return QCoreApplication.translate("Sync", "（空）")
    if isinstance(value, dict):
        lines = [f"{messages.field_name(k)}：{value_text(v, k)}" for k, v in value.items()
                 if k not in ("id", "version", "modified_at", "modified_by", "office_id",
                              "deleted")]
        return "\n".join(lines) or QCoreApplication.translate("Sync", "（空）")
    if isinstance(value, bool):
        return QCoreApplication.translate("Sync", "是" if value else "否")
    if isinstance(value, datetime):
        return china_datetime(value)
    if isinstance(value, date | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, str) and field.endswith("_at") and "T" in value:
        try:
            return china_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def case_label(ticket: str, title: str, case_id: uuid.UUID | None) -> str:
    parts = [p for p in (ticket, title) if p]
    if parts:
        return " ".join(parts)
    return f"案件 {str(case_id)[:8]}" if case_id else ""


class ValueBox(QFrame):
    """One side of the comparison: a heading and the value, selectable."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName(f"{name}Heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.value = QPlainTextEdit()
        self.value.setObjectName(f"{name}Value")
        self.value.setReadOnly(True)
        self.value.setTabChangesFocus(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.value, 1)

    def show_value(self, heading: str, text: str) -> None:
        self.heading.setText(heading)
        self.value.setPlainText(text)


def item_list(name: str, on_current) -> QListWidget:
    """The left-hand list of both pages: wrapped entries, no sideways scrolling."""
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setSpacing(2)
    widget.currentItemChanged.connect(lambda *_: on_current())
    return widget


def list_beside_detail(page: QWidget, items: QListWidget, empty: QWidget,
                       detail: QWidget) -> QStackedWidget:
    """Lay a page out as its list on the left and, on the right, the chosen item (or a
    word that there is none). Returns the right-hand stack: 0 empty, 1 detail."""
    stack = QStackedWidget()
    stack.addWidget(empty)
    stack.addWidget(detail)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(items)
    splitter.addWidget(stack)
    splitter.setStretchFactor(0, 2)
    splitter.setStretchFactor(1, 5)
    em = page.fontMetrics().horizontalAdvance("汉")
    splitter.setSizes([em * 22, em * 50])
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return stack


class ConflictsPage(QWidget):
    """The open conflicts and the one chosen, with its two choices."""

    resolve_requested = Signal(object, object)  # ConflictView, Choice

    def __init__(self, ws: Workstation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.conflicts: dict[uuid.UUID, ConflictView] = {}
        self.list = item_list("conflictList", self._show_current)
        self.empty = QLabel(self.tr("没有待处理的冲突。"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.kind_label = QLabel()
        self.kind_label.setObjectName("conflictKind")
        text_size.emphasise(self.kind_label, 1.15)
        self.case_label = QLabel()
        self.case_label.setObjectName("conflictCase")
        self.case_label.setWordWrap(True)
        self.explain_label = QLabel()
        self.explain_label.setObjectName("conflictExplain")
        self.explain_label.setWordWrap(True)
        self.central_box = ValueBox("centralValue")
        self.submitted_box = ValueBox("submittedValue")
        self.base_box = ValueBox("baseValue")
        self.keep_button = QPushButton()
        self.keep_button.setObjectName("keepCentralButton")
        self.keep_button.clicked.connect(lambda: self._choose(Choice.KEEP_CENTRAL))
        self.take_button = QPushButton()
        self.take_button.setObjectName("takeMineButton")
        self.take_button.clicked.connect(lambda: self._choose(Choice.TAKE_MINE))
        self.error_label = QLabel()
        self.error_label.setObjectName("conflictError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b42318")
        self.error_label.hide()

        detail = QWidget()
        grid = QVBoxLayout(detail)
        grid.addWidget(self.kind_label)
        grid.addWidget(self.case_label)
        grid.addWidget(self.explain_label)
        sides = QGridLayout()
        sides.addWidget(self.central_box, 0, 0)
        sides.addWidget(self.submitted_box, 0, 1)
        sides.addWidget(self.base_box, 1, 0, 1, 2)
        sides.setRowStretch(0, 3)
        sides.setRowStretch(1, 1)
        grid.addLayout(sides, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        grid.addWidget(self.error_label)
        grid.addLayout(buttons)
        self.detail_stack = list_beside_detail(self, self.list, self.empty, detail)

    def set_conflicts(self, conflicts: list[ConflictView]) -> None:
        current = self.current_id()
        self.conflicts = {c.id: c for c in conflicts}
        self.list.clear()
        for c in conflicts:
            what = messages.field_name(c.field) if c.kind == "field" and c.field \
                else messages.conflict_kind_text(c.kind)
            text = self.tr("{case}\n{what} · {who} {when}").format(
                case=case_label(c.source_ticket, c.case_title, c.case_id)
                or messages.table_text(c.table_name),
                what=what, who=c.raised_by, when=local_time(c.raised_at).strftime("%m-%d %H:%M"))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, c.id)
            self.list.addItem(item)
            if c.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show_current()

    def current_id(self) -> uuid.UUID | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def current(self) -> ConflictView | None:
        cid = self.current_id()
        return self.conflicts.get(cid) if cid else None

    def set_busy(self, busy: bool) -> None:
        self.keep_button.setEnabled(not busy)
        self.take_button.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _submitter(self, c: ConflictView) -> str:
        if c.raised_by == self.ws.actor.login:
            return self.tr("本机提交的值")
        return self.tr("{who}提交的值").format(who=c.raised_by)

    def _show_current(self) -> None:
        c = self.current()
        self.show_error("")
        if c is None:
            self.detail_stack.setCurrentIndex(0)
            return
        self.detail_stack.setCurrentIndex(1)
        self.kind_label.setText(messages.conflict_kind_text(c.kind))
        case = case_label(c.source_ticket, c.case_title, c.case_id)
        self.case_label.setText(self.tr("{table}：{case}　提交人：{who}　时间：{when}").format(
            table=messages.table_text(c.table_name), case=case or str(c.row_id)[:8],
            who=c.raised_by, when=china_datetime(c.raised_at)))
        central, submitted = self.tr("中心数据库的值"), self._submitter(c)
        self.base_box.show()
        if c.kind == "field":
            field = messages.field_name(c.field)
            self.explain_label.setText(self.tr(
                "“{field}”在中心数据库和另一处同时被修改。目前采用中心数据库的值，"
                "请决定保留哪一个。").format(field=field))
            self.central_box.show_value(f"{central}（{field}）", value_text(c.server_value,
                                                                          c.field))
            self.submitted_box.show_value(f"{submitted}（{field}）",
                                          value_text(c.local_value, c.field))
            self.base_box.show_value(self.tr("修改前的原值"), value_text(c.base_value, c.field))
            keep, take = self.tr("保留中心的值"), self.tr("采用提交的值")
        elif c.kind == "edit_deleted":
            earlier = {k: v for k, v in (c.server_value or {}).items() if k != "deleted"}
            explain = self.tr(
                "案件已在中心被删除，此修改未生效。可以保持删除，或恢复该案件并采用这次修改。")
            deleted = self.tr("（已删除）")
            if earlier:
                explain += self.tr("删除之前，中心也修改过同样的内容（见中心数据库的值）；"
                                   "恢复案件将以这次修改替换它们。")
                deleted += "\n" + self.tr("删除前的值：") + "\n" + value_text(earlier)
            self.explain_label.setText(explain)
            self.central_box.show_value(central, deleted)
            self.submitted_box.show_value(submitted, value_text(c.local_value))
            self.base_box.show_value(self.tr("修改前的原值"), value_text(c.base_value))
            keep, take = self.tr("保持删除"), self.tr("恢复案件并采用修改")
        elif c.kind == "delete_edited":
            self.explain_label.setText(self.tr(
                "删除未生效：案件在删除前已在中心被修改。可以保留案件（含中心的修改），或仍然删除。"))
            self.central_box.show_value(central, value_text(c.server_value))
            self.submitted_box.show_value(submitted, self.tr("（删除此案件）"))
            self.base_box.show_value(self.tr("修改前的原值"), value_text(c.base_value))
            keep, take = self.tr("保留案件"), self.tr("仍然删除")
        elif c.kind == "duplicate_ticket":
            self.explain_label.setText(self.tr(
                "同一工单被重复录入（工单号 {ticket}）。如确是同一件事，合并为一件："
                "后录入的一件删除并关联到先录入的一件；如确为两件不同的投诉，两件都保留。"
            ).format(ticket=c.source_ticket or "—"))
            self.central_box.show_value(self.tr("先录入的案件"), value_text(c.server_value))
            self.submitted_box.show_value(self.tr("后录入的案件"), value_text(c.local_value))
            self.base_box.hide()
            keep, take = self.tr("确为两件"), self.tr("合并为一件")
        elif c.kind == "final_document":
            self.explain_label.setText(self.tr(
                "这份文书已经定稿（编号、PDF 和二维码已确定），对它的修改不能再进入定稿文书。"
                "定稿文书保持原样；这次修改可以放弃，或作为新版本草稿重新办理。"))
            final, late = document_difference(c.server_value, c.local_value)
            self.central_box.show_value(self.tr("定稿文书的内容"), final)
            self.submitted_box.show_value(self.tr("未进入定稿的修改"), late)
            self.base_box.hide()
            keep, take = self.tr("放弃这次修改"), self.tr("以这次修改新建版本")
        else:
            self.explain_label.setText(messages.conflict_kind_text(c.kind))
            self.central_box.show_value(central, value_text(c.server_value))
            self.submitted_box.show_value(submitted, value_text(c.local_value))
            self.base_box.show_value(self.tr("修改前的原值"), value_text(c.base_value))
            keep, take = self.tr("保留中心的值"), self.tr("采用提交的值")
        self.keep_button.setText(keep)
        self.take_button.setText(take)

    def _choose(self, choice: Choice) -> None:
        c = self.current()
        if c is not None:
            emit(self.resolve_requested, c, choice)


class AttentionPage(QWidget):
    """Changes the central database refused: send again, or give up with a reason."""

    resend_requested = Signal(object)  # AttentionView
    dismiss_requested = Signal(object, str)  # AttentionView, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: dict[uuid.UUID, AttentionView] = {}
        self.list = item_list("attentionList", self._show_current)
        self.empty = QLabel(self.tr("没有需要处理的修改。"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason_label = QLabel()
        self.reason_label.setObjectName("attentionReason")
        font = self.reason_label.font()
        font.setBold(True)
        self.reason_label.setFont(font)
        self.reason_label.setWordWrap(True)
        self.what_label = QLabel()
        self.what_label.setWordWrap(True)
        self.values = ValueBox("attentionValues")
        self.resend_button = QPushButton(self.tr("重新提交"))
        self.resend_button.setObjectName("resendButton")
        self.resend_button.clicked.connect(self._resend)
        self.dismiss_reason = QLineEdit()
        self.dismiss_reason.setObjectName("dismissReason")
        self.dismiss_reason.setPlaceholderText(self.tr("放弃的原因（必填，记入操作记录）"))
        self.dismiss_button = QPushButton(self.tr("放弃"))
        self.dismiss_button.setObjectName("dismissButton")
        self.dismiss_button.setEnabled(False)
        self.dismiss_reason.textChanged.connect(
            lambda t: self.dismiss_button.setEnabled(bool(t.strip())))
        self.dismiss_button.clicked.connect(self._dismiss)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b42318")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        detail = QWidget()
        col = QVBoxLayout(detail)
        col.addWidget(self.reason_label)
        col.addWidget(self.what_label)
        col.addWidget(self.values, 1)
        col.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addWidget(self.dismiss_reason, 1)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.resend_button)
        col.addLayout(row)
        self.detail_stack = list_beside_detail(self, self.list, self.empty, detail)

    def set_items(self, items: list[AttentionView]) -> None:
        self.items = {a.id: a for a in items}
        self.list.clear()
        for a in items:
            title = a.values.get("title") or a.values.get("name") or ""
            text = self.tr("{reason}\n{table} {title} · {when}").format(
                reason=messages.attention_reason_text(a.reason_code, a.reason),
                table=messages.table_text(a.table_name), title=title,
                when=local_time(a.created_at).strftime("%m-%d %H:%M"))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, a.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._show_current()

    def current(self) -> AttentionView | None:
        item = self.list.currentItem()
        return self.items.get(item.data(ID_ROLE)) if item is not None else None

    def set_busy(self, busy: bool) -> None:
        self.resend_button.setEnabled(not busy)
        self.dismiss_button.setEnabled(not busy and bool(self.dismiss_reason.text().strip()))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _show_current(self) -> None:
        a = self.current()
        self.show_error("")
        if a is None:
            self.detail_stack.setCurrentIndex(0)
            return
        self.detail_stack.setCurrentIndex(1)
        # An audit row whose central copy differs: nothing to send again, only to note.
        checked = a.op == "compare"
        self.resend_button.setVisible(not checked)
        reason = messages.attention_reason_text(a.reason_code, a.reason)
        self.reason_label.setText(self.tr("同步后核对：{reason}").format(reason=reason)
                                  if checked else
                                  self.tr("中心数据库未接受：{reason}").format(reason=reason))
        op = {"insert": self.tr("新增"), "update": self.tr("修改"),
              "delete": self.tr("删除"), "compare": self.tr("核对")}.get(a.op, a.op)
        self.what_label.setText(self.tr("{op}{table}，{when}").format(
            op=op, table=messages.table_text(a.table_name), when=china_datetime(a.created_at)))
        if checked:
            self.values.show_value(self.tr("不一致之处"), self._differences(a.values))
        else:
            self.values.show_value(self.tr("未被接受的内容"), value_text(a.values))

    def _differences(self, fields: dict) -> str:
        names = {"*": self.tr("整条记录"), "changes": self.tr("变更内容"),
                 "actor": self.tr("操作人"), "login": self.tr("登录账号"),
                 "at": self.tr("时间"), "reason": self.tr("理由"),
                 "action": self.tr("操作"), "entity": self.tr("对象"),
                 "entity_id": self.tr("对象编号"), "case_id": self.tr("案件"),
                 "office_id": self.tr("所属单位"), "deleted": self.tr("删除标记")}
        words = {"present": self.tr("有"), "missing": self.tr("没有")}


        def text(value: Any, name: str) -> str:
            if isinstance(value, str) and value in words:
                return words[value]
            # An audit row's time is "at": read as the times of other rows are.
            return value_text(value, "audit_at" if name == "at" else name).replace("\n", "；")

        lines = []
        for name, pair in fields.items():
            lines.append(self.tr("{field}\n  本机：{mine}\n  中心：{theirs}").format(
                field=names.get(name, name), mine=text(pair.get("local"), name),
                theirs=text(pair.get("central"), name)))
        return "\n".join(lines)
        self.dismiss_reason.clear()

    def _resend(self) -> None:
        a = self.current()
        if a is not None:
            emit(self.resend_requested, a)

    def _dismiss(self) -> None:
        a = self.current()
        reason = self.dismiss_reason.text().strip()
        if a is not None and reason:
            emit(self.dismiss_requested, a, reason)


class ConflictsDialog(QDialog):
    """冲突与需处理, a window beside the workstation (not modal)."""

    loaded = Signal()

    CONFLICTS, ATTENTION = 0, 1

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.setObjectName("conflictsDialog")
        self.setWindowTitle(self.tr("冲突与需处理"))
        self.conflicts_page = ConflictsPage(ws)
        self.attention_page = AttentionPage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.conflicts_page, self.tr("冲突"))
        self.tabs.addTab(self.attention_page, self.tr("需处理"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.conflicts_page.resolve_requested.connect(self._resolve)
        self.attention_page.resend_requested.connect(self._resend)
        self.attention_page.dismiss_requested.connect(self._dismiss)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 76, em * 40)

    def show_tab(self, tab: int) -> None:
        self.tabs.setCurrentIndex(tab)

    def reload(self) -> None:
        ws = self.ws
        self.runner.query(self, lambda: sync_ops.load_sync_lists(ws)).success(self._show_lists).run()

    def _show_lists(self, lists: sync_ops.SyncLists) -> None:
        self.conflicts_page.set_conflicts(lists.conflicts)
        self.attention_page.set_items(lists.attention)
        self.tabs.setTabText(self.CONFLICTS, self.tr("冲突（{n}）").format(
            n=len(lists.conflicts)))
        self.tabs.setTabText(self.ATTENTION, self.tr("需处理（{n}）").format(
            n=len(lists.attention)))
        self.conflicts_page.set_busy(False)
        self.attention_page.set_busy(False)
        emit(self.loaded)

    def _run(self, write: Callable[[], Changes], page) -> None:
        page.set_busy(True)
        page.show_error("")
        self.runner.op(self, write).success(lambda _changes: self.reload()) \
            .failure(lambda failure: self._failed(failure, page)).run()

    def _resolve(self, conflict: ConflictView, choice: Choice) -> None:
        ws = self.ws
        self._run(lambda: sync_ops.resolve(ws, conflict, choice), self.conflicts_page)

    def _resend(self, item: AttentionView) -> None:
        ws = self.ws
        self._run(lambda: sync_ops.resend(ws, item), self.attention_page)

    def _dismiss(self, item: AttentionView, reason: str) -> None:
        ws = self.ws
        self._run(lambda: sync_ops.dismiss(ws, item, reason), self.attention_page)

    def _failed(self, failure: TaskFailure, page) -> None:
        page.set_busy(False)
        page.show_error(messages.error_text(failure.error))
        if isinstance(failure.error, ConflictGone):
            self.reload()
