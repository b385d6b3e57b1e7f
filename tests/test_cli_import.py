"""`mediation-desk import FILE` (issue 15): a summary on success, the report written,
and a clear message with a non-zero exit when nothing could be imported."""

from __future__ import annotations

import hashlib

from openpyxl import load_workbook

from app.cli.command import main
from tests.support.stores import copy_migrated_store
from tests.support.work_order_exports import write_export


def _data(tmp_path):
    return copy_migrated_store(tmp_path / "data")


def test_valid_rows_import_prints_the_summary_and_writes_the_report(tmp_path, capsys):
    data = _data(tmp_path)
    path = write_export(tmp_path / "export.xlsx")
    report = tmp_path / "问题.xlsx"
    code = main(["import", str(path), "--data-dir", str(data), "--valid-rows",
                 "--report", str(report)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "新建 5，更新 0，未变 0，多头关联 0，有问题 3" in out.out
    assert "未导入 2 行" in out.out
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "字段", "问题") and len(rows) == 4
    # again: nothing new, nothing duplicated
    assert main(["import", str(path), "--data-dir", str(data), "--valid-rows"]) == 0
    assert "新建 0，更新 0，未变 5" in capsys.readouterr().out


def test_whole_file_with_bad_rows_imports_nothing_and_exits_1(tmp_path, capsys):
    data = _data(tmp_path)
    code = main(["import", str(write_export(tmp_path / "e.xlsx")), "--data-dir", str(data)])
    err = capsys.readouterr().err
    assert code == 1
    assert "有 2 行无法导入" in err and "只导入有效行" in err


def test_every_row_bad_exits_1(tmp_path, capsys):
    rows = [["X1", "不是日期", "甲", "123", "", "", "", "", "", "", ""]]
    path = write_export(tmp_path / "bad.xlsx", rows)
    assert main(["import", str(path), "--data-dir", str(_data(tmp_path)), "--valid-rows"]) == 1
    assert "没有一行可以导入" in capsys.readouterr().err


def test_not_an_export_exits_2(tmp_path, capsys):
    data = _data(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert main(["import", str(text), "--data-dir", str(data)]) == 2
    assert "不是表格文件" in capsys.readouterr().err
    other = write_export(tmp_path / "x.xlsx", [["a", "b"]], header=["甲", "乙"], title=False)
    assert main(["import", str(other), "--data-dir", str(data)]) == 2
    assert "找不到表头" in capsys.readouterr().err
    assert main(["import", str(write_export(tmp_path / "e.xlsx")), "--data-dir", str(data),
                 "--mapping", "无此方案"]) == 2
    assert "无此方案" in capsys.readouterr().err


def test_a_file_that_is_not_a_store_is_left_untouched(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    target = data / "store.sqlite"
    target.write_text("not a store", encoding="utf-8")
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    code = main(["import", str(write_export(tmp_path / "e.xlsx")), "--data-dir", str(data)])
    assert code == 2 and "not a Mediation Desk store" in capsys.readouterr().err
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_group_at_makes_a_group_of_one_businesss_new_work_orders(tmp_path, capsys):
    """Issue 17: `import --group-at N` groups N or more new work orders against one
    respondent; 1 is refused (a group of one is no group)."""
    from app.services import groups
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from tests.support.work_order_exports import plain_rows

    data = _data(tmp_path)
    rows = plain_rows(5)
    for row in rows[:4]:
        row[6] = "上海悦动健身管理有限公司"
    path = write_export(tmp_path / "gym.xlsx", rows)
    assert main(["import", str(path), "--data-dir", str(data), "--group-at", "1"]) == 2
    assert "--group-at" in capsys.readouterr().err
    assert main(["import", str(path), "--data-dir", str(data), "--group-at", "4"]) == 0
    assert "群体纠纷：1 个" in capsys.readouterr().out
    store = open_store(data)
    try:
        [group] = groups.list_groups(open_workstation(store))
        assert (group.respondent_name, group.members) == ("上海悦动健身管理有限公司", 4)
    finally:
        store.close()
