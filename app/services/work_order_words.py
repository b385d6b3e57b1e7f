"""The Chinese words for an import of work orders (issue 15): each field, each problem
of a row, each file or import that is refused. Plain tables without Qt, so the command
line and the .xlsx report say what the wizard says; app/ui/messages.py looks its
import words up here (through Qt's translate, so a translation can still replace them).
"""

from __future__ import annotations

from app.core.work_order_import import ImportField, ValueProblem

FIELD_WORDS: dict[ImportField, str] = {
    ImportField.TICKET: "工单编号",
    ImportField.RECEIVED_AT: "收到时间",
    ImportField.COMPLAINANT: "投诉人",
    ImportField.PHONE: "联系电话",
    ImportField.ID_NUMBER: "身份证件号码",
    ImportField.ADDRESS: "地址",
    ImportField.RESPONDENT: "被投诉方",
    ImportField.CONTENT: "诉求内容",
    ImportField.REQUEST: "诉求",
    ImportField.CATEGORY: "问题分类",
    ImportField.REGION: "所属街镇",
    ImportField.CHANNEL: "来源渠道",
}

PROBLEM_WORDS: dict[ValueProblem, str] = {
    ValueProblem.BAD_DATE: "不是可识别的日期或时间",
    ValueProblem.ROUNDED: "这个长数字被表格存成了数值，末几位已经丢失；请把该列设为文本后重新导出",
    ValueProblem.BAD_NUMBER: "数字格式不对",
    ValueProblem.DUPLICATE: "同一文件中前面已有这个工单编号",
    ValueProblem.MISSING: "缺少此项，登记工单必须填写",
    ValueProblem.BAD_PHONE: "不是有效的电话号码",
    ValueProblem.BAD_ID: "身份证号码校验不通过，未导入该号码",
    ValueProblem.TOO_LONG: "内容过长",
    ValueProblem.IN_FUTURE: "时间晚于现在，日期可能写错了",
    ValueProblem.UNKNOWN_CHANNEL: "无法识别的来源渠道，按本文件的来源登记",
    ValueProblem.INVALID: "内容不符合登记要求",
}

# Said after a problem that did not keep the row out (the value was dropped or replaced).
ROW_IMPORTED_ANYWAY = "（该行仍已导入）"

# The report's columns (.xlsx).
REPORT_HEADERS = ("行号", "列", "字段", "问题")


def field_words(field: ImportField | None) -> str:
    return FIELD_WORDS.get(field, str(field)) if field is not None else ""


def problem_words(problem: ValueProblem) -> str:
    return PROBLEM_WORDS.get(problem, str(problem))
