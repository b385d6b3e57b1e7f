"""设置 → 预警规则: the office's five warning rules, each switched on or off, with its
numbers or word lists. An administrator or a supervisor saves them (for every desk of
the office, audited; the recent cases are checked again by the new rules); a mediator
reads them. A wrong value is named beside its field and nothing is saved.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.warnings import (
    COUNT_MAX,
    DAYS_MAX,
    RuleField,
    WarningRule,
    WarningRules,
    WarningRulesRefused,
)
from app.services import warnings
from app.services.context import Workstation
from app.ui import messages
from app.ui.case.sections import error_label, note_label
from app.ui.forms import form_layout
from app.ui.reference.holiday_dialog import fit_to_screen
from app.ui.tasks import TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog


def _spin(name: str, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    # Wider than the rules allow, so that a wrong value is named rather than clamped.
    spin.setRange(0, max(COUNT_MAX, DAYS_MAX) + 1)
    spin.setSuffix(suffix)
    return spin


def _words(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(QCoreApplication.translate("WarningRule", "每行一个"))
    lines = edit.fontMetrics().lineSpacing()
    edit.setFixedHeight(lines * 4 + 12)
    return edit


class WarningRulesDialog(GuardedDialog):
    loaded = Signal()
    saved = Signal()

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.editable = warnings.may_edit_rules(ws.actor.role)
        self.setObjectName("warningRulesDialog")
        self.setWindowTitle(self.tr("预警规则"))
        days, cases, times = self.tr(" 日"), self.tr(" 件"), self.tr(" 次")

        self.business = QGroupBox(messages.warning_rule_text(WarningRule.BUSINESS_VOLUME))
        self.business_count = _spin("businessCount", cases)
        self.business_days = _spin("businessDays", days)
        self.keywords = QGroupBox(messages.warning_rule_text(WarningRule.KEYWORD))
        self.keyword_list = _words("keywordList")
        self.categories = QGroupBox(messages.warning_rule_text(WarningRule.KEY_CATEGORY))
        self.category_list = _words("categoryList")
        self.repeat = QGroupBox(messages.warning_rule_text(WarningRule.REPEAT_PHONE))
        self.repeat_count = _spin("repeatCount", times)
        self.repeat_days = _spin("repeatDays", days)
        self.channels = QGroupBox(messages.warning_rule_text(WarningRule.MULTI_CHANNEL))
        self.channel_days = _spin("channelDays", days)
        self.problems = {field: error_label(f"problem_{field.value}") for field in RuleField}

        def row(*widgets) -> QHBoxLayout:
            line = QHBoxLayout()
            for w in widgets:
                line.addWidget(w) if isinstance(w, QWidget) else line.addWidget(QLabel(w))
            line.addStretch(1)
            return line

        def group(box: QGroupBox, name: str, explain: str, rows: list) -> QGroupBox:
            box.setObjectName(name)
            box.setCheckable(True)
            form = form_layout(box)
            form.addRow(note_label(explain))
            for label, content, fields in rows:
                form.addRow(label, content)
                for f in fields:
                    form.addRow("", self.problems[f])
            return box

        group(self.business, "businessRule", self.tr(
            "按统一社会信用代码归并同一经营者，无代码时按名称（忽略空格和全角半角）。"),
            [(self.tr("条件"), row(self.business_days, self.tr("内达到"), self.business_count),
              (RuleField.BUSINESS_DAYS, RuleField.BUSINESS_COUNT))])
        group(self.keywords, "keywordRule", self.tr(
            "新工单的标题、诉求内容或诉求中出现下列词语之一即预警。"),
            [(self.tr("关键词"), self.keyword_list, (RuleField.KEYWORDS,))])
        group(self.categories, "categoryRule", self.tr(
            "食品、药品、化妆品、特种设备等：工单的类别为下列之一，或带有“三品一特”标签即预警。"),
            [(self.tr("类别"), self.category_list, (RuleField.CATEGORIES,))])
        group(self.repeat, "repeatRule", self.tr(
            "同一联系电话在期间内的诉求次数，只陈述事实，不给当事人定性。"),
            [(self.tr("条件"), row(self.repeat_days, self.tr("内达到"), self.repeat_count),
              (RuleField.REPEAT_DAYS, RuleField.REPEAT_COUNT))])
        group(self.channels, "channelRule", self.tr(
            "已关联为同一纠纷、来源不同的工单；或同一电话对同一经营者经不同渠道反映。"),
            [(self.tr("期间"), row(self.channel_days), (RuleField.CHANNEL_DAYS,))])

        self.general = error_label("rulesProblem")
        layout = QVBoxLayout(self)
        if not self.editable:
            layout.addWidget(note_label(self.tr(
                "预警规则由管理员或负责人设置，调解员可以查看。"), name="readOnlyNote"))
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (self.business, self.repeat, self.channels):
            left.addWidget(box)
        for box in (self.keywords, self.categories):
            right.addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)
        layout.addWidget(self.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setObjectName("saveWarningRules")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("取消") if self.editable else self.tr("关闭"))
        self.save_button.setVisible(self.editable)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if not self.editable:
            for child in self.findChildren(QSpinBox) + self.findChildren(QPlainTextEdit):
                child.setReadOnly(True)
        em = self.fontMetrics().horizontalAdvance("汉")
        fit_to_screen(self, em * 58, em * 36)
        self.setEnabled(False)  # until the rules are read
        self.load()

    # ------------------------------------------------------------ reading

    def load(self) -> None:
        ws = self.ws
        self.runner.query(self, lambda: warnings.current_rules(ws)).success(self.show_rules) \
            .failure(self._failed).run()

    def show_rules(self, rules: WarningRules) -> None:
        self.business.setChecked(rules.business_on)
        self.business_count.setValue(rules.business_count)
        self.business_days.setValue(rules.business_days)
        self.keywords.setChecked(rules.keywords_on)
        self.keyword_list.setPlainText("\n".join(rules.keywords))
        self.categories.setChecked(rules.categories_on)
        self.category_list.setPlainText("\n".join(rules.categories))
        self.repeat.setChecked(rules.repeat_on)
        self.repeat_count.setValue(rules.repeat_count)
        self.repeat_days.setValue(rules.repeat_days)
        self.channels.setChecked(rules.channels_on)
        self.channel_days.setValue(rules.channel_days)
        if not self.editable:
            # A mediator reads them: a group's switch is not theirs to flip.
            for box in (self.business, self.keywords, self.categories, self.repeat,
                        self.channels):
                box.setCheckable(False)
                on = {self.business: rules.business_on, self.keywords: rules.keywords_on,
                      self.categories: rules.categories_on, self.repeat: rules.repeat_on,
                      self.channels: rules.channels_on}[box]
                if not on:
                    box.setTitle(box.title() + self.tr("（已关闭）"))
        self.setEnabled(True)
        self.mark_untouched()  # what was read is nothing to lose
        self.loaded.emit()

    def values(self) -> WarningRules:
        def words(edit: QPlainTextEdit) -> tuple[str, ...]:
            return tuple(edit.toPlainText().replace("，", "\n").replace("、", "\n")
                         .replace(",", "\n").splitlines())

        return replace(
            WarningRules(),
            business_on=self.business.isChecked(), business_count=self.business_count.value(),
            business_days=self.business_days.value(),
            keywords_on=self.keywords.isChecked(), keywords=words(self.keyword_list),
            categories_on=self.categories.isChecked(), categories=words(self.category_list),
            repeat_on=self.repeat.isChecked(), repeat_count=self.repeat_count.value(),
            repeat_days=self.repeat_days.value(),
            channels_on=self.channels.isChecked(), channel_days=self.channel_days.value())

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        if not self.editable:
            return
        self._clear()
        self.save_button.setEnabled(False)
        ws, rules = self.ws, self.values()
        self.runner.op(self, lambda: warnings.save_rules(ws, rules)) \
            .success(self._saved).failure(self._failed).run()

    def _saved(self, _changes) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        self.setEnabled(True)
        error = failure.error
        if isinstance(error, WarningRulesRefused):
            for field, problem in error.problems.items():
                label = self.problems.get(field) if field is not None else None
                if label is None:
                    self.general.setText(messages.warning_rule_problem_text(problem))
                    self.general.show()
                else:
                    label.setText(messages.warning_rule_problem_text(problem))
                    label.show()
            return
        self.general.setText(messages.error_text(error))
        self.general.show()

    def _clear(self) -> None:
        for label in (*self.problems.values(), self.general):
            label.clear()
            label.hide()
