"""证据材料 in the services: files kept once by content, each bad file refused with its
reason, nothing half-written left behind, the row audited and captured for sync."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.evidence import EvidenceKind, NotAllowed, Refusal, recognise
from app.services import evidence
from app.services.errors import CaseNotFound
from app.services.evidence import EvidenceError, EvidenceProblem
from app.services.sync import files_of
from app.store.blobs import BlobStore, BlobTooLarge
from app.store.models import Attachment, AuditEvent, SyncOutbox
from app.sync import capture
from tests.conftest import complaint_form

# ------------------------------------------------------------------ sample files


def png_bytes(width: int = 40, height: int = 20) -> bytes:
    """A real PNG (Pillow if present, else written by hand)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is in the venv
        def chunk(kind: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data)))
        raw = b"".join(b"\x00" + b"\xcc\x33\x33" * width for _ in range(height))
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 50, 50)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(text: str = "Evidence page one") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def case_id(ws):
    cid, _ = evidence_case(ws)
    return cid


def evidence_case(ws, ticket: str = "1310115202603020001"):
    from app.services import cases

    return cases.intake_work_order(ws, complaint_form(source_ticket=ticket))


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def stored_files(ws) -> list[Path]:
    root = files_of(ws.store).root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_rows(ws) -> list[Attachment]:
    with ws.store.sessions() as session:
        return list(session.execute(select(Attachment)).scalars())


# ------------------------------------------------------------------ attaching


def test_a_png_and_a_pdf_are_kept_with_name_type_and_size(ws, case_id, inbox):
    png = write(inbox, "现场照片.png", png_bytes())
    pdf = write(inbox, "购卡合同.pdf", pdf_bytes())

    first = evidence.attach_file(ws, case_id, png, description="门店关门时拍摄")
    second = evidence.attach_file(ws, case_id, pdf)

    assert first.changes.case_ids == {case_id} and first.changes.evidence
    assert first.stored_new and second.stored_new
    listed = evidence.list_evidence(ws, case_id)
    assert [(e.filename, e.mime_type, e.kind, e.size) for e in listed] == [
        ("现场照片.png", "image/png", EvidenceKind.IMAGE, png.stat().st_size),
        ("购卡合同.pdf", "application/pdf", EvidenceKind.PDF, pdf.stat().st_size),
    ]
    assert listed[0].description == "门店关门时拍摄"
    assert listed[0].author == "zhangmin" and listed[0].on_disk
    kept = evidence.evidence_path(ws, listed[1].sha256)
    assert kept.read_bytes() == pdf.read_bytes()


def test_the_same_bytes_are_stored_once_and_not_attached_twice_to_one_case(ws, case_id, inbox):
    data = png_bytes()
    evidence.attach_file(ws, case_id, write(inbox, "a.png", data))
    other_case, _ = evidence_case(ws, "1310115202603020002")

    again = evidence.attach_file(ws, other_case, write(inbox, "同一张图.png", data))

    assert not again.stored_new
    assert len(stored_files(ws)) == 1
    assert [e.filename for e in evidence.list_evidence(ws, other_case)] == ["同一张图.png"]
    with pytest.raises(EvidenceError) as err:
        evidence.attach_file(ws, case_id, write(inbox, "copy.png", data))
    assert err.value.problem is EvidenceProblem.ALREADY_ATTACHED
    assert err.value.filename == "copy.png" and err.value.existing == "a.png"
    assert len(attachment_rows(ws)) == 2
    assert len(stored_files(ws)) == 1  # the refusal did not remove the shared file


def test_the_attachment_is_audited_and_captured_for_sync(ws, case_id, inbox):
    capture.install(ws.store.sessions)  # as on a desk linked to the central database
    result = evidence.attach_file(ws, case_id, write(inbox, "a.png", png_bytes()))

    with ws.store.sessions() as session:
        event = session.execute(select(AuditEvent).where(
            AuditEvent.entity == "attachments")).scalar_one()
        outbox = session.execute(select(SyncOutbox).where(
            SyncOutbox.table_name == "attachments")).scalars().all()
    assert event.action == "create" and event.entity_id == result.evidence.id
    assert event.case_id == case_id
    assert event.changes["filename"] == [None, "a.png"]
    assert [row.row_id for row in outbox] == [result.evidence.id]


def test_export_copies_the_checked_bytes(ws, case_id, inbox, tmp_path):
    data = pdf_bytes()
    result = evidence.attach_file(ws, case_id, write(inbox, "合同.pdf", data))
    target = tmp_path / "out" / "合同副本.pdf"
    target.parent.mkdir()

    evidence.export_evidence(ws, result.evidence.id, target)

    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["合同副本.pdf"]


def test_a_missing_or_damaged_stored_file_is_reported(ws, case_id, inbox, tmp_path):
    result = evidence.attach_file(ws, case_id, write(inbox, "a.png", png_bytes()))
    blob = files_of(ws.store).path_for(result.evidence.sha256)
    target = tmp_path / "copy.png"

    blob.write_bytes(b"not the picture any more")
    with pytest.raises(EvidenceError) as err:
        evidence.evidence_path(ws, result.evidence.sha256, filename="a.png")
    assert err.value.problem is EvidenceProblem.BLOB_DAMAGED
    with pytest.raises(EvidenceError) as err:
        evidence.export_evidence(ws, result.evidence.id, target)
    assert err.value.problem is EvidenceProblem.BLOB_DAMAGED
    assert not target.exists() and list(tmp_path.glob(".export-*")) == []

    blob.unlink()  # e.g. a row synced from a colleague, its file not yet downloaded
    assert not evidence.list_evidence(ws, case_id)[0].on_disk
    with pytest.raises(EvidenceError) as err:
        evidence.evidence_path(ws, result.evidence.sha256, filename="a.png")
    assert err.value.problem is EvidenceProblem.BLOB_MISSING and err.value.filename == "a.png"
    with pytest.raises(EvidenceError) as err:
        evidence.export_evidence(ws, result.evidence.id, target)
    assert err.value.problem is EvidenceProblem.BLOB_MISSING


def test_an_unknown_case_is_refused(ws, inbox):
    import uuid

    with pytest.raises(CaseNotFound):
        evidence.attach_file(ws, uuid.uuid4(), write(inbox, "a.png", png_bytes()))
    assert stored_files(ws) == []


# ------------------------------------------------------------------ refusals


def refused(ws, case_id, path, **kwargs) -> EvidenceError:
    with pytest.raises(EvidenceError) as err:
        evidence.attach_file(ws, case_id, path, **kwargs)
    assert stored_files(ws) == [], "nothing (not even a temporary file) is left behind"
    assert attachment_rows(ws) == []
    return err.value


def test_a_missing_path(ws, case_id, inbox):
    error = refused(ws, case_id, inbox / "不存在.png")
    assert (error.problem, error.filename) == (EvidenceProblem.MISSING, "不存在.png")


def test_a_folder(ws, case_id, inbox):
    folder = inbox / "照片.png"
    folder.mkdir()
    assert refused(ws, case_id, folder).problem is EvidenceProblem.NOT_A_FILE


def test_an_unreadable_file(ws, case_id, inbox, monkeypatch):
    path = write(inbox, "a.png", png_bytes())
    path.chmod(0)
    if os.geteuid() == 0:  # root reads files whatever their permissions: as the OS would say
        real_open = os.open

        def no_permission(name, *args, **kwargs):
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", no_permission)
    try:
        assert refused(ws, case_id, path).problem is EvidenceProblem.UNREADABLE
    finally:
        path.chmod(0o644)


def test_an_empty_file(ws, case_id, inbox):
    assert refused(ws, case_id, write(inbox, "a.png", b"")).problem is EvidenceProblem.EMPTY


def test_a_file_over_the_limit_names_the_limit(ws, case_id, inbox):
    error = refused(ws, case_id, write(inbox, "big.pdf", pdf_bytes()), max_bytes=100)
    assert (error.problem, error.filename, error.limit) == (
        EvidenceProblem.TOO_LARGE, "big.pdf", 100)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(ws, case_id, inbox,
                                                               monkeypatch):
    path = write(inbox, "grows.pdf", pdf_bytes())
    limit = path.stat().st_size + 10
    monkeypatch.setattr("app.store.blobs.CHUNK", 64)

    def grow(done: int) -> None:
        if done == 64:
            with path.open("ab") as fh:
                fh.write(b"%" * 100)

    error = refused(ws, case_id, path, max_bytes=limit, on_progress=grow)
    assert (error.problem, error.limit) == (EvidenceProblem.TOO_LARGE, limit)


@pytest.mark.parametrize(("name", "data", "refusal"), [
    ("照片.jpg", EXE, Refusal.DISGUISED_EXECUTABLE),
    ("setup.exe", EXE, Refusal.EXECUTABLE),
    ("清理.bat", b"@echo off\r\ndel /q *.*\r\n", Refusal.SCRIPT),
    ("run.sh", b"#!/bin/sh\nrm -rf ~\n", Refusal.SCRIPT),
    ("说明.txt", b"#!/bin/sh\nrm -rf ~\n", Refusal.DISGUISED_EXECUTABLE),
    ("录音.mp3", pdf_bytes(), Refusal.MISMATCH),
    ("照片.jpg", b"just some text, not a picture", Refusal.MISMATCH),
    ("资料.zip", b"PK\x03\x04" + b"\x00" * 100, Refusal.UNSUPPORTED),
])
def test_a_disallowed_type_is_refused_with_its_reason(ws, case_id, inbox, name, data, refusal):
    error = refused(ws, case_id, write(inbox, name, data))
    assert (error.problem, error.refusal, error.filename) == (
        EvidenceProblem.DISALLOWED, refusal, name)


def test_a_failure_midway_leaves_nothing(ws, case_id, inbox, monkeypatch):
    path = write(inbox, "合同.pdf", pdf_bytes() * 4)
    monkeypatch.setattr("app.store.blobs.CHUNK", 256)
    chunks = []

    def stop(done: int) -> None:
        chunks.append(done)
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        evidence.attach_file(ws, case_id, path, on_progress=stop)
    assert chunks == [256]
    assert stored_files(ws) == [] and attachment_rows(ws) == []


def test_a_failed_row_write_takes_the_new_file_out_again(ws, case_id, inbox, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("database is locked")

    monkeypatch.setattr(evidence, "_record", broken)
    with pytest.raises(OSError):
        evidence.attach_file(ws, case_id, write(inbox, "a.png", png_bytes()))
    assert stored_files(ws) == []


# ------------------------------------------------------------------ the store and core


def test_put_stream_hashes_while_copying_and_cleans_up_on_a_read_error(tmp_path, monkeypatch):
    store = BlobStore(tmp_path / "files")
    monkeypatch.setattr("app.store.blobs.CHUNK", 4)

    class Flaky(io.BytesIO):
        def read(self, n=-1):
            if self.tell() >= 4:
                raise OSError("device went away")
            return super().read(n)

    with pytest.raises(OSError):
        store.put_stream(Flaky(b"abcdefgh"))
    with pytest.raises(BlobTooLarge):
        store.put_stream(io.BytesIO(b"abcdefgh"), max_bytes=6)
    assert [p for p in store.root.rglob("*") if p.is_file()] == []

    stored = store.put_stream(io.BytesIO(b"abcdefgh"))
    assert (stored.size, stored.created) == (8, True)
    assert store.read(stored.sha256) == b"abcdefgh"
    assert store.put_file(write(tmp_path, "same.bin", b"abcdefgh")) == (stored.sha256, 8)


@pytest.mark.parametrize(("name", "data", "mime"), [
    ("微信图片.jpg", png_bytes(), "image/png"),  # a PNG saved as .jpg: kept as what it is
    ("合同.docx", b"PK\x03\x04" + b"\x14\x00" * 40, "application/vnd.openxmlformats-"
     "officedocument.wordprocessingml.document"),
    ("语音.amr", b"#!AMR\n" + b"\x3c" * 64, "audio/amr"),
    ("说明.txt", "调解笔录：双方同意".encode("gb18030"), "text/plain"),
    ("说明.TXT", "调解笔录：双方同意".encode(), "text/plain"),
    ("视频.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 40,
     "video/mp4"),
])
def test_allowed_files_are_recognised_by_content(name, data, mime):
    assert recognise(name, data, complete=True).mime == mime


def test_an_office_name_on_other_content_is_refused():
    with pytest.raises(NotAllowed) as err:
        recognise("合同.docx", pdf_bytes(), complete=True)
    assert err.value.refusal is Refusal.MISMATCH
