"""The 证据 tab as a mediator uses it: add files through the dialog or by dragging them
in, see them listed, preview pictures and PDFs, read why a bad file was refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from app.services import evidence
from app.ui import settings
from app.ui.case.case_pane import CasePane, Tab
from tests.services.test_evidence import EXE, pdf_bytes, png_bytes
from tests.ui.test_case_view import open_view


@pytest.fixture
def view(qtbot, ws, seeded, runner) -> CasePane:
    v = open_view(qtbot, ws, runner, seeded.first)
    v.tabs.setCurrentIndex(Tab.EVIDENCE)
    return v


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def rows(view: CasePane) -> list[list[str]]:
    tree = view.evidence.list
    return [[tree.topLevelItem(r).text(c) for c in range(tree.columnCount())]
            for r in range(tree.topLevelItemCount())]


def attach_with_dialog(qtbot, view, monkeypatch, paths: list[Path]):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in paths], ""))
    tab = view.evidence
    with qtbot.waitSignal(tab.attach_finished, timeout=10_000) as done:
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(rows(view)) == len(tab.items) and not tab.attaching)
    return done.args[0]


def test_an_empty_case_says_so(view):
    tab = view.evidence
    assert tab.empty.isVisible() and tab.empty.text() == "本案尚无证据材料。"
    assert "每个不超过 50 MB" in tab.hint.text()


def test_a_picture_added_through_the_dialog_is_listed_and_previewed(qtbot, view, ws, seeded,
                                                                  inbox, monkeypatch):
    tab = view.evidence
    tab.description.setText("门店关门时拍摄")
    picture = inbox / "现场照片.png"
    picture.write_bytes(png_bytes(400, 200))

    with qtbot.waitSignal(tab.preview_shown, timeout=10_000):
        outcome = attach_with_dialog(qtbot, view, monkeypatch, [picture])

    assert [e.filename for e in outcome.attached] == ["现场照片.png"]
    qtbot.waitUntil(lambda: len(rows(view)) == 1)
    name, kind, size, who, when = rows(view)[0]
    assert (name, kind, who) == ("现场照片.png", "图片", ws.actor.name)
    assert size.endswith(("字节", "KB")) and when.startswith("2026-03-02")
    assert tab.description.text() == ""
    assert tab.status.text() == "已添加 1 个文件。"
    # the new file is selected and shown, scaled to fit with its shape kept
    qtbot.waitUntil(lambda: tab.preview_stack.currentWidget() is tab.picture)
    pixmap = tab.picture.pixmap()
    assert not pixmap.isNull()
    assert pixmap.width() == pytest.approx(2 * pixmap.height(), abs=2)
    assert "门店关门时拍摄" in tab.caption.text()
    assert [e.filename for e in evidence.list_evidence(ws, seeded.first)] == ["现场照片.png"]


def test_a_pdf_shows_its_first_page(qtbot, view, inbox, monkeypatch):
    tab = view.evidence
    pdf = inbox / "购卡合同.pdf"
    pdf.write_bytes(pdf_bytes())
    with qtbot.waitSignal(tab.preview_shown, timeout=10_000):
        attach_with_dialog(qtbot, view, monkeypatch, [pdf])

    assert rows(view)[0][:2] == ["购卡合同.pdf", "PDF 文档"]
    # The case is read again after the attach (the list too): the page shows once more.
    qtbot.waitUntil(lambda: tab.preview_stack.currentWidget() is tab.picture, timeout=10_000)
    pixmap = tab.picture.pixmap()
    assert not pixmap.isNull()
    assert pixmap.height() / pixmap.width() == pytest.approx(842 / 595, rel=0.02)  # A4
    assert tab.open_button.isEnabled() and tab.save_button.isEnabled()


def test_files_dropped_from_the_file_manager_are_attached(qtbot, view, inbox):
    tab = view.evidence
    files = [inbox / "a.png", inbox / "笔录.txt"]
    files[0].write_bytes(png_bytes())
    files[1].write_text("调解笔录：双方同意分期退款。", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in files])
    drop = QDropEvent(QPointF(QPoint(10, 10)), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)

    with qtbot.waitSignal(tab.attach_finished, timeout=10_000):
        tab.dropEvent(drop)

    assert drop.isAccepted()
    qtbot.waitUntil(lambda: len(rows(view)) == 2)
    assert sorted(r[0] for r in rows(view)) == ["a.png", "笔录.txt"]


def test_bad_files_are_named_with_their_reasons_and_good_ones_still_added(
        qtbot, view, inbox, monkeypatch):
    settings.EVIDENCE_MAX_MEGABYTES.set(1)
    good = inbox / "照片.png"
    good.write_bytes(png_bytes())
    disguised = inbox / "xxx.jpg"
    disguised.write_bytes(EXE)
    program = inbox / "setup.exe"
    program.write_bytes(EXE)
    big = inbox / "yyy.pdf"
    big.write_bytes(pdf_bytes() + b"%" * (1024 * 1024))

    outcome = attach_with_dialog(qtbot, view, monkeypatch, [good, disguised, program, big])

    assert [e.filename for e in outcome.attached] == ["照片.png"]
    text = view.evidence.error.text()
    assert view.evidence.error.isVisible()
    assert text.splitlines() == [
        "以下文件未添加：",
        "文件“xxx.jpg”的类型不允许作为证据材料（文件内容是可执行程序，与扩展名不符）",
        "文件“setup.exe”的类型不允许作为证据材料（可执行程序）",
        "文件“yyy.pdf”超过大小上限 1 MB",
    ]
    qtbot.waitUntil(lambda: [r[0] for r in rows(view)] == ["照片.png"])


def test_a_file_not_yet_downloaded_says_so_in_the_preview(qtbot, view, ws, seeded, inbox):
    picture = inbox / "a.png"
    picture.write_bytes(png_bytes())
    result = evidence.attach_file(ws, seeded.first, picture)
    from app.services.sync import files_of

    files_of(ws.store).path_for(result.evidence.sha256).unlink()
    tab = view.evidence
    with qtbot.waitSignal(tab.evidence_loaded, timeout=10_000):
        tab.reload()
    with qtbot.waitSignal(tab.preview_shown, timeout=10_000):
        tab.select(result.evidence.id)
    assert "还没有保存到本机" in tab.info_text.text()
    assert "“a.png”" in tab.info_text.text()


def test_save_as_writes_the_file_where_asked(qtbot, view, ws, seeded, inbox, tmp_path,
                                              monkeypatch):
    data = pdf_bytes()
    (inbox / "合同.pdf").write_bytes(data)
    result = evidence.attach_file(ws, seeded.first, inbox / "合同.pdf")
    tab = view.evidence
    with qtbot.waitSignal(tab.evidence_loaded, timeout=10_000):
        tab.reload()
    with qtbot.waitSignal(tab.preview_shown, timeout=10_000):
        tab.select(result.evidence.id)
    target = tmp_path / "导出.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    with qtbot.waitSignal(tab.exported, timeout=10_000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert target.read_bytes() == data
    assert "已另存为" in tab.status.text()
