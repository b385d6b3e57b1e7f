"""`mediation-desk render`: any kind of document of a case from the command line, and
plain words for an unknown kind or case, or a document that lacks required fields."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.services import cases
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.support.stores import copy_migrated_store
from tests.test_cli import run


@pytest.fixture
def data_dir(tmp_path):
    store = open_store(copy_migrated_store(tmp_path))
    try:
        ws = open_workstation(store)
        cases.intake_work_order(ws, complaint_form(description="门店关闭<b>请注意</b>&退费"))
    finally:
        store.close()
    return tmp_path


def test_a_draft_agreement_renders_by_ticket_number(data_dir, tmp_path):
    out = tmp_path / "out" / "协议书.pdf"
    result = run("render", "agreement", "--case", "1310115202603020001", "--out", str(out),
                 "--data-dir", str(data_dir))
    # A fresh agreement lacks the refund's deadline, how it is performed and (the case is
    # not assigned yet) its mediator: the command lists them and writes nothing.
    assert result.returncode == 2
    assert ("missing: 协议内容 (clauses); 履行方式、时限 (performance); 人民调解员 (mediator)"
            in result.stderr)
    assert not out.exists()


@pytest.mark.slow
def test_a_dossier_renders_and_reads_back(data_dir, tmp_path):
    out = tmp_path / "notice.pdf"
    result = run("render", "oral-agreement", "--case", "1310115202603020001", "--out",
                 str(out), "--data-dir", str(data_dir))
    assert result.returncode == 2 and "人民调解员 (mediator)" in result.stderr
    result = run("render", "dossier", "--case", "1310115202603020001", "--out", str(out),
                 "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    text = "".join("".join(p.extract_text().split())
                   for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "调解卷宗" in text and "李秀英" in text


@pytest.mark.slow
def test_unknown_kind_case_or_store_are_explained(data_dir, tmp_path):
    out = str(tmp_path / "x.pdf")
    bad_kind = run("render", "contract", "--case", "x", "--out", out, "--data-dir",
                   str(data_dir))
    assert bad_kind.returncode == 2 and "unknown kind 'contract'" in bad_kind.stderr
    assert "agreement, session-record" in bad_kind.stderr
    bad_case = run("render", "agreement", "--case", "999", "--out", out, "--data-dir",
                   str(data_dir))
    assert bad_case.returncode == 2 and "no case '999'" in bad_case.stderr
    no_store = run("render", "agreement", "--case", "1", "--out", out, "--data-dir",
                   str(tmp_path / "empty"))
    assert no_store.returncode == 2 and "no store in" in no_store.stderr


def test_render_answers_in_chinese_unless_the_locale_asks_for_english(data_dir, tmp_path):
    """Issue 16, item 4: a Chinese desktop's locale gets Chinese words; LANG=C English."""
    import os
    import subprocess
    import sys

    from tests.test_cli import ROOT

    def run_in(lang: str, *args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        env["LANG"] = lang
        return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                              text=True, cwd=ROOT, timeout=300, env=env)

    out = str(tmp_path / "x.pdf")
    chinese = run_in("zh_CN.UTF-8", "render", "contract", "--case", "x", "--out", out,
                     "--data-dir", str(data_dir))
    assert chinese.returncode == 2 and "没有这种文书：'contract'" in chinese.stderr
    missing = run_in("zh_CN.UTF-8", "render", "agreement", "--case", "999", "--out", out,
                     "--data-dir", str(data_dir))
    assert "中没有案件 '999'（既不是案件编号，也不是工单号）" in missing.stderr
    english = run_in("C", "render", "contract", "--case", "x", "--out", out,
                     "--data-dir", str(data_dir))
    assert "unknown kind 'contract'" in english.stderr


def test_a_store_error_is_told_in_chinese_on_a_chinese_desktop(tmp_path, monkeypatch, capsys):
    """Issue 16, item 4: the store's own errors, shared by every command, in Chinese."""
    from app.cli import main

    (tmp_path / "store.sqlite").write_bytes(b"not a database at all, just text" * 100)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    assert main(["render", "agreement", "--case", "1", "--out", str(tmp_path / "x.pdf"),
                 "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "不是调解工作台的数据文件，未作任何改动" in err or "已损坏，未作任何改动" in err
