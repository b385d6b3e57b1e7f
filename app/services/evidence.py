"""证据材料: files attached to a case, kept once by content hash in the data folder.

``attach_file`` checks the file (there, a regular file, readable, not empty, within the
size limit, an allowed kind by its content: see app/core/evidence.py), streams it into
the BlobStore while hashing, then writes the Attachment row and its audit event in one
transaction. Each refusal is an ``EvidenceError`` whose ``problem`` the UI puts into
words, with the file's name and the limit.

The same bytes are stored once: a second case attaching them gets its own row over the
same file. The same bytes attached twice to one case are refused (ALREADY_ATTACHED,
naming the evidence already there): an identical copy adds nothing to the file.

Rows come and go with sync like any other (attachments are append-only); a row synced
from a colleague may name a file not yet downloaded, which reads as BLOB_MISSING.

A row's ``filename`` and ``mime_type`` may have been written by anyone with a central
login, so neither is trusted: views carry the name made harmless for display
(app/core/filenames.py), and 打开 / 另存为 write a copy named by that name's stem and
the extension of what the *bytes* are; bytes that are a program, or no kind of evidence
we keep, are not copied out at all (UNSAFE_CONTENT). Every file attached here passed the
content check on the way in, so such bytes can only have come from outside the app.
"""

from __future__ import annotations

import io
import os
import stat
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from app.core.errors import UserFacingError
from app.core.evidence import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    HEAD_BYTES,
    EvidenceKind,
    Format,
    NotAllowed,
    Refusal,
    check_zip,
    format_of_content,
    is_zip,
    kind_of_mime,
    recognise,
    zip_kind,
)
from app.core.filenames import display_name, safe_file_name
from app.core.ids import new_id
from app.services import audit
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound
from app.services.sync import files_of
from app.services.tempfiles import RunFolder
from app.store.blobs import BlobCorrupt, BlobTooLarge, write_atomically
from app.store.models import Attachment, Case

FILENAME_MAX = 255  # the column's length


class EvidenceProblem(StrEnum):
    MISSING = "missing"  # no such file
    NOT_A_FILE = "not_a_file"  # a folder, a device …
    LINK = "link"  # a symbolic link (or it was swapped for one): attach the file itself
    UNREADABLE = "unreadable"  # no permission, or a read failed
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    DISALLOWED = "disallowed"  # see ``refusal``
    ALREADY_ATTACHED = "already_attached"  # these bytes are evidence of this case already
    STORE_FAILED = "store_failed"  # could not write into the data folder (disk full …)
    NOT_FOUND = "not_found"  # no such attachment
    BLOB_MISSING = "blob_missing"  # the row is here, the file not (yet): not downloaded
    BLOB_DAMAGED = "blob_damaged"  # the file no longer hashes to its name
    EXPORT_FAILED = "export_failed"  # could not write the copy where the user asked
    UNSAFE_CONTENT = "unsafe_content"  # stored bytes that are a program or no evidence kind


class EvidenceError(UserFacingError):
    def __init__(self, problem: EvidenceProblem, filename: str = "", *,
                 limit: int | None = None, refusal: Refusal | None = None,
                 existing: str = "") -> None:
        self.problem = problem
        self.filename = filename
        self.limit = limit  # bytes, for TOO_LARGE
        self.refusal = refusal  # for DISALLOWED
        self.existing = existing  # the name already attached, for ALREADY_ATTACHED
        detail = f" ({refusal.value})" if refusal else ""
        super().__init__(f"{filename or 'evidence'}: {problem.value}{detail}")


@dataclass(frozen=True)
class EvidenceView:
    id: uuid.UUID
    case_id: uuid.UUID
    sha256: str
    filename: str
    mime_type: str
    kind: EvidenceKind
    size: int
    created_at: datetime
    author: str  # login
    description: str
    on_disk: bool  # False: synced here, file not downloaded yet


@dataclass(frozen=True)
class AttachResult:
    changes: Changes
    evidence: EvidenceView
    stored_new: bool  # False: the same bytes were in the data folder already


class _ReadFailed(Exception):
    """Reading the user's file failed (told apart from writing the store's)."""


class _Reader:
    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def read(self, n: int) -> bytes:
        try:
            return self._fh.read(n)
        except OSError as exc:
            raise _ReadFailed() from exc


def _view(row: Attachment, on_disk: bool) -> EvidenceView:
    # The row may come from anyone with a central login: its name is display text only.
    return EvidenceView(id=row.id, case_id=row.case_id, sha256=row.sha256,
                        filename=display_name(row.filename), mime_type=row.mime_type,
                        kind=kind_of_mime(row.mime_type), size=row.size,
                        created_at=row.created_at, author=row.author,
                        description=row.description, on_disk=on_disk)


def _is_link(st: os.stat_result) -> bool:
    # A Windows junction or symbolic link is a reparse point (a .lnk shortcut is a file,
    # refused by its extension).
    return stat.S_ISLNK(st.st_mode) or bool(
        getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0))


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_NONBLOCK", 0))  # a FIFO swapped in must not hang the worker


def _open_checked(path: Path, name: str, max_bytes: int) -> BinaryIO:
    """The file itself, opened: not a link (the last part of the path; folders above it
    may be links, as /tmp is on a Mac), a regular file, and still the same file once
    open (nothing swapped in between the look and the open)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise EvidenceError(EvidenceProblem.MISSING, name) from None
    except OSError:
        raise EvidenceError(EvidenceProblem.UNREADABLE, name) from None
    if _is_link(st):
        raise EvidenceError(EvidenceProblem.LINK, name)
    if not stat.S_ISREG(st.st_mode):
        raise EvidenceError(EvidenceProblem.NOT_A_FILE, name)
    if st.st_size == 0:
        raise EvidenceError(EvidenceProblem.EMPTY, name)
    if st.st_size > max_bytes:
        raise EvidenceError(EvidenceProblem.TOO_LARGE, name, limit=max_bytes)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise EvidenceError(EvidenceProblem.MISSING, name) from None
    except OSError as exc:
        if os.path.islink(path):  # ELOOP: a link appeared after we looked
            raise EvidenceError(EvidenceProblem.LINK, name) from exc
        # PermissionError, and a file locked by another program on Windows
        raise EvidenceError(EvidenceProblem.UNREADABLE, name) from exc
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
                st.st_dev, st.st_ino):
            raise EvidenceError(EvidenceProblem.LINK, name)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _zip_names(fh: BinaryIO) -> list[str] | None:
    """The entries of a ZIP, or None when it does not read as one."""
    try:
        with zipfile.ZipFile(fh) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None


def attach_file(ws: Workstation, case_id: uuid.UUID, path: Path | str, *,
                description: str = "", max_bytes: int = DEFAULT_MAX_BYTES,
                on_progress: Callable[[int], None] | None = None) -> AttachResult:
    """Keep the file at ``path`` as evidence of the case. ``on_progress(bytes_read)`` is
    called after each chunk and may raise (e.g. to cancel): nothing is kept then."""
    path = Path(path)
    name = display_name(path.name)  # stored, synced and shown: harmless from the start
    with ws.store.sessions() as session:  # fail early, before copying 50 MB
        case = session.get(Case, case_id)
        if case is None or case.deleted:
            raise CaseNotFound(case_id)
    blobs = files_of(ws.store)
    with _open_checked(path, name, max_bytes) as fh:
        try:
            head = fh.read(HEAD_BYTES)
            fh.seek(0)
        except OSError as exc:
            raise EvidenceError(EvidenceProblem.UNREADABLE, name) from exc
        try:
            recognised = recognise(name, head, complete=len(head) < HEAD_BYTES)
            if is_zip(head):  # a JAR renamed .docx runs where Java is installed
                try:
                    names = _zip_names(fh)
                    fh.seek(0)
                except OSError as exc:
                    raise EvidenceError(EvidenceProblem.UNREADABLE, name) from exc
                if names is None:
                    raise NotAllowed(Refusal.MISMATCH, "unreadable zip")
                recognised = check_zip(recognised, zip_kind(names))
        except NotAllowed as exc:
            raise EvidenceError(EvidenceProblem.DISALLOWED, name, refusal=exc.refusal) from exc
        try:
            stored = blobs.put_stream(_Reader(fh), max_bytes=max_bytes, on_chunk=on_progress)
        except BlobTooLarge:  # it grew after we looked
            raise EvidenceError(EvidenceProblem.TOO_LARGE, name, limit=max_bytes) from None
        except _ReadFailed as exc:
            raise EvidenceError(EvidenceProblem.UNREADABLE, name) from exc.__cause__
        except OSError as exc:
            raise EvidenceError(EvidenceProblem.STORE_FAILED, name) from exc
    if stored.size == 0:  # emptied after we looked
        if stored.created:
            blobs.remove(stored.sha256)
        raise EvidenceError(EvidenceProblem.EMPTY, name)
    try:
        return _record(ws, case_id, name, recognised.mime, stored.sha256, stored.size,
                       description.strip(), stored.created)
    except BaseException:
        if stored.created:  # no row names the new file: do not leave it behind
            blobs.remove(stored.sha256)
        raise


def _record(ws: Workstation, case_id: uuid.UUID, name: str, mime: str, sha: str, size: int,
            description: str, created: bool) -> AttachResult:
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None or case.deleted:
            raise CaseNotFound(case_id)
        same = session.execute(
            select(Attachment.filename).where(Attachment.case_id == case_id,
                                              Attachment.sha256 == sha,
                                              Attachment.deleted.is_(False))
        ).first()
        if same is not None:
            raise EvidenceError(EvidenceProblem.ALREADY_ATTACHED, name,
                                existing=display_name(same[0]))
        row = Attachment(id=new_id(), case_id=case_id, sha256=sha, filename=name,
                         mime_type=mime, size=size, created_at=now, author=ws.actor.login,
                         description=description, version=1, modified_at=now,
                         modified_by=ws.actor.login)
        session.add(row)
        audit.record(session, actor=ws.actor.login, entity="attachments", entity_id=row.id,
                     action="create", changes=audit.snapshot(
                         row, ["filename", "mime_type", "size", "sha256", "description"]),
                     case_id=case_id, office_id=case.office_id, at=now)
        session.flush()
        view = _view(row, on_disk=True)
    return AttachResult(Changes(case_ids=frozenset({case_id}), history=True, evidence=True),
                        view, stored_new=created)


def list_evidence(ws: Workstation, case_id: uuid.UUID) -> list[EvidenceView]:
    """The case's evidence, oldest first."""
    blobs = files_of(ws.store)
    with ws.store.sessions() as session:
        rows = session.execute(
            select(Attachment).where(Attachment.case_id == case_id,
                                     Attachment.deleted.is_(False))
            .order_by(Attachment.created_at, Attachment.filename)
        ).scalars().all()
        return [_view(row, blobs.has(row.sha256)) for row in rows]


def get_evidence(ws: Workstation, attachment_id: uuid.UUID) -> EvidenceView:
    with ws.store.sessions() as session:
        row = session.get(Attachment, attachment_id)
        if row is None or row.deleted:
            raise EvidenceError(EvidenceProblem.NOT_FOUND)
        return _view(row, files_of(ws.store).has(row.sha256))


def evidence_path(ws: Workstation, sha256: str, *, filename: str = "",
                  verify: bool = True) -> Path:
    """The stored file of ``sha256``, checked against its hash first unless ``verify``
    is False. BLOB_MISSING / BLOB_DAMAGED name ``filename``. In an encrypted store this
    is the encrypted file: read the content with ``evidence_bytes``."""
    blobs = files_of(ws.store)
    try:
        if verify:
            return blobs.check(sha256)
        path = blobs.path_for(sha256)
        if not path.is_file():
            raise FileNotFoundError(path)
        return path
    except FileNotFoundError:
        raise EvidenceError(EvidenceProblem.BLOB_MISSING, filename) from None
    except BlobCorrupt:
        raise EvidenceError(EvidenceProblem.BLOB_DAMAGED, filename) from None


def read_evidence(ws: Workstation, view: EvidenceView) -> bytes:
    """The stored bytes, checked against their hash (for a preview)."""
    try:
        return files_of(ws.store).read(view.sha256)
    except FileNotFoundError:
        raise EvidenceError(EvidenceProblem.BLOB_MISSING, view.filename) from None
    except (BlobCorrupt, OSError):
        raise EvidenceError(EvidenceProblem.BLOB_DAMAGED, view.filename) from None


def _content(ws: Workstation, view: EvidenceView) -> tuple[bytes, Format]:
    """The stored bytes (checked against their hash) and the format they really are."""
    data = read_evidence(ws, view)
    names = _zip_names(io.BytesIO(data)) if is_zip(data) else None
    try:
        found = format_of_content(data[:HEAD_BYTES], complete=len(data) <= HEAD_BYTES,
                                  zip_names=names, hint_mime=view.mime_type)
    except NotAllowed as exc:
        raise EvidenceError(EvidenceProblem.UNSAFE_CONTENT, view.filename,
                            refusal=exc.refusal) from None
    return data, found


def copy_name(ws: Workstation, attachment_id: uuid.UUID) -> str:
    """The name a copy gets (另存为 offers it): the display name's stem and the extension
    of what the bytes are. UNSAFE_CONTENT for bytes not to be copied out at all."""
    view = get_evidence(ws, attachment_id)
    _data, found = _content(ws, view)
    return safe_file_name(view.filename, found.extension)


def export_evidence(ws: Workstation, attachment_id: uuid.UUID, target: Path | str, *,
                    read_only: bool = False) -> Path:
    """另存为: the checked bytes to ``target``, whole under its name or not at all.
    UNSAFE_CONTENT for bytes that are a program or no kind of evidence we keep."""
    view = get_evidence(ws, attachment_id)
    data, _found = _content(ws, view)
    target = Path(target)
    try:
        write_atomically(target, data, prefix=".export-")
        if read_only:
            os.chmod(target, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    except OSError as exc:
        raise EvidenceError(EvidenceProblem.EXPORT_FAILED, view.filename) from exc
    return target


def open_copy(ws: Workstation, attachment_id: uuid.UUID, temp: RunFolder) -> Path:
    """打开: a read-only copy for the computer's own program, in a new folder of its own
    inside the run's private temp folder, named by ``copy_name``. Nothing is written
    anywhere else, whatever the row's name says."""
    view = get_evidence(ws, attachment_id)
    data, found = _content(ws, view)
    slot = temp.slot()  # 0700, one per copy: equal names never meet
    target = slot / safe_file_name(view.filename, found.extension)
    if target.parent != slot or target.name in ("", ".", ".."):
        raise EvidenceError(EvidenceProblem.UNSAFE_CONTENT, view.filename)  # cannot happen
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
             | getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(target, flags, 0o400)  # read-only: the evidence must not be edited
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise EvidenceError(EvidenceProblem.EXPORT_FAILED, view.filename) from exc
    return target


def suggested_name(view: EvidenceView) -> str:
    """A name before the bytes were looked at: the display name's stem and the
    extension of the stored type when that is a kind we keep (``copy_name`` is the one
    to trust; this one only labels)."""
    for f in FORMATS.values():
        if f.mime == view.mime_type:
            return safe_file_name(view.filename, f.extension)
    return display_name(view.filename)
