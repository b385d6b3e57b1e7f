"""Attachment files between a workstation and the central database, by content hash.

A file goes up before the attachment row that names it, once per hash (a file the
central database holds already is not sent again), and is checked on arrival: the
central database hashes the bytes it stored and the transaction fails on a mismatch.
Coming down, the bytes are checked against the hash before they are kept.
"""

from __future__ import annotations

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DataError, IntegrityError

from app.store.base import utcnow
from app.store.blobs import BlobCorrupt, BlobStore, sha256_of
from app.store.models import Blob
from app.sync.central import is_postgresql


def central_has(conn, sha256: str) -> bool:
    if is_postgresql(conn):
        # Whether this office holds the bytes: another office's copy must be sent
        # again (knowing a hash is no proof of having the file).
        return bool(conn.execute(text("SELECT md_blob_exists(:h)"), {"h": sha256}).scalar())
    return conn.execute(select(Blob.sha256).where(Blob.sha256 == sha256)).first() is not None


def upload_missing(central: Engine, store: BlobStore, hashes: list[str], *, actor: str) -> int:
    """Send the files the central database lacks. Returns how many were sent."""
    sent = 0
    for sha in dict.fromkeys(hashes):
        with central.begin() as conn:
            if central_has(conn, sha):
                continue
            if not store.has(sha):
                continue  # the row goes up and is refused or fetched later; nothing to send
            data = store.read(sha)
            if is_postgresql(conn):
                # Checked against its hash by the server, and readable by this office.
                try:
                    conn.execute(text("SELECT public.md_put_blob(:h, :d)"),
                                 {"h": sha, "d": data})
                except DataError as exc:
                    raise BlobCorrupt(f"{sha} did not arrive intact") from exc
                sent += 1
                continue
            try:
                # A racing upload of the same file fails here and is there next time.
                with conn.begin_nested():
                    conn.execute(insert(Blob).values(sha256=sha, size=len(data), data=data,
                                                     uploaded_by=actor, uploaded_at=utcnow()))
            except IntegrityError:
                continue
            stored = sha256_of(conn.execute(select(Blob.data).where(Blob.sha256 == sha))
                               .scalar_one())
            if stored is not None and stored != sha:
                raise BlobCorrupt(f"central copy of {sha} hashes to {stored}")
            sent += 1
    return sent


def download_missing(central: Engine, store: BlobStore, hashes: list[str]) -> int:
    """Fetch the files this workstation lacks; each is checked before it is kept."""
    fetched = 0
    for sha in dict.fromkeys(hashes):
        if store.has(sha):
            continue
        with central.connect() as conn:
            data = conn.execute(select(Blob.data).where(Blob.sha256 == sha)).scalar()
        if data is None:
            continue  # not uploaded yet; the next sync tries again
        store.put_bytes(bytes(data), expected=sha)
        fetched += 1
    return fetched
