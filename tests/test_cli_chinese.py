"""Issue 16, item 4: on a Chinese desktop (LANG=zh_CN.UTF-8) every subcommand tells its
refusals and results in Chinese, argparse's own error lines and every --help page
included; under LANG=C the same lines are English (the rest of the suite reads them so)."""

from __future__ import annotations

import argparse
import re
import sqlite3

import pytest

from app.cli import build_parser, main
from app.cli import central as central_cli
from app.cli.common import display_width, wrap
from app.core.documents import DocumentKind
from app.services import central_admin
from app.services.central_import import ImportRefused, import_store
from app.services.reference import open_workstation
from app.store.database import Store, open_store
from app.sync.tables import synced_tables
from tests.services.test_calendar_admin import NOTICE_2027
from tests.support.stores import copy_migrated_store
from tests.support.work_order_exports import write_export

# Latin words a Chinese line may hold: names of formats and protocols, the placeholders
# of a syntax to type (YYYY-MM-DD, KEY=DAYS), and the values an option takes.
ALLOWED = {"PDF", "ID", "URL", "xlsx", "csv", "pdf", "YYYY", "MM", "DD", "KEY", "DAYS",
           "NAME", "FILE", "LOGIN", "CODE", "UTF", "GB", "TLS", "SQLite", "PostgreSQL",
           "backups", "me", "office", "all", "mediator", "offices", "xls"}


def assert_chinese(text: str, *data) -> None:
    """``text`` is Chinese: it holds Chinese, and no English word outside ALLOWED once the
    program's name, option names, quoted values, commands in backticks, URLs, hex ids and
    the given data (paths, values typed in) are taken out."""
    assert re.search(r"[\u4e00-\u9fff]", text), text
    rest = re.sub(r"^mediation-desk( [\w-]+)?:", " ", text, flags=re.MULTILINE)
    for item in data:
        rest = rest.replace(str(item), " ")
    rest = re.sub(r"`[^`]*`|'[^']*'|\S+://\S+|--[\w-]+|\b[0-9a-f]{32}\b", " ", rest)
    english = set(re.findall(r"[A-Za-z]+", rest)) - ALLOWED
    assert not english, f"English {sorted(english)} in: {text}"


@pytest.fixture
def chinese(monkeypatch):
    """A Chinese desktop's locale (speaks_chinese reads LC_ALL, LC_MESSAGES, then LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.fixture
def desk(tmp_path):
    """A workstation's data folder: a store, its administrator signed in once."""
    folder = copy_migrated_store(tmp_path / "data")
    store = open_store(folder)
    try:
        open_workstation(store)
    finally:
        store.close()
    return folder


def refused(capsys, argv: list[str], *data, status: int = 2) -> str:
    """The command's stderr, after checking it refused with ``status`` in Chinese."""
    assert main(argv) == status
    err = capsys.readouterr().err
    assert_chinese(err, *data)
    return err


def said(capsys, argv: list[str], *data, status: int = 0) -> str:
    assert main(argv) == status
    out = capsys.readouterr().out
    assert_chinese(out, *data)
    return out


def argparse_error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    return err.strip().splitlines()[-1]


def test_argparse_refusals_are_chinese(chinese, capsys):
    line = argparse_error(capsys, ["stats", "--from", "2026-03-01"])
    assert line == "mediation-desk stats: 错误：缺少必需的参数：--to"
    line = argparse_error(capsys, ["demo-data", "--cases", "many"])
    assert line == "mediation-desk demo-data: 错误：参数 --cases：'many' 不是整数"
    line = argparse_error(capsys, ["stats", "--from"])
    assert line.endswith("参数 --from：后面需要一个值")
    line = argparse_error(capsys, ["hot-words", "--me", "--mediator", "zhangmin"])
    assert line.endswith("参数 --mediator：不能与 --me 同时使用")
    line = argparse_error(capsys, ["render", "agreement", "--case", "1", "--out", "x.pdf",
                                   "--colour"])
    assert line.endswith("无法识别的参数：--colour")
    line = argparse_error(capsys, ["statistics"])
    assert "没有 'statistics' 这一项（可选：" in line
    assert_chinese(line, "COMMAND", *("demo-data check-store verify-audit central render "
                                      "calendar self-test preview hot-words stats report "
                                      "import warnings").split())
    with pytest.raises(SystemExit):
        main(["stats"])
    assert capsys.readouterr().err.startswith("用法： mediation-desk stats")


def test_lang_c_keeps_argparse_and_the_commands_english(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "C")  # LC_ALL decides over LANG
    line = argparse_error(capsys, ["stats", "--from", "2026-03-01"])
    assert line == "mediation-desk stats: error: the following arguments are required: --to"
    assert main(["check-store", "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"mediation-desk: no store in {tmp_path}\n"


def help_pages(parser: argparse.ArgumentParser, argv: tuple[str, ...] = ()):
    """(argv, parser) of the top level and of every subcommand, nested ones included."""
    yield argv, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from help_pages(sub, (*argv, name))


def typed_as_is(parser: argparse.ArgumentParser) -> set[str]:
    """What a help page shows as it is typed: the commands' names, the options, the values
    they take (choices) and their placeholders (metavars, argparse's DEST by default)."""
    shown = set(parser.prog.split())
    for action in parser._actions:
        shown.update(action.option_strings)
        shown.update(map(str, action.choices or ()))
        if isinstance(action.metavar, tuple):
            shown.update(action.metavar)
        elif action.metavar is not None:
            shown.add(action.metavar)
        elif action.option_strings and action.nargs != 0 and not action.choices:
            shown.add(action.dest.upper())
    return shown


HELP_PAGES = {argv: typed_as_is(parser) for argv, parser in help_pages(build_parser())}

# The values the help gives as examples (an office code, a login, a rule set, a clock's
# limit, the document kinds), and PostgreSQL's names for where a password may be kept.
HELP_EXAMPLES = ("PD01", "PD02", "zhangmin", "samr-order121-2026", "mediation=45",
                 "PGPASSWORD", "~/.pgpass", *(kind.value for kind in DocumentKind))


def help_page(capsys, argv) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_the_help_pages_cover_every_subcommand():
    assert {("central", "add-office"), ("central", "rules", "set"), ("calendar", "show"),
            ("hot-words",), ()} <= set(HELP_PAGES)
    assert len(HELP_PAGES) >= 34


@pytest.mark.parametrize("argv", list(HELP_PAGES), ids=lambda argv: " ".join(argv) or "top")
def test_every_help_page_is_chinese(chinese, capsys, argv):
    out = help_page(capsys, argv)
    assert out.startswith(" ".join(["用法： mediation-desk", *argv]))
    assert "\n选项：\n  -h, --help" in out and "显示此帮助信息并退出" in out
    rest = re.sub(r"\S+://\S+", " ", out)  # a URL holds names (…/central.sqlite)
    for typed in sorted(HELP_PAGES[argv] | set(HELP_EXAMPLES), key=len, reverse=True):
        rest = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", " ", rest)
    assert_chinese(rest)


def test_the_chinese_help_fits_the_terminal(chinese, capsys, monkeypatch):
    """argparse wraps by characters; a Chinese character takes two columns, so the help is
    wrapped by columns, between characters but never inside an option or a number."""
    monkeypatch.setenv("COLUMNS", "60")
    lines = help_page(capsys, []).splitlines()
    assert max(map(display_width, lines)) <= 60, "\n".join(lines)
    at = lines.index("    report              生成日报、周报或每月一题，PDF 或")
    assert lines[at + 1] == " " * 24 + ".xlsx 文件（按文件名的后缀）"
    assert wrap("修改人的姓名（默认：数据库登录名）", 18) == ["修改人的姓名（默", "认：数据库登录名）"]
    assert wrap("写入这个文件（xlsx 格式必须给出）", 20) == ["写入这个文件（xlsx", "格式必须给出）"]


def test_lang_c_keeps_the_help_english(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("COLUMNS", "200")
    out = help_page(capsys, [])
    assert out.startswith("usage: mediation-desk [-h]")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out
    assert "show this help message and exit" in out
    assert "folder holding the local store (default: the user's data folder)" in out
    assert "fill a store with realistic synthetic cases" in out
    assert not re.search("用法|选项|位置参数|显示", out)
    out = help_page(capsys, ["central", "add-office"])
    assert "committee name printed on documents" in out and "数据" not in out


def test_the_store_commands(chinese, capsys, desk, tmp_path):
    empty = tmp_path / "empty"
    err = refused(capsys, ["demo-data", "--cases", "0", "--data-dir", str(empty)])
    assert "--cases 必须是正整数" in err
    for command in ("check-store", "verify-audit"):
        err = refused(capsys, [command, "--data-dir", str(empty)], empty)
        assert f"{empty} 中没有数据文件" in err
    out = said(capsys, ["check-store", "--data-dir", str(desk)], desk / "store.sqlite")
    assert "未发现损坏" in out
    out = said(capsys, ["verify-audit", "--data-dir", str(desk)], desk / "store.sqlite")
    assert out.startswith("操作记录完整：")


def test_a_file_that_is_not_a_store_in_every_command(chinese, capsys, tmp_path):
    (tmp_path / "store.sqlite").write_text("姓名,电话\n张三,13800135678\n", encoding="utf-8")
    folder = str(tmp_path)
    for argv in (["warnings"], ["calendar", "show", "2027"], ["hot-words"],
                 ["stats", "--from", "2026-03-01", "--to", "2026-03-31"],
                 ["report", "daily", "--out", str(tmp_path / "日报.pdf")],
                 ["check-store"], ["verify-audit"], ["demo-data", "--cases", "5"]):
        err = refused(capsys, [*argv, "--data-dir", folder], tmp_path / "store.sqlite")
        assert "不是调解工作台的数据文件，未作任何改动" in err or "已损坏" in err, argv


def test_calendar(chinese, capsys, desk, tmp_path):
    folder = str(desk)
    missing = tmp_path / "通知.txt"
    err = refused(capsys, ["calendar", "import", str(missing), "--data-dir", folder], missing)
    assert "无法读取" in err and "文件或文件夹不存在" in err
    bad = tmp_path / "bad.txt"
    bad.write_text(NOTICE_2027.replace("10月1日（周五）", "10月1日（周六）"), encoding="utf-8")
    err = refused(capsys, ["calendar", "import", str(bad), "--data-dir", folder])
    assert "通知未导入：第 4 行：10月1日（周六） 括号中的星期与日历不符" in err
    untitled = tmp_path / "untitled.txt"
    untitled.write_text(NOTICE_2027.split("\n", 1)[1], encoding="utf-8")
    err = refused(capsys, ["calendar", "import", str(untitled), "--data-dir", folder])
    assert "没有看出这是哪一年的安排" in err
    err = refused(capsys, ["calendar", "show", "2031", "--data-dir", folder])
    assert "节假日安排中没有 2031 年" in err
    good = tmp_path / "2027.txt"
    good.write_text(NOTICE_2027, encoding="utf-8")
    out = said(capsys, ["calendar", "import", str(good), "--data-dir", folder])
    assert "2027 年：已保存，放假 18 天，调休上班 4 天" in out and "件在办案件的期限" in out
    out = said(capsys, ["calendar", "show", "2027", "--data-dir", folder])
    assert "来源：管理员录入" in out


def test_hot_words(chinese, capsys, desk, tmp_path):
    base = ["hot-words", "--data-dir", str(desk)]
    assert "--from 2026-02-30 不是有效的日期" in refused(capsys, [*base, "--from", "2026-02-30"])
    err = refused(capsys, [*base, "--from", "2026-03-02", "--to", "2026-03-01"])
    assert "--from 2026-03-02 晚于 --to 2026-03-01" in err
    assert "--limit 必须是正整数" in refused(capsys, [*base, "--limit", "0"])
    assert "只能与 --central 一起使用" in refused(capsys, [*base, "--office", "PD01"])
    assert "没有登录名为 'nobody' 的调解员" in refused(capsys, [*base, "--mediator", "nobody"])
    assert "不是数据库地址（格式不对）" in refused(capsys, [*base, "--central", "not a url"])
    empty = tmp_path / "empty"
    refused(capsys, ["hot-words", "--data-dir", str(empty)], empty)
    out = said(capsys, [*base, "--from", "2026-03-01", "--to", "2026-03-31"])
    assert "（上期 2026-01-29 – 2026-02-28）" in out and "这段时间没有案件" in out


def test_stats_and_reports(chinese, capsys, desk, tmp_path):
    base = ["stats", "--data-dir", str(desk)]
    month = ["--from", "2026-03-01", "--to", "2026-03-31"]
    for extra, words in (
            (["--from", "2026-02-30", "--to", "2026-03-01"], "不是有效的日期"),
            (["--from", "2026-03-02", "--to", "2026-03-01"], "结束日期早于开始日期"),
            (["--from", "2020-01-01", "--to", "2026-03-01"], "统计期间超过三年"),
            ([*month, "--scope", "team"], "没有 'team' 这种范围"),
            ([*month, "--scope", "offices:PD02"], "需要中心数据库"),
            ([*month, "--format", "xlsx"], "--format xlsx 需要用 --out FILE.xlsx 指定文件"),
            ([*month, "--central", "mysql://x@localhost/db"], "不支持这种数据库：mysql"),
            ([*month, "--format", "json", "--out", str(tmp_path / "无此文件夹" / "x.json")],
             "无法写入")):
        assert words in refused(capsys, [*base, *extra], tmp_path / "无此文件夹" / "x.json",
                                "mysql")
    report = ["report", "--data-dir", str(desk)]
    for extra, words in ((["daily", "--out", str(tmp_path / "x.doc")], ".pdf 或 .xlsx"),
                         (["daily", "--date", "3/1", "--out", str(tmp_path / "x.pdf")],
                          "不是有效的日期"),
                         (["daily", "--scope", "all", "--out", str(tmp_path / "x.pdf")],
                          "需要中心数据库")):
        assert words in refused(capsys, [*report, *extra], tmp_path / "x.doc")


def test_central_refusals_before_and_after_connecting(chinese, capsys, tmp_path):
    err = refused(capsys, ["central", "init", "not a url"])
    assert "不是数据库地址（格式不对）；请写成 " in err
    assert main(["central", "status", "postgresql://x@127.0.0.1:1/none"]) == 2
    assert "mediation-desk central: 无法连接中心数据库：" in capsys.readouterr().err  # + libpq's
    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    for argv, words in (
            (["rules", "set", url, "samr-order121-2026"], "没有要修改的内容"),
            (["rules", "set", url, "samr-order121-2026", "--verify"], "--verify 需要用 --by NAME"),
            (["rules", "set", url, "samr-order121-2026", "--limit", "mediation"],
             "请写成 KEY=DAYS，例如 mediation=45；未作任何改动"),
            (["office", "set", url, "PD01"], "没有要修改的内容"),
            (["calendar", "import", url, str(tmp_path / "无.txt"), "--by", "王科长"],
             "文件或文件夹不存在；未作任何改动")):
        assert words in refused(capsys, ["central", *argv], url, tmp_path / "无.txt",
                                "mediation")
    out = said(capsys, ["central", "status", url], "sqlite", status=1)
    assert "还没有调解工作台的数据库结构" in out
    assert "中心数据库已就绪" in said(capsys, ["central", "init", url], "sqlite")
    out = said(capsys, ["central", "status", url], "sqlite")
    assert "已是最新" in out and re.search(r"^机构 +0$", out, re.MULTILINE)
    assert "已添加机构 PD01" in said(capsys, ["central", "add-office", url, "--code", "PD01",
                                          "--name", "陆家嘴所"], "PD01")
    err = refused(capsys, ["central", "office", "set", url, "PD01", "--prefix", "PD(01)",
                           "--phone", "12", "--by", "王科长"])
    assert "--prefix 只能是 1 至 8 个汉字" in err and "--phone 不是有效的电话号码" in err
    err = refused(capsys, ["central", "rules", "set", url, "samr-order121-2026", "--limit",
                           "mediation=0", "--by", "王科长"], "mediation")
    assert "--limit mediation：时限至少为 1" in err and err.rstrip().endswith("未作任何改动")
    err = refused(capsys, ["central", "verify-audit", url])
    assert "`central verify-audit` 需要 PostgreSQL" in err


def test_import_warnings_render_and_preview(chinese, capsys, desk, tmp_path):
    folder = str(desk)
    err = refused(capsys, ["import", str(tmp_path / "x.xlsx"), "--source", "fax",
                           "--data-dir", folder], "12315, 12345, walk_in, phone, online, transfer")
    assert "--source 没有 'fax' 这一项" in err
    refused(capsys, ["import", str(tmp_path / "无此文件.xlsx"), "--data-dir", folder])
    out = said(capsys, ["warnings", "--recheck", "--data-dir", folder])
    assert "已重新检查：新增预警 0 条" in out and "共 0 条预警，0 条待处理" in out
    err = refused(capsys, ["render", "agreement", "--case", "999", "--out",
                           str(tmp_path / "x.pdf"), "--data-dir", folder], desk)
    assert "中没有案件 '999'" in err
    missing = tmp_path / "无.pdf"
    err = refused(capsys, ["preview", str(missing), "--out", str(tmp_path / "p.png")], missing)
    assert "无法读取" in err


def test_central_administration_refusals(chinese, capsys, monkeypatch, desk, tmp_path):
    """The services' refusals (AdminError and ImportRefused carry a Chinese wording beside
    the English) on an SQLite central; LANG=C keeps the English the other tests read."""
    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    central = ["central", "add-office", url, "--code", "PD01", "--name", "陆家嘴所"]
    err = refused(capsys, central, "sqlite")
    assert "该数据库还没有调解工作台的数据库结构：请先运行 `central init`" in err
    err = refused(capsys, ["central", "import", url, "--from", str(desk)], desk)
    assert "中心数据库还没有调解工作台的数据库结构" in err and "未导入任何数据" in err
    said(capsys, ["central", "init", url], "sqlite")
    said(capsys, central, "PD01")
    assert "机构 PD01 已经存在" in refused(capsys, central, "PD01")
    user = ["central", "add-user", url, "--name", "张敏", "--role", "mediator"]
    err = refused(capsys, [*user, "--login", "Zhang Min", "--office", "PD01"], "zhangmin")
    assert "登录名只能用小写字母、数字或“_”，以字母开头，2 至 63 个字符" in err
    err = refused(capsys, [*user, "--login", "zhangmin", "--office", "PD09"], "PD01")
    assert "没有 'PD09' 这个机构；现有机构：PD01（陆家嘴所）" in err
    said(capsys, [*user, "--login", "zhangmin", "--office", "PD01"], "zhangmin", "PD01")
    err = refused(capsys, [*user, "--login", "zhangmin", "--office", "PD01"], "zhangmin")
    assert "登录名 zhangmin 已有人使用" in err
    line = argparse_error(capsys, [*user[:-1], "admin", "--login", "lisi", "--office", "PD01"])
    assert "参数 --role：没有 'admin' 这一项（可选：" in line and "supervisor" in line
    engine = central_admin.connect_admin(url)  # a role the parser would not let through
    try:
        with pytest.raises(central_admin.AdminError) as role:
            central_admin.add_user(engine, login="lisi", name="李四", office="PD01",
                                   role="admin")
    finally:
        engine.dispose()
    assert role.value.chinese == "角色只能是 mediator、supervisor 之一"
    assert str(role.value) == "role must be one of mediator, supervisor"

    err = refused(capsys, ["central", "office", "set", url, "PD09", "--phone", "021-58881234",
                           "--by", "王科长"], "PD01")
    assert "没有 'PD09' 这个机构；现有机构：PD01" in err
    err = refused(capsys, ["central", "office", "set", url, "PD01", "--phone", "021-58881234",
                           "--by", " "])
    assert "--by 需要 1 至 64 个字的姓名" in err
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    err = refused(capsys, ["central", "calendar", "import", url, str(notice), "--official",
                           "--year", "2026", "--by", "王科长"], notice)
    assert "--year 为 2026，但通知的标题写的是 2027 年；未作任何改动" in err

    monkeypatch.setenv("LANG", "C")
    assert main(central) == 2
    assert capsys.readouterr().err == "mediation-desk central: office PD01 exists already\n"


def test_central_import_refusals_and_report(chinese, capsys, desk, tmp_path):
    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    said(capsys, ["central", "init", url], "sqlite")
    nowhere = tmp_path / "无此文件夹"
    err = refused(capsys, ["central", "import", url, "--from", str(nowhere)], nowhere)
    assert f"{nowhere} 中没有数据文件" in err and not nowhere.exists()
    bogus = tmp_path / "bogus"
    bogus.mkdir()
    (bogus / "store.sqlite").write_bytes(b"PK\x03\x04 not a database")
    err = refused(capsys, ["central", "import", url, "--from", str(bogus)],
                  bogus / "store.sqlite")
    assert "不是调解工作台的数据文件" in err
    newer = copy_migrated_store(tmp_path / "newer")
    with sqlite3.connect(newer / "store.sqlite") as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    err = refused(capsys, ["central", "import", url, "--from", str(newer)],
                  newer / "store.sqlite")
    assert "由更新版本的调解工作台创建（结构版本 9999）" in err
    linked = copy_migrated_store(tmp_path / "linked")
    with sqlite3.connect(linked / "store.sqlite") as con:
        con.execute("INSERT INTO local_meta (key, value) VALUES ('sync.mode', 'central')")
    con.close()
    err = refused(capsys, ["central", "import", url, "--from", str(linked)],
                  linked / "store.sqlite")
    assert "所在的工作站已连接中心数据库，其数据已在中心数据库中；未导入任何数据" in err
    unnamed = set(synced_tables()) - set(central_cli.IMPORTED_TABLES)  # the next test's
    out = said(capsys, ["central", "import", url, "--from", str(desk)], "sqlite", "LOCAL",
               *unnamed)
    assert re.search(r"^  用户 +1$", out, re.MULTILINE) and "变更记录" in out


    plain = tmp_path / "plain.sqlite"  # an SQLite file with no store in it
    with sqlite3.connect(plain) as con:
        con.execute("CREATE TABLE t (x)")
    con.close()
    engine = central_admin.connect_admin(url)
    try:
        with pytest.raises(ImportRefused) as refusal:
            import_store(engine, Store(plain, None, None))  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert refusal.value.chinese == (f"{plain} 不是调解工作台的数据文件（其中没有调解工作台的"
                                     "数据表），未导入任何数据")
    assert str(refusal.value) == (f"{plain} is not a Mediation Desk store (no Mediation Desk "
                                  "tables); nothing was imported")


def test_every_synced_table_has_a_chinese_name_in_the_import_report():
    unnamed = sorted(set(synced_tables()) - set(central_cli.IMPORTED_TABLES))
    assert not unnamed, (f"`central import` reports {unnamed} in English: name them in "
                         "app/cli/central.py IMPORTED_TABLES (as app/ui/messages.py's sync "
                         "view names its tables)")


def test_import_report_that_cannot_be_written(chinese, capsys, desk, tmp_path):
    """The problem report's file refused in words, not a traceback: a missing folder before
    anything is imported, a folder in its place once the import is done."""
    export = str(write_export(tmp_path / "export.xlsx"))
    report = tmp_path / "无此文件夹" / "问题.xlsx"
    err = refused(capsys, ["import", export, "--report", str(report), "--data-dir", str(desk)],
                  report)
    assert f"无法写入 {report}：文件或文件夹不存在" in err
    folder = tmp_path / "问题.xlsx"
    folder.mkdir()
    assert main(["import", export, "--valid-rows", "--report", str(folder),
                 "--data-dir", str(desk)]) == 2
    out = capsys.readouterr()
    assert "新建 5" in out.out and f"无法写入 {folder}：这是一个文件夹，不是文件" in out.err
