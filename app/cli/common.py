"""What every subcommand shares: the data folder, error lines, store errors in words,
and the parser whose usage, error lines and help pages follow the command line's
language."""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from pathlib import Path

from platformdirs import user_data_dir

PROG = "mediation-desk"


def default_data_dir() -> Path:
    return Path(user_data_dir("MediationDesk", "MediationDesk"))


def add_data_dir_arg(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--data-dir; ``suppress`` on a subcommand, so the top-level value is not reset."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS if suppress else None,
        help=words("本机数据文件所在的数据文件夹（默认：当前用户的应用数据文件夹）",
                   "folder holding the local store (default: the user's data folder)"),
    )


def speaks_chinese() -> bool:
    """The command line answers in Chinese, the product's language, unless the locale
    asks for C, POSIX or English (``LANG=C``: scripts and English-speaking admins)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            base = value.split(".")[0]
            return base not in ("C", "POSIX") and not base.startswith("en")
    return True


def words(chinese: str, english: str) -> str:
    """A message in the command line's language (speaks_chinese)."""
    return chinese if speaks_chinese() else english


def refusal_text(exc: Exception) -> str:
    """A service's refusal worded in both languages (an AdminError: ``str()`` English,
    ``chinese`` Chinese) in the command line's; one with only English words stays so."""
    english = str(exc)
    return words(getattr(exc, "chinese", None) or english, english)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns (display_width)."""
    return text + " " * max(width - display_width(text), 0)


def os_error_text(exc: OSError) -> str:
    """Why a file could not be read or written. The system's own reason is English
    (``strerror``); the common ones are said in Chinese."""
    if speaks_chinese():
        for kind, reason in _OS_ERRORS:
            if isinstance(exc, kind):
                return reason
    return exc.strerror or str(exc)


_OS_ERRORS = (
    (FileNotFoundError, "文件或文件夹不存在"),
    (IsADirectoryError, "这是一个文件夹，不是文件"),
    (NotADirectoryError, "路径中有一级不是文件夹"),
    (PermissionError, "没有读写权限"),
    (FileExistsError, "已经存在"),
)


def cannot_read_text(path, exc: OSError) -> str:
    return words("无法读取 {path}：{why}", "cannot read {path}: {why}").format(
        path=path, why=os_error_text(exc))


def cannot_write_text(path, exc: OSError) -> str:
    return words("无法写入 {path}：{why}", "cannot write {path}: {why}").format(
        path=path, why=os_error_text(exc))


def no_store_text(data_dir: Path) -> str:
    return words("{dir} 中没有数据文件", "no store in {dir}").format(dir=data_dir)


_ROLES = {"mediator": "调解员", "supervisor": "负责人", "admin": "管理员"}


def role_text(role: str) -> str:
    """A user's role (UserRole's value) in words; English keeps the value."""
    return words(_ROLES.get(role, role), role)


def fail(message: str, command: str = "") -> int:
    """Print ``mediation-desk [command]: message`` to stderr; exit status 2."""
    prefix = f"{PROG} {command}" if command else PROG
    print(f"{prefix}: {message}", file=sys.stderr)
    return 2


CENTRAL_EXAMPLE = ("postgresql://admin@db.example.cn:5432/mediation 或 sqlite:////srv/central.sqlite",
                   "postgresql://admin@db.example.cn:5432/mediation or "
                   "sqlite:////srv/central.sqlite")

_CENTRAL_ERRORS = {  # CentralErrorCode's value -> Chinese (English prints the value)
    "auth_failed": "登录名或密码不正确",
    "not_initialised": "该数据库还不是调解工作台的中心数据库（请先运行 `central init`）",
    "schema_mismatch": "中心数据库与本程序的版本不一致",
    "not_a_user": "中心数据库中没有这个登录名的在岗用户",
    "tls_unavailable": "中心数据库不支持加密连接（TLS）",
}

_URL_PROBLEMS = (  # a BAD_URL's detail (app/sync/central.py) -> Chinese; others as they are
    ("not a database URL", "格式不对"),
    ("not a key=value connection string", "不是 key=value 形式的连接字符串"),
    ("the port is not a number", "端口不是数字"),
    ("unsupported database: ", "不支持这种数据库："),
)


def central_error_text(exc) -> str:
    """A CentralError on the command line (Chinese, or English: ``words``). The database
    driver's own reason for an unreachable server is shown as it gave it."""
    from app.sync.central import CentralErrorCode

    code, detail = exc.code, exc.detail
    if code is CentralErrorCode.BAD_URL:
        why = next((chinese + detail[len(english):] for english, chinese in _URL_PROBLEMS
                    if detail.startswith(english)), detail)
        return words("不是数据库地址（{why}）；请写成 {example}",
                     "not a database URL ({why}); use {example}").format(
            why=words(why, detail), example=words(*CENTRAL_EXAMPLE))
    if code is CentralErrorCode.UNREACHABLE:
        hint = ""
        if "does not support ssl" in detail.lower():
            hint = words("；该服务器不支持加密连接（TLS），而连接其他计算机上的服务器默认要求加密："
                         "请为服务器启用 TLS，或在可信的网络中加上 --sslmode prefer",
                         "; it offers no TLS, which is required by default for a server "
                         "elsewhere: enable TLS on it, or pass --sslmode prefer on a trusted "
                         "network")
        return words("无法连接中心数据库：{detail}{hint}",
                     "cannot reach the central database: {detail}{hint}").format(
            detail=detail, hint=hint)
    if not speaks_chinese():
        return f"{code.value}: {detail}" if detail else code.value
    text = _CENTRAL_ERRORS.get(code.value, code.value)
    return f"{text}（{detail}）" if detail else text


def store_error_text(exc) -> str:
    """A StoreError in plain words on the command line (Chinese, or English: ``words``)."""
    from app.store.errors import StoreErrorCode

    texts = {
        StoreErrorCode.UNWRITABLE_DIR: ("无法写入数据文件夹 {path}",
                                        "cannot write to the data folder {path}"),
        StoreErrorCode.NOT_A_STORE: ("{path} 不是调解工作台的数据文件，未作任何改动",
                                     "{path} is not a Mediation Desk store; it was left untouched"),
        StoreErrorCode.CORRUPT: ("数据文件 {path} 已损坏，未作任何改动；请从 backups 文件夹恢复一份副本",
                                 "the store {path} is damaged and was left untouched; "
                                 "restore a copy from the backups folder"),
        StoreErrorCode.NEWER_VERSION: ("数据文件 {path} 由更新版本的调解工作台创建（结构版本 "
                                       "{detail}），请升级程序",
                                       "the store {path} was made by a newer version of "
                                       "Mediation Desk (schema {detail}); upgrade the program"),
        StoreErrorCode.LOCKED: ("数据文件 {path} 正被其他程序占用",
                                "the store {path} is locked by another program"),
        StoreErrorCode.MIGRATION_FAILED: ("数据文件 {path} 升级失败；升级前的备份保存在 backups "
                                          "文件夹中",
                                          "upgrading the store {path} failed; "
                                          "a backup was kept in the backups folder"),
        StoreErrorCode.BACKUP_FAILED: ("升级数据文件 {path} 前所做的备份不完整或未通过检查（磁盘是否已满？），"
                                       "数据文件未作任何改动，不完整的备份已删除；请在磁盘上腾出至少与数据"
                                       "文件同样大的空间后重试",
                                       "the backup made before upgrading the store {path} "
                                       "was incomplete or failed its check (is the disk full?), "
                                       "so the store was neither changed nor upgraded and the bad "
                                       "copy was removed; free at least the store's size on the "
                                       "disk and try again"),
        StoreErrorCode.KEY_NEEDED: ("数据文件已加密（{path}），本机的密钥库中没有它的密钥，未作任何改动；"
                                    "请先在工作台中用启动密码或恢复码解锁",
                                    "the store {path} is encrypted and its key is not in this "
                                    "computer's keyring; it was left untouched (数据文件已加密，"
                                    "请先在工作台中用启动密码或恢复码解锁)"),
        StoreErrorCode.WRONG_KEY: ("密钥打不开加密的数据文件 {path}，未作任何改动；请用恢复码解锁",
                                   "the key does not open the encrypted store {path}; it was "
                                   "left untouched (密钥不正确，请用恢复码解锁)"),
        StoreErrorCode.ENCRYPT_FAILED: ("加密数据文件 {path} 失败；未加密的数据文件保持原样",
                                        "encrypting the store {path} failed; the plain store "
                                        "was left as it was"),
    }
    if exc.code is StoreErrorCode.MIGRATION_FAILED and getattr(exc, "backup", None) is None:
        texts[exc.code] = ("在 {path} 建立新的数据文件失败",  # nothing was backed up
                           "setting up a new store in {path} failed")
    text = words(*texts[exc.code]).format(path=exc.path, detail=exc.detail)
    if getattr(exc, "pages", ()):
        pages = ", ".join(str(p) for p in exc.pages[:12])
        more = (words("等另外 {n} 页", " and {n} more").format(n=len(exc.pages) - 12)
                if len(exc.pages) > 12 else "")
        text += words("；损坏的页：{pages}{more}", "; damaged pages: {pages}{more}").format(
            pages=pages, more=more)
    if exc.detail and exc.code not in (StoreErrorCode.NEWER_VERSION, StoreErrorCode.KEY_NEEDED,
                                       StoreErrorCode.WRONG_KEY):
        text += words("（{detail}）", " ({detail})").format(
            detail=words(_STORE_DETAILS.get(exc.detail, exc.detail), exc.detail))
    return text


# The store's fixed details (app/store/database.py) in Chinese; the system's and SQLite's
# own messages are shown as they are.
_STORE_DETAILS = {
    "not an SQLite database": "不是 SQLite 数据库",
    "no Mediation Desk tables": "其中没有调解工作台的数据表",
    "empty file": "空文件",
    "no write permission": "没有写入权限",
    "the store is open elsewhere": "数据文件已在别处打开",
    "the WAL could not be checkpointed": "预写日志（WAL）无法并入数据文件",
    "not a plain store": "不是未加密的数据文件",
}


# argparse's own error messages (Python 3.11's argparse, English only) and their Chinese.
_ARGPARSE_ERRORS = (
    (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
    (r"one of the arguments (.+) is required", "{0} 中必须给出一个"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"argument (.+?): (.+)", "参数 {0}：{1}"),
    (r"invalid choice: (.+) \(choose from (.+)\)", "没有 {0} 这一项（可选：{1}）"),
    (r"invalid int value: (.+)", "{0} 不是整数"),
    (r"invalid \S+ value: (.+)", "{0} 不是有效的值"),
    (r"expected one argument", "后面需要一个值"),
    (r"expected at most one argument", "后面最多只能有一个值"),
    (r"expected at least one argument", "后面至少需要一个值"),
    (r"expected (\d+) arguments?", "后面需要 {0} 个值"),
    (r"not allowed with argument (.+)", "不能与 {0} 同时使用"),
    (r"ignored explicit argument (.+)", "不接受取值 {0}"),
    (r"ambiguous option: (.+) could match (.+)", "选项 {0} 不明确，可能是 {1}"),
)


def argparse_words(message: str) -> str:
    """One of argparse's error messages in Chinese; one it does not know stays as it is."""
    for pattern, chinese in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message)
        if found:
            return chinese.format(*(argparse_words(part) for part in found.groups()))
    return message


# A line of help may break between two Chinese characters, or at a space; never inside
# a Latin run (an option, a placeholder, a number), nor before closing punctuation.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_UNIT = re.compile(rf"\s+|[（“《]*(?:[^\s{_WIDE}]+|[{_WIDE}])[）”》，。；：、！？]*")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (display_width; a Chinese
    character takes two), its runs of spaces made one."""
    lines: list[str] = []
    line, used, space = "", 0, False
    for unit in _UNIT.findall(text.strip()):
        if unit.isspace():
            space = bool(line)
            continue
        need = display_width(unit) + space
        if line and used + need > width:
            lines.append(line)
            line, used, space, need = "", 0, False, display_width(unit)
        line += " " * space + unit
        used += need
        space = False
    return [*lines, line] if line else lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help in the command line's language: under a Chinese locale the usage
    prefix is 用法 and the text is wrapped by terminal columns; otherwise argparse's own."""

    def _format_usage(self, usage, actions, groups, prefix):
        text = super()._format_usage(usage, actions, groups, prefix)
        if prefix is None and speaks_chinese() and text.startswith("usage: "):
            return "用法： " + text[len("usage: "):]  # as wide as "usage: ": lines stay aligned
        return text

    def format_help(self) -> str:
        text = super().format_help()
        if speaks_chinese():  # argparse ends a heading with ":", Chinese with "："
            text = re.sub(r"^(\s*[\u4e00-\u9fff]+):$", r"\1：", text, flags=re.MULTILINE)
        return text

    def _split_lines(self, text, width):
        return wrap(text, width) if speaks_chinese() else super()._split_lines(text, width)

    def _fill_text(self, text, width, indent):
        if not speaks_chinese():
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class RawDescriptionHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """HelpFormatter keeping a description's own lines (examples, a list)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser in the command line's language (``words``): its usage line,
    ``error:`` lines and the headings of ``--help`` (用法、位置参数、选项); subcommands'
    parsers are made of the same class. Each parser's words are chosen as it is built,
    by ``main()``, so the locale of the run decides them."""

    def __init__(self, *args, add_help: bool = True,
                 formatter_class: type[argparse.HelpFormatter] = HelpFormatter, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=formatter_class, **kwargs)
        if speaks_chinese():  # argparse's own headings, English gettext strings
            self._positionals.title = "位置参数"
            self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=words("显示此帮助信息并退出",
                                         "show this help message and exit"))

    def error(self, message: str):
        if not speaks_chinese():
            super().error(message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{argparse_words(message)}\n")
