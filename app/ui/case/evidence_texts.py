"""The words of the 证据 tab: why a file was refused, kinds of file, sizes.

Kept beside the tab (not in app/ui/messages.py) as the tab's own table; marked with
``QT_TRANSLATE_NOOP`` for Qt Linguist and looked up through ``QCoreApplication.translate``.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.evidence import EvidenceKind, Refusal
from app.core.filenames import display_name
from app.services.evidence import EvidenceError, EvidenceProblem
from app.services.previews import PreviewFailed, PreviewProblem
from app.ui import messages

CONTEXT = "Evidence"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


_PROBLEMS = {
    EvidenceProblem.MISSING: QT_TRANSLATE_NOOP(
        "Evidence", "找不到文件“{name}”，它可能已被移动或删除"),
    EvidenceProblem.NOT_A_FILE: QT_TRANSLATE_NOOP(
        "Evidence", "“{name}”不是文件（可能是文件夹），不能作为证据材料"),
    EvidenceProblem.LINK: QT_TRANSLATE_NOOP(
        "Evidence", "“{name}”是快捷方式或链接，不是文件本身；请添加它指向的原文件"),
    EvidenceProblem.UNREADABLE: QT_TRANSLATE_NOOP(
        "Evidence", "无法读取文件“{name}”：没有读取权限，或文件正被其他程序占用"),
    EvidenceProblem.EMPTY: QT_TRANSLATE_NOOP("Evidence", "文件“{name}”是空文件（0 字节）"),
    EvidenceProblem.TOO_LARGE: QT_TRANSLATE_NOOP(
        "Evidence", "文件“{name}”超过大小上限 {limit}"),
    EvidenceProblem.DISALLOWED: QT_TRANSLATE_NOOP(
        "Evidence", "文件“{name}”的类型不允许作为证据材料（{reason}）"),
    EvidenceProblem.ALREADY_ATTACHED: QT_TRANSLATE_NOOP(
        "Evidence", "文件“{name}”与本案已有的证据“{existing}”内容相同，未重复添加"),
    EvidenceProblem.STORE_FAILED: QT_TRANSLATE_NOOP(
        "Evidence", "无法把文件“{name}”保存到本机数据文件夹，请检查磁盘空间"),
    EvidenceProblem.NOT_FOUND: QT_TRANSLATE_NOOP(
        "Evidence", "找不到这件证据材料，它可能已被删除"),
    EvidenceProblem.BLOB_MISSING: QT_TRANSLATE_NOOP(
        "Evidence", "文件“{name}”还没有保存到本机（可能尚未从中心数据库下载），请同步后再试"),
    EvidenceProblem.BLOB_DAMAGED: QT_TRANSLATE_NOOP(
        "Evidence", "本机保存的文件“{name}”已损坏（内容与记录不符），请同步后再试或联系管理员"),
    EvidenceProblem.EXPORT_FAILED: QT_TRANSLATE_NOOP(
        "Evidence", "无法把“{name}”保存到所选位置，请换一个文件夹再试"),
    EvidenceProblem.UNSAFE_CONTENT: QT_TRANSLATE_NOOP(
        "Evidence", "为安全起见，“{name}”不能打开或另存：文件内容{reason}。"
                    "这份文件不是通过本软件的检查添加的，请联系添加人或管理员核实"),
}

# Why stored bytes are not copied out: the reason reads after "文件内容".
_UNSAFE = {
    Refusal.DISGUISED_EXECUTABLE: QT_TRANSLATE_NOOP("Evidence", "是可执行程序"),
    Refusal.UNSUPPORTED: QT_TRANSLATE_NOOP("Evidence", "不是可接受的证据类型"),
}

_PREVIEW = {
    PreviewProblem.TIME: QT_TRANSLATE_NOOP(
        "Evidence", "无法预览：这个文件过于复杂，在 {seconds} 秒内没能显示出来"),
    PreviewProblem.MEMORY: QT_TRANSLATE_NOOP(
        "Evidence", "无法预览：显示这个文件需要的内存超过了上限"),
    PreviewProblem.TOO_LARGE: QT_TRANSLATE_NOOP(
        "Evidence", "无法预览：这个文件的画面或页数太大"),
    PreviewProblem.UNREADABLE: QT_TRANSLATE_NOOP(
        "Evidence", "无法预览：文件已损坏，或其格式在这里无法显示"),
    PreviewProblem.FAILED: QT_TRANSLATE_NOOP("Evidence", "无法预览：预览程序没能启动"),
}

_REFUSALS = {
    Refusal.EXECUTABLE: QT_TRANSLATE_NOOP("Evidence", "可执行程序"),
    Refusal.SCRIPT: QT_TRANSLATE_NOOP("Evidence", "脚本文件"),
    Refusal.DISGUISED_EXECUTABLE: QT_TRANSLATE_NOOP(
        "Evidence", "文件内容是可执行程序，与扩展名不符"),
    Refusal.MISMATCH: QT_TRANSLATE_NOOP("Evidence", "文件内容与扩展名不符"),
    Refusal.UNSUPPORTED: QT_TRANSLATE_NOOP("Evidence", "不支持此类文件"),
}

_KINDS = {
    EvidenceKind.IMAGE: QT_TRANSLATE_NOOP("Evidence", "图片"),
    EvidenceKind.PDF: QT_TRANSLATE_NOOP("Evidence", "PDF 文档"),
    EvidenceKind.DOCUMENT: QT_TRANSLATE_NOOP("Evidence", "Word 文档"),
    EvidenceKind.SPREADSHEET: QT_TRANSLATE_NOOP("Evidence", "Excel 表格"),
    EvidenceKind.PRESENTATION: QT_TRANSLATE_NOOP("Evidence", "PPT 演示文稿"),
    EvidenceKind.AUDIO: QT_TRANSLATE_NOOP("Evidence", "录音"),
    EvidenceKind.VIDEO: QT_TRANSLATE_NOOP("Evidence", "视频"),
    EvidenceKind.TEXT: QT_TRANSLATE_NOOP("Evidence", "文本"),
    EvidenceKind.OTHER: QT_TRANSLATE_NOOP("Evidence", "其他文件"),
}


def size_text(size: int) -> str:
    """1023 字节, 1.2 KB, 3.4 MB, 50 MB (a trailing .0 is dropped)."""
    if size < 1024:
        return tr("{n} 字节").format(n=size)
    value = size / 1024
    for unit in ("KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            number = f"{value:.1f}".removesuffix(".0")
            return f"{number} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def kind_text(kind: EvidenceKind) -> str:
    return tr(_KINDS[kind])


def problem_text(error: EvidenceError) -> str:
    table = _UNSAFE if error.problem is EvidenceProblem.UNSAFE_CONTENT else _REFUSALS
    reason = tr(table.get(error.refusal, _REFUSALS.get(error.refusal, ""))) \
        if error.refusal is not None else ""
    limit = size_text(error.limit) if error.limit is not None else ""
    # A name may come from the central database: shown without bidi or control marks.
    return tr(_PROBLEMS[error.problem]).format(
        name=display_name(error.filename), limit=limit, reason=reason,
        existing=display_name(error.existing))


def preview_problem_text(problem: PreviewProblem, seconds: float = 3.0) -> str:
    return tr(_PREVIEW[problem]).format(seconds=f"{seconds:g}")


messages.register_explainer(PreviewFailed, lambda e: preview_problem_text(e.problem))
messages.register_explainer(EvidenceError, problem_text)
